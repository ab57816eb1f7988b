import type { Readable } from 'node:stream';

export interface StoredObject {
  size: number;
  modified: Date;
}

/**
 * Where results are kept after Azure's copies expire. Keys are `/`-separated relative paths.
 * Writes are atomic (an object is either absent or complete), so a crash never leaves a half file
 * that looks finished. A local directory implements it; an object store can implement it later.
 */
export interface MediaStorage {
  /** Store a stream under `key`, replacing any object there. Resolves with the byte count. */
  write(key: string, body: Readable | ReadableStream<Uint8Array>): Promise<number>;
  stat(key: string): Promise<StoredObject | undefined>;
  /** Read `[start, end]` (inclusive) or the whole object. */
  read(key: string, range?: { start: number; end: number }): Readable;
  /** Remove every object whose key starts with `prefix/`. */
  removePrefix(prefix: string): Promise<void>;
  /** Remove objects older than `maxAgeMs`; resolves with how many went. */
  sweep(maxAgeMs: number, now: number): Promise<number>;
  /** Write, read back and remove a probe object. */
  probe(): Promise<void>;
}

export const MEDIA_STORAGE = Symbol('MEDIA_STORAGE');
