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

  /** The file's bytes as a Blob read from disk when it is sent. */
  blob(file: UploadedFile, type: string): Promise<Blob> {
    return openAsBlob(file.stored.path!, { type });
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
