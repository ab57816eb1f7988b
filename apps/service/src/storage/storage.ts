import type { Readable } from 'node:stream';

export interface StoredObject {
  size: number;
  modified: Date;
}

/** What a write accepts: a Node stream, a web stream, or any async iterable of bytes. */
export type StorageSource = Readable | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/**
 * Where uploaded inputs and results are kept, shared by every instance (API and worker) that uses
 * the same store. Keys are `/`-separated relative paths of letters, digits, `.`, `_` and `-`.
 * Writes stream and are atomic: an object is either absent or complete, so a crash or a failed
 * upload never leaves a half object that looks finished. Two implementations: a local directory
 * (one machine) and Azure Blob Storage (any number of machines).
 */
export interface MediaStorage {
  /** For logs and health: what the store is, without secrets. */
  readonly description: string;
  /** Store a stream under `key`, replacing any object there. Resolves with the byte count. */
  write(key: string, body: StorageSource, options?: { contentType?: string }): Promise<number>;
  stat(key: string): Promise<StoredObject | undefined>;
  /** Read `[start, end]` (inclusive) or the whole object; rejects when it is not there. */
  read(key: string, range?: { start: number; end: number }): Promise<Readable>;
  /**
   * The object as a Blob that is read when it is sent (a local file as it is; a blob downloaded to
   * a temp file first): never held in memory. `release` when done.
   */
  openBlob(key: string, type: string): Promise<{ blob: Blob; release(): Promise<void> }>;
  /** Remove every object whose key starts with `prefix/`. */
  removePrefix(prefix: string): Promise<void>;
  /** Remove objects older than `maxAgeMs`; resolves with how many went. */
  sweep(maxAgeMs: number, now: number): Promise<number>;
  /** Write, read back and remove a probe object. */
  probe(): Promise<void>;
  /** Release connections (on shutdown). */
  close?(): Promise<void>;
}

export const MEDIA_STORAGE = Symbol('MEDIA_STORAGE');

const SAFE_KEY = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/** A key both stores accept, or an error: no empty, `.` or `..` segments, no other characters. */
export function checkKey(key: string): string {
  if (!SAFE_KEY.test(key) || key.split('/').some((p) => p === '.' || p === '..'))
    throw new Error(`invalid storage key ${JSON.stringify(key)}`);
  return key;
}
