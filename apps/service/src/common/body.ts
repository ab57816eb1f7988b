/**
 * Request bodies, read by hand so limits hold: a declared length over the limit is refused before
 * a byte is read, and a body that grows past it is refused as soon as it does (never buffered whole).
 */
import busboy from 'busboy';
import type { Request } from 'express';
import { ApiError } from './api-error.js';

export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface MultipartBody {
  fields: Record<string, string | string[]>;
  files: Record<string, UploadedFile[]>;
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

/** Read a JSON object body of at most `limit` bytes. */
export async function readJson(req: Request, limit: number): Promise<Record<string, unknown>> {
  if (!isJson(req)) {
    throw ApiError.badRequest(
      `Content-Type must be application/json (got ${JSON.stringify(req.header('content-type') ?? 'none')})`,
      undefined,
      'invalid_content_type',
    );
  }
  declaredTooLarge(req, limit);
  const chunks: Buffer[] = [];
  let size = 0;
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        reject(ApiError.tooLarge(`the request body is over the limit of ${limit} bytes (${mib(limit)})`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve();
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
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

/** Read a multipart form; files are kept in memory only up to their limits. */
export async function readMultipart(req: Request, limits: MultipartLimits): Promise<MultipartBody> {
  if (!isMultipart(req)) {
    throw ApiError.badRequest(
      `Content-Type must be multipart/form-data (got ${JSON.stringify(req.header('content-type') ?? 'none')})`,
      undefined,
      'invalid_content_type',
    );
  }
  declaredTooLarge(req, limits.maxBytes);
  const fields: Record<string, string | string[]> = {};
  const files: Record<string, UploadedFile[]> = {};
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
      },
    });
  } catch (e) {
    throw ApiError.badRequest(
      `the multipart body cannot be read: ${(e as Error).message}`,
      undefined,
      'invalid_multipart',
    );
  }

  await new Promise<void>((resolve, reject) => {
    let settled = false;
    let total = 0;
    const fail = (error: ApiError) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      req.off('data', count);
      req.pause();
      reject(error);
    };
    const count = (chunk: Buffer) => {
      total += chunk.length;
      if (total > limits.maxBytes)
        fail(
          ApiError.tooLarge(
            `the request body is over the limit of ${limits.maxBytes} bytes (${mib(limits.maxBytes)})`,
          ),
        );
    };
    req.on('data', count);
    parser.on('field', (rawName, value, info) => {
      const name = fieldName(rawName);
      if (info.valueTruncated) {
        fail(ApiError.tooLarge(`field ${name} is over the limit of ${limits.maxFieldBytes} bytes`, name));
        return;
      }
      const prev = fields[name];
      fields[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
    });
    parser.on('file', (rawName, stream, info) => {
      const name = fieldName(rawName);
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => {
        fail(
          ApiError.tooLarge(
            `file ${name} (${info.filename ?? 'unnamed'}) is over the limit of ${limits.maxFileBytes} bytes (${mib(limits.maxFileBytes)})`,
            name,
          ),
        );
        stream.resume();
      });
      stream.on('end', () => {
        if (settled) return;
        (files[name] ??= []).push({
          field: name,
          filename: info.filename ?? name,
          contentType: info.mimeType || 'application/octet-stream',
          data: Buffer.concat(chunks),
        });
      });
    });
    parser.on('filesLimit', () =>
      fail(
        ApiError.badRequest(
          `too many files; at most ${limits.maxFiles}`,
          limits.filesParam ?? 'image',
          'too_many_files',
        ),
      ),
    );
    parser.on('fieldsLimit', () =>
      fail(ApiError.badRequest(`too many fields; at most ${limits.maxFields}`, undefined, 'too_many_fields')),
    );
    parser.on('partsLimit', () =>
      fail(ApiError.badRequest('too many parts in the multipart body', undefined, 'too_many_parts')),
    );
    parser.on('error', (e: Error) =>
      fail(
        ApiError.badRequest(
          `the multipart body cannot be read: ${e.message}`,
          undefined,
          'invalid_multipart',
        ),
      ),
    );
    parser.on('close', () => {
      if (settled) return;
      settled = true;
      req.off('data', count);
      resolve();
    });
    req.on('error', () =>
      fail(ApiError.badRequest('the request body ended early', undefined, 'incomplete_body')),
    );
    req.pipe(parser);
  });
  return { fields, files };
}

/** One text field, or a 400 naming it when it was sent more than once. */
export function single(body: MultipartBody, name: string): string | undefined {
  const v = body.fields[name];
  if (Array.isArray(v))
    throw ApiError.badRequest(`${name} was sent ${v.length} times; send it once`, name, 'duplicate_field');
  return v;
}
