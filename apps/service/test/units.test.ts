import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalDirectoryStorage } from '../src/storage/local-storage.js';
import { parseRange } from '../src/storage/serve.js';
import { sign, verify } from '../src/webhooks/signing.js';
import { KeyRing, presentedKey, sha256 } from '../src/auth/key-ring.js';
import { loadConfig } from '../src/config/config.js';

const dir = mkdtempSync(join(tmpdir(), 'aoai-units-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('local storage', () => {
  const storage = new LocalDirectoryStorage(dir);

  it('writes atomically, reads ranges, removes prefixes', async () => {
    const n = await storage.write(
      't/job/a.bin',
      Readable.from([Buffer.from('hello '), Buffer.from('world')]),
    );
    expect(n).toBe(11);
    expect((await storage.stat('t/job/a.bin'))?.size).toBe(11);
    const part = await new Response(
      Readable.toWeb(storage.read('t/job/a.bin', { start: 6, end: 10 })) as ReadableStream,
    ).text();
    expect(part).toBe('world');
    await storage.removePrefix('t/job');
    expect(await storage.stat('t/job/a.bin')).toBeUndefined();
  });

  it('leaves nothing behind when the source fails midway', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.from('partial'));
        this.destroy(new Error('connection reset'));
      },
    });
    await expect(storage.write('t/x/broken.bin', failing)).rejects.toThrow(/reset/);
    expect(await storage.stat('t/x/broken.bin')).toBeUndefined();
  });

  it('refuses keys that climb out of the directory', async () => {
    await expect(storage.write('../evil', Readable.from([Buffer.from('x')]))).rejects.toThrow(
      /invalid storage key/,
    );
    expect(() => storage.read('a/../../b')).toThrow(/invalid storage key/);
  });

  it('sweeps objects older than the retention period', async () => {
    await storage.write('t/old/o.bin', Readable.from([Buffer.from('old')]));
    await storage.write('t/new/n.bin', Readable.from([Buffer.from('new')]));
    const old = new Date(Date.now() - 10 * 3600_000);
    utimesSync(join(dir, 't/old/o.bin'), old, old);
    expect(await storage.sweep(3600_000, Date.now())).toBe(1);
    expect(await storage.stat('t/old/o.bin')).toBeUndefined();
    expect(await storage.stat('t/new/n.bin')).toBeTruthy();
  });
});

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
