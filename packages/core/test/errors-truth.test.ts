/**
 * Errors say what happened: a filtered image is never an empty success, a failing credential is an
 * authentication error at once, a rate limit that cannot be waited out is a RateLimitError, a wait
 * that runs out names its own limit, and a video refused by moderation carries Azure's inner_error.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  AzureOpenAIMedia,
  ContentFilterError,
  InvalidResponseError,
  RateLimitError,
  TimeoutError,
  TokenProviderError,
  toImagesResult,
  type ClientOptions,
} from '../src/index.js';
import { makePng } from './fixtures.js';
import { json, startServer, type TestServer } from './server.js';

const PNG_B64 = Buffer.from(makePng(2, 2)).toString('base64');
const FILTERED = {
  hate: { filtered: false, severity: 'safe' },
  violence: { filtered: true, severity: 'high' },
};

let server: TestServer;
beforeAll(async () => {
  server = await startServer((_req, res) => json(res, 500, {}));
});
afterAll(() => server.close());
afterEach(() => {
  server.requests.length = 0;
});

function client(extra: Partial<ClientOptions> = {}): AzureOpenAIMedia {
  return new AzureOpenAIMedia({
    endpoint: server.url,
    auth: { apiKey: 'k' },
    allowRetiredModels: true,
    sleep: async () => undefined,
    ...extra,
  });
}

describe('filtered images', () => {
  it('an answer whose every image was withheld is a ContentFilterError with the revised prompt and categories', async () => {
    server.handler = (_req, res) =>
      json(res, 200, {
        created: 1,
        data: [{ revised_prompt: 'a calmer scene', content_filter_results: FILTERED }],
      });
    const error = (await client()
      .images.generate({ model: 'gpt-image-1', prompt: 'a battle' })
      .catch((e: unknown) => e)) as ContentFilterError;
    expect(error).toBeInstanceOf(ContentFilterError);
    expect(error.status).toBe(200);
    expect(error.revisedPrompt).toBe('a calmer scene');
    expect(error.categories).toEqual(['violence']);
    expect(server.requests).toHaveLength(1);
  });

  it('partly filtered: each withheld image is marked filtered, the others carry bytes', () => {
    const result = toImagesResult({
      created: 1,
      data: [{ b64_json: PNG_B64 }, { content_filter_results: FILTERED }, { url: 'https://x/y.png' }],
    });
    expect(result.images.map((i) => [i.filtered ?? false, i.bytes !== undefined, i.url ?? null])).toEqual([
      [false, true, null],
      [true, false, null],
      [false, false, 'https://x/y.png'],
    ]);
    expect(result.images[1]!.contentFilterResults).toEqual(FILTERED);
  });

  it('a filtered prompt with no images is a ContentFilterError', () => {
    expect(() =>
      toImagesResult({
        created: 1,
        data: [],
        prompt_filter_results: [{ prompt_index: 0, content_filter_results: FILTERED }],
      }),
    ).toThrow(ContentFilterError);
  });

  it('an image with neither data nor a link, and no filter verdict, is an InvalidResponseError, not an empty image', () => {
    expect(() => toImagesResult({ created: 1, data: [{}] })).toThrow(InvalidResponseError);
    expect(() => toImagesResult({ created: 1, data: [] })).toThrow(InvalidResponseError);
  });
});

describe('token provider failures', () => {
  it('are a TokenProviderError (an AuthenticationError) at once, with the provider message, never retried', async () => {
    let calls = 0;
    const c = client({
      auth: {
        tokenProvider: async () => {
          calls++;
          throw new Error('AADSTS7000215: Invalid client secret provided.');
        },
      },
      maxRetries: 5,
    });
    const error = (await c.images
      .generate({ model: 'gpt-image-1', prompt: 'p' })
      .catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(TokenProviderError);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toContain('AADSTS7000215: Invalid client secret provided.');
    expect((error.cause as Error).message).toContain('AADSTS7000215');
    expect(calls).toBe(1);
    expect(server.requests).toHaveLength(0);
  });

  it('a provider that returns no token is the same error', async () => {
    const c = client({ auth: { tokenProvider: async () => '' } });
    await expect(c.images.generate({ model: 'gpt-image-1', prompt: 'p' })).rejects.toBeInstanceOf(
      TokenProviderError,
    );
    expect(server.requests).toHaveLength(0);
  });

  it('a provider that throws synchronously is the same error', async () => {
    const c = client({
      auth: {
        tokenProvider: () => {
          throw new Error('no login');
        },
      },
    });
    await expect(c.images.generate({ model: 'gpt-image-1', prompt: 'p' })).rejects.toThrow('no login');
  });
});

describe('waiting for a video', () => {
  const job = (status: string, extra: Record<string, unknown> = {}) => ({
    object: 'video',
    id: 'video_1',
    status,
    model: 'sora-2',
    created_at: 1,
    seconds: '4',
    size: '1280x720',
    ...extra,
  });

  it('a wait that times out names its own limit, not the remaining time of its last poll', async () => {
    let polls = 0;
    server.handler = (_req, res) => {
      // The first poll answers; the second hangs until the wait runs out.
      if (++polls === 1) json(res, 200, job('in_progress', { progress: 10 }));
    };
    const error = (await client()
      .videos.wait({ id: 'video_1', api: 'videos' }, { timeoutMs: 250, pollIntervalMs: 50 })
      .catch((e: unknown) => e)) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toBe('waiting for the video job timed out after 250 ms');
    expect(polls).toBe(2);
  });

  it('a 429 during a wait that asks for longer than the wait has left is a RateLimitError at once', async () => {
    server.handler = (_req, res) =>
      json(res, 429, { error: { code: '429', message: 'slow down' } }, { 'retry-after': '120' });
    const sleeps: number[] = [];
    const error = (await client({
      sleep: async (ms) => void sleeps.push(ms),
    })
      .videos.wait({ id: 'video_1', api: 'videos' }, { timeoutMs: 30_000 })
      .catch((e: unknown) => e)) as RateLimitError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfterMs).toBe(60_000);
    expect(sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it("a video refused by moderation is a ContentFilterError carrying Azure's inner_error", async () => {
    const inner = {
      code: 'ResponsibleAIPolicyViolation',
      revised_prompt: 'a calm harbour',
      error_details: { violence: { filtered: true, severity: 'medium' } },
    };
    server.handler = (_req, res) =>
      json(
        res,
        200,
        job('failed', { error: { code: 'moderation_blocked', message: 'blocked', inner_error: inner } }),
      );
    const error = (await client()
      .videos.wait({ id: 'video_1', api: 'videos' })
      .catch((e: unknown) => e)) as ContentFilterError;
    expect(error).toBeInstanceOf(ContentFilterError);
    expect(error.innerError).toEqual(inner);
    expect(error.revisedPrompt).toBe('a calm harbour');
    expect(error.categories).toEqual(['violence']);
  });
});
