/**
 * The HTTP transport core's client uses to reach Azure: a `fetch`-shaped function over undici's
 * dispatcher API, which costs a fraction of the platform fetch's per-call work (request cloning,
 * body streams, abort plumbing). One keep-alive pool serves every call; with a proxy configured
 * (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) it is undici's EnvHttpProxyAgent, which tunnels through the
 * proxy except for the hosts NO_PROXY names. JSON, bodiless and multipart calls all go this way
 * (a multipart body streams its files, from disk when they are spooled there). Core keeps doing
 * auth, retries and timeouts.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { spooledPath } from '../common/uploads.js';
import zlib from 'node:zlib';
import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';

const utf8 = new TextDecoder();

/**
 * An answer read whole. Its body methods serve the bytes directly instead of through a body stream
 * (which costs more to set up than the rest of the answer); the stream is made only if asked for.
 */
class BufferedResponse extends Response {
  readonly bytesRead: Buffer;
  #stream: ReadableStream<Uint8Array> | undefined;

  constructor(bytes: Buffer, init: ResponseInit) {
    super(null, init);
    this.bytesRead = bytes;
    Object.defineProperty(this, 'body', { get: () => (this.#stream ??= new Response(this.#view()).body!) });
  }

  #view(): Uint8Array<ArrayBuffer> {
    return new Uint8Array(
      this.bytesRead.buffer,
      this.bytesRead.byteOffset,
      this.bytesRead.byteLength,
    ) as Uint8Array<ArrayBuffer>;
  }

  override async text(): Promise<string> {
    return utf8.decode(this.bytesRead);
  }

  override async json(): Promise<unknown> {
    return JSON.parse(utf8.decode(this.bytesRead));
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    return this.#view().slice().buffer;
  }

  override async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return this.#view().slice();
  }

  override async blob(): Promise<Blob> {
    return new Blob([this.#view()], { type: this.headers.get('content-type') ?? '' });
  }

  override clone(): Response {
    return new BufferedResponse(this.bytesRead, {
      status: this.status,
      statusText: this.statusText,
      headers: this.headers,
    });
  }
}

/** The bytes of an answer the transport read whole (JSON of a known length), if it did. */
export function bufferedBody(response: Response): Buffer | undefined {
  return response instanceof BufferedResponse ? response.bytesRead : undefined;
}

export interface TransportOptions {
  /** JSON answers up to this many bytes (by content-length) are read whole before resolving. */
  maxBufferedBytes: number;
  /** Idle keep-alive sockets are closed after this (or sooner when the server's keep-alive hint says so). */
  idleMs?: number;
  /** Proxies; without one, connections go straight to their host. */
  proxy?: { httpProxy?: string; httpsProxy?: string; noProxy?: string };
}

export interface Transport {
  fetch: typeof fetch;
  /** Close the connections (on shutdown). */
  close(): Promise<void>;
}

export function createTransport(options: TransportOptions): Transport {
  const idleMs = options.idleMs ?? 4000;
  const pool = { keepAliveTimeout: idleMs, keepAliveMaxTimeout: idleMs };
  const proxy = options.proxy ?? {};
  const dispatcher: Dispatcher =
    proxy.httpProxy || proxy.httpsProxy
      ? new EnvHttpProxyAgent({
          ...pool,
          // Every value given, so nothing is read from this process's environment behind our back.
          httpProxy: proxy.httpProxy ?? '',
          httpsProxy: proxy.httpsProxy ?? proxy.httpProxy ?? '',
          noProxy: proxy.noProxy ?? '',
        })
      : new Agent(pool);
  const lean = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> =>
    send(dispatcher, new URL(String(input)), init, options.maxBufferedBytes);
  return {
    fetch: lean as typeof fetch,
    async close() {
      await dispatcher.close().catch(() => undefined);
    },
  };
}

const crlf = Buffer.from('\r\n');

/** A form field name or filename in a part header, escaped as browsers and undici do. */
function quoted(value: string): string {
  return value.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22');
}

/**
 * A multipart/form-data body that streams each file from its Blob (a file on disk stays there until
 * it is sent) and whose length is known up front, so it goes out with a content-length.
 */
export function encodeMultipart(form: FormData): {
  body: AsyncIterable<Uint8Array>;
  contentType: string;
  length: number;
} {
  const boundary = `----aoai-media-${crypto.randomUUID()}`;
  const parts: { head: Buffer; value: Buffer | Blob }[] = [];
  for (const [name, value] of form) {
    const file = typeof value !== 'string';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"` +
        (file
          ? `; filename="${quoted(value.name)}"\r\nContent-Type: ${value.type || 'application/octet-stream'}`
          : '') +
        '\r\n\r\n',
    );
    parts.push({ head, value: file ? value : Buffer.from(value) });
  }
  const tail = Buffer.from(`--${boundary}--\r\n`);
  const length =
    parts.reduce(
      (sum, p) => sum + p.head.length + (p.value instanceof Blob ? p.value.size : p.value.length) + 2,
      0,
    ) + tail.length;
  async function* body(): AsyncIterable<Uint8Array> {
    for (const part of parts) {
      yield part.head;
      if (part.value instanceof Blob) {
        // A spooled upload streams from its file in large reads (a Blob's own stream reads 64 KiB at a time).
        const path = spooledPath(part.value);
        const chunks = path
          ? createReadStream(path, { highWaterMark: 1024 * 1024 })
          : (part.value.stream() as unknown as AsyncIterable<Uint8Array>);
        for await (const chunk of chunks) yield chunk as Uint8Array;
      } else yield part.value;
      yield crlf;
    }
    yield tail;
  }
  return { body: body(), contentType: `multipart/form-data; boundary=${boundary}`, length };
}

function headerObject(headers: HeadersInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers) new Headers(headers).forEach((value, name) => (out[name] = value));
  return out;
}

function responseHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return headers;
}

