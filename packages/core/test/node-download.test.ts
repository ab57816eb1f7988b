/**
 * Large downloads on Node: `nodeDownloadFetch` (one HTTP/1.1 connection per download, read into a
 * reused buffer) and `fileSink` (a file that appears only when complete), through the client's
 * video content calls, against real loopback servers: node:http for ordinary answers, raw TCP where
 * the test needs exact framing, cuts and stalls, and TLS with a certificate made for the test.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AbortError,
  AzureOpenAIMedia,
  ConnectionError,
  NotFoundError,
  type DownloadSink,
} from '../src/index.js';
import { fileSink, nodeDownloadFetch } from '../src/node/index.js';
import { startServer, type TestServer } from './server.js';

const VIDEO = randomBytes(3 * 1024 * 1024 + 12_345);
const CONTENT_PATH = '/openai/v1/video/generations/gen_1/content/video';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'core-node-download-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

function client(endpoint: string, options: Parameters<typeof nodeDownloadFetch>[0] = {}) {
  return new AzureOpenAIMedia({
    endpoint,
    auth: { apiKey: 'k-secret' },
    maxRetries: 0,
    downloadFetch: nodeDownloadFetch(options),
  });
}

/** Files in the download directory, so a test can see that nothing else was left behind. */
function filesIn(folder: string): string[] {
  return readdirSync(folder).sort();
}

function freshDir(): string {
  return mkdtempSync(join(dir, 'case-'));
}

async function http(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const server = await startServer(handler);
  closers.push(() => server.close());
  return server;
}

interface RawServer {
  url: string;
  /** Request heads received, in order. */
  requests: string[];
  /** Connections that ended (closed by either side). */
  closed: number;
}

/** A TCP server that reads each request head and hands the socket to `answer`. */
async function raw(answer: (socket: Socket, head: string) => void): Promise<RawServer> {
  const state: RawServer = { url: '', requests: [], closed: 0 };
  const sockets = new Set<Socket>();
  const server: Server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      state.closed++;
    });
    socket.on('error', () => undefined);
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      state.requests.push(head.slice(0, end));
      answer(socket, head.slice(0, end));
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return state;
}

