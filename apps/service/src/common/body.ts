/**
 * Request bodies, read by hand so limits hold: a declared length over the limit is refused before
 * a byte is read, a body that grows past it is refused as soon as it does (never buffered whole), a
 * body that stalls or trickles is refused with 408, and a client that hangs up halfway ends the
 * request quietly. Anything wrong with a multipart body is a 400 `invalid_multipart`.
 */
import { Readable, Transform } from 'node:stream';
import busboy from 'busboy';
import type { Request } from 'express';
import type { BodyLimits } from '../config/config.js';
import { ApiError } from './api-error.js';

/** Bytes kept from the start of each uploaded file, for recognising it (type, image size, WAV length). */
export const HEAD_BYTES = 512 * 1024;

/** Where an uploaded file's bytes went while the body streamed in: a spooled temp file or a storage key. */
export interface StoredUpload {
  path?: string;
  key?: string;
}

export interface UploadedFile {
  field: string;
  filename: string;
  /** As labelled by the client (the bytes decide what it really is; see media.ts). */
  contentType: string;
  size: number;
  /** The first HEAD_BYTES bytes (all of a smaller file). */
  head: Buffer;
  stored: StoredUpload;
}

/**
 * Where each file part's bytes go, as they arrive: a sink writes the stream somewhere (a spool file,
 * the shared store) and resolves when it is all written. Nothing holds a whole file in memory.
 */
export type FileSink = (
  file: { field: string; index: number; filename: string; contentType: string },
  bytes: Readable,
) => Promise<StoredUpload>;

export interface MultipartBody {
  /** Text fields by name (`image[]` and `image` are one field). */
  fields: Record<string, string | string[]>;
  /** Text fields as sent, in order and with their own names, for relaying them unchanged. */
  entries: [string, string][];
  files: Record<string, UploadedFile[]>;
}

/** The client closed the connection before its request was whole: there is no one to answer. */
export class ClientGone extends Error {
  constructor() {
    super('the client closed the connection before the request body was complete');
    this.name = 'ClientGone';
  }
}

