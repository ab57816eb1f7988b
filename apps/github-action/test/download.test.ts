// downloadToFile against a raw HTTP server that cuts the body on cue: after the client has put the
// first part on disk, so the resume point is known exactly.
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { NotFoundError } from '@aoai-media/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DownloadError, downloadToFile, type ContentSource } from '../src/download.js';
import { tempDir } from './support.js';

const body = randomBytes(200_000);
const half = 80_000;
let server: Server;
let url: string;
let seen: { range?: string; ifRange?: string }[];
let handler: (req: IncomingMessage, res: ServerResponse, n: number) => void;
let dir: Awaited<ReturnType<typeof tempDir>>;
const file = () => path.join(dir.dir, 'video.partial');

beforeEach(async () => {
  dir = await tempDir();
  seen = [];
  server = createServer((req, res) => {
    seen.push({ range: req.headers.range, ifRange: req.headers['if-range'] as string | undefined });
    handler(req, res, seen.length);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/video`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await dir.remove();
});

const source: ContentSource = {
  what: 'video v1',
  open: (range, signal) =>
    fetch(url, {
      signal,
      headers: {
        ...(range ? { range: `bytes=${range.start}-` } : {}),
        ...(range?.ifRange ? { 'if-range': range.ifRange } : {}),
      },
    }),
};
const noWait = async () => {};

/** Sends the first `half` bytes, waits until the client has written them, then drops the connection. */
function cutAfterHalf(res: ServerResponse): void {
  res.writeHead(200, { 'content-length': body.length, etag: '"v1"', 'accept-ranges': 'bytes' });
  res.write(body.subarray(0, half));
  const started = Date.now();
  const check = setInterval(() => {
    void stat(file())
      .then((s) => s.size >= half || Date.now() - started > 10_000)
      .catch(() => false)
      .then((ready) => {
        if (!ready) return;
        clearInterval(check);
        res.destroy();
      });
  }, 10);
}

function ranged(req: IncomingMessage, res: ServerResponse): void {
  const start = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
  res.writeHead(206, {
    'content-length': body.length - start,
    'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
    etag: '"v1"',
  });
  res.end(body.subarray(start));
}

describe('downloadToFile', () => {
  it('resumes a cut body from the byte where it stopped, guarded by If-Range', async () => {
    handler = (req, res, n) => (n === 1 ? cutAfterHalf(res) : ranged(req, res));
    const logged: string[] = [];
    const bytes = await downloadToFile(source, file(), {
      signal: new AbortController().signal,
      sleep: noWait,
      log: (m) => logged.push(m),
    });
    expect(bytes).toBe(body.length);
    expect(Buffer.compare(await readFile(file()), body)).toBe(0);
    expect(seen).toEqual([{}, { range: `bytes=${half}-`, ifRange: '"v1"' }]);
    expect(logged.join('\n')).toContain(`resuming from byte ${half}`);
  });

  it('starts over when the server answers a Range request with the whole file', async () => {
    handler = (_req, res, n) => {
      if (n === 1) return cutAfterHalf(res);
      res.writeHead(200, { 'content-length': body.length });
      res.end(body);
    };
    await downloadToFile(source, file(), { signal: new AbortController().signal, sleep: noWait });
    expect(Buffer.compare(await readFile(file()), body)).toBe(0);
    expect(seen).toHaveLength(2);
  });

  it('gives up after its attempts with what failed and how far it got', async () => {
    handler = (_req, res) => cutAfterHalf(res);
    const error = await downloadToFile(source, file(), {
      signal: new AbortController().signal,
      sleep: noWait,
      attempts: 3,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    // The server here always sends the start again, so it never gets past half.
    expect((error as Error).message).toMatch(
      /^Downloading video v1 failed after 3 attempts \(\d+ of 200000 bytes received\): /,
    );
    expect(seen).toHaveLength(3);
  });

  it('does not retry an answer that says the content is not there', async () => {
    handler = (_req, res) => {
      res.writeHead(404).end();
    };
    const notFound: ContentSource = {
      what: 'video v1',
      open: async (range, signal) => {
        const response = await source.open(range, signal);
        if (response.status === 404) throw new NotFoundError({ status: 404, message: 'not found' });
        return response;
      },
    };
    await expect(
      downloadToFile(notFound, file(), { signal: new AbortController().signal, sleep: noWait }),
    ).rejects.toThrow('not found');
    expect(seen).toHaveLength(1);
  });

  it('stops at once when cancelled mid-body', async () => {
    const cancel = new AbortController();
    handler = (_req, res) => {
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, half));
      // Cancel once the first part is on disk; the rest never comes.
      const check = setInterval(() => {
        void stat(file()).then(
          (s) => {
            if (s.size >= half) {
              clearInterval(check);
              cancel.abort();
            }
          },
          () => undefined,
        );
      }, 10);
    };
    await expect(downloadToFile(source, file(), { signal: cancel.signal, sleep: noWait })).rejects.toThrow(
      /was cancelled/,
    );
    expect(seen).toHaveLength(1);
  });
});