/** Waits for `check` to hold, polling (bounded) instead of sleeping a fixed time. */
async function until(check: () => boolean, what: string, limitMs = 5000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('a video to a file over nodeDownloadFetch', () => {
  it('writes every byte, sends the key only to the API, and the file appears only when complete', async () => {
    let release!: () => void;
    const halfSent = new Promise<void>((resolve) => (release = resolve));
    let continueSending!: () => void;
    const resume = new Promise<void>((resolve) => (continueSending = resolve));
    const server = await raw((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\ncontent-type: video/mp4\r\ncontent-length: ${VIDEO.length}\r\n\r\n`);
      const half = VIDEO.length >> 1;
      socket.write(VIDEO.subarray(0, half), () => release());
      void resume.then(() => socket.end(VIDEO.subarray(half)));
    });
    const folder = freshDir();
    const target = join(folder, 'video.mp4');
    const download = await client(server.url).videos.generations.content('gen_1');
    expect(download).toMatchObject({ contentType: 'video/mp4', contentLength: VIDEO.length });
    const written = download.pipeTo(fileSink(target));
    await halfSent;
    await until(() => filesIn(folder).length === 1, 'the temporary file');
    // Half the bytes are on their way: the target does not exist yet, only a hidden part file.
    expect(existsSync(target)).toBe(false);
    expect(filesIn(folder)[0]).toMatch(/^\.video\.mp4\.[0-9a-f]{8}\.part$/);
    continueSending();
    expect(await written).toBe(VIDEO.length);
    expect(readFileSync(target).equals(VIDEO)).toBe(true);
    expect(filesIn(folder)).toEqual(['video.mp4']);
    expect(server.requests).toHaveLength(1);
    const head = server.requests[0]!;
    expect(head.split('\r\n')[0]).toBe(`GET ${CONTENT_PATH} HTTP/1.1`);
    expect(head).toMatch(/\r\napi-key: k-secret(\r\n|$)/);
    expect(head).toMatch(/\r\naccept: video\/mp4(\r\n|$)/);
    expect(head).toMatch(/\r\naccept-encoding: identity(\r\n|$)/);
  });

  it('reads chunked, until-close and interim-answer framings byte for byte', async () => {
    const chunked = await raw((socket) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: video/mp4\r\ntransfer-encoding: chunked\r\n\r\n');
      // Uneven chunks, an extension and a trailer, written a few bytes at a time across reads.
      const parts: Buffer[] = [];
      for (let at = 0, size = 1; at < VIDEO.length; at += size, size = (size * 7 + 13) % 200_000 || 1) {
        const chunk = VIDEO.subarray(at, at + size);
        parts.push(
          Buffer.from(`${chunk.length.toString(16)}${at === 0 ? ';ext=1' : ''}\r\n`),
          chunk,
          Buffer.from('\r\n'),
        );
      }
      parts.push(Buffer.from('0\r\nx-checksum: none\r\n\r\n'));
      const all = Buffer.concat(parts);
      for (let at = 0; at < all.length; at += 65_521) socket.write(all.subarray(at, at + 65_521));
      socket.end();
    });
    const untilClose = await raw((socket) => {
      socket.end(Buffer.concat([Buffer.from('HTTP/1.0 200 OK\r\ncontent-type: video/mp4\r\n\r\n'), VIDEO]));
    });
    const interim = await raw((socket) => {
      socket.write('HTTP/1.1 103 Early Hints\r\nlink: </x>; rel=preload\r\n\r\n');
      socket.end(
        Buffer.concat([
          Buffer.from(
            `HTTP/1.1 200 OK\r\ncontent-type: video/mp4\r\ncontent-length: ${VIDEO.length}\r\n\r\n`,
          ),
          VIDEO,
        ]),
      );
    });
    for (const server of [chunked, untilClose, interim]) {
      const folder = freshDir();
      const download = await client(server.url).videos.generations.content('gen_1');
      expect(await download.pipeTo(fileSink(join(folder, 'v.mp4')))).toBe(VIDEO.length);
      expect(readFileSync(join(folder, 'v.mp4')).equals(VIDEO)).toBe(true);
      expect(filesIn(folder)).toEqual(['v.mp4']);
    }
  });

  it('a sink that asks to wait stops the reading: the server meets backpressure, nothing piles up in between', async () => {
    const total = 64 * 1024 * 1024;
    let serverBlocked = false;
    const server = await raw((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${total}\r\n\r\n`);
      const chunk = Buffer.alloc(1024 * 1024, 7);
      let sent = 0;
      const pump = () => {
        while (sent < total) {
          sent += chunk.length;
          if (!socket.write(chunk)) {
            serverBlocked = true;
            socket.once('drain', pump);
            return;
          }
        }
        socket.end();
      };
      pump();
    });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let received = 0;
    let writes = 0;
    const download = await client(server.url).videos.generations.content('gen_1');
    const written = download.pipeTo({
      write: (chunk) => {
        received += chunk.byteLength;
        writes++;
        return writes === 1 ? gate : undefined;
      },
      close: () => undefined,
      abort: () => undefined,
    });
    await until(() => serverBlocked && writes === 1, 'the server to be held back');
    // One read's worth reached the sink; the rest waits in the kernel, not in this process.
    expect(received).toBeLessThanOrEqual(256 * 1024);
    release();
    expect(await written).toBe(total);
    expect(received).toBe(total);
  });

  it('reads the same body as a web stream (each read copied out of the reused buffer)', async () => {
    const server = await http((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': VIDEO.length });
      res.end(VIDEO);
    });
    const download = await client(server.url).videos.generations.content('gen_1');
    const chunks: Uint8Array[] = [];
    const reader = download.stream.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) chunks.push(read.value);
    expect(Buffer.concat(chunks).equals(VIDEO)).toBe(true);
    // Every chunk is its own copy: none shares memory with another.
    expect(new Set(chunks.map((c) => c.buffer)).size).toBe(chunks.length);
  });

  it('decodes a gzip answer on the portable path (no direct body for encoded answers)', async () => {
    const server = await http((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-encoding': 'gzip' });
      res.end(gzipSync(VIDEO));
    });
    const folder = freshDir();
    const download = await client(server.url).videos.generations.content('gen_1');
    expect(await download.pipeTo(fileSink(join(folder, 'v.mp4')))).toBe(VIDEO.length);
    expect(readFileSync(join(folder, 'v.mp4')).equals(VIDEO)).toBe(true);
  });

  it('follows a redirect to storage without the key, and reads an error answer as the right error', async () => {
    const storage = await http((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': VIDEO.length });
      res.end(VIDEO);
    });
    const api = await http((req, res) => {
      if (req.path.includes('gen_missing')) {
        const body = JSON.stringify({ error: { code: 'NotFound', message: 'no such generation' } });
        res.writeHead(404, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      res.writeHead(302, { location: `${storage.url}/blob/video.mp4?sig=abc` });
      res.end();
    });
    const c = client(api.url);
    const folder = freshDir();
    await (await c.videos.generations.content('gen_1')).pipeTo(fileSink(join(folder, 'v.mp4')));
    expect(readFileSync(join(folder, 'v.mp4')).equals(VIDEO)).toBe(true);
    expect(storage.requests).toHaveLength(1);
    expect(storage.requests[0]!.headers['api-key']).toBeUndefined();
    expect(api.requests[0]!.headers['api-key']).toBe('k-secret');

    const missing = await c.videos.generations.content('gen_missing').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as NotFoundError).message).toContain('no such generation');
  });

  it('sends anything but a bodiless GET or HEAD with manual redirects to the fallback', async () => {
    const seen: string[] = [];
    const fallback = (async (input: RequestInfo | URL, init?: RequestInit) => {
      seen.push(`${init?.method ?? 'GET'} ${String(input)}`);
      return new Response('ok');
    }) as typeof fetch;
    const downloadFetch = nodeDownloadFetch({ fallback });
    await downloadFetch('http://127.0.0.1:9/a', { method: 'POST', body: 'x', redirect: 'manual' });
    await downloadFetch('http://127.0.0.1:9/b', { method: 'GET' });
    await downloadFetch('ftp://127.0.0.1:9/c', { redirect: 'manual' });
    expect(seen).toEqual([
      'POST http://127.0.0.1:9/a',
      'GET http://127.0.0.1:9/b',
      'GET ftp://127.0.0.1:9/c',
    ]);
  });
});

