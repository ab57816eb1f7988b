import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { ApiError } from '../common/api-error.js';
import type { MediaStorage } from './storage.js';

/** Parse one `bytes=` range against a size. `undefined`: no usable Range header; `null`: unsatisfiable. */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | null | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return undefined; // several ranges or another unit: answer with the whole object, as RFC 9110 allows
  const [, a, b] = m;
  if (a === '' && b === '') return undefined;
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0) return null;
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (start >= size || start > end) return null;
  return { start, end };
}

/** Serve a stored object with HEAD, Range (206/416), type, length and last-modified. */
export async function serveStored(
  req: Request,
  res: Response,
  storage: MediaStorage,
  key: string,
  contentType: string,
): Promise<void> {
  const info = await storage.stat(key);
  if (!info) throw ApiError.notFound('the content is not available');
  res.setHeader('accept-ranges', 'bytes');
  res.setHeader('content-type', contentType);
  res.setHeader('last-modified', info.modified.toUTCString());
  res.setHeader('cache-control', 'private, max-age=3600');
  const range = parseRange(req.header('range'), info.size);
  if (range === null) {
    res.setHeader('content-range', `bytes */${info.size}`);
    res.status(416).end();
    return;
  }
  if (range) {
    res.status(206);
    res.setHeader('content-range', `bytes ${range.start}-${range.end}/${info.size}`);
    res.setHeader('content-length', String(range.end - range.start + 1));
  } else {
    res.status(200);
    res.setHeader('content-length', String(info.size));
  }
  if (req.method === 'HEAD' || info.size === 0) {
    res.end();
    return;
  }
  await pipeline(await storage.read(key, range ?? undefined), res);
}
