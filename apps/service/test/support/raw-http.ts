/**
 * HTTP/1.1 over a bare socket, for requests no well-behaved client would send: broken framing,
 * truncated bodies, over-long lines, a client that hangs up halfway.
 */
import { connect } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export type RawOutcome =
  | ({ kind: 'answer' } & RawAnswer)
  /** The connection closed (or reset) before a whole answer arrived. */
  | { kind: 'closed'; error?: string; partial: string }
  | { kind: 'timeout'; partial: string };

export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  /** Exact bytes after the header block; `content-length` is added unless given or `noLength`. */
  body?: Buffer;
  noLength?: boolean;
  /** Send this instead of a request built from the fields above. */
  raw?: Buffer;
  /** Send only this many bytes of the whole request, then hang up. */
  hangUpAfter?: number;
}

export function encodeRequest(r: RawRequest): Buffer {
  if (r.raw) return r.raw;
  const headers: Record<string, string> = { host: '127.0.0.1', connection: 'close', ...(r.headers ?? {}) };
  const body = r.body ?? Buffer.alloc(0);
  if (!r.noLength && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) {
    if (body.length > 0 || r.method === 'POST') headers['content-length'] = String(body.length);
  }
  const head = [`${r.method} ${r.path} HTTP/1.1`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

/** Parse one answer from the bytes read so far; undefined while it is incomplete. */
function parseAnswer(data: Buffer, method: string, ended: boolean): RawAnswer | undefined {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const lines = data.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1]);
  if (!Number.isInteger(status)) throw new Error(`not an HTTP answer: ${JSON.stringify(lines[0])}`);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const at = line.indexOf(':');
    if (at > 0) headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  const rest = data.subarray(end + 4);
  if (method === 'HEAD' || status === 204 || status === 304)
    return { status, headers, body: Buffer.alloc(0) };
  if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
    const chunks: Buffer[] = [];
    let at = 0;
    for (;;) {
      const lineEnd = rest.indexOf('\r\n', at);
      if (lineEnd < 0) return undefined;
      const size = parseInt(rest.subarray(at, lineEnd).toString('latin1'), 16);
      if (!Number.isFinite(size)) throw new Error('bad chunk size');
      if (size === 0) return { status, headers, body: Buffer.concat(chunks) };
      if (rest.length < lineEnd + 2 + size + 2) return undefined;
      chunks.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
  }
  if (headers['content-length'] !== undefined) {
    const length = Number(headers['content-length']);
    return rest.length >= length ? { status, headers, body: rest.subarray(0, length) } : undefined;
  }
  return ended ? { status, headers, body: rest } : undefined;
}

/** Send one request on a fresh connection and read one answer (or what happened instead). */
export function rawRequest(port: number, request: RawRequest, timeoutMs = 10_000): Promise<RawOutcome> {
  const method = request.raw ? request.raw.toString('latin1').split(' ')[0]! : request.method;
  let bytes = encodeRequest(request);
  const hangUp = request.hangUpAfter !== undefined;
  if (hangUp) bytes = bytes.subarray(0, request.hangUpAfter);
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let data = Buffer.alloc(0);
    let done = false;
    const finish = (outcome: RawOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(
      () => finish({ kind: 'timeout', partial: data.subarray(0, 300).toString('latin1') }),
      timeoutMs,
    );
    const tryParse = (ended: boolean) => {
      try {
        const answer = parseAnswer(data, method, ended);
        if (answer) finish({ kind: 'answer', ...answer });
        else if (ended) finish({ kind: 'closed', partial: data.subarray(0, 300).toString('latin1') });
      } catch (e) {
        finish({
          kind: 'closed',
          error: (e as Error).message,
          partial: data.subarray(0, 300).toString('latin1'),
        });
      }
    };
    socket.on('connect', () => {
      socket.write(bytes, () => {
        if (hangUp) finish({ kind: 'closed', partial: '' });
      });
    });
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      tryParse(false);
    });
    socket.on('end', () => tryParse(true));
    socket.on('error', (e) => {
      if (data.length > 0) tryParse(true);
      if (!done)
        finish({ kind: 'closed', error: e.message, partial: data.subarray(0, 300).toString('latin1') });
    });
    socket.on('close', () => tryParse(true));
  });
}