describe('nothing half-written where the user looks', () => {
  it('an abort mid-download (the call signal or the pipe signal) removes the part file and closes the connection', async () => {
    for (const which of ['call', 'pipe'] as const) {
      const server = await raw((socket) => {
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: video/mp4\r\ncontent-length: ${VIDEO.length}\r\n\r\n`);
        socket.write(VIDEO.subarray(0, 1024 * 1024)); // then nothing: the rest never comes
      });
      const folder = freshDir();
      const target = join(folder, 'v.mp4');
      const controller = new AbortController();
      const download = await client(server.url).videos.generations.content('gen_1', {
        ...(which === 'call' ? { signal: controller.signal } : {}),
      });
      const received: number[] = [];
      const sink = fileSink(target);
      const counting: DownloadSink = {
        write: (chunk) => {
          received.push(chunk.byteLength);
          return sink.write(chunk);
        },
        close: () => sink.close(),
        abort: (reason) => sink.abort(reason),
      };
      const written = download.pipeTo(counting, which === 'pipe' ? { signal: controller.signal } : {});
      await until(() => received.reduce((a, b) => a + b, 0) === 1024 * 1024, 'the first megabyte');
      controller.abort();
      await expect(written).rejects.toBeInstanceOf(AbortError);
      expect(filesIn(folder)).toEqual([]);
      await until(() => server.closed === 1, 'the server to see the connection closed');
    }
  });

  it('a connection cut mid-body, or a body shorter than its length, is a ConnectionError and leaves no file', async () => {
    const cut = await raw((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${VIDEO.length}\r\n\r\n`);
      socket.write(VIDEO.subarray(0, 100_000), () => socket.resetAndDestroy());
    });
    const short = await raw((socket) => {
      socket.end(
        Buffer.concat([
          Buffer.from(`HTTP/1.1 200 OK\r\ncontent-length: ${VIDEO.length}\r\n\r\n`),
          VIDEO.subarray(0, 5000),
        ]),
      );
    });
    const badChunk = await raw((socket) => {
      socket.end('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nabc\r\nzz\r\n');
    });
    for (const server of [cut, short, badChunk]) {
      const folder = freshDir();
      const download = await client(server.url).videos.generations.content('gen_1');
      const error = await download.pipeTo(fileSink(join(folder, 'v.mp4'))).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as Error).message).toMatch(/^the download ended early/);
      expect(filesIn(folder)).toEqual([]);
    }
  });

  it('a stalled transfer fails after the idle timeout and leaves no file', async () => {
    const server = await raw((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${VIDEO.length}\r\n\r\n`);
      socket.write(VIDEO.subarray(0, 10_000));
    });
    const folder = freshDir();
    const download = await client(server.url, { idleTimeoutMs: 200 }).videos.generations.content('gen_1');
    const error = await download.pipeTo(fileSink(join(folder, 'v.mp4'))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(String((error as Error).message)).toContain('no data for 200 ms');
    expect(filesIn(folder)).toEqual([]);
  });

  it('a failed download leaves an existing file as it was; a finished one replaces it whole', async () => {
    let fail = true;
    const server = await raw((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${VIDEO.length}\r\n\r\n`);
      if (fail) socket.write(VIDEO.subarray(0, 200_000), () => socket.destroy());
      else socket.end(VIDEO);
    });
    const folder = freshDir();
    const target = join(folder, 'v.mp4');
    writeFileSync(target, 'the old video');
    const c = client(server.url);
    await expect(
      (await c.videos.generations.content('gen_1')).pipeTo(fileSink(target)),
    ).rejects.toBeInstanceOf(ConnectionError);
    expect(readFileSync(target, 'utf8')).toBe('the old video');
    fail = false;
    await (await c.videos.generations.content('gen_1')).pipeTo(fileSink(target));
    expect(readFileSync(target).equals(VIDEO)).toBe(true);
    expect(filesIn(folder)).toEqual(['v.mp4']);
  });

  it("a sink's own failure is thrown as it is, and the connection is released", async () => {
    const server = await raw((socket) => {
      socket.end(
        Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\ncontent-length: ${VIDEO.length}\r\n\r\n`), VIDEO]),
      );
    });
    const missingFolder = join(freshDir(), 'no-such-folder', 'v.mp4');
    const download = await client(server.url).videos.generations.content('gen_1');
    const error = await download.pipeTo(fileSink(missingFolder)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ENOENT' });
    await until(() => server.closed === 1, 'the connection to close');
  });
});

describe('a hostile or broken server', () => {
  it('answers it cannot read fail the call with ConnectionError; nothing is thrown into the process', async () => {
    const answers = [
      'HTTP/1.1 700 Nope\r\ncontent-length: 0\r\n\r\n',
      'HTTP/1.1 200 O\u0001K\r\ncontent-length: 0\r\n\r\n',
      'HTTP/1.1 200 OK\r\nno colon here\r\n\r\n',
      'HTTP/1.1 200 OK\r\ncontent-length: 5, 6\r\n\r\nhello',
      'HTTP/1.1 200 OK\r\ntransfer-encoding: gzip, chunked\r\n\r\n',
      `HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(70 * 1024)}\r\n\r\n`,
      'SSH-2.0-OpenSSH_9.6\r\n\r\n',
      'HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\n\r\n',
    ];
    for (const answer of answers) {
      const server = await raw((socket) => socket.end(answer));
      const error = await client(server.url)
        .videos.generations.content('gen_1')
        .catch((e: unknown) => e);
      expect(error, JSON.stringify(answer.slice(0, 40))).toBeInstanceOf(ConnectionError);
    }
  });

  it('a server that closes before answering is a ConnectionError, and the read is retried like any read', async () => {
    let connections = 0;
    const server = await raw((socket) => {
      connections++;
      if (connections === 1) socket.destroy();
      else
        socket.end(
          Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\ncontent-length: ${VIDEO.length}\r\n\r\n`), VIDEO]),
        );
    });
    const c = new AzureOpenAIMedia({
      endpoint: server.url,
      auth: { apiKey: 'k' },
      maxRetries: 1,
      sleep: async () => undefined,
      downloadFetch: nodeDownloadFetch(),
    });
    const folder = freshDir();
    expect(await (await c.videos.generations.content('gen_1')).pipeTo(fileSink(join(folder, 'v.mp4')))).toBe(
      VIDEO.length,
    );
    expect(connections).toBe(2);
  });
});

describe('TLS', () => {
  let certDir: string;
  let server: HttpsServer;
  let url: string;
  let ca: Buffer;
  beforeAll(async () => {
    certDir = mkdtempSync(join(tmpdir(), 'core-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
        '-keyout',
        join(certDir, 'key.pem'),
        '-out',
        join(certDir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    ca = readFileSync(join(certDir, 'cert.pem'));
    server = createHttpsServer({ key: readFileSync(join(certDir, 'key.pem')), cert: ca }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': VIDEO.length });
      res.end(VIDEO);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://localhost:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    rmSync(certDir, { recursive: true, force: true });
  });

  it('downloads over TLS with the certificate authority given, and refuses a certificate it cannot verify', async () => {
    const folder = freshDir();
    const download = await client(url, { tls: { ca } }).videos.generations.content('gen_1');
    expect(await download.pipeTo(fileSink(join(folder, 'v.mp4')))).toBe(VIDEO.length);
    expect(readFileSync(join(folder, 'v.mp4')).equals(VIDEO)).toBe(true);

    const refused = await client(url)
      .videos.generations.content('gen_1')
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConnectionError);
    expect((refused as Error).message).toMatch(/self-signed|SELF_SIGNED|certificate/i);
  });
});
