/**
 * Streamed downloads: the body is handed to the caller as it arrives, never gathered into one buffer.
 * Failures while reading surface as this library's errors (AbortError, ConnectionError).
 */
import { AbortError, AzureOpenAIMediaError, ConnectionError } from './errors.js';

export interface Download {
  stream: ReadableStream<Uint8Array>;
  /** From `content-length`, when the server sent it. */
  contentLength?: number;
  contentType: string;
}

/** Wraps a successful response's body. `signal` is the caller's: aborting it ends the stream with AbortError. */
export function downloadFrom(response: Response, fallbackType: string, signal?: AbortSignal): Download {
  const length = Number(response.headers.get('content-length'));
  const contentLength =
    response.headers.has('content-length') && Number.isFinite(length) && length >= 0 ? length : undefined;
  const contentType = normaliseType(response.headers.get('content-type')) ?? fallbackType;
  const body = response.body;
  if (!body) {
    return {
      stream: new ReadableStream({ start: (c) => c.close() }),
      contentLength: contentLength ?? 0,
      contentType,
    };
  }
  const reader = body.getReader();
  let received = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            if (contentLength !== undefined && received < contentLength) {
              throw new ConnectionError(`the download ended early: ${received} of ${contentLength} bytes`);
            }
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
  const result: Download = { stream, contentType };
  if (contentLength !== undefined) result.contentLength = contentLength;
  return result;
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
