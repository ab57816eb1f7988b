/**
 * Webhook signatures. Each delivery carries:
 *   X-AOAI-Webhook-Id         the delivery id (the same on every retry: deduplicate on it)
 *   X-AOAI-Webhook-Timestamp  unix seconds when this attempt was signed
 *   X-AOAI-Webhook-Signature  v1=<hex HMAC-SHA256 of `${timestamp}.${body}` with the webhook secret>
 * Receivers recompute the HMAC over the raw body, compare in constant time, and reject timestamps
 * more than five minutes from their clock (replay protection).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-aoai-webhook-signature';
export const TIMESTAMP_HEADER = 'x-aoai-webhook-timestamp';
export const ID_HEADER = 'x-aoai-webhook-id';
export const EVENT_HEADER = 'x-aoai-webhook-event';
export const REPLAY_WINDOW_SECONDS = 300;

export function sign(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Verify a delivery; `now` in unix seconds. */
export function verify(
  secret: string,
  headers: { signature: string | undefined; timestamp: string | undefined },
  body: string,
  now = Math.floor(Date.now() / 1000),
): { ok: true } | { ok: false; reason: string } {
  const ts = Number(headers.timestamp);
  if (!headers.timestamp || !Number.isInteger(ts))
    return { ok: false, reason: 'missing or malformed timestamp' };
  if (Math.abs(now - ts) > REPLAY_WINDOW_SECONDS)
    return { ok: false, reason: 'timestamp outside the replay window' };
  const expected = Buffer.from(sign(secret, ts, body));
  const given = Buffer.from(headers.signature ?? '');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'signature mismatch' };
  return { ok: true };
}
