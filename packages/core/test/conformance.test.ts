/**
 * Every image request body the client builds validates against the request schema of its
 * operation in Azure's specs, and every image answer the tests use validates against the
 * response schema. v1 paths are checked against v1-preview; deployment paths against 2024-10-21
 * (DALL-E 3, the models that version serves) or 2025-04-01-preview (gpt-image). v1-preview has
 * no images/edits operation, so edits are checked against 2025-04-01-preview on both routes;
 * DALL-E 2 edits have no spec that lists their sizes, so they are covered by validation tests only.
 */
import { describe, expect, it } from 'vitest';
import { AzureOpenAIMedia, type ImageEditRequest, type ImageGenerateRequest } from '../src/index.js';
import { capturingFetch, jsonResponse } from './capture.js';
import * as fx from './fixtures.js';
import { formToObject, openSpec, SPEC_SKIP_REASON, specAvailable } from './spec.js';

if (!specAvailable) console.warn(`conformance: ${SPEC_SKIP_REASON}`);

const V1 = 'v1-preview.json';
const GA = '2024-10-21-inference.json';
const PREVIEW = '2025-04-01-preview-inference.json';
const DEPLOYMENT_GENERATE = '/deployments/{deployment-id}/images/generations';
const DEPLOYMENT_EDIT = '/deployments/{deployment-id}/images/edits';

type Omit1<T> = Omit<T, 'model'>;
/** Requests the tests send, per model (every one passes strict validation). */
const generateRequests: [string, Omit1<ImageGenerateRequest>][] = [
  ['gpt-image-1', { prompt: 'a red fox' }],
  [
    'gpt-image-1',
    {
      prompt: 'a red fox',
      n: 3,
      size: '1536x1024',
      quality: 'high',
      output_format: 'jpeg',
      output_compression: 60,
      background: 'opaque',
      user: 'u-1',
    },
  ],
  [
    'gpt-image-1',
    { prompt: 'a sticker', background: 'transparent', output_format: 'png', size: 'auto', quality: 'auto' },
  ],
  ['gpt-image-1-mini', { prompt: 'a cat', size: '1024x1536', quality: 'low' }],
  ['gpt-image-1.5', { prompt: 'a cat', n: 10, size: '1024x1024', quality: 'medium' }],
  [
    'dall-e-3',
    {
      prompt: 'a lighthouse',
      n: 1,
      size: '1792x1024',
      quality: 'hd',
      style: 'natural',
      response_format: 'b64_json',
      user: 'u-2',
    },
  ],
  [
    'dall-e-3',
    {
      prompt: 'a lighthouse',
      size: '1024x1792',
      quality: 'standard',
      style: 'vivid',
      response_format: 'url',
    },
  ],
];
/** Only on v1: values the dated deployment specs do not list (webp, moderation, DALL-E 2 sizes). */
const v1OnlyGenerateRequests: [string, Omit1<ImageGenerateRequest>][] = [
  [
    'gpt-image-1',
    {
      prompt: 'a fox',
      output_format: 'webp',
      output_compression: 90,
      background: 'transparent',
      moderation: 'low',
    },
  ],
  ['dall-e-2', { prompt: 'a fox', n: 4, size: '512x512', quality: 'standard', response_format: 'url' }],
  ['dall-e-2', { prompt: 'a fox', size: '256x256', response_format: 'b64_json' }],
];
const editRequests: [string, Omit1<ImageEditRequest>][] = [
  ['gpt-image-1', { prompt: 'add a hat', image: fx.makePng(8, 8) }],
  [
    'gpt-image-1',
    {
      prompt: 'combine',
      image: [fx.makePng(8, 8), fx.makePng(4, 4)],
      mask: fx.makePng(8, 8),
      n: 2,
      size: '1024x1024',
      quality: 'high',
    },
  ],
  [
    'gpt-image-1-mini',
    {
      prompt: 'x',
      image: new Blob([fx.makePng(8, 8)]),
      output_format: 'jpeg',
      output_compression: 50,
      background: 'opaque',
      user: 'u',
    },
  ],
];

async function capture(apiVersion: string, send: (c: AzureOpenAIMedia) => Promise<unknown>) {
  const { fetch, calls } = capturingFetch(() => jsonResponse(200, fx.gptImageResponse()));
  await send(
    new AzureOpenAIMedia({
      endpoint: 'https://r.openai.azure.com',
      auth: { apiKey: 'k' },
      apiVersion,
      // The specs describe these older models; the lifecycle check is not under test here.
      allowRetiredModels: true,
      fetch,
    }),
  );
  const call = calls[0]!;
  return {
    url: new URL(call.url),
    body: call.rawBody instanceof FormData ? formToObject(call.rawBody) : call.body,
  };
}

