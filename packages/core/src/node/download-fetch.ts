/**
 * A fetch for large downloads on Node: each GET gets its own HTTP/1.1 connection whose reads land in
 * one buffer of a fixed size, reused for every read. The bytes go from that buffer straight into a
 * `pipeTo` sink (a file, with `fileSink`), so a 200 MB video costs the same few megabytes of memory
 * as a small one and no per-chunk objects. The platform's fetch allocates two buffers per 64 KiB
 * read and passes each through a web stream, which is what held Node at about half of curl's speed.
 *
 * Only what a download needs is spoken here: GET and HEAD without a body, `redirect: 'manual'` (the
 * client follows redirects itself), content-length, chunked or until-close bodies, identity
 * encoding (asked for; gzip and deflate are still decoded on the web-stream path). Anything else is
 * handed to `fallback`. No proxy is used: where traffic must go through one, leave this out.
 */
import net from 'node:net';
import tls from 'node:tls';
import { withDirectBody, type DirectBody } from '../download.js';
import { defaultFetch } from '../platform.js';

export interface NodeDownloadFetchOptions {
  /** Requests this does not speak go here. Default: the runtime's fetch. */
  fallback?: typeof fetch;
  /** The read buffer, reused for every read of a connection. Default 256 KiB. */
  readBufferBytes?: number;
  /** A transfer that receives nothing for this long fails. Default 300 000 ms, as Node's fetch. */
  idleTimeoutMs?: number;
  /** Options for TLS connections, e.g. `ca` for a private certificate authority. */
  tls?: tls.ConnectionOptions;
}

const DEFAULT_READ_BUFFER = 256 * 1024;
const DEFAULT_IDLE_TIMEOUT_MS = 300_000;
/** The longest response head accepted (status line and headers). */
const MAX_HEAD_BYTES = 64 * 1024;
/** Headers this connection sets itself. */
const OWN_HEADERS = new Set(['host', 'connection', 'accept-encoding', 'content-length', 'transfer-encoding']);
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

/**
 * A `fetch` for the client's `downloadFetch` option:
 * `new AzureOpenAIMedia({ ..., downloadFetch: nodeDownloadFetch() })`.
 */
export function nodeDownloadFetch(options: NodeDownloadFetchOptions = {}): typeof fetch {
  const fallback = options.fallback ?? defaultFetch;
  const settings: Settings = {
    readBufferBytes: options.readBufferBytes ?? DEFAULT_READ_BUFFER,
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    tls: options.tls ?? {},
  };
  if (!Number.isInteger(settings.readBufferBytes) || settings.readBufferBytes < 1024) {
    throw new RangeError(
      `readBufferBytes must be an integer of at least 1024 (got ${options.readBufferBytes})`,
    );
  }
  return (input, init) => {
    const target = typeof input === 'string' ? input : input instanceof URL ? input.href : undefined;
    const method = (init?.method ?? 'GET').toUpperCase();
    const url = target !== undefined && URL.canParse(target) ? new URL(target) : undefined;
    if (
      !url ||
      (url.protocol !== 'http:' && url.protocol !== 'https:') ||
      url.username !== '' ||
      url.password !== '' ||
      (method !== 'GET' && method !== 'HEAD') ||
      init?.body != null ||
      init?.redirect !== 'manual'
    ) {
      return fallback(input, init);
    }
    const signal = init.signal ?? undefined;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Response>((resolve, reject) => {
      new Exchange(url, method, new Headers(init.headers), signal, settings, resolve, reject);
    });
  };
}

interface Settings {
  readBufferBytes: number;
  idleTimeoutMs: number;
  tls: tls.ConnectionOptions;
}

type Framing =
  | { kind: 'none' }
  | { kind: 'length'; remaining: number }
  | { kind: 'close' }
  | { kind: 'chunked'; state: 'size' | 'data' | 'data-end' | 'trailer'; remaining: number; line: string };

/** Latin-1 keeps one character per byte, so offsets in the head text are offsets in the bytes. */
const latin1 = new TextDecoder('latin1');

