import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AzureOpenAIMedia, type Logger } from '../src/index.js';
import { json, startServer, type TestServer } from './server.js';
import { gptImageResponse, IMAGE_CONTENT_POLICY_ERROR, SMALL_PNG_B64 } from './fixtures.js';

let api: TestServer;
let other: TestServer;
beforeAll(async () => {
  other = await startServer((_req, res) => json(res, 200, gptImageResponse()));
  api = await startServer((req, res) => {
    if (req.path === '/openai/v1/images/generations' || req.path === '/openai/v1/images/edits') {
      const target = req.headers['x-target'];
      if (target === 'other') {
        res.writeHead(307, { location: `${other.origin}/elsewhere/images/generations` });
        res.end();
        return;
      }
      if (target === 'same') {
        res.writeHead(308, { location: '/moved/images/generations' });
        res.end();
        return;
      }
      if (target === 'policy')
        return json(res, 400, IMAGE_CONTENT_POLICY_ERROR, { 'apim-request-id': 'rq-7' });
      if (target === 'flaky' && api.requests.filter((r) => r.headers['x-target'] === 'flaky').length === 1) {
        return json(res, 503, { error: { code: '503', message: 'busy' } }, { 'retry-after-ms': '1' });
      }
      return json(res, 200, gptImageResponse(), { 'apim-request-id': 'rq-1' });
    }
    if (req.path === '/moved/images/generations') return json(res, 200, gptImageResponse());
    json(res, 404, { error: { message: 'no route' } });
  });
});
afterAll(async () => {
  await api.close();
  await other.close();
});

const KEY = 'k-SECRET-KEY-0001';
const TOKEN = 't-SECRET-TOKEN-0002';

function make(
  auth: ConstructorParameters<typeof AzureOpenAIMedia>[0]['auth'],
  target: string,
  logger?: Logger,
) {
  return new AzureOpenAIMedia({
    endpoint: api.url,
    auth,
    allowRetiredModels: true,
    defaultHeaders: { 'x-target': target },
    ...(logger ? { logger } : {}),
  });
}

describe('redirects', () => {
  it.each([
    ['api key', { apiKey: KEY }],
    ['bearer token', { bearerToken: TOKEN }],
    ['token provider', { tokenProvider: async () => TOKEN }],
  ])('never send the %s to another origin', async (_label, auth) => {
    api.requests.length = 0;
    other.requests.length = 0;
    const result = await make(auth, 'other').images.generate({ model: 'gpt-image-1', prompt: 'p' });
    expect(result.images).toHaveLength(1);
    expect(api.requests).toHaveLength(1);
    const hop = other.requests[0]!;
    expect(hop.path).toBe('/elsewhere/images/generations');
    expect(hop.headers['api-key']).toBeUndefined();
    expect(hop.headers.authorization).toBeUndefined();
    // The body still follows a 307.
    expect(JSON.parse(hop.body.toString())).toMatchObject({ prompt: 'p' });
  });

  it('keep credentials on the same origin', async () => {
    api.requests.length = 0;
    await make({ apiKey: KEY }, 'same').images.generate({ model: 'gpt-image-1', prompt: 'p' });
    expect(api.requests.map((r) => [r.path, r.headers['api-key']])).toEqual([
      ['/openai/v1/images/generations', KEY],
      ['/moved/images/generations', KEY],
    ]);
  });
});

describe('logging', () => {
  it('sees method, path, status, attempt, duration and request id, never secrets or base64', async () => {
    const lines: { level: string; message: string; fields: Record<string, unknown> | undefined }[] = [];
    const logger: Logger = {
      debug: (message, fields) => lines.push({ level: 'debug', message, fields }),
      info: (message, fields) => lines.push({ level: 'info', message, fields }),
      warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
      error: (message, fields) => lines.push({ level: 'error', message, fields }),
    };
    await make({ apiKey: KEY }, 'flaky', logger).images.generate({ model: 'gpt-image-1', prompt: 'p' });
    await make({ tokenProvider: async () => TOKEN }, 'ok', logger).images.generate({
      model: 'gpt-image-1',
      prompt: 'p',
    });
    await make({ bearerToken: TOKEN }, 'policy', logger)
      .images.generate({ model: 'gpt-image-1', prompt: 'p' })
      .catch(() => undefined);
    await make({ apiKey: KEY }, 'ok', logger).images.edit({
      model: 'gpt-image-1',
      prompt: 'p',
      image: Buffer.from(SMALL_PNG_B64, 'base64'),
    });

    const text = JSON.stringify(lines);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(SMALL_PNG_B64.slice(0, 40));
    expect(lines.find((l) => l.fields?.status === 503)).toMatchObject({
      level: 'warn',
      fields: { method: 'POST', path: 'images/generations', attempt: 0 },
    });
    const success = lines.find((l) => l.fields?.status === 200 && l.fields?.attempt === 1)!;
    expect(success.fields).toMatchObject({ method: 'POST', path: 'images/generations', requestId: 'rq-1' });
    expect(typeof success.fields!.durationMs).toBe('number');
    expect(lines.find((l) => l.fields?.status === 400)?.fields?.requestId).toBe('rq-7');
    expect(lines.some((l) => l.fields?.path === 'images/edits')).toBe(true);
  });
});
