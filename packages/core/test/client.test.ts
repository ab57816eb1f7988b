import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AzureOpenAIMedia, ConfigurationError, type Auth } from '../src/index.js';
import { capturingFetch, jsonResponse } from './capture.js';
import { gptImageResponse, SMALL_PNG, TEST_NOW } from './fixtures.js';

const ENDPOINT = 'https://res.openai.azure.com';

describe('URL, headers and body for both URL styles and every auth form', () => {
  let tokenCalls = 0;
  const auths: [string, () => Auth, Record<string, string>[]][] = [
    ['apiKey', () => ({ apiKey: 'k-123' }), [{ 'api-key': 'k-123' }, { 'api-key': 'k-123' }]],
    [
      'bearerToken',
      () => ({ bearerToken: 't-abc' }),
      [{ authorization: 'Bearer t-abc' }, { authorization: 'Bearer t-abc' }],
    ],
    [
      'tokenProvider',
      () => {
        tokenCalls = 0;
        return { tokenProvider: async () => `fresh-${++tokenCalls}` };
      },
      // Called per request, so the second call carries a new token.
      [{ authorization: 'Bearer fresh-1' }, { authorization: 'Bearer fresh-2' }],
    ],
  ];
  const styles: [string, string | undefined, string, (body: unknown) => unknown][] = [
    [
      'v1 (default, GA without api-version)',
      undefined,
      `${ENDPOINT}/openai/v1/images/generations`,
      (b) => ({ model: 'img-prod', ...(b as object) }),
    ],
    [
      'v1',
      'v1',
      `${ENDPOINT}/openai/v1/images/generations`,
      (b) => ({ model: 'img-prod', ...(b as object) }),
    ],
    [
      'preview',
      'preview',
      `${ENDPOINT}/openai/v1/images/generations?api-version=preview`,
      (b) => ({ model: 'img-prod', ...(b as object) }),
    ],
    [
      'dated GA',
      '2024-10-21',
      `${ENDPOINT}/openai/deployments/img-prod/images/generations?api-version=2024-10-21`,
      (b) => b,
    ],
    [
      'dated preview',
      '2025-04-01-preview',
      `${ENDPOINT}/openai/deployments/img-prod/images/generations?api-version=2025-04-01-preview`,
      (b) => b,
    ],
  ];
  for (const [authName, makeAuth, expectedHeaders] of auths) {
    for (const [styleName, apiVersion, url, expectBody] of styles) {
      it(`${styleName} with ${authName}`, async () => {
        const { fetch, calls } = capturingFetch(() => jsonResponse(200, gptImageResponse()));
        const client = new AzureOpenAIMedia({
          endpoint: `${ENDPOINT}/openai/`,
          auth: makeAuth(),
          ...(apiVersion ? { apiVersion } : {}),
          deployments: { 'img-prod': 'gpt-image-1.5' },
          now: () => TEST_NOW,
          fetch,
          defaultHeaders: { 'x-team': 'media' },
        });
        const request = {
          prompt: 'a fox',
          size: '1024x1536' as const,
          quality: 'high' as const,
          output_format: 'jpeg' as const,
          output_compression: 70,
        };
        await client.images.generate({ model: 'img-prod', ...request });
        await client.images.generate({ model: 'img-prod', ...request });
        expect(calls).toHaveLength(2);
        calls.forEach((call, i) => {
          expect(call.url).toBe(url);
          expect(call.method).toBe('POST');
          expect(call.body).toEqual(expectBody(request));
          const { 'content-type': ct, accept, 'x-team': team, ...auth } = call.headers;
          expect([ct, accept, team]).toEqual(['application/json', 'application/json', 'media']);
          expect(auth).toEqual(expectedHeaders[i]);
        });
      });
    }
  }

  it('one header per name whatever its case: the key wins over a default, a call accept over ours', async () => {
    const seen: Headers[] = [];
    const client = new AzureOpenAIMedia({
      endpoint: ENDPOINT,
      auth: { apiKey: 'k-real' },
      now: () => TEST_NOW,
      defaultHeaders: { 'API-Key': 'k-default', Accept: 'text/plain', 'X-Team': 'media' },
      fetch: async (_url, init) => {
        // What fetch would send: duplicate spellings of a name would be joined into one value.
        seen.push(new Headers(init?.headers));
        return jsonResponse(200, gptImageResponse());
      },
    });
    await client.images.generate({ model: 'gpt-image-1.5', prompt: 'p' });
    expect(Object.fromEntries(seen[0]!)).toEqual({
      'api-key': 'k-real',
      accept: 'text/plain',
      'content-type': 'application/json',
      'x-team': 'media',
    });
  });

  it('hands fetch a signal only when something can abort the call', async () => {
    const signals: (AbortSignal | null | undefined)[] = [];
    const client = (timeoutMs: number) =>
      new AzureOpenAIMedia({
        endpoint: ENDPOINT,
        auth: { apiKey: 'k' },
        now: () => TEST_NOW,
        timeoutMs,
        fetch: async (_url, init) => {
          signals.push(init?.signal);
          return jsonResponse(200, gptImageResponse());
        },
      });
    const request = { model: 'gpt-image-1.5', prompt: 'p' };
    await client(0).images.generate(request);
    await client(0).images.generate(request, { signal: new AbortController().signal });
    await client(60_000).images.generate(request);
    expect(signals.map((s) => s instanceof AbortSignal)).toEqual([false, true, true]);
  });

  it('encodes deployment names in paths', () => {
    const client = new AzureOpenAIMedia({
      endpoint: ENDPOINT,
      auth: { apiKey: 'k' },
      apiVersion: '2024-10-21',
    });
    expect(client.buildUrl({ path: 'images/generations', deployment: 'my dep/x' })).toBe(
      `${ENDPOINT}/openai/deployments/my%20dep%2Fx/images/generations?api-version=2024-10-21`,
    );
  });
});

