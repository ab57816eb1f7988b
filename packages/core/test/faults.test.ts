/**
 * What reaches "Azure" when the network and the server misbehave. A raw node:http server plays
 * Azure for images, Sora 1 jobs and Sora 2 videos, fails the chosen request in a chosen way, and
 * counts every request that reached it. The guarantee under test: a paid create is never sent twice
 * by accident. It is resent only after answers that prove nothing was processed; an ambiguous
 * failure of a video create is reconciled from the task list first; an image call says it may have
 * been billed, unless the caller opted in to resending.
 */
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AmbiguousVideoMatchError,
  AzureOpenAIMedia,
  ConnectionError,
  InvalidResponseError,
  MaybeProcessedError,
  RateLimitError,
  TimeoutError,
  isBeforeSendFailure,
  type ClientOptions,
} from '../src/index.js';
import { makePng } from './fixtures.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const PNG_B64 = Buffer.from(makePng(4, 4)).toString('base64');

type Route =
  'images' | 'jobs.create' | 'jobs.list' | 'jobs.get' | 'videos.create' | 'videos.list' | 'videos.get';

/**
 * - `reset-before`: the connection is dropped once the request is read, before anything is done.
 * - `reset-mid-body`: the task is made, a 200 starts, and the connection drops half-way through.
 * - `status`: an error answer before anything is done (`landed` makes the task first).
 * - `unparseable`: the task is made and the 200's body is not JSON.
 * - `hang`: the task is made and no answer ever comes.
 */
type Fault =
  | { kind: 'reset-before' }
  | { kind: 'reset-mid-body' }
  | { kind: 'status'; status: number; headers?: Record<string, string>; landed?: boolean }
  | { kind: 'unparseable' }
  | { kind: 'hang' };

interface Task {
  id: string;
  api: 'jobs' | 'videos';
  body: Record<string, unknown>;
}

class FakeAzure {
  readonly counts: Record<string, number> = {};
  readonly tasks: Task[] = [];
  readonly faults = new Map<Route, Fault[]>();
  url = '';
  #server: Server | undefined;
  #next = 0;

  async start(): Promise<void> {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()));
  }

  reset(): void {
    for (const key of Object.keys(this.counts)) delete this.counts[key];
    this.tasks.length = 0;
    this.faults.clear();
  }

  fail(route: Route, ...faults: Fault[]): void {
    this.faults.set(route, faults);
  }

  count(route: Route): number {
    return this.counts[route] ?? 0;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.replace(/^\/openai\/v1\//, '');
    const route = routeOf(req.method ?? 'GET', path);
    if (!route) return json(res, 404, { error: { code: 'NotFound', message: path } });
    this.counts[route] = (this.counts[route] ?? 0) + 1;
    const fault = this.faults.get(route)?.shift();

    if (fault?.kind === 'reset-before') return void req.socket.destroy();
    if (fault?.kind === 'status' && !fault.landed) {
      return json(
        res,
        fault.status,
        { error: { code: String(fault.status), message: 'injected' } },
        fault.headers,
      );
    }
    const answer = await this.#answer(route, path, req, body, url);
    if (!fault) return json(res, 200, answer);
    switch (fault.kind) {
      case 'status':
        return json(
          res,
          fault.status,
          { error: { code: String(fault.status), message: 'injected' } },
          fault.headers,
        );
      case 'reset-mid-body': {
        const text = JSON.stringify(answer);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.write(text.slice(0, Math.floor(text.length / 2)));
        // Let the headers and half the body reach the client before the connection drops.
        setImmediate(() => req.socket.destroy());
        return;
      }
      case 'unparseable':
        res.writeHead(200, { 'content-type': 'application/json', 'apim-request-id': 'req-garbled' });
        return void res.end('<html>upstream proxy error</html>');
      case 'hang':
        return;
    }
  }

  async #answer(route: Route, path: string, req: IncomingMessage, body: Buffer, url: URL): Promise<unknown> {
    switch (route) {
      case 'images':
        return { created: NOW / 1000, data: [{ b64_json: PNG_B64 }] };
      case 'jobs.create':
        return this.#make('jobs', JSON.parse(body.toString('utf8')) as Record<string, unknown>);
      case 'videos.create': {
        const form = await new Response(new Uint8Array(body), {
          headers: { 'content-type': String(req.headers['content-type']) },
        }).formData();
        const fields: Record<string, unknown> = {};
        for (const [key, value] of form) if (typeof value === 'string') fields[key] = value;
        return this.#make('videos', fields);
      }
      case 'jobs.list':
      case 'videos.list': {
        const api = route === 'jobs.list' ? 'jobs' : 'videos';
        const limit = Number(url.searchParams.get('limit') ?? 10);
        const all = this.tasks.filter((t) => t.api === api).reverse();
        const after = url.searchParams.get('after');
        const start = after ? all.findIndex((t) => t.id === after) + 1 : 0;
        const page = all.slice(start, start + limit);
        return {
          object: 'list',
          data: page.map((t) => t.body),
          has_more: start + limit < all.length,
          last_id: page.at(-1)?.id ?? null,
        };
      }
      case 'jobs.get':
      case 'videos.get': {
        const id = decodeURIComponent(path.split('/').pop()!);
        return this.tasks.find((t) => t.id === id)?.body ?? {};
      }
    }
  }

  #make(api: 'jobs' | 'videos', fields: Record<string, unknown>): Record<string, unknown> {
    const id = `${api === 'jobs' ? 'task' : 'video'}_${++this.#next}`;
    const created_at = NOW / 1000;
    const body =
      api === 'jobs'
        ? { object: 'video.generation.job', id, status: 'queued', created_at, generations: [], ...fields }
        : { object: 'video', id, status: 'queued', created_at, progress: 0, ...fields };
    this.tasks.push({ id, api, body });
    return body;
  }
}

