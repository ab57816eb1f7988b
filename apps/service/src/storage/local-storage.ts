import { openAsBlob } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkKey, type MediaStorage, type StorageSource, type StoredObject } from './storage.js';

/** Any source as a Node stream. */
export function toReadable(body: StorageSource): Readable {
  if (body instanceof Readable) return body;
  if (typeof (body as ReadableStream).getReader === 'function')
    return Readable.fromWeb(body as ReadableStream<Uint8Array> as never);
  return Readable.from(body as AsyncIterable<Uint8Array>, { objectMode: false });
}

/** Objects as files under one directory; writes go to a temp file that is renamed into place. */
export class LocalDirectoryStorage implements MediaStorage {
  readonly root: string;
  readonly description: string;
  /** Directories this process made or found, so a write costs no recursive mkdir. */
  private readonly made = new Set<string>();

  constructor(dir: string) {
    this.root = resolve(dir);
    this.description = `local directory ${this.root}`;
  }

  private path(key: string): string {
    const full = join(this.root, ...checkKey(key).split('/'));
    if (!full.startsWith(this.root + sep)) throw new Error(`invalid storage key ${JSON.stringify(key)}`);
    return full;
  }

  private async ensureDir(dir: string, again = false): Promise<void> {
    if (!again && this.made.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.made.add(dir);
  }

  async write(key: string, body: StorageSource): Promise<number> {
    const target = this.path(key);
    const dir = dirname(target);
    await this.ensureDir(dir);
    const temp = `${target}.partial-${randomBytes(6).toString('hex')}`;
    const source = toReadable(body);
    // Until the file is open the source stays paused; a failure meanwhile is the pipeline's.
    source.pause();
    const noted: Error[] = [];
    const note = (e: Error) => noted.push(e);
    source.once('error', note);
    let bytes = 0;
    try {
      // The directory may have been removed since it was made (a job deleted, a sweep): make it again.
      const file = await open(temp, 'wx').catch(async (e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
        await this.ensureDir(dir, true);
        return open(temp, 'wx');
      });
      source.off('error', note);
      if (noted[0]) {
        await file.close();
        throw noted[0];
      }
      source.on('data', (c: Buffer) => (bytes += c.length));
      // The stream closes the file when it ends or fails.
      await pipeline(source, file.createWriteStream());
      await rename(temp, target);
    } catch (e) {
      source.destroy();
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

  async read(key: string, range?: { start: number; end: number }): Promise<Readable> {
    // Opened before resolving, so a missing object rejects here rather than later on the stream.
    const file = await open(this.path(key), 'r');
    return file.createReadStream(range ? { start: range.start, end: range.end } : {});
  }

  async openBlob(key: string, type: string): Promise<{ blob: Blob; release(): Promise<void> }> {
    return { blob: await openAsBlob(this.path(key), { type }), release: async () => undefined };
  }

  async removePrefix(prefix: string): Promise<void> {
    await rm(this.path(prefix), { recursive: true, force: true });
    // Every cached directory at or under it is gone.
    const gone = this.path(prefix);
    for (const dir of this.made) if (dir === gone || dir.startsWith(gone + sep)) this.made.delete(dir);
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
          if (await walk(full)) {
            await rmdir(full).catch(() => undefined);
            this.made.delete(full);
          } else empty = false;
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
