/**
 * Calls to Azure go through the proxy HTTP_PROXY / HTTPS_PROXY name, except to the hosts NO_PROXY
 * names. The proxy here is a real one on loopback (CONNECT tunnels and absolute-form requests) that
 * counts what goes through it.
 */
import { createServer, request, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { sampleWav } from '@aoai-media/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startInstance, startStack, call, type Instance, type Stack } from './support/stack.js';

let stack: Stack;
let proxy: Server;
let proxyUrl: string;
const through: string[] = [];
/** Bytes clients sent through the proxy, tunnels and forwarded requests alike. */
let bytesUp = 0;
const sockets = new Set<Socket>();
const instances: Instance[] = [];

beforeAll(async () => {
  stack = await startStack();
  proxy = createServer((req, res) => {
    // An absolute-form request: forward it.
    through.push(`${req.method} ${req.url}`);
    const target = new URL(req.url!);
    const out = request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: req.method,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      },
    );
    req.on('data', (c: Buffer) => (bytesUp += c.length));
    req.pipe(out);
  });
  proxy.on('connect', (req, client: Socket, head) => {
    through.push(`CONNECT ${req.url}`);
    const [host, port] = req.url!.split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.on('data', (c: Buffer) => (bytesUp += c.length));
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
});
afterAll(async () => {
  for (const i of instances) await i.close();
  for (const s of sockets) s.destroy();
  proxy?.close();
  await stack?.close();
});

const image = { model: 'gpt-image-1-mini', prompt: 'a lighthouse', size: '1024x1024', quality: 'low' };
const emulatorHost = () => new URL(stack.emu.url).host;

describe('proxies', () => {
  it('sends calls to Azure through HTTP_PROXY', async () => {
    const svc = await startInstance(stack, { HTTP_PROXY: proxyUrl, NO_PROXY: '' });
    instances.push(svc);
    const before = through.length;
    const res = await json(svc, '/openai/v1/images/generations', image);
    expect(res.status).toBe(200);
    const seen = through.slice(before);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((line) => line.includes(emulatorHost()))).toBe(true);
    // Multipart uploads (an audio file) go the same way, whole.
    const audio = sampleWav(2);
    const sent = bytesUp;
    const form = new FormData();
    form.append('model', 'whisper');
    form.append('file', new Blob([audio], { type: 'audio/wav' }), 'a.wav');
    const heard = await call(svc, '/openai/v1/audio/transcriptions', { method: 'POST', body: form });
    expect(heard.status).toBe(200);
    expect(bytesUp - sent).toBeGreaterThan(audio.length);
  });

  it('goes straight to hosts NO_PROXY names, and proxies nothing without a proxy', async () => {
    const bypass = await startInstance(stack, { HTTP_PROXY: proxyUrl, NO_PROXY: 'localhost,127.0.0.1' });
    const none = await startInstance(stack, {});
    instances.push(bypass, none);
    const before = { lines: through.length, bytes: bytesUp };
    expect((await json(bypass, '/openai/v1/images/generations', image)).status).toBe(200);
    expect((await json(none, '/openai/v1/images/generations', image)).status).toBe(200);
    expect({ lines: through.length, bytes: bytesUp }).toEqual(before);
  });

  it('refuses a proxy setting that is not a URL, naming the variable', async () => {
    await expect(startInstance(stack, { HTTPS_PROXY: 'proxy.internal:3128' })).rejects.toThrow(
      /HTTPS_PROXY must be an http\(s\) URL/,
    );
  });
});