function routeOf(method: string, path: string): Route | undefined {
  if (method === 'POST' && path === 'images/generations') return 'images';
  if (method === 'POST' && path === 'video/generations/jobs') return 'jobs.create';
  if (method === 'GET' && path === 'video/generations/jobs') return 'jobs.list';
  if (method === 'GET' && path.startsWith('video/generations/jobs/')) return 'jobs.get';
  if (method === 'POST' && path === 'videos') return 'videos.create';
  if (method === 'GET' && path === 'videos') return 'videos.list';
  if (method === 'GET' && path.startsWith('videos/')) return 'videos.get';
  return undefined;
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'apim-request-id': `req-${status}`,
    ...headers,
  });
  res.end(text);
}

const azure = new FakeAzure();
const waits: number[] = [];

function client(extra: Partial<ClientOptions> = {}): AzureOpenAIMedia {
  return new AzureOpenAIMedia({
    endpoint: azure.url,
    auth: { apiKey: 'k' },
    // The faults, not the models' lifecycles, are under test here.
    allowRetiredModels: true,
    now: () => NOW,
    random: () => 0,
    // Waits between retries return at once and are recorded; the call timeout is a real timer.
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      waits.push(ms);
    },
    timeoutMs: 60_000,
    ...extra,
  });
}

beforeAll(() => azure.start());
afterAll(() => azure.stop());
afterEach(() => {
  azure.reset();
  waits.length = 0;
});

const generate = (c: AzureOpenAIMedia) => c.images.generate({ model: 'gpt-image-1', prompt: 'a red square' });
const soraOne = (c: AzureOpenAIMedia) =>
  c.videos.jobs.create({ model: 'sora', prompt: 'a boat', width: 480, height: 480, n_seconds: 5 });
const soraTwo = (c: AzureOpenAIMedia) =>
  c.videos.sora2.create({ model: 'sora-2', prompt: 'a boat', size: '1280x720', seconds: '4' });

const retryAfter: [string, Record<string, string>, number][] = [
  ['retry-after-ms', { 'retry-after-ms': '1500' }, 1500],
  ['x-ms-retry-after-ms', { 'x-ms-retry-after-ms': '2500' }, 2500],
  ['retry-after seconds', { 'retry-after': '3' }, 3000],
  ['retry-after HTTP date', { 'retry-after': new Date(NOW + 7000).toUTCString() }, 7000],
];

/** A fault, whether it leaves a task made (for video creates), and what a plain create answer proves. */
const AMBIGUOUS: [string, Fault][] = [
  ['reset before the response', { kind: 'reset-before' }],
  ['reset mid-body', { kind: 'reset-mid-body' }],
  ['500', { kind: 'status', status: 500 }],
  ['502', { kind: 'status', status: 502 }],
  ['504', { kind: 'status', status: 504 }],
  ['unparseable 200', { kind: 'unparseable' }],
  ['a hanging server', { kind: 'hang' }],
];
const landed = (fault: Fault) =>
  fault.kind === 'reset-mid-body' || fault.kind === 'unparseable' || fault.kind === 'hang';

