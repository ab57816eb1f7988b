/**
 * Streamed downloads: the body is handed to the caller as it arrives, never gathered into one buffer.
 * Read it as a web stream (`stream`) or write it into a sink (`pipeTo`): a file sink on Node
 * (`@aoai-media/core/node`), a WritableStream, or any object with `write`, `close` and `abort`.
 * Failures while reading surface as this library's errors (AbortError, ConnectionError).
 */
import { AbortError, AzureOpenAIMediaError, ConnectionError } from './errors.js';

/**
 * Where `pipeTo` writes. `write` gets the bytes in order; the chunk may be a view into a buffer the
 * download reuses once `write` returns (or, when it returns a promise, once that settles), so a sink
 * that keeps bytes for later copies them. A returned promise holds the next chunk back until it
 * settles (backpressure). After the last chunk `close` runs; after a failure or an abort, `abort`.
 */
export interface DownloadSink {
  write(chunk: Uint8Array): void | Promise<void>;
  close(): void | Promise<void>;
  abort(reason: unknown): void | Promise<void>;
}

export interface PipeOptions {
  /** Stops the download; the sink is aborted and the promise rejects with AbortError. */
  signal?: AbortSignal;
}

export interface Download {
  /** The body as a web stream, made when first read. Read the body once: this or `pipeTo`. */
  readonly stream: ReadableStream<Uint8Array>;
  /** From `content-length`, when the server sent it. */
  contentLength?: number;
  contentType: string;
  /**
   * Writes the body into `destination` as it arrives, and resolves with the number of bytes once
   * the destination has them all (its `close` is done). On a failure or an abort the destination is
   * aborted and the promise rejects with ConnectionError or AbortError (a sink's own error is thrown
   * as it is). When the transport can hand bytes over directly (Node's `nodeDownloadFetch`), no web
   * stream is made at all.
   */
  pipeTo(destination: DownloadSink | WritableStream<Uint8Array>, options?: PipeOptions): Promise<number>;
}

/**
 * A body a transport can deliver straight into a sink, without a web stream in between. Chunks are
 * views into the transport's own buffer (see DownloadSink).
 */
export interface DirectBody {
  /** Delivers every byte to `write`, in order; rejects when the transfer fails or `cancel` is called. */
  pipe(write: (chunk: Uint8Array) => void | Promise<void>): Promise<number>;
  /** Stops the transfer and releases its connection. */
  cancel(reason?: unknown): void;
}

const DIRECT_BODIES = new WeakMap<Response, DirectBody>();

/** Marks `response` as having a body its transport can deliver directly (for `pipeTo`). */
export function withDirectBody(response: Response, body: DirectBody): Response {
  DIRECT_BODIES.set(response, body);
  return response;
}

/** Wraps a successful response's body. `signal` is the caller's: aborting it ends the download with AbortError. */
export function downloadFrom(response: Response, fallbackType: string, signal?: AbortSignal): Download {
  const length = Number(response.headers.get('content-length'));
  const contentLength =
    response.headers.has('content-length') && Number.isFinite(length) && length >= 0 ? length : undefined;
  const contentType = normaliseType(response.headers.get('content-type')) ?? fallbackType;
  return new BodyDownload(response, contentType, contentLength, signal);
}

class BodyDownload implements Download {
  readonly contentType: string;
  readonly contentLength?: number;
  readonly #response: Response;
  readonly #signal: AbortSignal | undefined;
  #stream: ReadableStream<Uint8Array> | undefined;
  #piping = false;

  constructor(
    response: Response,
    contentType: string,
    contentLength: number | undefined,
    signal?: AbortSignal,
  ) {
    this.#response = response;
    this.contentType = contentType;
    if (contentLength !== undefined) this.contentLength = contentLength;
    else if (!response.body) this.contentLength = 0;
    this.#signal = signal;
  }

  get stream(): ReadableStream<Uint8Array> {
    if (this.#piping) {
      return new ReadableStream({
        start: (c) => c.error(new TypeError('the download is being written by pipeTo; read it once')),
      });
    }
    this.#stream ??= this.#webStream();
    return this.#stream;
  }