describe('client options are checked at construction', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['missing endpoint', { auth: { apiKey: 'k' } }, 'endpoint is required'],
    ['bad URL', { endpoint: 'not a url', auth: { apiKey: 'k' } }, 'endpoint "not a url" is not a valid URL'],
    ['ftp URL', { endpoint: 'ftp://x', auth: { apiKey: 'k' } }, 'must be an http or https URL'],
    ['query in URL', { endpoint: 'https://x/?a=1', auth: { apiKey: 'k' } }, 'must not carry a query'],
    ['no auth', { endpoint: ENDPOINT }, 'auth is required'],
    [
      'two auth forms',
      { endpoint: ENDPOINT, auth: { apiKey: 'k', bearerToken: 't' } },
      'exactly one of apiKey, bearerToken, tokenProvider (got apiKey, bearerToken)',
    ],
    ['empty key', { endpoint: ENDPOINT, auth: { apiKey: '' } }, 'auth.apiKey must be a non-empty string'],
    [
      'provider not a function',
      { endpoint: ENDPOINT, auth: { tokenProvider: 'x' } },
      'auth.tokenProvider must be a function',
    ],
    [
      'api version',
      { endpoint: ENDPOINT, auth: { apiKey: 'k' }, apiVersion: '2024' },
      'apiVersion "2024" is not valid',
    ],
    [
      'retries',
      { endpoint: ENDPOINT, auth: { apiKey: 'k' }, maxRetries: -1 },
      'maxRetries must be a non-negative integer (got -1)',
    ],
    [
      'timeout',
      { endpoint: ENDPOINT, auth: { apiKey: 'k' }, timeoutMs: 1.5 },
      'timeoutMs must be a non-negative integer',
    ],
    [
      'validation',
      { endpoint: ENDPOINT, auth: { apiKey: 'k' }, validation: 'loose' },
      'validation "loose" is not valid',
    ],
    [
      'deployments',
      { endpoint: ENDPOINT, auth: { apiKey: 'k' }, deployments: { a: '' } },
      'deployments["a"] must name a model',
    ],
  ];
  it.each(cases)('%s', (_label, options, message) => {
    expect(() => new AzureOpenAIMedia(options as never)).toThrow(ConfigurationError);
    expect(() => new AzureOpenAIMedia(options as never)).toThrow(message);
  });

  it('never puts the key in errors or describe()', () => {
    const secret = 'super-secret-key';
    const error = (() => {
      try {
        new AzureOpenAIMedia({ endpoint: 'nope', auth: { apiKey: secret } });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).not.toContain(secret);
    const client = new AzureOpenAIMedia({ endpoint: ENDPOINT, auth: { apiKey: secret } });
    expect(JSON.stringify(client.describe())).not.toContain(secret);
    expect(inspect(client, { depth: 4 })).not.toContain(secret);
  });
});

describe('modelFor', () => {
  const client = new AzureOpenAIMedia({
    endpoint: ENDPOINT,
    auth: { apiKey: 'k' },
    deployments: { 'img-prod': 'gpt-image-1', odd: 'dalle3' },
  });
  it.each([
    ['img-prod', 'gpt-image-1'],
    ['odd', 'dall-e-3'],
    ['my-gpt-image-1-mini-eu', 'gpt-image-1-mini'],
    ['DALLE2', 'dall-e-2'],
    ['house-style', undefined],
  ])('%s -> %s', (deployment, name) => {
    expect(client.modelFor(deployment)?.name).toBe(name);
  });
});

describe('results', () => {
  it('types jpeg output from the bytes and the request', async () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xdb, 0, 0]).toString('base64');
    const { fetch } = capturingFetch([
      jsonResponse(200, { ...gptImageResponse(1, jpeg), output_format: 'jpeg' }),
    ]);
    const client = new AzureOpenAIMedia({
      endpoint: ENDPOINT,
      auth: { apiKey: 'k' },
      now: () => TEST_NOW,
      fetch,
    });
    const result = await client.images.generate({
      model: 'gpt-image-1.5',
      prompt: 'p',
      output_format: 'jpeg',
    });
    expect(result.images[0]).toMatchObject({ mimeType: 'image/jpeg', extension: 'jpg' });
    expect(result.raw).toMatchObject({ output_format: 'jpeg' });
  });

  it('keeps raw and decodes every image', async () => {
    const body = gptImageResponse(3);
    const { fetch } = capturingFetch([jsonResponse(200, body, { 'x-request-id': 'xr-9' })]);
    const client = new AzureOpenAIMedia({
      endpoint: ENDPOINT,
      auth: { apiKey: 'k' },
      now: () => TEST_NOW,
      fetch,
    });
    const result = await client.images.generate({ model: 'gpt-image-1.5', prompt: 'p', n: 3 });
    expect(result.raw).toEqual(body);
    expect(result.requestId).toBe('xr-9');
    expect(result.created).toBe(body.created);
    expect(result.images.map((i) => [i.index, i.bytes?.length])).toEqual(
      [0, 1, 2].map((i) => [i, SMALL_PNG.length]),
    );
  });
});