/** One request and its response on a connection of its own. */
class Exchange implements DirectBody {
  readonly #socket: net.Socket;
  readonly #buffer: Uint8Array;
  readonly #method: string;
  readonly #signal: AbortSignal | undefined;
  #resolve: ((response: Response) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;
  #head = '';
  #framing: Framing = { kind: 'none' };
  /** Unread bytes of the last read, `#buffer[#pos..#end]`; the socket is paused while any are left. */
  #pos = 0;
  #end = 0;
  #delivered = 0;
  #state: 'head' | 'body' | 'done' | 'failed' = 'head';
  /** Why the exchange failed, for a reader that comes after the failure. */
  #failure: { error: unknown } | undefined;
  /** Where body bytes go now; unset while nobody asked for more. */
  #write: ((chunk: Uint8Array) => void | Promise<void>) | undefined;
  #waiting = false;
  #finish: { done(): void; fail(error: unknown): void } | undefined;
  /** The body has one reader: its web stream, or one `pipe`. */
  #reader: 'stream' | 'pipe' | undefined;

  constructor(
    url: URL,
    method: string,
    headers: Headers,
    signal: AbortSignal | undefined,
    settings: Settings,
    resolve: (response: Response) => void,
    reject: (error: unknown) => void,
  ) {
    this.#method = method;
    this.#signal = signal;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#buffer = new Uint8Array(settings.readBufferBytes);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const secure = url.protocol === 'https:';
    const port = Number(url.port || (secure ? 443 : 80));
    const onread = { buffer: this.#buffer, callback: this.#onRead };
    // Node reads TLS into a caller's buffer too (since 15.1); its types leave `onread` out.
    const tlsOptions: tls.ConnectionOptions & { onread: net.OnReadOpts } = {
      ALPNProtocols: ['http/1.1'],
      ...settings.tls,
      host,
      port,
      servername: net.isIP(host) ? undefined : host,
      onread,
    };
    this.#socket = secure ? tls.connect(tlsOptions) : net.connect({ host, port, onread });
    this.#socket.setNoDelay(true);
    this.#socket.setTimeout(settings.idleTimeoutMs, () =>
      this.#fail(Object.assign(new Error(`no data for ${settings.idleTimeoutMs} ms`), { code: 'ETIMEDOUT' })),
    );
    this.#socket.on('error', (error) => this.#fail(error));
    this.#socket.on('end', () => this.#onEnd());
    this.#socket.on('close', () => this.#fail(new Error('the connection closed')));
    signal?.addEventListener('abort', this.#onAbort, { once: true });
    this.#socket.write(requestHead(url, method, headers));
  }

  readonly #onAbort = (): void => this.#fail(this.#signal!.reason, true);

  readonly #onRead = (length: number): boolean => {
    if (this.#state === 'done' || this.#state === 'failed') return false;
    // The socket is paused while bytes of the last read wait or a write is pending; a read now
    // would have overwritten them.
    if (this.#pos < this.#end || this.#waiting) {
      this.#fail(new Error('the connection read while paused'));
      return false;
    }
    this.#pos = 0;
    this.#end = length;
    if (this.#state === 'head') this.#readHead();
    this.#drain();
    return true;
  };

  #readHead(): void {
    while (this.#state === 'head' && this.#pos < this.#end) {
      const before = this.#head.length;
      const take = Math.min(this.#end - this.#pos, MAX_HEAD_BYTES + 4 - before);
      this.#head += latin1.decode(this.#buffer.subarray(this.#pos, this.#pos + take));
      const end = this.#head.indexOf('\r\n\r\n', Math.max(0, before - 3));
      if (end < 0) {
        this.#pos += take;
        if (this.#head.length > MAX_HEAD_BYTES) this.#fail(new Error('the response head is too large'));
        return;
      }
      this.#pos += end + 4 - before;
      const head = this.#head.slice(0, end);
      this.#head = '';
      this.#onHead(head);
    }
  }

  #onHead(text: string): void {
    const lines = text.split('\r\n');
    const status = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(lines[0] ?? '');
    if (!status) return this.#fail(new Error(`not an HTTP/1.1 response: ${JSON.stringify(lines[0])}`));
    const code = Number(status[1]);
    // Interim answers (100 Continue, 103 Early Hints) come before the real one.
    if (code >= 100 && code < 200) {
      if (code === 101) this.#fail(new Error('the server switched protocols'));
      return;
    }
    const headers = new Headers();
    try {
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        if (colon <= 0) throw new Error(`malformed header line ${JSON.stringify(line)}`);
        headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
      }
      this.#framing = framingOf(this.#method, code, headers);
    } catch (error) {
      return this.#fail(error);
    }
    if (code < 200 || code > 599) return this.#fail(new Error(`status ${code} is not a valid answer`));
    this.#state = this.#framing.kind === 'none' ? 'done' : 'body';
    let response: Response;
    try {
      response = new Response(this.#state === 'done' ? null : this.#bodyStream(headers), {
        status: code,
        statusText: status[2] ?? '',
        headers,
      });
    } catch (error) {
      // A reason phrase a Response refuses: the answer is not one we can hand over.
      this.#state = 'head';
      return this.#fail(error);
    }
    const resolve = this.#resolve!;
    this.#resolve = this.#reject = undefined;
    if (this.#state === 'done') this.#close();
    else if (!headers.has('content-encoding')) withDirectBody(response, this);
    resolve(response);
  }

  /** The body as a web stream: each read is copied out of the reused buffer. */
  #bodyStream(headers: Headers): ReadableStream<Uint8Array> {
    const raw = new ReadableStream<Uint8Array>(
      {
        pull: (controller) =>
          new Promise<void>((resolve) => {
            this.#reader ??= 'stream';
            if (this.#failure) {
              controller.error(this.#failure.error);
              return resolve();
            }
            this.#finish = {
              done: () => {
                controller.close();
                resolve();
              },
              fail: (error) => {
                controller.error(error);
                resolve();
              },
            };
            this.#write = (chunk) => {
              controller.enqueue(chunk.slice());
              // One chunk per pull: the reader's pace sets how much is held.
              this.#write = undefined;
              resolve();
            };
            this.#drain();
          }),
        cancel: (reason) => this.cancel(reason),
      },
      { highWaterMark: 0 },
    );
    const encoding = headers.get('content-encoding')?.trim().toLowerCase();
    if (!encoding || encoding === 'identity') return raw;
    const format =
      encoding === 'gzip' || encoding === 'x-gzip' ? 'gzip' : encoding === 'deflate' ? 'deflate' : undefined;
    if (!format) {
      const error = new TypeError(
        `the response is encoded with ${encoding}, which this transport cannot decode`,
      );
      this.cancel(error);
      return new ReadableStream({ start: (c) => c.error(error) });
    }
    return raw.pipeThrough(
      new DecompressionStream(format) as unknown as ReadableWritablePair<Uint8Array, Uint8Array>,
    );
  }

  pipe(write: (chunk: Uint8Array) => void | Promise<void>): Promise<number> {
    if (this.#reader) return Promise.reject(new TypeError('the body was already read'));
    this.#reader = 'pipe';
    if (this.#failure) return Promise.reject(this.#failure.error);
    return new Promise<number>((resolve, reject) => {
      this.#finish = { done: () => resolve(this.#delivered), fail: reject };
      this.#write = write;
      this.#drain();
    });
  }

  cancel(reason?: unknown): void {
    this.#fail(reason ?? new Error('the body was cancelled'), true);
  }

  /** Hands the unread bytes to the reader; pauses the socket when there is nobody to take them. */
  #drain(): void {
    while (this.#state === 'body' && this.#write && !this.#waiting && this.#pos < this.#end) {
      const [start, length] = this.#nextSegment();
      if (length > 0) {
        this.#delivered += length;
        let pending: void | Promise<void>;
        try {
          pending = this.#write(this.#buffer.subarray(start, start + length));
        } catch (error) {
          return this.#fail(error, true);
        }
        if (pending) {
          this.#waiting = true;
          this.#socket.pause();
          pending.then(
            () => {
              this.#waiting = false;
              this.#drain();
            },
            (error: unknown) => this.#fail(error, true),
          );
          return;
        }
      }
    }
    if (this.#waiting) return;
    if (this.#state === 'done') return this.#complete();
    if (this.#state !== 'body') return;
    if (this.#pos < this.#end || !this.#write || this.#waiting) this.#socket.pause();
    else this.#socket.resume();
  }

  /** The next run of body bytes in the unread part of the buffer, as [start, length]. */
  #nextSegment(): [number, number] {
    const framing = this.#framing;
    const available = this.#end - this.#pos;
    const start = this.#pos;
    switch (framing.kind) {
      case 'close':
        this.#pos = this.#end;
        return [start, available];
      case 'length': {
        const length = Math.min(available, framing.remaining);
        framing.remaining -= length;
        this.#pos += length;
        if (framing.remaining === 0) this.#state = 'done';
        return [start, length];
      }
      case 'chunked':
        return this.#nextChunked(framing);
      case 'none':
        this.#state = 'done';
        return [start, 0];
    }
  }

  #nextChunked(framing: Extract<Framing, { kind: 'chunked' }>): [number, number] {
    const buffer = this.#buffer;
    while (this.#pos < this.#end) {
      if (framing.state === 'data') {
        const start = this.#pos;
        const length = Math.min(this.#end - start, framing.remaining);
        framing.remaining -= length;
        this.#pos += length;
        if (framing.remaining === 0) framing.state = 'data-end';
        return [start, length];
      }
      // Lines: a chunk's size, the CRLF after its data, trailers.
      const byte = buffer[this.#pos++]!;
      if (byte !== 0x0a) {
        if (framing.line.length > 8 * 1024) {
          this.#fail(new Error('a chunk size line is too long'));
          return [this.#pos, 0];
        }
        framing.line += String.fromCharCode(byte);
        continue;
      }
      const line = framing.line.replace(/\r$/, '');
      framing.line = '';
      if (framing.state === 'data-end') {
        if (line !== '') {
          this.#fail(new Error('a chunk was longer than its size'));
          return [this.#pos, 0];
        }
        framing.state = 'size';
      } else if (framing.state === 'size') {
        const size = /^([0-9a-fA-F]{1,12})(?:[ \t]*;.*)?[ \t]*$/.exec(line);
        if (!size) {
          this.#fail(new Error(`invalid chunk size ${JSON.stringify(line)}`));
          return [this.#pos, 0];
        }
        framing.remaining = Number.parseInt(size[1]!, 16);
        framing.state = framing.remaining === 0 ? 'trailer' : 'data';
      } else if (line === '') {
        this.#state = 'done';
        return [this.#pos, 0];
      }
    }
    return [this.#pos, 0];
  }

  #onEnd(): void {
    if (this.#state === 'body' && this.#framing.kind === 'close') {
      this.#state = 'done';
      if (this.#write && !this.#waiting) this.#complete();
      return;
    }
    if (this.#state !== 'done')
      this.#fail(new Error('the connection closed before the response was complete'));
  }

  #complete(): void {
    const finish = this.#finish;
    if (!finish) return;
    this.#finish = undefined;
    this.#write = undefined;
    this.#close();
    finish.done();
  }

  #close(): void {
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#socket.destroy();
  }

  #fail(error: unknown, asIs = false): void {
    if (this.#state === 'failed' || (this.#state === 'done' && !this.#finish)) {
      this.#close();
      return;
    }
    this.#state = 'failed';
    // Before the answer, as fetch rejects (TypeError "fetch failed" with the cause); after it, the
    // cause itself, so the reader's error says what happened ("no data for 300000 ms").
    const failure = asIs || !this.#reject ? error : new TypeError('fetch failed', { cause: error });
    this.#failure = { error: failure };
    this.#close();
    if (this.#reject) {
      const reject = this.#reject;
      this.#resolve = this.#reject = undefined;
      reject(failure);
      return;
    }
    const finish = this.#finish;
    this.#finish = undefined;
    this.#write = undefined;
    finish?.fail(failure);
  }
}

function requestHead(url: URL, method: string, headers: Headers): string {
  let head =
    `${method} ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\n` +
    'connection: close\r\naccept-encoding: identity\r\n';
  if (!headers.has('user-agent')) head += 'user-agent: node\r\n';
  headers.forEach((value, name) => {
    if (!OWN_HEADERS.has(name)) head += `${name}: ${value}\r\n`;
  });
  return `${head}\r\n`;
}

/** How the body of this answer ends (RFC 9112, section 6.3). */
function framingOf(method: string, status: number, headers: Headers): Framing {
  if (method === 'HEAD' || NULL_BODY_STATUSES.has(status)) return { kind: 'none' };
  const transfer = headers.get('transfer-encoding');
  if (transfer !== null) {
    const codings = transfer.split(',').map((c) => c.trim().toLowerCase());
    if (codings.length !== 1 || codings[0] !== 'chunked') {
      throw new Error(`unsupported transfer-encoding ${JSON.stringify(transfer)}`);
    }
    return { kind: 'chunked', state: 'size', remaining: 0, line: '' };
  }
  const length = headers.get('content-length');
  if (length !== null) {
    // Repeated identical values arrive joined ("5, 5").
    const values = new Set(length.split(',').map((v) => v.trim()));
    const value = values.size === 1 ? [...values][0]! : '';
    if (!/^\d{1,15}$/.test(value)) throw new Error(`invalid content-length ${JSON.stringify(length)}`);
    const remaining = Number(value);
    return remaining === 0 ? { kind: 'none' } : { kind: 'length', remaining };
  }
  return { kind: 'close' };
}