  #webStream(): ReadableStream<Uint8Array> {
    const body = this.#response.body;
    if (!body) return new ReadableStream({ start: (c) => c.close() });
    const reader = body.getReader();
    const expected = this.contentLength;
    const signal = this.#signal;
    let received = 0;
    return new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          try {
            const { done, value } = await reader.read();
            if (done) {
              if (expected !== undefined && received < expected) throw endedEarly(received, expected);
              controller.close();
              return;
            }
            received += value.byteLength;
            controller.enqueue(value);
          } catch (error) {
            controller.error(readError(error, signal));
          }
        },
        cancel(reason) {
          return reader.cancel(reason);
        },
      },
      // Pull one chunk at a time: the consumer's pace sets how much is held in memory.
      { highWaterMark: 0 },
    );
  }

  async pipeTo(
    destination: DownloadSink | WritableStream<Uint8Array>,
    options: PipeOptions = {},
  ): Promise<number> {
    if (this.#piping || this.#stream) throw new TypeError('the download was already read; read it once');
    this.#piping = true;
    const direct = this.#stream === undefined ? DIRECT_BODIES.get(this.#response) : undefined;
    const sink = isWritableStream(destination)
      ? writableSink(destination, direct !== undefined)
      : destination;
    const signals = [this.#signal, options.signal].filter((s): s is AbortSignal => s !== undefined);
    const expected = this.contentLength;
    let sinkFailure: { error: unknown } | undefined;
    // Errors of the sink's own (a full disk) are thrown as they are, not as network errors.
    const write = (chunk: Uint8Array): void | Promise<void> => {
      try {
        const pending = sink.write(chunk);
        return pending?.catch((error: unknown) => {
          sinkFailure = { error };
          throw error;
        });
      } catch (error) {
        sinkFailure = { error };
        throw error;
      }
    };
    let stop: ((reason: unknown) => void) | undefined;
    const onAbort = (event: Event) => stop?.((event.target as AbortSignal).reason);
    for (const s of signals) s.addEventListener('abort', onAbort, { once: true });
    try {
      const aborted = signals.find((s) => s.aborted);
      if (aborted) throw aborted.reason;
      const received = direct
        ? await ((stop = (reason) => direct.cancel(reason)), direct.pipe(write))
        : await this.#pump(write, (cancel) => (stop = cancel));
      if (expected !== undefined && received < expected) throw endedEarly(received, expected);
      try {
        await sink.close();
      } catch (error) {
        sinkFailure = { error };
        throw error;
      }
      return received;
    } catch (error) {
      const failure = sinkFailure
        ? sinkFailure.error
        : readError(
            error,
            signals.find((s) => s.aborted),
          );
      direct?.cancel(failure);
      await Promise.resolve()
        .then(() => sink.abort(failure))
        .catch(() => undefined);
      throw failure;
    } finally {
      for (const s of signals) s.removeEventListener('abort', onAbort);
    }
  }

  /** Reads the platform's body stream into `write`, awaiting the sink when it asks to wait. */
  async #pump(
    write: (chunk: Uint8Array) => void | Promise<void>,
    onCancel: (cancel: (reason: unknown) => void) => void,
  ): Promise<number> {
    const body = this.#response.body;
    if (!body) return 0;
    const reader = body.getReader();
    let cancelled: { reason: unknown } | undefined;
    onCancel((reason) => {
      cancelled = { reason };
      reader.cancel(reason).catch(() => undefined);
    });
    let received = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (cancelled) throw cancelled.reason;
        if (done) return received;
        received += value.byteLength;
        const pending = write(value);
        if (pending) await pending;
      }
    } catch (error) {
      reader.cancel(error).catch(() => undefined);
      throw error;
    }
  }
}

function isWritableStream(value: unknown): value is WritableStream<Uint8Array> {
  return typeof (value as WritableStream | undefined)?.getWriter === 'function';
}

/** A WritableStream as a sink. A stream may hold chunks in its queue, so borrowed views are copied. */
function writableSink(stream: WritableStream<Uint8Array>, copy: boolean): DownloadSink {
  const writer = stream.getWriter();
  return {
    async write(chunk) {
      await writer.ready;
      void writer.write(copy ? chunk.slice() : chunk).catch(() => undefined);
    },
    close: () => writer.close(),
    abort: (reason) => writer.abort(reason),
  };
}

function endedEarly(received: number, expected: number): ConnectionError {
  return new ConnectionError(`the download ended early: ${received} of ${expected} bytes`);
}

function readError(error: unknown, signal: AbortSignal | undefined): Error {
  if (error instanceof AzureOpenAIMediaError) return error;
  if (signal?.aborted || (error as { name?: string })?.name === 'AbortError') {
    return new AbortError('the download was aborted', { cause: error });
  }
  const message = (error as Error)?.message ?? String(error);
  return new ConnectionError(`the download ended early: ${message}`, { cause: error });
}

/** `image/jpg` (as Azure declares thumbnails) is `image/jpeg`; parameters are dropped. */
export function normaliseType(header: string | null): string | undefined {
  const type = header?.split(';')[0]?.trim().toLowerCase();
  if (!type) return undefined;
  return type === 'image/jpg' ? 'image/jpeg' : type;
}