describe('images.generate (a paid create)', () => {
  it.each(AMBIGUOUS)('%s: one request, then MaybeProcessedError with the cause', async (_label, fault) => {
    azure.fail('images', fault);
    const error = (await generate(client({ timeoutMs: 300 })).catch(
      (e: unknown) => e,
    )) as MaybeProcessedError;
    expect(azure.count('images')).toBe(1);
    expect(error).toBeInstanceOf(MaybeProcessedError);
    expect(error.operation).toBe('images.generate');
    expect(error.message).toContain('may have been processed (and billed)');
    const cause = error.cause;
    if (fault.kind === 'status')
      expect(error).toMatchObject({ status: fault.status, requestId: `req-${fault.status}` });
    if (fault.kind === 'unparseable') {
      expect(cause).toBeInstanceOf(InvalidResponseError);
      expect(cause).not.toBeInstanceOf(ConnectionError);
      expect(error).toMatchObject({ status: 200, requestId: 'req-garbled' });
      expect((cause as InvalidResponseError).snippet).toContain('<html>upstream proxy error');
    }
    if (fault.kind === 'hang') expect(cause).toBeInstanceOf(TimeoutError);
    if (fault.kind === 'reset-before' || fault.kind === 'reset-mid-body')
      expect(cause).toBeInstanceOf(ConnectionError);
    expect(waits).toEqual([]);
  });

  it.each(retryAfter)(
    '429 with %s: waits as told, two requests, one image',
    async (_label, headers, wait) => {
      azure.fail('images', { kind: 'status', status: 429, headers });
      const result = await generate(client());
      expect(result.images).toHaveLength(1);
      expect(azure.count('images')).toBe(2);
      expect(waits).toEqual([wait]);
    },
  );

  it('503: retried (it proves nothing was processed), two requests', async () => {
    azure.fail('images', { kind: 'status', status: 503 });
    await generate(client());
    expect(azure.count('images')).toBe(2);
  });

  it('408 is retried; 409 and 400 are not', async () => {
    azure.fail('images', { kind: 'status', status: 408 });
    await generate(client());
    expect(azure.count('images')).toBe(2);
    azure.reset();
    azure.fail('images', { kind: 'status', status: 409 });
    await expect(generate(client())).rejects.toMatchObject({ status: 409 });
    expect(azure.count('images')).toBe(1);
  });

  it('x-should-retry: false is obeyed even on a 429', async () => {
    azure.fail('images', { kind: 'status', status: 429, headers: { 'x-should-retry': 'false' } });
    await expect(generate(client())).rejects.toBeInstanceOf(RateLimitError);
    expect(azure.count('images')).toBe(1);
  });

  it.each(AMBIGUOUS.filter(([, f]) => f.kind !== 'hang'))(
    'opted in with retryAmbiguous (client or call), %s is resent',
    async (_label, fault) => {
      azure.fail('images', fault);
      await generate(client({ retryAmbiguous: true }));
      expect(azure.count('images')).toBe(2);
      azure.reset();
      azure.fail('images', fault);
      await client().images.generate({ model: 'gpt-image-1', prompt: 'p' }, { retryAmbiguous: true });
      expect(azure.count('images')).toBe(2);
    },
  );

  it('a 429 asking for longer than the call has left is a RateLimitError at once, with retryAfterMs', async () => {
    azure.fail('images', { kind: 'status', status: 429, headers: { 'retry-after': '30' } });
    const error = (await generate(client({ timeoutMs: 10_000 })).catch((e: unknown) => e)) as RateLimitError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfterMs).toBe(30_000);
    expect(azure.count('images')).toBe(1);
    expect(waits).toEqual([]);
  });
});

