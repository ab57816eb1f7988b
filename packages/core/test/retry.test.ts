import { describe, expect, it } from 'vitest';
import {
  AbortError,
  AzureOpenAIMedia,
  ConnectionError,
  MaybeProcessedError,
  RateLimitError,
  ServerError,
  TimeoutError,
  backoffMs,
  isRetryable,
  serverRetryAfterMs,
  type Sleep,
} from '../src/index.js';
import { capturingFetch, jsonResponse, type Answer } from './capture.js';
import { gptImageResponse } from './fixtures.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const fail = (status: number, headers: Record<string, string> = {}) =>
  jsonResponse(status, { error: { code: String(status), message: `failure ${status}` } }, headers);
const ok = () => jsonResponse(200, gptImageResponse());

function harness(answers: Answer[], options: { random?: number; maxRetries?: number } = {}) {
  const waits: number[] = [];
  const sleep: Sleep = async (ms) => {
    waits.push(ms);
  };
  const { fetch, calls } = capturingFetch(answers);
  const client = new AzureOpenAIMedia({
    endpoint: 'https://r.openai.azure.com',
    auth: { apiKey: 'k' },
    allowRetiredModels: true,
    fetch,
    sleep,
    now: () => NOW,
    random: () => options.random ?? 0,
    maxRetries: options.maxRetries ?? 2,
    // The schedule itself: a paid call opted into resending ambiguous failures retries like a read.
    retryAmbiguous: true,
  });
  const run = () => client.images.generate({ model: 'gpt-image-1', prompt: 'p' });
  return { waits, calls, run };
}

