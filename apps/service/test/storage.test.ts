/**
 * The storage interface's suite, run against both backends: a local directory and Azure Blob
 * Storage (Azurite, Microsoft's own emulator, started here on a free loopback port).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobStorage } from '../src/storage/blob-storage.js';
import { LocalDirectoryStorage } from '../src/storage/local-storage.js';
import type { MediaStorage } from '../src/storage/storage.js';
import { startAzurite, type TestAzurite } from './support/azurite.js';

let azurite: TestAzurite;
const dir = mkdtempSync(join(tmpdir(), 'aoai-storage-suite-'));
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const backends: [string, () => MediaStorage][] = [
  ['local directory', () => new LocalDirectoryStorage(dir)],
  [
    'Azure Blob Storage (Azurite)',
    () =>
      new BlobStorage({
        connectionString: azurite.connectionString,
        container: `suite-${randomBytes(4).toString('hex')}`,
        prefix: 'media/',
      }),
  ],
];

const text = async (stream: Readable) => Buffer.concat(await stream.toArray()).toString('utf8');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * A source that yields its first chunk, then waits for `release` before the rest, so a test can
 * look at the store while a write is under way (`taken` resolves once the first chunk was read).
 */
function gated(chunks: Buffer[]): { source: Readable; taken: Promise<void>; release(): void } {
  let open: () => void = () => undefined;
  let took: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const taken = new Promise<void>((resolve) => (took = resolve));
  const source = Readable.from(
    (async function* () {
      yield chunks[0]!;
      took();
      await gate;
      for (const chunk of chunks.slice(1)) yield chunk;
    })(),
  );
  return { source, taken, release: () => open() };
}

