import * as crypto from 'node:crypto';
import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '../config/config.module.js';
import type { ServiceConfig } from '../config/config.js';

export function sha256(value: string): Buffer {
  // One-shot hashing where the platform has it (Node 20.12+): no Hash object per request.
  return typeof crypto.hash === 'function'
    ? crypto.hash('sha256', value, 'buffer')
    : crypto.createHash('sha256').update(value, 'utf8').digest();
}

/**
 * The service's keys, held only as SHA-256 hashes. A presented key is hashed and compared with
 * every configured hash in constant time (no early exit), so timing tells nothing about which matched.
 */
@Injectable()
export class KeyRing {
  constructor(@Inject(SERVICE_CONFIG) private readonly config: ServiceConfig) {}

  /** The tenant a key belongs to, or undefined. */
  tenantFor(key: string | undefined): string | undefined {
    if (!key) return undefined;
    const hash = sha256(key);
    let found: string | undefined;
    for (const entry of this.config.keys) {
      if (timingSafeEqual(hash, entry.hash) && found === undefined) found = entry.tenant;
    }
    return found;
  }

  isAdmin(key: string | undefined): boolean {
    const admin = this.config.adminKeyHash;
    if (!key || !admin) return false;
    return timingSafeEqual(sha256(key), admin);
  }
}

/** The key a request presents: `api-key`, or `Authorization: Bearer`, or (for browsers on admin pages) Basic's password. */
export function presentedKey(
  headers: Record<string, string | string[] | undefined>,
  allowBasic = false,
): string | undefined {
  const apiKey = headers['api-key'];
  if (typeof apiKey === 'string' && apiKey) return apiKey;
  const auth = headers.authorization;
  if (typeof auth !== 'string') return undefined;
  const bearer = /^Bearer\s+(.+)$/i.exec(auth);
  if (bearer) return bearer[1]!.trim();
  const basic = allowBasic ? /^Basic\s+(.+)$/i.exec(auth) : null;
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : undefined;
  }
  return undefined;
}
