/** Request context and reply values shared by the routes. */
import type { IncomingMessage } from 'node:http';
import { badRequest, HttpError, type ErrorStyle } from './errors.js';
import { isRecord } from './util.js';

export type Body = Buffer | string | AsyncIterable<Buffer | string>;

export interface Reply {
  status: number;
  headers?: Record<string, string | number>;
  body?: Body;
}

export function json(status: number, value: unknown, headers: Record<string, string | number> = {}): Reply {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) };
}

export function text(status: number, value: string, contentType = 'text/plain; charset=utf-8'): Reply {
  return { status, headers: { 'content-type': contentType }, body: value };
}

/** An uploaded file from a multipart form. */
export interface Upload {
  field: string;
  filename: string;
  contentType: string;
  bytes: Uint8Array;
}

/** A parsed request body: JSON fields, or multipart fields plus files. */
export interface ParsedBody {
  kind: 'json' | 'multipart' | 'empty';
  fields: Record<string, unknown>;
  files: Upload[];
}

export interface Ctx {
  req: IncomingMessage;
  method: string;
  url: URL;
  /** Path below `/openai/v1/` or `/openai/deployments/{id}/`. */
  path: string;
  family: 'v1' | 'deployment';
  /** From the path (deployment style), the `model` field (v1), or a resource's owner. */
  deployment?: string | undefined;
  operation: string;
  style: ErrorStyle;
  requestId: string;
  baseUrl: string;
  body: ParsedBody;
  params: Record<string, string>;
}

export const MAX_BODY_BYTES = 512 * 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(
          new HttpError(413, {
            code: 'request_too_large',
            message: `Request body exceeds ${MAX_BODY_BYTES} bytes.`,
          }),
        );
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function parseBody(req: IncomingMessage, raw: Buffer): Promise<ParsedBody> {
  if (raw.length === 0) return { kind: 'empty', fields: {}, files: [] };
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      form = await new Response(
        new Blob([new Uint8Array(raw.buffer as ArrayBuffer, raw.byteOffset, raw.byteLength)]),
        { headers: { 'content-type': req.headers['content-type'] ?? '' } },
      ).formData();
    } catch {
      throw badRequest('The multipart/form-data body could not be parsed.');
    }
    const fields: Record<string, unknown> = {};
    const files: Upload[] = [];
    for (const [name, value] of form.entries()) {
      if (typeof value === 'string') {
        // Repeated fields (`statuses`, `timestamp_granularities[]`) become arrays.
        const prev = fields[name];
        fields[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
      } else {
        files.push({
          field: name,
          filename: value.name,
          contentType: value.type,
          bytes: new Uint8Array(await value.arrayBuffer()),
        });
      }
    }
    return { kind: 'multipart', fields, files };
  }
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw badRequest(`The request body is not valid JSON (content-type ${type || 'missing'}).`);
  }
  if (!isRecord(value)) throw badRequest('The request body must be a JSON object.');
  return { kind: 'json', fields: value, files: [] };
}
