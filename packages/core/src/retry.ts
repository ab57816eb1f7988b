/** When to retry and how long to wait. Pure functions, so the schedule is tested with an injected clock. */

export const RETRY_AFTER_CAP_MS = 60_000;
export const BACKOFF_INITIAL_MS = 500;
export const BACKOFF_MAX_MS = 8_000;

const RETRYABLE_STATUSES = new Set([408, 409, 429]);

/** Whether an answer with this status and these headers should be tried again. */
export function isRetryable(status: number, headers: Headers): boolean {
  const shouldRetry = headers.get('x-should-retry');
  if (shouldRetry === 'true') return true;
  if (shouldRetry === 'false') return false;
  return RETRYABLE_STATUSES.has(status) || status >= 500;
}

/**
 * The wait the server asked for, in ms, or undefined when it did not say (or said nonsense).
 * Order: `retry-after-ms`, `x-ms-retry-after-ms`, then `retry-after` in seconds or as an HTTP date.
 */
export function serverRetryAfterMs(headers: Headers, now: number): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const value = headers.get(name);
    if (value !== null && value.trim() !== '') {
      const ms = Number(value);
      if (Number.isFinite(ms) && ms >= 0) return Math.min(ms, RETRY_AFTER_CAP_MS);
    }
  }
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null && retryAfter.trim() !== '') {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, RETRY_AFTER_CAP_MS);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.min(Math.max(0, date - now), RETRY_AFTER_CAP_MS);
  }
  return undefined;
}

/** Exponential backoff for retry number `retry` (0 for the first retry), with up to 25% jitter taken off. */
export function backoffMs(retry: number, random: () => number): number {
  const base = Math.min(BACKOFF_INITIAL_MS * 2 ** retry, BACKOFF_MAX_MS);
  return Math.round(base * (1 - 0.25 * random()));
}

/** The wait before retry number `retry`: the server's word when it gave one, else backoff. */
export function retryDelayMs(
  retry: number,
  headers: Headers | undefined,
  now: number,
  random: () => number,
): number {
  const fromServer = headers ? serverRetryAfterMs(headers, now) : undefined;
  return fromServer ?? backoffMs(retry, random);
}
