import { createHash, randomBytes } from 'node:crypto';

const BASE32 = '0123456789abcdefghjkmnpqrstvwxyz';

/** An id in Azure's style: prefix, then 26 lowercase base32 characters. */
export function newId(prefix: string): string {
  const bytes = randomBytes(26);
  let out = '';
  for (const b of bytes) out += BASE32[b & 31];
  return `${prefix}_${out}`;
}

export function sha256(...parts: (string | Uint8Array)[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) {
    h.update(p);
    h.update('\u0000');
  }
  return h.digest();
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}