describe.each(backends)('storage: %s', (_name, make) => {
  let storage: MediaStorage;
  beforeAll(() => {
    storage = make();
  });

  it('writes a stream and counts its bytes; reads it whole, by range, and states its size', async () => {
    const n = await storage.write(
      't/job/a.bin',
      Readable.from([Buffer.from('hello '), Buffer.from('world')]),
      {
        contentType: 'application/octet-stream',
      },
    );
    expect(n).toBe(11);
    const info = await storage.stat('t/job/a.bin');
    expect(info?.size).toBe(11);
    expect(Math.abs(info!.modified.getTime() - Date.now())).toBeLessThan(120_000);
    expect(await text(await storage.read('t/job/a.bin'))).toBe('hello world');
    expect(await text(await storage.read('t/job/a.bin', { start: 6, end: 10 }))).toBe('world');
    expect(await text(await storage.read('t/job/a.bin', { start: 0, end: 0 }))).toBe('h');
  });

  it('takes web streams and async iterables too, and replaces an object written again', async () => {
    await storage.write('t/w/x.bin', new Response('first').body!);
    await storage.write(
      't/w/x.bin',
      (async function* () {
        yield Buffer.from('sec');
        yield Buffer.from('ond');
      })(),
    );
    expect(await text(await storage.read('t/w/x.bin'))).toBe('second');
  });

  it('streams a large object in and out byte for byte, ranges across block boundaries included', async () => {
    const chunk = randomBytes(1024 * 1024);
    const chunks = Array.from({ length: 9 }, (_, i) =>
      Buffer.concat([chunk.subarray(i), chunk.subarray(0, i)]),
    );
    const whole = Buffer.concat(chunks);
    expect(await storage.write('t/big/v.mp4', Readable.from(chunks))).toBe(whole.length);
    const back = Buffer.concat(await (await storage.read('t/big/v.mp4')).toArray());
    expect(sha(back)).toBe(sha(whole));
    const start = 4 * 1024 * 1024 - 10;
    const end = 8 * 1024 * 1024 + 10;
    const part = Buffer.concat(await (await storage.read('t/big/v.mp4', { start, end })).toArray());
    expect(part.equals(whole.subarray(start, end + 1))).toBe(true);
  });

  it('is atomic: an object is absent while it is written, and whole once the write resolves', async () => {
    const { source, taken, release } = gated([Buffer.alloc(64 * 1024, 1), Buffer.alloc(64 * 1024, 2)]);
    const writing = storage.write('t/atomic/a.bin', source);
    // The first chunk was read by the store; the object must not be visible yet.
    await taken;
    expect(await storage.stat('t/atomic/a.bin')).toBeUndefined();
    release();
    expect(await writing).toBe(128 * 1024);
    expect((await storage.stat('t/atomic/a.bin'))?.size).toBe(128 * 1024);
  });

  it('leaves nothing behind when the source fails midway, and keeps the old object', async () => {
    await storage.write('t/x/keep.bin', Readable.from([Buffer.from('old bytes')]));
    for (const key of ['t/x/broken.bin', 't/x/keep.bin']) {
      const failing = new Readable({
        read() {
          this.push(Buffer.alloc(8 * 1024 * 1024, 7));
          this.destroy(new Error('connection reset'));
        },
      });
      await expect(storage.write(key, failing)).rejects.toThrow(/reset/);
    }
    expect(await storage.stat('t/x/broken.bin')).toBeUndefined();
    expect(await text(await storage.read('t/x/keep.bin'))).toBe('old bytes');
  });

  it('opens an object as a Blob read when it is sent', async () => {
    await storage.write('t/blob/ref.png', Readable.from([Buffer.from('png bytes')]));
    const { blob, release } = await storage.openBlob('t/blob/ref.png', 'image/png');
    expect(blob.size).toBe(9);
    expect(blob.type).toBe('image/png');
    expect(await blob.text()).toBe('png bytes');
    await release();
  });

  it('removes everything under a prefix and nothing beside it', async () => {
    await storage.write('t/job1/a', Readable.from([Buffer.from('1')]));
    await storage.write('t/job1/deep/b', Readable.from([Buffer.from('2')]));
    await storage.write('t/job10/c', Readable.from([Buffer.from('3')]));
    await storage.removePrefix('t/job1');
    expect(await storage.stat('t/job1/a')).toBeUndefined();
    expect(await storage.stat('t/job1/deep/b')).toBeUndefined();
    expect(await storage.stat('t/job10/c')).toBeTruthy();
    // Written again after its prefix went (a local directory is made again).
    await storage.write('t/job1/a', Readable.from([Buffer.from('again')]));
    expect(await text(await storage.read('t/job1/a'))).toBe('again');
  });

  it('refuses keys that climb out or are not plain paths; a missing object reads as missing', async () => {
    for (const key of ['../evil', 'a/../../b', '/abs', 'a//b', 'a/./b', 'sp ace']) {
      await expect(storage.write(key, Readable.from([Buffer.from('x')]))).rejects.toThrow(
        /invalid storage key/,
      );
      await expect(storage.read(key)).rejects.toThrow(/invalid storage key/);
    }
    expect(await storage.stat('t/none/missing')).toBeUndefined();
    await expect(storage.read('t/none/missing')).rejects.toThrow();
  });

  it('sweeps what is older than the retention period and keeps the rest', async () => {
    await storage.write('t/sweep/o.bin', Readable.from([Buffer.from('o')]));
    const hour = 3600_000;
    // Nothing here is an hour old yet.
    const kept = await storage.sweep(hour, Date.now());
    expect(await storage.stat('t/sweep/o.bin')).toBeTruthy();
    // Two hours on, everything written so far is.
    const removed = await storage.sweep(hour, Date.now() + 2 * hour);
    expect(await storage.stat('t/sweep/o.bin')).toBeUndefined();
    expect(await storage.stat('t/job10/c')).toBeUndefined();
    expect(removed).toBeGreaterThan(kept);
    expect(removed).toBeGreaterThanOrEqual(5);
  });

  it('passes its probe', async () => {
    await expect(storage.probe()).resolves.toBeUndefined();
  });
});

describe('local storage', () => {
  it('makes a directory once per process, not once per write', async () => {
    const root = mkdtempSync(join(tmpdir(), 'aoai-storage-dirs-'));
    try {
      const storage = new LocalDirectoryStorage(root);
      for (let i = 0; i < 3; i++) await storage.write(`t/j/f${i}`, Readable.from([Buffer.from('x')]));
      expect(readdirSync(join(root, 't/j')).sort()).toEqual(['f0', 'f1', 'f2']);
      expect((storage as unknown as { made: Set<string> }).made.size).toBe(1);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
