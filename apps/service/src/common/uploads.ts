/**
 * Where uploaded files go while a request streams in. A relayed upload (image edits, audio) is
 * spooled to a temp file and sent on from there, so neither the upload nor the upstream request
 * holds it in memory; an upload a video job keeps goes straight to the shared store.
 */
import { createWriteStream, openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { MediaStorage } from '../storage/storage.js';
import type { FileSink, UploadedFile } from './body.js';

/** Files of the spool, by the File objects that stand for them. */
const SPOOLED = new WeakMap<Blob, string>();

/** The temp file a File from `Spool.file` reads from, if it is one. */
export function spooledPath(file: Blob): string | undefined {
  return SPOOLED.get(file);
}

/** Temp files for one request's uploads; `dispose` removes them (always call it). */
export class Spool {
  private dir: Promise<string> | undefined;

  readonly sink: FileSink = async (file, bytes) => {
    this.dir ??= mkdtemp(join(tmpdir(), 'aoai-upload-'));
    const path = join(await this.dir, String(file.index));
    await pipeline(bytes, createWriteStream(path));
    return { path };
  };

  readonly discard = async (): Promise<void> => this.dispose();

  /**
   * The file, read from disk when it is sent (append it to a FormData without a filename, so the
   * form keeps this very object and the transport can stream it from its path).
   */
  async file(file: UploadedFile, type: string): Promise<File> {
    const path = file.stored.path!;
    const spooled = new File([await openAsBlob(path, { type })], file.filename, { type });
    SPOOLED.set(spooled, path);
    return spooled;
  }

  async dispose(): Promise<void> {
    const dir = await this.dir?.catch(() => undefined);
    this.dir = undefined;
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

/** Uploads written to the shared store under the keys `keyFor` gives. */
export function storageSink(storage: MediaStorage, keyFor: (index: number) => string): FileSink {
  return async (file, bytes) => {
    const key = keyFor(file.index);
    await storage.write(key, bytes, { contentType: file.contentType });
    return { key };
  };
}
