/**
 * The HTTP transport core's client uses to reach Azure. JSON and bodiless calls go over node:http(s)
 * with keep-alive agents, which costs a fraction of the platform fetch's per-call work (request
 * cloning, body streams, abort plumbing); multipart bodies still go through the platform fetch,
 * which knows how to encode FormData. Either way core keeps doing auth, retries and timeouts.
 */
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';

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
}

export interface Transport {
  fetch: typeof fetch;
  /** Close idle connections (on shutdown). */
  close(): void;
}

export function createTransport(options: TransportOptions): Transport {
  const idleMs = options.idleMs ?? 4000;
  const agents: Record<string, http.Agent> = {
    'http:': new http.Agent({ keepAlive: true, timeout: idleMs, scheduling: 'lifo' }),
    'https:': new https.Agent({ keepAlive: true, timeout: idleMs, scheduling: 'lifo' }),
  };
  const platformFetch = globalThis.fetch.bind(globalThis);
  const lean = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const body = init.body;
    const agent = typeof input === 'string' ? agents[input.slice(0, input.indexOf('//'))] : undefined;
    if (!agent || (body != null && typeof body !== 'string')) return platformFetch(input, init);
    return send(new URL(input as string), agent, init, body ?? undefined, options.maxBufferedBytes);
  };
  return {
    fetch: lean as typeof fetch,
    close() {
      for (const agent of Object.values(agents)) agent.destroy();
    },
  };
}

function headerObject(headers: HeadersInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers) new Headers(headers).forEach((value, name) => (out[name] = value));
  return out;
}

function send(
  url: URL,
  agent: http.Agent,
  init: RequestInit,
  body: string | undefined,
  maxBuffered: number,
): Promise<Response> {
  const signal = init.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(signal.reason);
  const method = (init.method ?? 'GET').toUpperCase();
  const headers = headerObject(init.headers);
  // Answers are relayed byte for byte: ask for them uncompressed.
  headers['accept-encoding'] = 'identity';
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  return new Promise<Response>((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).request({
      agent,
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port,
      path: `${url.pathname}${url.search}`,
      method,
      headers,
    });
    let settled = false;
    const onAbort = () =>
      request.destroy(signal!.reason instanceof Error ? signal!.reason : new Error('aborted'));
    const detach = () => signal?.removeEventListener('abort', onAbort);
    const fail = (error: Error) => {
      detach();
      if (settled) return;
      settled = true;
      reject(error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    request.once('error', fail);
    request.once('response', (res) => {
      const status = res.statusCode ?? 502;
      const responseHeaders = new Headers();
      const raw = res.rawHeaders;
      for (let i = 0; i + 1 < raw.length; i += 2) responseHeaders.append(raw[i]!, raw[i + 1]!);
      const responseInit = { status, statusText: res.statusMessage ?? '', headers: responseHeaders };
      if (method === 'HEAD' || status === 204 || status === 205 || status === 304) {
        res.resume();
        detach();
        settled = true;
        resolve(new Response(null, responseInit));
        return;
      }
      const encoding = (res.headers['content-encoding'] ?? 'identity').toLowerCase();
      const length = Number(res.headers['content-length']);
      const json = /^application\/([\w.+-]*\+)?json\b/i.test(res.headers['content-type'] ?? '');
      if (
        encoding === 'identity' &&
        json &&
        res.headers['content-length'] !== undefined &&
        length <= maxBuffered
      ) {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('error', fail);
        res.once('end', () => {
          detach();
          if (settled) return;
          settled = true;
          resolve(
            new BufferedResponse(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), responseInit),
          );
        });
        res.once('close', () => {
          if (!res.complete) fail(new Error('the connection closed before the answer was complete'));
        });
        return;
      }
      // Streamed (event streams, media, unknown lengths): the caller reads it; an abort still cuts it.
      settled = true;
      res.once('close', detach);
      let stream: Readable = res;
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
          responseHeaders.delete('content-encoding');
          responseHeaders.delete('content-length');
          stream = res.pipe(decoder);
          res.once('error', (e) => decoder.destroy(e));
        }
      }
      resolve(new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, responseInit));
    });
    request.end(body);
  });
}
