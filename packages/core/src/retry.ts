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

/**
 * Error codes that mean the connection never carried the request: nothing was written, so Azure
 * cannot have seen it. Anything else (a reset, a closed socket, a read timeout, an unknown code) may
 * have happened after the request was written, and counts as ambiguous.
 */
const BEFORE_SEND_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EAI_NODATA',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);
/** TLS handshake failures (certificate and protocol errors) happen before any request byte. */
const TLS_CODE =
  /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_(GET|VERIFY)_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)/;

/**
 * Whether a transport failure certainly happened before the request was written. It reads the
 * error codes Node's fetch (undici) and most transports attach, through `cause` chains and
 * AggregateErrors (several addresses tried); every code found must be a before-send code.
 */
export function isBeforeSendFailure(error: unknown): boolean {
  const codes: string[] = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): void => {
    if (!value || typeof value !== 'object' || seen.has(value) || depth > 6) return;
    seen.add(value);
    const code = (value as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    visit((value as { cause?: unknown }).cause, depth + 1);
    const errors = (value as { errors?: unknown }).errors;
    if (Array.isArray(errors)) for (const inner of errors) visit(inner, depth + 1);
  };
  visit(error, 0);
  return codes.length > 0 && codes.every((code) => BEFORE_SEND_CODES.has(code) || TLS_CODE.test(code));
}