describe('retry schedule', () => {
  const headerCases: [string, Record<string, string>, number][] = [
    ['retry-after-ms', { 'retry-after-ms': '1500' }, 1500],
    ['x-ms-retry-after-ms', { 'x-ms-retry-after-ms': '2500' }, 2500],
    ['retry-after seconds', { 'retry-after': '3' }, 3000],
    ['retry-after fractional seconds', { 'retry-after': '0.25' }, 250],
    ['retry-after HTTP date', { 'retry-after': new Date(NOW + 7000).toUTCString() }, 7000],
    ['retry-after date in the past', { 'retry-after': new Date(NOW - 7000).toUTCString() }, 0],
    ['retry-after-ms before retry-after', { 'retry-after-ms': '100', 'retry-after': '9' }, 100],
    [
      'retry-after-ms before x-ms-retry-after-ms',
      { 'retry-after-ms': '100', 'x-ms-retry-after-ms': '900' },
      100,
    ],
    ['retry-after-ms capped at 60 s', { 'retry-after-ms': '600000' }, 60_000],
    ['x-ms-retry-after-ms capped', { 'x-ms-retry-after-ms': '90000' }, 60_000],
    ['retry-after seconds capped', { 'retry-after': '3600' }, 60_000],
    ['retry-after date capped', { 'retry-after': new Date(NOW + 3_600_000).toUTCString() }, 60_000],
    ['nonsense falls back to backoff', { 'retry-after': 'soon', 'retry-after-ms': '-5' }, 500],
  ];
  it.each(headerCases)('429 with %s waits as told', async (_label, headers, expected) => {
    const { waits, calls, run } = harness([fail(429, headers), ok()]);
    await run();
    expect(waits).toEqual([expected]);
    expect(calls).toHaveLength(2);
  });

  it.each([408, 409, 429, 500, 502, 503, 504])('retries status %i', async (status) => {
    const { waits, calls, run } = harness([fail(status), fail(status), ok()]);
    const result = await run();
    expect(result.images).toHaveLength(1);
    expect(calls).toHaveLength(3);
    expect(waits).toEqual([500, 1000]);
  });

  it.each([400, 401, 403, 404, 413, 422])('does not retry status %i', async (status) => {
    const { waits, calls, run } = harness([fail(status), ok()]);
    await expect(run()).rejects.toMatchObject({ status });
    expect(calls).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('x-should-retry: false stops a 503 from being retried', async () => {
    const { calls, run } = harness([fail(503, { 'x-should-retry': 'false' }), ok()]);
    await expect(run()).rejects.toBeInstanceOf(ServerError);
    expect(calls).toHaveLength(1);
  });

  it('x-should-retry: true retries a 400, still honouring the wait headers', async () => {
    const { waits, run } = harness([fail(400, { 'x-should-retry': 'true', 'retry-after': '2' }), ok()]);
    await run();
    expect(waits).toEqual([2000]);
  });

  it('backs off exponentially from 0.5 s to 8 s with jitter', async () => {
    const answers = () => [...Array.from({ length: 7 }, () => fail(500)), ok()];
    const noJitter = harness(answers(), { random: 0, maxRetries: 7 });
    await noJitter.run();
    expect(noJitter.waits).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
    const fullJitter = harness(answers(), { random: 0.999999, maxRetries: 7 });
    await fullJitter.run();
    expect(fullJitter.waits).toEqual([375, 750, 1500, 3000, 6000, 6000, 6000]);
    for (let retry = 0; retry < 8; retry++) {
      for (const r of [0, 0.3, 0.7, 0.99]) {
        const ms = backoffMs(retry, () => r);
        expect(ms).toBeGreaterThanOrEqual(375);
        expect(ms).toBeLessThanOrEqual(8000);
      }
    }
  });

  it('gives up after maxRetries and throws the last error', async () => {
    const { calls, waits, run } = harness([fail(429), fail(429), fail(429), ok()], { maxRetries: 2 });
    await expect(run()).rejects.toBeInstanceOf(RateLimitError);
    expect(calls).toHaveLength(3);
    expect(waits).toHaveLength(2);
  });

  it('per-call maxRetries overrides the client', async () => {
    const waits: number[] = [];
    const { fetch, calls } = capturingFetch([fail(503), ok()]);
    const client = new AzureOpenAIMedia({
      endpoint: 'https://r.openai.azure.com',
      auth: { apiKey: 'k' },
      allowRetiredModels: true,
      fetch,
      sleep: async (ms) => void waits.push(ms),
    });
    await expect(
      client.images.generate({ model: 'gpt-image-1', prompt: 'p' }, { maxRetries: 0 }),
    ).rejects.toBeInstanceOf(ServerError);
    expect(calls).toHaveLength(1);
  });

  it('retries connection failures and a body cut short', async () => {
    const cut = () => {
      const stream = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"created": 1, "da'));
          controller.error(new TypeError('terminated'));
        },
      });
      return new Response(stream, { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const { calls, waits, run } = harness([
      new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } }),
      cut(),
      ok(),
    ]);
    await run();
    expect(calls).toHaveLength(3);
    expect(waits).toEqual([500, 1000]);
  });

  it('a connection failure past the retries is a ConnectionError naming the cause', async () => {
    const { run } = harness(
      [1, 2, 3].map(() => new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })),
    );
    const error = await run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toContain('ECONNREFUSED');
  });

  it('pure helpers agree with the client', () => {
    expect(isRetryable(500, new Headers())).toBe(true);
    expect(isRetryable(400, new Headers())).toBe(false);
    expect(serverRetryAfterMs(new Headers(), NOW)).toBeUndefined();
    expect(serverRetryAfterMs(new Headers({ 'retry-after': '' }), NOW)).toBeUndefined();
  });
});

