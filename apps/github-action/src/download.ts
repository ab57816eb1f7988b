import { open } from 'node:fs/promises';
import { AbortError, AzureOpenAIError, ConnectionError, TimeoutError } from '@aoai-media/core';

/** Something to download that can be asked for again, from a byte offset when the server allows. */
export interface ContentSource {
  /** For messages, e.g. "video gen_123". */
  what: string;
  /** The response for the whole content, or (with `range`) for the part from `range.start` on. */
  open(range: { start: number; ifRange?: string } | undefined, signal: AbortSignal): Promise<Response>;
}

/** A download that did not complete after every attempt. */
export class DownloadError extends Error {
  constructor(
    readonly what: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface DownloadOptions {
  signal: AbortSignal;
  attempts?: number;
  /** Waits `ms` or until the signal aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  log?: (message: string) => void;
}

const RETRY_DELAYS_MS = [250, 500, 1000, 2000, 4000];

/**
 * Downloads into `file`, retrying a connection that breaks or a body that ends early, and resuming
 * with a Range request (guarded by If-Range, so a changed file starts over) where the server
 * answers 206. Returns the number of bytes written. The file is only ever a temporary one.
 */
export async function downloadToFile(
  source: ContentSource,
  file: string,
  { signal, attempts = RETRY_DELAYS_MS.length + 1, sleep = abortableSleep, log }: DownloadOptions,
): Promise<number> {
  const handle = await open(file, 'w');
  let have = 0;
  let total: number | undefined;
  let validator: string | undefined;
  let lastProblem = '';
  try {
    for (let attempt = 1; ; attempt++) {
      signal.throwIfAborted();
      try {
        const resuming = have > 0 && validator !== undefined;
        const response = await source.open(
          resuming ? { start: have, ifRange: validator } : undefined,
          signal,
        );
        const range = contentRange(response.headers.get('content-range'));
        if (response.status === 206 && range?.start === have) {
          total = range.total ?? total;
        } else {
          // A full answer: the server ignored the range, or the file changed; start over.
          if (have > 0) log?.(`${source.what}: the server sent the whole file again; starting over`);
          have = 0;
          await handle.truncate(0);
          const length = Number(response.headers.get('content-length'));
          total = response.headers.has('content-length') && Number.isFinite(length) ? length : undefined;
        }
        validator = response.headers.get('etag') ?? response.headers.get('last-modified') ?? undefined;
        if (!response.body) throw new ConnectionError('the answer had no body');
        const reader = response.body.getReader();
        const stop = () => void reader.cancel().catch(() => undefined);
        signal.addEventListener('abort', stop, { once: true });
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            await handle.write(value, 0, value.byteLength, have);
            have += value.byteLength;
          }
        } finally {
          signal.removeEventListener('abort', stop);
        }
        signal.throwIfAborted();
        if (total === undefined || have === total) {
          await handle.sync();
          return have;
        }
        lastProblem = `the download ended early: ${have} of ${total} bytes`;
      } catch (error) {
        if (signal.aborted) throw new AbortError(`the download of ${source.what} was cancelled`);
        if (!retryable(error)) throw error;
        lastProblem = (error as Error).message;
      }
      if (attempt >= attempts) {
        throw new DownloadError(
          source.what,
          `Downloading ${source.what} failed after ${attempts} attempts (${have}${total !== undefined ? ` of ${total}` : ''} bytes received): ${lastProblem}`,
        );
      }
      const delay = RETRY_DELAYS_MS[Math.min(attempt - 1, RETRY_DELAYS_MS.length - 1)]!;
      log?.(
        `${source.what}: ${lastProblem}; ${validator && have > 0 ? `resuming from byte ${have}` : 'trying again'} (attempt ${attempt + 1} of ${attempts})`,
      );
      await sleep(delay, signal);
    }
  } finally {
    await handle.close();
  }
}

/** Broken connections, cut bodies, time-outs and server errors; not 4xx answers. */
function retryable(error: unknown): boolean {
  if (error instanceof AbortError) return false;
  if (error instanceof ConnectionError || error instanceof TimeoutError) return true;
  if (error instanceof AzureOpenAIError)
    return error.status === 408 || error.status === 429 || error.status >= 500;
  // Errors from reading the body (undici's "terminated", ECONNRESET) are connection failures too.
  return error instanceof TypeError || (error as NodeJS.ErrnoException)?.code !== undefined;
}

function contentRange(header: string | null): { start: number; total?: number } | undefined {
  const m = header ? /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(header.trim()) : null;
  if (!m) return undefined;
  return m[2] === '*' ? { start: Number(m[1]) } : { start: Number(m[1]), total: Number(m[2]) };
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new AbortError('cancelled'));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortError('cancelled'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