function mib(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 100) / 100} MiB`;
}

function declaredTooLarge(req: Request, limit: number): void {
  const declared = Number(req.header('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    throw ApiError.tooLarge(
      `the request body is ${declared} bytes; the limit is ${limit} bytes (${mib(limit)})`,
    );
  }
}

export function isJson(req: Request): boolean {
  return /^application\/([\w.+-]*\+)?json\b/i.test(req.header('content-type') ?? '');
}

export function isMultipart(req: Request): boolean {
  return /^multipart\/form-data\b/i.test(req.header('content-type') ?? '');
}

function timedOut(what: string, ms: number): ApiError {
  return new ApiError(408, {
    code: 'request_timeout',
    message: `${what} (${ms} ms); send the body without pausing`,
    param: null,
    type: 'invalid_request_error',
  });
}

/**
 * Watch a request body arrive: calls `fail` when it stalls (`bodyIdleMs` without a byte), is not
 * whole within `bodyTimeoutMs`, or the client hangs up. Returns a function that stops watching.
 */
function watchBody(req: Request, limits: BodyLimits, fail: (error: Error) => void): () => void {
  const idle = setTimeout(
    () => fail(timedOut('the request body stopped arriving', limits.bodyIdleMs)),
    limits.bodyIdleMs,
  );
  const total = setTimeout(
    () => fail(timedOut('the request body did not arrive in time', limits.bodyTimeoutMs)),
    limits.bodyTimeoutMs,
  );
  const onData = () => idle.refresh();
  const onGone = () => {
    if (!req.complete) fail(new ClientGone());
  };
  req.on('data', onData);
  req.on('error', onGone);
  req.on('close', onGone);
  return () => {
    clearTimeout(idle);
    clearTimeout(total);
    req.off('data', onData);
    req.off('error', onGone);
    req.off('close', onGone);
  };
}

/** Read a JSON object body of at most `limits.maxJsonBytes`. */
export async function readJson(req: Request, limits: BodyLimits): Promise<Record<string, unknown>> {
  if (!isJson(req)) {
    throw ApiError.badRequest(
      `Content-Type must be application/json (got ${JSON.stringify(req.header('content-type') ?? 'none')})`,
      'content-type',
      'invalid_content_type',
    );
  }
  const limit = limits.maxJsonBytes;
  declaredTooLarge(req, limit);
  const chunks: Buffer[] = [];
  let size = 0;
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      unwatch();
      req.off('data', onData);
      req.off('end', onEnd);
      if (error) {
        req.pause();
        reject(error);
      } else resolve();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit)
        settle(ApiError.tooLarge(`the request body is over the limit of ${limit} bytes (${mib(limit)})`));
      else chunks.push(chunk);
    };
    const onEnd = () => settle();
    const unwatch = watchBody(req, limits, settle);
    req.on('data', onData);
    req.on('end', onEnd);
  });
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (e) {
    throw ApiError.badRequest(
      `the request body is not valid JSON: ${(e as Error).message.slice(0, 120)}`,
      undefined,
      'invalid_json',
    );
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw ApiError.badRequest('the request body must be a JSON object', undefined, 'invalid_json');
  }
  return value as Record<string, unknown>;
}

export interface MultipartLimits {
  /** The whole body. */
  maxBytes: number;
  /** Any one file. */
  maxFileBytes: number;
  maxFiles: number;
  maxFields: number;
  /** Any one text field (prompts are long). */
  maxFieldBytes: number;
  /** The file field named when there are too many files (default `image`). */
  filesParam?: string;
}

/** `image[]` and `image` are the same field. */
function fieldName(name: string): string {
  return name.endsWith('[]') ? name.slice(0, -2) : name;
}

function invalidMultipart(message: string, param?: string): ApiError {
  return ApiError.badRequest(`the multipart body cannot be read: ${message}`, param, 'invalid_multipart');
}

/**
 * Read a multipart form. Text fields are kept (within their limits); each file streams into `sink`
 * as it arrives, its first bytes kept for recognising it, and the size limits hold while it streams
 * (413 the moment a file or the body passes them). When reading fails, whatever the sink already
 * wrote is handed to `discard` before the error is thrown.
 */
export async function readMultipart(
  req: Request,
  limits: MultipartLimits,
  timing: BodyLimits,
  sink: FileSink,
  discard: (stored: StoredUpload[]) => Promise<void>,
): Promise<MultipartBody> {
  if (!isMultipart(req)) {
    throw ApiError.badRequest(
      `Content-Type must be multipart/form-data (got ${JSON.stringify(req.header('content-type') ?? 'none')})`,
      'content-type',
      'invalid_content_type',
    );
  }
  declaredTooLarge(req, limits.maxBytes);
  const fields: Record<string, string | string[]> = {};
  const entries: [string, string][] = [];
  const uploaded: { index: number; file: UploadedFile }[] = [];
  const writes: Promise<StoredUpload | undefined>[] = [];
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      limits: {
        fileSize: limits.maxFileBytes,
        files: limits.maxFiles,
        fields: limits.maxFields,
        fieldSize: limits.maxFieldBytes,
        parts: limits.maxFiles + limits.maxFields,
        headerPairs: 16,
      },
    });
  } catch (e) {
    throw invalidMultipart((e as Error).message, 'content-type');
  }

  let failure: Error | undefined;
  await new Promise<void>((resolve) => {
    let settled = false;
    let total = 0;
    let fileCount = 0;
    /** The part being read, so a failure can name it. */
    let current: string | undefined;
    /** File streams still open, cut when reading fails so their sinks stop. */
    const open = new Set<Readable>();
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      unwatch();
      req.off('data', count);
      if (error) {
        failure = error;
        req.unpipe(parser);
        req.pause();
        // Stop the parser and every file still streaming into a sink.
        parser.destroy();
        for (const stream of open) stream.destroy(error);
      }
      resolve();
    };
    const count = (chunk: Buffer) => {
      total += chunk.length;
      if (total > limits.maxBytes)
        settle(
          ApiError.tooLarge(
            `the request body is over the limit of ${limits.maxBytes} bytes (${mib(limits.maxBytes)})`,
          ),
        );
    };
    const unwatch = watchBody(req, timing, settle);
    req.on('data', count);
    parser.on('field', (rawName, value, info) => {
      const name = fieldName(rawName);
      if (info.nameTruncated || info.valueTruncated) {
        settle(ApiError.tooLarge(`field ${name} is over the limit of ${limits.maxFieldBytes} bytes`, name));
        return;
      }
      entries.push([rawName, value]);
      const prev = fields[name];
      fields[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
    });
    parser.on('file', (rawName, stream, info) => {
      // After a failure busboy may still announce parts from the chunk it was reading; their
      // streams never end (the parser is destroyed), so nothing may wait for them.
      if (settled) {
        stream.resume();
        return;
      }
      const name = fieldName(rawName);
      current = name;
      const filename = info.filename ?? name;
      const contentType = info.mimeType || 'application/octet-stream';
      const head: Buffer[] = [];
      let headBytes = 0;
      let size = 0;
      // Counts the bytes and keeps the first ones on their way to the sink.
      const tap = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          size += chunk.length;
          if (headBytes < HEAD_BYTES) {
            const part = chunk.subarray(0, HEAD_BYTES - headBytes);
            head.push(Buffer.from(part));
            headBytes += part.length;
          }
          done(null, chunk);
        },
      });
      open.add(tap);
      // Its failures reach the sink, which reports them; a late one (cut after the sink finished) is moot.
      tap.on('error', () => undefined);
      // A part cut short ends its stream with an error; the parser reports the same failure.
      stream.on('error', (e) => {
        tap.destroy(e);
        settle(invalidMultipart(`the part ${name} ends early`, name));
      });
      stream.on('limit', () => {
        const error = ApiError.tooLarge(
          `file ${name} (${filename}) is over the limit of ${limits.maxFileBytes} bytes (${mib(limits.maxFileBytes)})`,
          name,
        );
        tap.destroy(error);
        settle(error);
        stream.resume();
      });
      stream.pipe(tap);
      const index = fileCount++;
      const write = sink({ field: name, index, filename, contentType }, tap).then(
        (stored) => {
          open.delete(tap);
          if (!settled) {
            current = undefined;
            uploaded.push({
              index,
              file: {
                field: name,
                filename,
                contentType,
                size,
                head: head.length === 1 ? head[0]! : Buffer.concat(head),
                stored,
              },
            });
          }
          return stored;
        },
        (e: Error) => {
          open.delete(tap);
          // The sink failed on its own (the store refused): the request cannot go on.
          if (!settled) settle(e instanceof ApiError ? e : new SinkFailed(e));
          return undefined;
        },
      );
      writes.push(write);
    });
    parser.on('filesLimit', () =>
      settle(invalidMultipart(`too many files; at most ${limits.maxFiles}`, limits.filesParam ?? 'image')),
    );
    parser.on('fieldsLimit', () => settle(invalidMultipart(`too many fields; at most ${limits.maxFields}`)));
    parser.on('partsLimit', () => settle(invalidMultipart('too many parts')));
    parser.on('error', (e: Error) => settle(invalidMultipart(e.message, current)));
    // The form is read once the parser is done and every file has reached its sink.
    parser.on('close', () =>
      Promise.all(writes).then(
        () => settle(),
        () => settle(),
      ),
    );
    req.pipe(parser);
  });
  const stored = (await Promise.all(writes)).filter((s): s is StoredUpload => s !== undefined);
  if (failure) {
    await discard(stored).catch(() => undefined);
    throw failure;
  }
  // Files in the order they were sent (their sinks may have finished in another).
  const files: Record<string, UploadedFile[]> = {};
  for (const { file } of uploaded.sort((a, b) => a.index - b.index)) (files[file.field] ??= []).push(file);
  return { fields, entries, files };
}

/** Storing an upload failed for a reason of the service's own (the store is down, a disk is full). */
export class SinkFailed extends Error {
  constructor(cause: Error) {
    super(`the upload could not be stored: ${cause.message}`, { cause });
    this.name = 'SinkFailed';
  }
}

/** One text field, or a 400 naming it when it was sent more than once. */
export function single(body: MultipartBody, name: string): string | undefined {
  const v = body.fields[name];
  if (Array.isArray(v))
    throw ApiError.badRequest(`${name} was sent ${v.length} times; send it once`, name, 'duplicate_field');
  return v;
}
