/**
 * Refusals a client can read: the service as its own process, refusing uploads it will not take
 * (wrong key, unknown path) while the client is still sending, without resetting the connection;
 * slow and stalled bodies cut off with a 408; what Node itself refuses answered in Azure's shape;
 * a client that hangs up halfway is not an error; the 70-byte multipart body that used to end the
 * process is a 400.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI, { toFile } from 'openai';
import { startEmulator, type Emulator } from '@aoai-media/emulator';
import { KEYS, azureError, serviceEnv } from './support/stack.js';
import { startRedis, type TestRedis } from './support/redis.js';
import { startService, type ServiceProcess } from './support/child.js';
import { rawRequest, type RawRequest } from './support/raw-http.js';

const ROUNDS = 50;
const UPLOAD = Buffer.alloc(200 * 1024, 0x5a);

let emu: Emulator;
let redis: TestRedis;
let storage: string;
let svc: ServiceProcess;
let port: number;

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  redis = await startRedis();
  storage = mkdtempSync(join(tmpdir(), 'aoai-refusals-'));
  svc = await startService(
    serviceEnv(emu, redis.url, storage, {
      LOG_LEVEL: 'info',
      HTTP_BODY_IDLE_TIMEOUT_MS: '1000',
      HTTP_REQUEST_TIMEOUT_MS: '3000',
      HTTP_HEADERS_TIMEOUT_MS: '2000',
    }),
  );
  port = Number(new URL(svc.url).port);
});
afterAll(async () => {
  await svc?.kill('SIGKILL');
  await emu?.close();
  await redis?.stop();
  if (redis) rmSync(redis.dir, { recursive: true, force: true });
  if (storage) rmSync(storage, { recursive: true, force: true });
});

/** Tally what each attempt saw: a status, or the name of the error it threw. */
function tally(seen: (number | string)[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of seen) out[String(s)] = (out[String(s)] ?? 0) + 1;
  return out;
}

describe('refusals of 200 KB uploads are read, never a connection error', () => {
  it(`the official openai SDK, ${ROUNDS} times each with a wrong key and to an unknown path`, async () => {
    const wrongKey = new OpenAI({ apiKey: 'not-a-key', baseURL: `${svc.url}/openai/v1`, maxRetries: 0 });
    const unknownPath = new OpenAI({ apiKey: KEYS.acme, baseURL: `${svc.url}/openai/v9`, maxRetries: 0 });
    const seen: Record<string, (number | string)[]> = { wrongKey: [], unknownPath: [] };
    for (let i = 0; i < ROUNDS; i++) {
      for (const [name, client] of [
        ['wrongKey', wrongKey],
        ['unknownPath', unknownPath],
      ] as const) {
        try {
          await client.images.edit({
            model: 'gpt-image-1',
            prompt: 'a hat',
            image: await toFile(UPLOAD, 'big.png', { type: 'image/png' }),
          });
          seen[name]!.push('succeeded');
        } catch (e) {
          seen[name]!.push(
            e instanceof OpenAI.APIError && e.status ? e.status : (e as Error).constructor.name,
          );
        }
      }
    }
    console.log(
      `openai SDK: wrong key ${JSON.stringify(tally(seen.wrongKey!))}, unknown path ${JSON.stringify(tally(seen.unknownPath!))}`,
    );
    expect(tally(seen.wrongKey!)).toEqual({ '401': ROUNDS });
    expect(tally(seen.unknownPath!)).toEqual({ '404': ROUNDS });
  });

  it(`plain fetch, ${ROUNDS} times each with a wrong key and to an unknown path`, async () => {
    const seen: Record<string, (number | string)[]> = { wrongKey: [], unknownPath: [] };
    for (let i = 0; i < ROUNDS; i++) {
      for (const [name, path, key] of [
        ['wrongKey', '/openai/v1/images/edits', 'not-a-key'],
        ['unknownPath', '/openai/v1/nothing/here', KEYS.acme],
      ] as const) {
        const form = new FormData();
        form.append('model', 'gpt-image-1');
        form.append('prompt', 'a hat');
        form.append('image', new Blob([UPLOAD], { type: 'image/png' }), 'big.png');
        try {
          const res = await fetch(`${svc.url}${path}`, {
            method: 'POST',
            headers: { 'api-key': key },
            body: form,
          });
          const body = await res.json();
          seen[name]!.push(azureError(body) ? res.status : `${res.status} not Azure-shaped`);
        } catch (e) {
          seen[name]!.push(
            `${(e as Error).name}: ${String((e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message)}`,
          );
        }
      }
    }
    console.log(
      `fetch: wrong key ${JSON.stringify(tally(seen.wrongKey!))}, unknown path ${JSON.stringify(tally(seen.unknownPath!))}`,
    );
    expect(tally(seen.wrongKey!)).toEqual({ '401': ROUNDS });
    expect(tally(seen.unknownPath!)).toEqual({ '404': ROUNDS });
  });

  it('a refused upload larger than what is drained is still read: 413 and a wrong key on 5 MB', async () => {
    const big = Buffer.alloc(5 * 1024 * 1024, 0x61);
    const tooLarge = await fetch(`${svc.url}/openai/v1/images/generations`, {
      method: 'POST',
      headers: { 'api-key': KEYS.acme, 'content-type': 'application/json' },
      body: big,
    });
    expect(tooLarge.status).toBe(413);
    expect(azureError(await tooLarge.json())?.code).toBe('payload_too_large');
    const wrongKey = await fetch(`${svc.url}/openai/v1/images/generations`, {
      method: 'POST',
      headers: { 'api-key': 'nope', 'content-type': 'application/json' },
      body: big,
    });
    expect(wrongKey.status).toBe(401);
    expect(azureError(await wrongKey.json())).toBeTruthy();
  });
});

