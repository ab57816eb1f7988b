import { describe, expect, it } from 'vitest';
import { parseRange } from '../src/storage/serve.js';
import { sign, verify } from '../src/webhooks/signing.js';
import { KeyRing, presentedKey, sha256 } from '../src/auth/key-ring.js';
import { loadConfig } from '../src/config/config.js';

describe('Range parsing', () => {
  it('handles start-end, open ends, suffixes and unsatisfiable ranges', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=50-500', 100)).toEqual({ start: 50, end: 99 });
    expect(parseRange('bytes=100-', 100)).toBeNull();
    expect(parseRange('bytes=5-2', 100)).toBeNull();
    expect(parseRange('bytes=0-1,5-6', 100)).toBeUndefined();
    expect(parseRange('items=0-1', 100)).toBeUndefined();
    expect(parseRange(undefined, 100)).toBeUndefined();
  });
});

describe('webhook signatures', () => {
  it('verify what sign made, within the replay window only', () => {
    const now = 1_800_000_000;
    const sig = sign('secret-0123456789abcdef', now, '{"a":1}');
    expect(sig).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(
      verify('secret-0123456789abcdef', { signature: sig, timestamp: String(now) }, '{"a":1}', now + 10),
    ).toEqual({ ok: true });
    expect(
      verify('other-secret-0123456789', { signature: sig, timestamp: String(now) }, '{"a":1}', now).ok,
    ).toBe(false);
    expect(
      verify('secret-0123456789abcdef', { signature: sig, timestamp: String(now) }, '{"a":1}', now + 301).ok,
    ).toBe(false);
    expect(
      verify('secret-0123456789abcdef', { signature: sig, timestamp: String(now + 1) }, '{"a":1}', now).ok,
    ).toBe(false);
  });
});

describe('service keys', () => {
  const config = loadConfig({
    AZURE_OPENAI_ENDPOINT: 'https://r.openai.azure.com',
    AZURE_OPENAI_API_KEY: 'k',
    REDIS_URL: 'redis://127.0.0.1:1',
    SERVICE_KEYS: `alpha:${sha256('key-a').toString('hex')},beta:${sha256('key-b').toString('hex')}`,
    ADMIN_KEY_SHA256: sha256('root').toString('hex'),
  });
  const ring = new KeyRing(config);

  it('map each key to its tenant; unknown keys to none; admin separately', () => {
    expect(ring.tenantFor('key-a')).toBe('alpha');
    expect(ring.tenantFor('key-b')).toBe('beta');
    expect(ring.tenantFor('key-c')).toBeUndefined();
    expect(ring.tenantFor('')).toBeUndefined();
    expect(ring.isAdmin('root')).toBe(true);
    expect(ring.isAdmin('key-a')).toBe(false);
    expect(ring.tenantFor('root')).toBeUndefined();
  });

  it('read api-key, Bearer, and (only where allowed) Basic', () => {
    expect(presentedKey({ 'api-key': 'x' })).toBe('x');
    expect(presentedKey({ authorization: 'Bearer y' })).toBe('y');
    const basic = `Basic ${Buffer.from('u:z').toString('base64')}`;
    expect(presentedKey({ authorization: basic })).toBeUndefined();
    expect(presentedKey({ authorization: basic }, true)).toBe('z');
  });
});
