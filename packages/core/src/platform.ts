/**
 * The host's primitives: timers, fetch, clock, randomness and a native base64 decoder.
 *
 * This is the only module in core that names the host's timers or globals. A bundle for a host
 * that forbids them in packaged code (n8n's community-package scan rejects `setTimeout`,
 * `globalThis`, `Buffer`, ... anywhere in a node's JavaScript) swaps this file for one exporting
 * the same names built on that host's own helpers. Everything else in core waits only through
 * a `Sleep`, so replacing this file replaces every timer.
 */

/** Waits `ms`, rejecting with `signal.reason` when `signal` aborts. Injected so tests control time. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The longest delay the host's timer takes; a longer one would fire at once, so it means "never". */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * A real timer. While it is pending it holds the event loop open, so a command-line program
 * waiting out a retry does not exit half-way; aborting the signal clears it at once.
 *
 * It also carries `timer(ms, fire)`, which arms the same timer and returns a plain function that
 * cancels it: a call's timeout is armed and cleared on every request, and this spares it an
 * AbortController and a promise each time. A platform module without it gets a timer built on
 * its sleep (see `platformTimer` in client.ts).
 */
export const defaultSleep: Sleep & { timer(ms: number, fire: () => void): () => void } = Object.assign(
  (ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
  {
    timer(ms: number, fire: () => void): () => void {
      if (ms > MAX_TIMER_MS) return noop;
      const timer = setTimeout(fire, ms);
      return () => clearTimeout(timer);
    },
  },
);

function noop(): void {}

/** The runtime's fetch, looked up when called (so a fetch installed later is the one used). */
export const defaultFetch: typeof fetch = (input, init) => globalThis.fetch(input, init);

export const defaultNow = (): number => Date.now();

export const defaultRandom = (): number => Math.random();

interface NativeBuffer {
  from(input: string, encoding: 'base64'): Uint8Array;
}

/**
 * Decodes base64 with the runtime's native decoder (Node's Buffer), or returns undefined when
 * there is none, so the caller falls back to its portable decoder. The result is a plain
 * Uint8Array view, never a Buffer.
 */
export function nativeDecodeBase64(input: string): Uint8Array | undefined {
  const native = (globalThis as { Buffer?: NativeBuffer }).Buffer;
  if (typeof native?.from !== 'function') return undefined;
  const buf = native.from(input, 'base64');
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
