import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { MediaStorage, StoredObject } from './storage.js';

const SAFE_KEY = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/** Objects as files under one directory; writes go to a temp file that is renamed into place. */
export class LocalDirectoryStorage implements MediaStorage {
  readonly root: string;

  constructor(dir: string) {
    this.root = resolve(dir);
  }

  private path(key: string): string {
    if (!SAFE_KEY.test(key) || key.split('/').some((p) => p === '.' || p === '..'))
      throw new Error(`invalid storage key ${JSON.stringify(key)}`);
    const full = join(this.root, ...key.split('/'));
    if (!full.startsWith(this.root + sep)) throw new Error(`invalid storage key ${JSON.stringify(key)}`);
    return full;
  }

  async write(key: string, body: Readable | ReadableStream<Uint8Array>): Promise<number> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    const temp = `${target}.partial-${randomBytes(6).toString('hex')}`;
    const source = body instanceof Readable ? body : Readable.fromWeb(body as never);
    let bytes = 0;
    source.on('data', (c: Buffer) => (bytes += c.length));
    try {
      await pipeline(source, createWriteStream(temp));
      await rename(temp, target);
    } catch (e) {
      await unlink(temp).catch(() => undefined);
      throw e;
    }
    return bytes;
  }

  async stat(key: string): Promise<StoredObject | undefined> {
    try {
      const s = await stat(this.path(key));
      return s.isFile() ? { size: s.size, modified: s.mtime } : undefined;
    } catch {
      return undefined;
    }
  }

  read(key: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.path(key), range ? { start: range.start, end: range.end } : {});
  }

  async removePrefix(prefix: string): Promise<void> {
    await rm(this.path(prefix), { recursive: true, force: true });
  }

  async sweep(maxAgeMs: number, now: number): Promise<number> {
    let removed = 0;
    const walk = async (dir: string): Promise<boolean> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return false;
      }
      let empty = true;
      for (const entry of entries) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) {
          if (await walk(full)) await rmdir(full).catch(() => undefined);
          else empty = false;
          continue;
        }
        const s = await stat(full).catch(() => undefined);
        if (s && now - s.mtimeMs > maxAgeMs) {
          await unlink(full).catch(() => undefined);
          removed++;
        } else empty = false;
      }
      return empty;
    };
    await walk(this.root);
    return removed;
  }

  async probe(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    const file = join(this.root, `.probe-${randomBytes(4).toString('hex')}`);
    await writeFile(file, 'ok');
    const back = await readFile(file, 'utf8');
    await unlink(file);
    if (back !== 'ok') throw new Error('storage probe read back different bytes');
  }
}
