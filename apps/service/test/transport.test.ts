/** The service's upstream transport, against a real HTTP server on loopback. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferedBody, createTransport } from '../src/upstream/transport.js';

type Handler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void;
const routes = new Map<string, Handler>();
let server: Server;
let base: string;
let connections = 0;
const transport = createTransport({ maxBufferedBytes: 1024 * 1024 });
const f = transport.fetch;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => routes.get(new URL(req.url!, 'http://x').pathname)!(req, Buffer.concat(chunks), res));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  transport.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const json =
  (status: number, value: unknown): Handler =>
  (_req, _body, res) => {
    const text = JSON.stringify(value);
    res
      .writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        'x-ms-request-id': 'r-1',
      })
      .end(text);
  };

describe('upstream transport', () => {
  it('sends JSON bodies and headers, reads a JSON answer whole, and serves it by every body method', async () => {
    let seen: { method?: string; headers?: IncomingMessage['headers']; body?: string } = {};
    const answer = { data: [{ b64_json: 'A'.repeat(50_000) }], note: 'héllo' };
    routes.set('/json', (req, body, res) => {
      seen = { method: req.method, headers: req.headers, body: body.toString() };
      json(201, answer)(req, body, res);
    });
    const res = await f(`${base}/json?api-version=preview`, {
      method: 'POST',
      headers: new Headers({ 'api-key': 'k', 'content-type': 'application/json' }),
      body: '{"prompt":"ü"}',
    });
    expect(seen.method).toBe('POST');
    expect(seen.body).toBe('{"prompt":"ü"}');
    expect(seen.headers?.['content-length']).toBe(String(Buffer.byteLength('{"prompt":"ü"}')));
    expect(seen.headers?.['api-key']).toBe('k');
    expect(seen.headers?.['accept-encoding']).toBe('identity');
    expect(res.status).toBe(201);
    expect(res.ok).toBe(true);
    expect(res.headers.get('x-ms-request-id')).toBe('r-1');
    const bytes = bufferedBody(res);
    expect(bytes?.toString()).toBe(JSON.stringify(answer));
    expect(await res.clone().json()).toEqual(answer);
    expect(JSON.parse(await res.clone().text())).toEqual(answer);
    expect(Buffer.from(await res.clone().arrayBuffer()).equals(bytes!)).toBe(true);
    expect(Buffer.from(await new Response(res.body).arrayBuffer()).equals(bytes!)).toBe(true);
  });

  it('keeps connections alive between calls', async () => {
    routes.set('/small', json(200, { ok: true }));
    await (await f(`${base}/small`)).text();
    const before = connections;
    for (let i = 0; i < 5; i++) expect(await (await f(`${base}/small`)).json()).toEqual({ ok: true });
    expect(connections).toBe(before);
  });

  it('streams answers that are not JSON of a known length, as they arrive', async () => {
    let finish: () => void = () => undefined;
    routes.set('/events', (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: one\n\n');
      finish = () => res.end('data: two\n\n');
    });
    const res = await f(`${base}/events`, { method: 'POST', body: '{}' });
    expect(bufferedBody(res)).toBeUndefined();
    const reader = res.body!.getReader();
    const first = await reader.read();
    // The first event arrived while the server still held the answer open.
    expect(Buffer.from(first.value!).toString()).toBe('data: one\n\n');
    finish();
    let rest = '';
    for (let i = 0; i < 10; i++) {
      const next = await reader.read();
      if (next.done) break;
      rest += Buffer.from(next.value).toString();
    }
    expect(rest).toBe('data: two\n\n');
  });

  it('decodes a compressed answer even though it asked for none', async () => {
    routes.set('/gz', (_req, _body, res) => {
      const body = gzipSync(Buffer.from('{"zipped":true}'));
      res
        .writeHead(200, {
          'content-type': 'application/json',
          'content-encoding': 'gzip',
          'content-length': body.length,
        })
        .end(body);
    });
    const res = await f(`${base}/gz`);
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(await res.json()).toEqual({ zipped: true });
  });

  it('answers HEAD and 204 without a body', async () => {
    routes.set('/empty', (req, _body, res) =>
      res
        .writeHead(req.method === 'HEAD' ? 200 : 204, {
          'content-length': req.method === 'HEAD' ? '1234' : '0',
        })
        .end(),
    );
    const head = await f(`${base}/empty`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('1234');
    expect(head.body).toBeNull();
    const none = await f(`${base}/empty`, { method: 'DELETE' });
    expect(none.status).toBe(204);
  });

  it('rejects when the caller aborts, before or during the answer, and when the answer is cut short', async () => {
    routes.set('/slow', () => undefined); // never answers
    const early = new AbortController();
    early.abort(new Error('stop before'));
    await expect(f(`${base}/slow`, { signal: early.signal })).rejects.toThrow('stop before');
    const late = new AbortController();
    const pending = f(`${base}/slow`, { signal: late.signal });
    late.abort(new Error('stop while waiting'));
    await expect(pending).rejects.toThrow('stop while waiting');

    routes.set('/cut', (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"partial":');
      setTimeout(() => res.destroy(), 20);
    });
    await expect(f(`${base}/cut`)).rejects.toThrow();

    routes.set('/drip', (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4' });
      res.write(Buffer.alloc(10));
    });
    const stream = new AbortController();
    const res = await f(`${base}/drip`, { signal: stream.signal });
    const reader = res.body!.getReader();
    await reader.read();
    stream.abort(new Error('stop mid-stream'));
    await expect(reader.read()).rejects.toThrow();
  });

  it('sends multipart bodies through the platform fetch', async () => {
    let type = '';
    let body = '';
    routes.set('/form', (req, raw, res) => {
      type = req.headers['content-type'] ?? '';
      body = raw.toString();
      json(200, { ok: true })(req, raw, res);
    });
    const form = new FormData();
    form.append('prompt', 'a kite');
    form.append('input_reference', new Blob([Buffer.from('PNGDATA')], { type: 'image/png' }), 'k.png');
    const res = await f(`${base}/form`, { method: 'POST', body: form });
    expect(await res.json()).toEqual({ ok: true });
    expect(type).toMatch(/^multipart\/form-data; boundary=/);
    expect(body).toContain('name="input_reference"; filename="k.png"');
    expect(body).toContain('PNGDATA');
  });
});
