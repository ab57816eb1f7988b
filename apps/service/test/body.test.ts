/**
 * The multipart reader on its own, fed chunk by chunk as a socket would, so the moments that matter
 * (where a chunk ends) are chosen by the test rather than by the kernel.
 */
import { PassThrough, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/common/api-error.js';
import { readMultipart, type FileSink } from '../src/common/body.js';

const BOUNDARY = 'b6o293';
const LIMITS = {
  maxBytes: 4 << 20,
  maxFileBytes: 4 << 20,
  maxFiles: 4,
  maxFields: 8,
  maxFieldBytes: 1 << 16,
};
const TIMING = { maxJsonBytes: 1 << 20, maxUploadBytes: 4 << 20, bodyIdleMs: 5_000, bodyTimeoutMs: 10_000 };

/** A request body as a stream with the headers express would read. */
function fakeRequest(): PassThrough & Request {
  const headers: Record<string, string> = { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` };
  return Object.assign(new PassThrough(), {
    headers,
    header: (name: string) => headers[name.toLowerCase()],
  }) as unknown as PassThrough & Request;
}

describe('readMultipart', () => {
  it('a part header over the parser limit, with a file part cut by the chunk: 400 at once, no file left waiting', async () => {
    // The first part's header is too long (the parser stops at 16 KiB); the same chunk goes on into
    // a file part whose end only the next chunk would bring. A fuzzed 65,546-byte body did this.
    const head = Buffer.from(
      `--${BOUNDARY}\r\ncontent-disposition: form-data; name="model"\r\nx-junk: ${'z'.repeat(20_000)}\r\n\r\nsora\r\n` +
        `--${BOUNDARY}\r\ncontent-disposition: form-data; name="image"; filename="a.png"\r\ncontent-type: image/png\r\n\r\n`,
    );
    const req = fakeRequest();
    const sinks: string[] = [];
    const sink: FileSink = async (file, bytes) => {
      sinks.push(file.field);
      await pipeline(bytes, new Writable({ write: (_chunk, _enc, done) => done() }));
      return { path: 'unused' };
    };
    let discarded = 0;
    const read = readMultipart(req, LIMITS, TIMING, sink, async () => void discarded++);
    req.write(Buffer.concat([head, Buffer.alloc(3000, 0x41)]));

    const error = await read.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect(JSON.stringify((error as ApiError).body)).toMatch(/invalid_multipart.*Malformed part header/);
    expect(sinks).toEqual([]);
    expect(discarded).toBe(1);
    req.end(`\r\n--${BOUNDARY}--\r\n`);
  }, 10_000);
});
