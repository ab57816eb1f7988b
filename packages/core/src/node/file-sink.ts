/**
 * A download written to a file that appears only when it is complete: the bytes go to a hidden
 * temporary file beside the target (`.name.<random>.part`), which is renamed over the target once
 * every byte is on disk. A failed or aborted download removes its temporary file, so the target
 * path never holds half a video. (A process killed mid-download can leave the hidden `.part` file.)
 *
 * Bytes are copied into a few fixed slots and written from there by the file system's own threads,
 * while the network keeps reading into the next slot; when every slot is being written the download
 * waits. Memory stays at `slots x slotBytes` whatever the file's size.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { DownloadSink } from '../download.js';

export interface FileSinkOptions {
  /** Bytes gathered before each write. Default 1 MiB. */
  slotBytes?: number;
  /** Writes in flight at once. Default 4. */
  slots?: number;
  /** File mode of a new file. Default 0o666 (less the process umask). */
  mode?: number;
}

const DEFAULT_SLOT_BYTES = 1024 * 1024;
const DEFAULT_SLOTS = 4;

/** A sink for `download.pipeTo(fileSink(path))`. */
export function fileSink(path: string, options: FileSinkOptions = {}): DownloadSink {
  return new FileSink(path, options);
}

class FileSink implements DownloadSink {
  readonly #path: string;
  readonly #temp: string;
  readonly #slotBytes: number;
  readonly #mode: number;
  readonly #free: Uint8Array[] = [];
  #slotsLeft: number;
  #fd: number | undefined;
  #opening: Promise<number> | undefined;
  #current: Uint8Array | undefined;
  #filled = 0;
  /** File offset of the next slot written. */
  #position = 0;
  #inFlight = 0;
  #failure: { error: unknown } | undefined;
  /** Resolves a waiting `write` (or `close`) when a slot comes back. */
  #onSlotBack: (() => void) | undefined;
  #finished = false;

  constructor(path: string, options: FileSinkOptions) {
    this.#path = path;
    this.#temp = join(dirname(path), `.${basename(path)}.${randomUUID().slice(0, 8)}.part`);
    this.#slotBytes = options.slotBytes ?? DEFAULT_SLOT_BYTES;
    this.#slotsLeft = options.slots ?? DEFAULT_SLOTS;
    this.#mode = options.mode ?? 0o666;
    if (!Number.isInteger(this.#slotBytes) || this.#slotBytes < 4096) {
      throw new RangeError(`slotBytes must be an integer of at least 4096 (got ${options.slotBytes})`);
    }
    if (!Number.isInteger(this.#slotsLeft) || this.#slotsLeft < 1) {
      throw new RangeError(`slots must be a positive integer (got ${options.slots})`);
    }
  }

  write(chunk: Uint8Array): void | Promise<void> {
    this.#throwIfFailed();
    if (this.#finished) throw new TypeError('the file sink is closed');
    let offset = 0;
    while (offset < chunk.byteLength) {
      const slot = this.#slot();
      if (!slot) return this.#writeLater(chunk.slice(offset));
      const take = Math.min(chunk.byteLength - offset, slot.byteLength - this.#filled);
      slot.set(chunk.subarray(offset, offset + take), this.#filled);
      this.#filled += take;
      offset += take;
      if (this.#filled === slot.byteLength) this.#flush();
    }
    // Every slot is being written: hold the next chunk back until one is free.
    if (!this.#current && this.#free.length === 0 && this.#slotsLeft === 0) return this.#slotBack();
  }

  async close(): Promise<void> {
    this.#throwIfFailed();
    if (this.#finished) return;
    this.#finished = true;
    if (this.#filled > 0) this.#flush();
    while (this.#inFlight > 0) await this.#slotBack();
    this.#throwIfFailed();
    const fd = await this.#open();
    await call<void>((done) => fs.close(fd, done));
    this.#fd = undefined;
    try {
      await call<void>((done) => fs.rename(this.#temp, this.#path, done));
    } catch (error) {
      await this.#removeTemp();
      throw error;
    }
  }

  async abort(reason?: unknown): Promise<void> {
    this.#failure ??= { error: reason ?? new Error('aborted') };
    this.#finished = true;
    // Writes already handed to the file system finish before their file is closed.
    while (this.#inFlight > 0) await this.#slotBack().catch(() => undefined);
    const fd = this.#fd ?? (this.#opening ? await this.#opening.catch(() => undefined) : undefined);
    this.#fd = undefined;
    if (fd !== undefined) await call<void>((done) => fs.close(fd, done)).catch(() => undefined);
    await this.#removeTemp();
  }

  /** The slot being filled, taking a free one (or making one) when needed. */
  #slot(): Uint8Array | undefined {
    if (this.#current) return this.#current;
    let slot = this.#free.pop();
    if (!slot && this.#slotsLeft > 0) {
      this.#slotsLeft--;
      slot = new Uint8Array(this.#slotBytes);
    }
    if (slot) {
      this.#current = slot;
      this.#filled = 0;
    }
    return slot;
  }

  /** Writes the current slot at its place in the file; the slot is free again when that is done. */
  #flush(): void {
    const slot = this.#current!;
    const length = this.#filled;
    const position = this.#position;
    this.#current = undefined;
    this.#filled = 0;
    this.#position += length;
    this.#inFlight++;
    const back = (error?: unknown) => {
      this.#inFlight--;
      if (error) this.#failure ??= { error };
      this.#free.push(slot);
      const wake = this.#onSlotBack;
      this.#onSlotBack = undefined;
      wake?.();
    };
    this.#open().then(
      (fd) => writeAll(fd, slot, length, position, back),
      (error: unknown) => back(error),
    );
  }

  async #writeLater(rest: Uint8Array): Promise<void> {
    while (!this.#slot()) await this.#slotBack();
    this.#throwIfFailed();
    const pending = this.write(rest);
    if (pending) await pending;
  }

  #slotBack(): Promise<void> {
    return new Promise<void>((resolve) => {
      const previous = this.#onSlotBack;
      this.#onSlotBack = () => {
        previous?.();
        resolve();
      };
    }).then(() => this.#throwIfFailed());
  }

  #open(): Promise<number> {
    this.#opening ??= call<number>((done) => fs.open(this.#temp, 'wx', this.#mode, done)).then((fd) => {
      this.#fd = fd;
      return fd;
    });
    return this.#opening;
  }

  async #removeTemp(): Promise<void> {
    if (!this.#opening) return;
    await call<void>((done) => fs.unlink(this.#temp, done)).catch(() => undefined);
  }

  #throwIfFailed(): void {
    if (this.#failure) throw this.#failure.error;
  }
}

/** Writes `length` bytes of `slot` at `position`, continuing after short writes. */
function writeAll(
  fd: number,
  slot: Uint8Array,
  length: number,
  position: number,
  done: (error?: unknown) => void,
): void {
  let written = 0;
  const next = (): void => {
    fs.write(fd, slot, written, length - written, position + written, (error, bytes) => {
      if (error) return done(error);
      written += bytes;
      if (written < length) next();
      else done();
    });
  };
  next();
}

function call<T>(
  start: (done: (error: NodeJS.ErrnoException | null, value?: T) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) =>
    start((error, value) => (error ? reject(error) : resolve(value as T))),
  );
}