describe.skipIf(!specAvailable)(
  `conformance with Azure OpenAPI specs${specAvailable ? '' : ` (${SPEC_SKIP_REASON})`}`,
  () => {
    describe('images/generations request bodies', () => {
      it.each([...generateRequests, ...v1OnlyGenerateRequests])('v1: %s %j', async (model, request) => {
        const { url, body } = await capture('preview', (c) => c.images.generate({ model, ...request }));
        expect(url.pathname).toBe('/openai/v1/images/generations');
        const spec = openSpec(V1);
        expect(spec.checkRequest('/images/generations', 'post', body)).toEqual([]);
        // v1-preview lists every field it takes: nothing we send may be outside it.
        const declared = spec.declaredProperties(spec.requestRef('/images/generations', 'post'));
        expect(Object.keys(body as object).filter((k) => !declared.has(k))).toEqual([]);
      });

      it.each(generateRequests)('deployment: %s %j', async (model, request) => {
        const file = model === 'dall-e-3' ? GA : PREVIEW;
        const apiVersion = model === 'dall-e-3' ? '2024-10-21' : '2025-04-01-preview';
        const { url, body } = await capture(apiVersion, (c) => c.images.generate({ model, ...request }));
        expect(url.pathname).toBe(`/openai/deployments/${model}/images/generations`);
        expect(body).not.toHaveProperty('model');
        expect(openSpec(file).checkRequest(DEPLOYMENT_GENERATE, 'post', body)).toEqual([]);
      });

      it('the check itself rejects a body the spec forbids', () => {
        const problems = openSpec(GA).checkRequest(DEPLOYMENT_GENERATE, 'post', {
          prompt: 'x',
          n: 2,
          size: '512x512',
        });
        expect(problems.join('\n')).toMatch(
          /\/n must be <= 1[\s\S]*\/size must be equal to one of the allowed values/,
        );
        expect(openSpec(V1).checkRequest('/images/generations', 'post', { prompt: 'x' })[0]).toContain(
          "must have required property 'model'",
        );
        expect(
          openSpec(V1).checkRequest('/images/generations', 'post', { model: 'm', prompt: 'x', n: null }),
        ).toEqual([]);
      });
    });

    describe('images/edits request bodies (multipart)', () => {
      it.each(editRequests)('%s on both routes', async (model, request) => {
        for (const apiVersion of ['preview', '2025-04-01-preview']) {
          const { url, body } = await capture(apiVersion, (c) => c.images.edit({ model, ...request }));
          expect(url.pathname).toBe(
            apiVersion === 'preview'
              ? '/openai/v1/images/edits'
              : `/openai/deployments/${model}/images/edits`,
          );
          expect(openSpec(PREVIEW).checkRequest(DEPLOYMENT_EDIT, 'post', body, { coerce: true })).toEqual([]);
        }
      });
    });

    describe('answers used as fixtures', () => {
      const success: [string, unknown][] = [
        ['gpt-image response', fx.gptImageResponse(2)],
        [
          'dall-e URL response',
          fx.dalleUrlResponse(
            'https://dalleprodsec.blob.core.windows.net/private/images/x.png?se=2030&sig=abc',
          ),
        ],
      ];
      it.each(success)('%s matches v1-preview and both dated specs', (_label, body) => {
        expect(openSpec(V1).checkResponse('/images/generations', 'post', 200, body)).toEqual([]);
        expect(openSpec(GA).checkResponse(DEPLOYMENT_GENERATE, 'post', 200, body)).toEqual([]);
        expect(openSpec(PREVIEW).checkResponse(DEPLOYMENT_GENERATE, 'post', 200, body)).toEqual([]);
        expect(openSpec(PREVIEW).checkResponse(DEPLOYMENT_EDIT, 'post', 200, body)).toEqual([]);
      });

      const imageErrors: [string, unknown][] = [
        ['content policy violation', fx.IMAGE_CONTENT_POLICY_ERROR],
        ['content filter', fx.IMAGE_CONTENT_FILTER_ERROR],
        ['inner code only', fx.IMAGE_INNER_ONLY_ERROR],
        ['resource blocked', fx.RESOURCE_BLOCKED_ERROR],
        ['bad request', fx.BAD_REQUEST_ERROR],
        ['unauthorized', fx.UNAUTHORIZED_ERROR],
        ['rate limit', fx.RATE_LIMIT_ERROR],
        ['not found', fx.NOT_FOUND_ERROR],
      ];
      it.each(imageErrors)('image error %s matches the deployment error schema', (_label, body) => {
        expect(openSpec(GA).checkResponse(DEPLOYMENT_GENERATE, 'post', 'default', body)).toEqual([]);
        expect(openSpec(PREVIEW).checkResponse(DEPLOYMENT_GENERATE, 'post', 'default', body)).toEqual([]);
      });

      it.each([
        ['video content filter', fx.VIDEO_UNWRAPPED_ERROR],
        ['video bad request', fx.VIDEO_PLAIN_ERROR],
      ])('%s matches the unwrapped video error schema', (_label, body) => {
        expect(openSpec(V1).checkSchema('AzureOpenAIVideoGenerationErrorResponse', body)).toEqual([]);
      });

      it('the response check rejects a malformed answer', () => {
        expect(openSpec(V1).checkResponse('/images/generations', 'post', 200, { data: [] })[0]).toContain(
          "required property 'created'",
        );
      });
    });
  },
);