async function send(
  dispatcher: Dispatcher,
  url: URL,
  init: RequestInit,
  maxBuffered: number,
): Promise<Response> {
  const signal = init.signal ?? undefined;
  signal?.throwIfAborted();
  const method = (init.method ?? 'GET').toUpperCase() as Dispatcher.HttpMethod;
  const headers = headerObject(init.headers);
  // Answers are relayed byte for byte: ask for them uncompressed.
  headers['accept-encoding'] = 'identity';
  let body = init.body ?? undefined;
  if (typeof body === 'string') headers['content-length'] = String(Buffer.byteLength(body));
  else if (body instanceof FormData) {
    const encoded = encodeMultipart(body);
    headers['content-type'] = encoded.contentType;
    headers['content-length'] = String(encoded.length);
    body = encoded.body as never;
  }
  const answer = await dispatcher.request({
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    method,
    headers,
    body: body as Dispatcher.DispatchOptions['body'],
    ...(signal ? { signal } : {}),
  });
  const status = answer.statusCode;
  const resHeaders = responseHeaders(answer.headers);
  const responseInit = { status, headers: resHeaders };
  if (method === 'HEAD' || status === 204 || status === 205 || status === 304) {
    await answer.body.dump().catch(() => undefined);
    return new Response(null, responseInit);
  }
  const encoding = (resHeaders.get('content-encoding') ?? 'identity').toLowerCase();
  const declared = resHeaders.get('content-length');
  const json = /^application\/([\w.+-]*\+)?json\b/i.test(resHeaders.get('content-type') ?? '');
  if (encoding === 'identity' && json && declared !== null && Number(declared) <= maxBuffered) {
    const chunks: Buffer[] = [];
    for await (const chunk of answer.body) chunks.push(chunk as Buffer);
    return new BufferedResponse(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), responseInit);
  }
  // Streamed (event streams, media, unknown lengths): the caller reads it; an abort still cuts it.
  let stream: Readable = answer.body;
  if (encoding !== 'identity') {
    const decoder =
      encoding === 'gzip' || encoding === 'x-gzip'
        ? zlib.createGunzip()
        : encoding === 'deflate'
          ? zlib.createInflate()
          : encoding === 'br'
            ? zlib.createBrotliDecompress()
            : undefined;
    if (decoder) {
      resHeaders.delete('content-encoding');
      resHeaders.delete('content-length');
      stream = answer.body.pipe(decoder);
      answer.body.once('error', (e) => decoder.destroy(e));
    }
  }
  return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, responseInit);
}
