/**
 * Downloads on any runtime (the platform's fetch): `download.stream` and `download.pipeTo` into a
 * sink or a WritableStream, against a real loopback server. The body is read once; a sink that asks
 * to wait gets nothing more until it is ready; failures abort the sink with typed errors.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, AzureOpenAIMedia, ConnectionError, type DownloadSink } from '../src/index.js';
import { startServer, type TestServer } from './server.js';

const VIDEO = randomBytes(2 * 1024 * 1024 + 777);

let server: TestServer;
beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.path.includes('gen_short')) {
      // Declares more than it sends, then closes.
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': VIDEO.length });
      res.write(VIDEO.subarray(0, 70_000), () => res.destroy());
      return;
    }
    if (req.path.includes('gen_stall')) {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': VIDEO.length });
      res.write(VIDEO.subarray(0, 70_000));
      return;
    }
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': VIDEO.length });
    res.end(VIDEO);
  });
});
afterAll(() => server?.close());

const client = () => new AzureOpenAIMedia({ endpoint: server.url, auth: { apiKey: 'k' }, maxRetries: 0 });

/** A sink that records what it got, and can make each write wait. */
function recordingSink(options: { waitEachWrite?: boolean; failAt?: number } = {}) {
  const chunks: Uint8Array[] = [];
  const events: string[] = [];
  let pending = false;
  let overlapped = false;
  const sink: DownloadSink = {
    write(chunk) {
      if (pending) overlapped = true;
      chunks.push(chunk.slice());
      const total = chunks.reduce((n, c) => n + c.byteLength, 0);
      if (options.failAt !== undefined && total >= options.failAt) throw new Error('disk full');
      if (!options.waitEachWrite) return;
      pending = true;
      return new Promise<void>((resolve) =>
        queueMicrotask(() => {
          pending = false;
          resolve();
        }),
      );
    },
    close() {
      events.push('close');
    },
    abort(reason) {
      events.push(`abort: ${(reason as Error).name}`);
    },
  };
  return {
    sink,
    events,
    bytes: () => Buffer.concat(chunks),
    overlapped: () => overlapped,
  };
}

describe('download.pipeTo on the platform fetch', () => {
  it('writes every byte in order into a sink, waits when the sink asks, then closes it', async () => {
    const download = await client().videos.generations.content('gen_1');
    const recorded = recordingSink({ waitEachWrite: true });
    expect(await download.pipeTo(recorded.sink)).toBe(VIDEO.length);
    expect(recorded.bytes().equals(VIDEO)).toBe(true);
    expect(recorded.events).toEqual(['close']);
    expect(recorded.overlapped()).toBe(false);
  });

  it('writes into a WritableStream', async () => {
    const download = await client().videos.generations.content('gen_1');
    const chunks: Uint8Array[] = [];
    let closed = false;
    const stream = new WritableStream<Uint8Array>({
      write: (chunk) => void chunks.push(chunk),
      close: () => void (closed = true),
    });
    expect(await download.pipeTo(stream)).toBe(VIDEO.length);
    expect(Buffer.concat(chunks).equals(VIDEO)).toBe(true);
    expect(closed).toBe(true);
  });

  it('reads the body once: pipeTo after stream, or stream after pipeTo, is refused', async () => {
    const first = await client().videos.generations.content('gen_1');
    void first.stream;
    await expect(first.pipeTo(recordingSink().sink)).rejects.toThrow('already read');
    await first.stream.cancel();

    const second = await client().videos.generations.content('gen_1');
    await second.pipeTo(recordingSink().sink);
    await expect(second.stream.getReader().read()).rejects.toThrow('pipeTo');
  });

  it('a body shorter than its length: ConnectionError, the sink aborted, never closed', async () => {
    const download = await client().videos.generations.content('gen_short');
    const recorded = recordingSink();
    const error = await download.pipeTo(recorded.sink).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(/^the download ended early/);
    expect(recorded.events).toEqual(['abort: ConnectionError']);
  });

  it("the caller's abort mid-body: AbortError, the sink aborted", async () => {
    const controller = new AbortController();
    const download = await client().videos.generations.content('gen_stall', { signal: controller.signal });
    const recorded = recordingSink();
    const written = download.pipeTo(recorded.sink);
    const started = Date.now();
    while (recorded.bytes().length < 70_000 && Date.now() - started < 5000) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    controller.abort();
    await expect(written).rejects.toBeInstanceOf(AbortError);
    expect(recorded.events).toEqual(['abort: AbortError']);
  });

  it("a sink's own error is thrown as it is and the body is cancelled", async () => {
    const download = await client().videos.generations.content('gen_1');
    const recorded = recordingSink({ failAt: 100_000 });
    await expect(download.pipeTo(recorded.sink)).rejects.toThrow('disk full');
    expect(recorded.events).toEqual(['abort: Error']);
  });

  it('the web stream still reads the whole body', async () => {
    const download = await client().videos.generations.content('gen_1');
    const chunks: Uint8Array[] = [];
    const reader = download.stream.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) chunks.push(read.value);
    expect(Buffer.concat(chunks).equals(VIDEO)).toBe(true);
  });
});