describe.each([
  ['Sora 1 create (videos.jobs.create)', soraOne, 'jobs.create', 'jobs.list'],
  ['Sora 2 create (videos.sora2.create)', soraTwo, 'videos.create', 'videos.list'],
] as const)('%s', (_label, create, createRoute, listRoute) => {
  it.each(AMBIGUOUS)('%s: reconciled from the task list; never more than one task', async (_l, fault) => {
    azure.fail(createRoute, fault);
    const task = await create(client({ timeoutMs: 300 }));
    expect(azure.tasks).toHaveLength(1);
    expect(task.id).toBe(azure.tasks[0]!.id);
    expect(azure.count(listRoute)).toBe(1);
    // Landed: adopted without a resend. Not landed: sent once more.
    expect(azure.count(createRoute)).toBe(landed(fault) ? 1 : 2);
  });

  it('a 504 after the task was made (a gateway timing out) is adopted: one create', async () => {
    azure.fail(createRoute, { kind: 'status', status: 504, landed: true });
    const task = await create(client());
    expect(azure.count(createRoute)).toBe(1);
    expect(task.id).toBe(azure.tasks[0]!.id);
  });

  it.each(retryAfter)('429 with %s: waits as told and resends, no list', async (_l, headers, wait) => {
    azure.fail(createRoute, { kind: 'status', status: 429, headers });
    await create(client());
    expect(azure.count(createRoute)).toBe(2);
    expect(azure.count(listRoute)).toBe(0);
    expect(waits).toEqual([wait]);
  });

  it('503: resent without a list', async () => {
    azure.fail(createRoute, { kind: 'status', status: 503 });
    await create(client());
    expect(azure.count(createRoute)).toBe(2);
    expect(azure.count(listRoute)).toBe(0);
  });

  it('two tasks match: AmbiguousVideoMatchError naming both, nothing resent', async () => {
    await create(client());
    azure.fail(createRoute, { kind: 'reset-mid-body' });
    const error = (await create(client()).catch((e: unknown) => e)) as AmbiguousVideoMatchError;
    expect(error).toBeInstanceOf(AmbiguousVideoMatchError);
    expect([...error.candidateIds].sort()).toEqual(azure.tasks.map((t) => t.id).sort());
    expect(azure.count(createRoute)).toBe(2);
  });

  it('ambiguous twice (not landed both times): sent at most twice, then MaybeProcessedError', async () => {
    azure.fail(createRoute, { kind: 'status', status: 502 }, { kind: 'status', status: 502 });
    const error = await create(client()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MaybeProcessedError);
    expect(azure.count(createRoute)).toBe(2);
    expect(azure.tasks).toHaveLength(0);
  });

  it('the task list cannot be read: MaybeProcessedError, nothing resent', async () => {
    azure.fail(createRoute, { kind: 'status', status: 502 });
    azure.fail(listRoute, ...[1, 2, 3].map(() => ({ kind: 'status', status: 500 }) as Fault));
    const error = (await create(client()).catch((e: unknown) => e)) as MaybeProcessedError;
    expect(error).toBeInstanceOf(MaybeProcessedError);
    expect(error.message).toContain('looking for the task it may have made failed too');
    expect(azure.count(createRoute)).toBe(1);
  });
});

describe('the same through the unified client.videos.create', () => {
  it.each([
    ['sora', 'jobs.create', { size: '480x480', seconds: 5 }],
    ['sora-2', 'videos.create', { size: '1280x720', seconds: 4 }],
  ] as const)('%s: a lost answer is adopted, a 502 is resent once', async (model, route, fields) => {
    azure.fail(route, { kind: 'reset-mid-body' });
    const adopted = await client().videos.create({ model, prompt: 'a kite', ...fields });
    expect(azure.count(route)).toBe(1);
    expect(adopted.id).toBe(azure.tasks[0]!.id);
    azure.reset();
    azure.fail(route, { kind: 'status', status: 502 });
    await client().videos.create({ model, prompt: 'a kite', ...fields });
    expect(azure.count(route)).toBe(2);
    expect(azure.tasks).toHaveLength(1);
  });
});

