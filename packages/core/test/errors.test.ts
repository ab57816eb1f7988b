import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  AzureOpenAIError,
  AzureOpenAIMedia,
  BadRequestError,
  ConflictError,
  ContentFilterError,
  errorFromResponse,
  NotFoundError,
  PayloadTooLargeError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  UnprocessableEntityError,
} from '../src/index.js';
import { capturingFetch, jsonResponse } from './capture.js';
import {
  BAD_REQUEST_ERROR,
  IMAGE_CONTENT_FILTER_ERROR,
  IMAGE_CONTENT_POLICY_ERROR,
  IMAGE_INNER_ONLY_ERROR,
  NOT_FOUND_ERROR,
  RATE_LIMIT_ERROR,
  RESOURCE_BLOCKED_ERROR,
  UNAUTHORIZED_ERROR,
  VIDEO_PLAIN_ERROR,
  VIDEO_UNWRAPPED_ERROR,
} from './fixtures.js';

const h = (init: Record<string, string> = {}) => new Headers(init);

describe('errorFromResponse', () => {
  const cases: [
    string,
    number,
    unknown,
    new (...args: never[]) => AzureOpenAIError,
    Partial<Record<string, unknown>>,
  ][] = [
    [
      'wrapped image bad request',
      400,
      BAD_REQUEST_ERROR,
      BadRequestError,
      { code: 'invalid_value', param: 'size', type: 'invalid_request_error' },
    ],
    ['unauthorized', 401, UNAUTHORIZED_ERROR, AuthenticationError, { code: '401' }],
    [
      'resource blocked (403 with content_filter code)',
      403,
      RESOURCE_BLOCKED_ERROR,
      PermissionDeniedError,
      { code: 'content_filter' },
    ],
    ['deployment not found', 404, NOT_FOUND_ERROR, NotFoundError, { code: 'DeploymentNotFound' }],
    ['conflict', 409, { error: { code: 'conflict', message: 'busy' } }, ConflictError, { code: 'conflict' }],
    ['too large', 413, { error: { code: 'too_large', message: 'file too large' } }, PayloadTooLargeError, {}],
    ['unprocessable', 422, { error: { code: 'x', message: 'bad' } }, UnprocessableEntityError, {}],
    ['rate limited', 429, RATE_LIMIT_ERROR, RateLimitError, { code: '429' }],
    ['server error', 500, { error: { code: 'InternalServerError', message: 'boom' } }, ServerError, {}],
    [
      'unwrapped video error',
      400,
      VIDEO_PLAIN_ERROR,
      BadRequestError,
      { code: 'InvalidRequest', param: 'n_seconds' },
    ],
    ['teapot', 418, { error: { message: 'odd' } }, AzureOpenAIError, {}],
  ];
  it.each(cases)('%s', (_label, status, body, cls, fields) => {
    const error = errorFromResponse(status, h({ 'apim-request-id': 'r-1' }), JSON.stringify(body));
    expect(error).toBeInstanceOf(cls);
    expect(error).not.toBeInstanceOf(ContentFilterError);
    expect(error.status).toBe(status);
    expect(error.requestId).toBe('r-1');
    expect(error).toMatchObject(fields);
    const message = ((body as { error?: { message?: string } }).error ?? (body as { message?: string }))
      .message!;
    expect(error.message).toContain(message);
    expect(error.body).toEqual(body);
  });

  it.each([
    [
      'content_policy_violation with inner ResponsibleAIPolicyViolation',
      IMAGE_CONTENT_POLICY_ERROR,
      'content_policy_violation',
      'A dramatic scene of a battle.',
      ['violence'],
    ],
    ['top-level content_filter', IMAGE_CONTENT_FILTER_ERROR, 'content_filter', undefined, []],
    ['inner code only', IMAGE_INNER_ONLY_ERROR, 'BadRequest', undefined, ['sexual']],
    ['unwrapped video filter', VIDEO_UNWRAPPED_ERROR, 'contentFilter', 'a calmer prompt', ['violence']],
  ])('content filter: %s', (_label, body, code, revised, categories) => {
    const error = errorFromResponse(400, h(), JSON.stringify(body)) as ContentFilterError;
    expect(error).toBeInstanceOf(ContentFilterError);
    expect(error).toBeInstanceOf(AzureOpenAIError);
    expect(error.code).toBe(code);
    expect(error.revisedPrompt).toBe(revised);
    expect(error.categories).toEqual(categories);
  });

  it("a video content-filter error carries Azure's inner_error and its error_details", () => {
    const error = errorFromResponse(400, h(), JSON.stringify(VIDEO_UNWRAPPED_ERROR)) as ContentFilterError;
    expect(error.innerError).toEqual(VIDEO_UNWRAPPED_ERROR.inner_error);
    expect(error.filterResults).toEqual(VIDEO_UNWRAPPED_ERROR.inner_error.error_details);
  });

  it('keeps the filter results of an image policy violation', () => {
    const error = errorFromResponse(
      400,
      h(),
      JSON.stringify(IMAGE_CONTENT_POLICY_ERROR),
    ) as ContentFilterError;
    expect(error.filterResults).toEqual(IMAGE_CONTENT_POLICY_ERROR.error.inner_error.content_filter_results);
  });

  it.each([
    [
      'HTML',
      502,
      '<html><body>Bad Gateway</body></html>',
      ServerError,
      '502 <html><body>Bad Gateway</body></html>',
    ],
    ['plain text', 500, 'upstream connect error', ServerError, 'upstream connect error'],
    ['empty', 503, '', ServerError, 'HTTP 503 with no error message'],
    ['JSON without message', 400, '{"foo":1}', BadRequestError, 'HTTP 400 with no error message'],
    [
      'truncated JSON',
      400,
      '{"error": {"code": "x", "mess',
      BadRequestError,
      '{"error": {"code": "x", "mess',
    ],
    ['JSON null', 404, 'null', NotFoundError, 'HTTP 404 with no error message'],
  ])('non-JSON or malformed body: %s', (_label, status, text, cls, message) => {
    const error = errorFromResponse(status, h({ 'x-request-id': 'x-2' }), text);
    expect(error).toBeInstanceOf(cls);
    expect(error.message).toContain(message);
    expect(error.message).toContain('(request id x-2)');
  });

  it('takes the request id from apim-request-id before x-request-id', () => {
    expect(errorFromResponse(500, h({ 'apim-request-id': 'a', 'x-request-id': 'b' }), '').requestId).toBe(
      'a',
    );
    expect(errorFromResponse(500, h({ 'x-request-id': 'b' }), '').requestId).toBe('b');
  });

  it('gives RateLimitError the wait Azure asked for', async () => {
    const { fetch } = capturingFetch([jsonResponse(429, RATE_LIMIT_ERROR, { 'retry-after-ms': '1234' })]);
    const client = new AzureOpenAIMedia({
      endpoint: 'https://r.openai.azure.com',
      auth: { apiKey: 'k' },
      allowRetiredModels: true,
      fetch,
      maxRetries: 0,
    });
    const error = await client.images
      .generate({ model: 'gpt-image-1', prompt: 'p' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(1234);
  });
});