describe('abort and timeout during a retry wait', () => {
  /** A sleep that never ends by itself; only the call's signal ends it. */
  const hangingSleep: Sleep = (_ms, signal) =>
    new Promise((_resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    });

  function client(fetch: typeof globalThis.fetch, extra: Record<string, unknown> = {}) {
    return new AzureOpenAIMedia({
      endpoint: 'https://r.openai.azure.com',
      auth: { apiKey: 'k' },
      allowRetiredModels: true,
      fetch,
      sleep: hangingSleep,
      ...extra,
    });
  }

  it('AbortSignal ends the wait with AbortError and sends nothing more', async () => {
    const controller = new AbortController();
    const { fetch, calls } = capturingFetch([
      () => {
        queueMicrotask(() => setTimeout(() => controller.abort(), 0));
        return fail(429, { 'retry-after': '30' });
      },
      ok(),
    ]);
    const error = await client(fetch)
      .images.generate({ model: 'gpt-image-1', prompt: 'p' }, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(calls).toHaveLength(1);
  });

  it('timeoutMs ends the wait with TimeoutError', async () => {
    const { fetch, calls } = capturingFetch([fail(503, { 'retry-after-ms': '5' }), ok()]);
    const error = await client(fetch, { timeoutMs: 30 })
      .images.generate({ model: 'gpt-image-1', prompt: 'p' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toContain('30 ms');
    expect(calls).toHaveLength(1);
  });

  it('a wait longer than the call has left ends the call at once with the answer it waited on', async () => {
    const { fetch, calls } = capturingFetch([fail(503, { 'retry-after': '30' }), ok()]);
    const error = await client(fetch, { timeoutMs: 10_000 })
      .images.generate({ model: 'gpt-image-1', prompt: 'p' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ status: 503 });
    expect(calls).toHaveLength(1);
  });

  it('per-call timeoutMs overrides the client and also ends a request in flight', async () => {
    const { fetch } = capturingFetch([
      (req) => new Promise<Response>(() => void req), // never answers
    ]);
    const hanging: typeof globalThis.fetch = (input, init) =>
      new Promise((resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal!.reason), { once: true });
        void fetch(input, init).then(resolve, reject);
      });
    const error = await client(hanging)
      .images.generate({ model: 'gpt-image-1', prompt: 'p' }, { timeoutMs: 20 })
      .catch((e: unknown) => e);
    // The request was out when time ran out: a paid call says it may have been billed, with the cause.
    expect(error).toBeInstanceOf(MaybeProcessedError);
    expect((error as Error).cause).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toContain('timed out after 20 ms');
  });

  it('an already aborted signal fails before sending', async () => {
    const { fetch, calls } = capturingFetch([ok()]);
    const error = await client(fetch)
      .images.generate({ model: 'gpt-image-1', prompt: 'p' }, { signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(calls).toHaveLength(0);
  });

  it('a token provider that never answers is ended by the timeout, and nothing is sent', async () => {
    const { fetch, calls } = capturingFetch([ok()]);
    const stuck = client(fetch, {
      auth: { tokenProvider: () => new Promise<string>(() => undefined) },
      timeoutMs: 20,
    });
    const error = await stuck.images.generate({ model: 'gpt-image-1', prompt: 'p' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(calls).toHaveLength(0);
  });

  it("a fractional timeout (a poll's remaining time) is accepted", async () => {
    const { fetch } = capturingFetch([ok()]);
    const result = await client(fetch).images.generate(
      { model: 'gpt-image-1', prompt: 'p' },
      { timeoutMs: 1234.5 },
    );
    expect(result.images).toHaveLength(1);
  });

  it('many calls sharing one caller signal leave no listeners on it once they are read', async () => {
    const controller = new AbortController();
    let added = 0;
    let removed = 0;
    const add = controller.signal.addEventListener.bind(controller.signal);
    const remove = controller.signal.removeEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((...args: Parameters<AbortSignal['addEventListener']>) => {
      added++;
      return add(...args);
    }) as AbortSignal['addEventListener'];
    controller.signal.removeEventListener = ((...args: Parameters<AbortSignal['removeEventListener']>) => {
      removed++;
      return remove(...args);
    }) as AbortSignal['removeEventListener'];
    const answers = Array.from({ length: 20 }, () => ok());
    const { fetch } = capturingFetch(answers);
    const shared = client(fetch);
    for (let i = 0; i < 20; i++) {
      await shared.requestJson({ method: 'GET', path: 'video/generations/jobs', signal: controller.signal });
    }
    expect(added - removed).toBe(0);
  });

  it('validation problems are reported before any wait or request', async () => {
    const { fetch, calls } = capturingFetch([ok()]);
    await expect(client(fetch).images.generate({ model: 'dall-e-3', prompt: 'p', n: 4 })).rejects.toThrow(
      /n 4 is out of range/,
    );
    expect(calls).toHaveLength(0);
  });
});