describe('a poll (a safe read) keeps the read rules', () => {
  const transient: [string, Fault][] = [
    ['reset before the response', { kind: 'reset-before' }],
    ['reset mid-body', { kind: 'reset-mid-body' }],
    ['500', { kind: 'status', status: 500 }],
    ['502', { kind: 'status', status: 502 }],
    ['504', { kind: 'status', status: 504 }],
    ['503', { kind: 'status', status: 503 }],
    ...retryAfter.map(([l, headers]): [string, Fault] => [
      `429 with ${l}`,
      { kind: 'status', status: 429, headers },
    ]),
  ];
  it.each(transient)('%s: retried, two requests', async (_label, fault) => {
    const task = await soraTwo(client());
    azure.fail('videos.get', fault);
    const polled = await client().videos.retrieve({ id: task.id, api: 'videos' });
    expect(polled.id).toBe(task.id);
    expect(azure.count('videos.get')).toBe(2);
  });

  it('unparseable 200: InvalidResponseError at once, not retried', async () => {
    const task = await soraOne(client());
    azure.fail('jobs.get', { kind: 'unparseable' });
    const error = await client()
      .videos.retrieve({ id: task.id, api: 'jobs' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(azure.count('jobs.get')).toBe(1);
  });

  it('an unparseable poll ends a wait at once instead of polling until it times out', async () => {
    const task = await soraOne(client());
    azure.fail('jobs.get', { kind: 'status', status: 500 }, { kind: 'unparseable' });
    const error = await client({ maxRetries: 0 })
      .videos.wait({ id: task.id, api: 'jobs' }, { pollIntervalMs: 10 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(azure.count('jobs.get')).toBe(2);
  });

  it('a hanging server: TimeoutError naming the call limit, one request', async () => {
    const task = await soraTwo(client());
    azure.fail('videos.get', { kind: 'hang' });
    const error = await client({ timeoutMs: 200 })
      .videos.retrieve({ id: task.id, api: 'videos' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toContain('200 ms');
    expect(azure.count('videos.get')).toBe(1);
  });
});

describe('failures before the request was written are retried even for paid creates', () => {
  it('connection refused: three attempts, then a ConnectionError marked beforeSend', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    let attempts = 0;
    const counting: typeof fetch = (input, init) => {
      attempts++;
      return fetch(input, init);
    };
    const error = (await generate(client({ endpoint: `http://127.0.0.1:${port}`, fetch: counting })).catch(
      (e: unknown) => e,
    )) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.beforeSend).toBe(true);
    expect(attempts).toBe(3);
    expect(waits).toEqual([500, 1000]);
  });

  it('a TLS handshake that fails (self-signed certificate): retried; no request reached the server', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tls-'));
    try {
      await promisify(execFile)('openssl', [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ]);
      let requests = 0;
      let attempts = 0;
      const tls = createHttpsServer(
        { key: await readFile(join(dir, 'key.pem')), cert: await readFile(join(dir, 'cert.pem')) },
        (_req, res) => {
          requests++;
          res.end('{}');
        },
      );
      await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
      try {
        const counting: typeof fetch = (input, init) => {
          attempts++;
          return fetch(input, init);
        };
        const error = (await generate(
          client({ endpoint: `https://127.0.0.1:${(tls.address() as AddressInfo).port}`, fetch: counting }),
        ).catch((e: unknown) => e)) as ConnectionError;
        expect(error).toBeInstanceOf(ConnectionError);
        expect(error.beforeSend).toBe(true);
        expect(requests).toBe(0);
        expect(waits).toEqual([500, 1000]);
        expect(attempts).toBe(3);
      } finally {
        tls.closeAllConnections();
        await new Promise<void>((resolve) => tls.close(() => resolve()));
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads error codes through cause chains and AggregateErrors, and calls anything unclear ambiguous', () => {
    const failed = (cause: unknown) => new TypeError('fetch failed', { cause });
    expect(isBeforeSendFailure(failed({ code: 'ECONNREFUSED' }))).toBe(true);
    expect(isBeforeSendFailure(failed({ code: 'ENOTFOUND' }))).toBe(true);
    expect(isBeforeSendFailure(failed({ code: 'EAI_AGAIN' }))).toBe(true);
    expect(isBeforeSendFailure(failed({ code: 'UND_ERR_CONNECT_TIMEOUT' }))).toBe(true);
    expect(isBeforeSendFailure(failed({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }))).toBe(true);
    expect(isBeforeSendFailure(failed({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }))).toBe(true);
    const happyEyeballs = Object.assign(
      new AggregateError([{ code: 'ECONNREFUSED' }, { code: 'ENETUNREACH' }]),
      {
        code: 'ECONNREFUSED',
      },
    );
    expect(isBeforeSendFailure(failed(happyEyeballs))).toBe(true);
    for (const code of ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'ETIMEDOUT']) {
      expect(isBeforeSendFailure(failed({ code }))).toBe(false);
    }
    expect(isBeforeSendFailure(failed(undefined))).toBe(false);
    expect(
      isBeforeSendFailure(failed(new AggregateError([{ code: 'ECONNREFUSED' }, { code: 'ECONNRESET' }]))),
    ).toBe(false);
  });
});