describe('hostile bodies and timeouts', () => {
  it('the 70-byte multipart body that ends inside a file part is a 400 invalid_multipart; the process lives', async () => {
    const body = Buffer.from(
      '--b\r\ncontent-disposition: form-data; name="image"; filename="a.png"\r\n\r\nabc',
    );
    const outcome = await rawRequest(port, {
      method: 'POST',
      path: '/openai/v1/images/edits',
      headers: { 'api-key': KEYS.acme, 'content-type': 'multipart/form-data; boundary=b' },
      body,
    });
    expect(outcome.kind).toBe('answer');
    if (outcome.kind !== 'answer') return;
    expect(outcome.status).toBe(400);
    const error = azureError(JSON.parse(outcome.body.toString()));
    expect(error?.code).toBe('invalid_multipart');
    expect(error?.param).toBe('image');
    expect(svc.child.exitCode).toBe(null);
    expect((await fetch(`${svc.url}/health/live`)).status).toBe(200);
  });

  it('junk bytes labelled image/png are refused naming the field; nothing reaches Azure', async () => {
    const before = emu.admin.requests({ operation: 'images.edit' }).length;
    const form = new FormData();
    form.append('model', 'gpt-image-1');
    form.append('prompt', 'a hat');
    form.append(
      'image',
      new Blob([Buffer.from('\x89PNG\r\n\x1a\n but then nothing')], { type: 'image/png' }),
      'a.png',
    );
    const res = await fetch(`${svc.url}/openai/v1/images/edits`, {
      method: 'POST',
      headers: { 'api-key': KEYS.acme },
      body: form,
    });
    expect(res.status).toBe(400);
    const error = azureError(await res.json());
    expect(error).toMatchObject({ code: 'invalid_file', param: 'image' });
    expect(emu.admin.requests({ operation: 'images.edit' }).length).toBe(before);
  });

  /** Send the head of a request, then one body byte every `everyMs`, and see when and how it ends. */
  function trickle(
    everyMs: number,
    path = '/openai/v1/images/generations',
  ): Promise<{ ms: number; answer: string }> {
    return new Promise((resolve) => {
      const started = Date.now();
      const socket = connect({ port, host: '127.0.0.1' });
      let answer = '';
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearInterval(timer);
        socket.destroy();
        resolve({ ms: Date.now() - started, answer });
      };
      socket.on('connect', () => {
        socket.write(
          `POST ${path} HTTP/1.1\r\nhost: x\r\napi-key: ${KEYS.acme}\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{`,
        );
        timer = setInterval(() => socket.write(' '), everyMs);
      });
      socket.on('data', (d) => (answer += d.toString()));
      socket.on('close', done);
      socket.on('error', done);
      setTimeout(done, 15_000).unref();
    });
  }

  it('a body trickling in (a byte every 200 ms) is cut off at HTTP_REQUEST_TIMEOUT_MS with a 408 in Azure shape', async () => {
    const { ms, answer } = await trickle(200);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(answer).toMatch(/"code":"request_timeout"/);
    expect(ms).toBeGreaterThanOrEqual(2500);
    expect(ms).toBeLessThan(10_000);
  });

  it('a body that stops arriving is cut off at HTTP_BODY_IDLE_TIMEOUT_MS with a 408', async () => {
    const { ms, answer } = await trickle(60_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(azureError(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)))?.code).toBe(
      'request_timeout',
    );
    expect(ms).toBeLessThan(5_000);
  });

  it('headers that never finish are cut off with a 408 in Azure shape', async () => {
    const answer = await new Promise<string>((resolve) => {
      const socket = connect({ port, host: '127.0.0.1' });
      let text = '';
      socket.on('connect', () => socket.write('GET /health HTTP/1.1\r\nhost: x\r\n'));
      socket.on('data', (d) => (text += d.toString()));
      socket.on('close', () => resolve(text));
      setTimeout(() => socket.destroy(), 12_000).unref();
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(answer).toMatch(/"code":"request_timeout"/);
  });

  it('an over-long URL or header, and another method on /health, are answered in Azure shape', async () => {
    const tooLong: RawRequest[] = [
      {
        method: 'GET',
        path: `/openai/v1/videos?after=${'a'.repeat(20_000)}`,
        headers: { 'api-key': KEYS.acme },
      },
      {
        method: 'GET',
        path: '/openai/v1/videos',
        headers: { 'api-key': KEYS.acme, 'x-big': 'b'.repeat(20_000) },
      },
    ];
    for (const request of tooLong) {
      const outcome = await rawRequest(port, request);
      expect(outcome.kind === 'answer' && outcome.status).toBe(431);
      if (outcome.kind === 'answer')
        expect(azureError(JSON.parse(outcome.body.toString()))?.code).toBe('request_header_too_large');
    }
    const post = await fetch(`${svc.url}/health`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(404);
    expect(azureError(await post.json())?.code).toBe('NotFound');
    const badEscape = await fetch(`${svc.url}/openai/v1/videos/%zz`, { headers: { 'api-key': KEYS.acme } });
    expect(badEscape.status).toBe(400);
    expect(azureError(await badEscape.json())).toMatchObject({ code: 'invalid_path', param: 'path' });
  });

  it('a client hanging up mid-body is logged as such, never as an unhandled error', async () => {
    const before = svc.output.join('').length;
    for (const path of ['/openai/v1/images/generations', '/openai/v1/images/edits']) {
      const multipart = path.endsWith('edits');
      const socket = connect({ port, host: '127.0.0.1' });
      await new Promise<void>((resolve) => socket.on('connect', resolve));
      socket.write(
        `POST ${path} HTTP/1.1\r\nhost: x\r\napi-key: ${KEYS.acme}\r\ncontent-type: ${multipart ? 'multipart/form-data; boundary=zz' : 'application/json'}\r\ncontent-length: 5000\r\n\r\n${multipart ? '--zz\r\ncontent-disposition: form-data; name="prompt"\r\n\r\nhal' : '{"prompt":"hal'}`,
      );
      await new Promise((r) => setTimeout(r, 100));
      socket.destroy();
    }
    const logs = await (async () => {
      for (let i = 0; i < 40; i++) {
        const text = svc.output.join('').slice(before);
        if ((text.match(/client closed the connection/g) ?? []).length >= 2) return text;
        await new Promise((r) => setTimeout(r, 50));
      }
      return svc.output.join('').slice(before);
    })();
    expect(logs.match(/client closed the connection/g)?.length).toBe(2);
    expect(logs).not.toMatch(/unhandled error|"level":50/);
    expect(svc.child.exitCode).toBe(null);
  });
});
