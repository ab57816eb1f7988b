import { randomBytes } from 'node:crypto';
import { createWriteStream, openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable, Transform } from 'node:stream';
import type { TokenCredential } from '@azure/identity';
import { BlobServiceClient, RestError, type ContainerClient } from '@azure/storage-blob';
import { toReadable } from './local-storage.js';
import { checkKey, type MediaStorage, type StorageSource, type StoredObject } from './storage.js';

export interface BlobStorageOptions {
  /** A connection string (account key or SAS; Azurite's development string), or ... */
  connectionString?: string;
  /** ... the account's blob endpoint, used with `credential` (managed identity). */
  accountUrl?: string;
  credential?: TokenCredential;
  container: string;
  /** Put before every key, e.g. `media/`; empty by default. */
  prefix: string;
}

/** Bytes held per block while uploading, and blocks in flight at once: at most ~8 MiB per upload. */
const BLOCK_BYTES = 4 * 1024 * 1024;
const BLOCKS_IN_FLIGHT = 2;
/** Deletes in flight at once while removing a job's objects or sweeping. */
const DELETES_IN_FLIGHT = 8;

/**
 * Objects as block blobs in one container of Azure Blob Storage (or Azurite). A write stages the
 * stream block by block and commits the block list at the end, so a blob appears only whole; a
 * write that fails leaves uncommitted blocks that Azure discards on its own. Reads are ranged
 * downloads streamed as they arrive; the SDK resumes a download cut short.
 */
export class BlobStorage implements MediaStorage {
  readonly description: string;
  private readonly container: ContainerClient;
  private ready: Promise<void> | undefined;

  constructor(private readonly options: BlobStorageOptions) {
    const service = options.connectionString
      ? BlobServiceClient.fromConnectionString(options.connectionString)
      : new BlobServiceClient(options.accountUrl!, options.credential);
    this.container = service.getContainerClient(options.container);
    // The URL names the account and container; a SAS token in it is not shown.
    this.description = `Azure Blob Storage ${this.container.url.split('?')[0]}${options.prefix ? ` (prefix ${options.prefix})` : ''}`;
  }

  /** Create the container if it is not there (once per process). */
  private init(): Promise<void> {
    this.ready ??= this.container
      .createIfNotExists()
      .then(() => undefined)
      .catch((e: unknown) => {
        this.ready = undefined;
        // An identity allowed to read and write blobs but not to create containers: it must exist.
        if (e instanceof RestError && e.statusCode === 403) return;
        throw e;
      });
    return this.ready;
  }

  private blob(key: string) {
    return this.container.getBlockBlobClient(`${this.options.prefix}${checkKey(key)}`);
  }

  async write(key: string, body: StorageSource, options: { contentType?: string } = {}): Promise<number> {
    await this.init();
    let bytes = 0;
    const source = toReadable(body);
    const counted = source.pipe(
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          bytes += chunk.length;
          done(null, chunk);
        },
      }),
    );
    source.once('error', (e) => counted.destroy(e));
    try {
      await this.blob(key).uploadStream(counted, BLOCK_BYTES, BLOCKS_IN_FLIGHT, {
        ...(options.contentType ? { blobHTTPHeaders: { blobContentType: options.contentType } } : {}),
      });
    } catch (e) {
      source.destroy();
      throw e;
    }
    return bytes;
  }

  async stat(key: string): Promise<StoredObject | undefined> {
    try {
      const p = await this.blob(key).getProperties();
      return { size: p.contentLength ?? 0, modified: p.lastModified ?? new Date(0) };
    } catch (e) {
      if (e instanceof RestError && e.statusCode === 404) return undefined;
      throw e;
    }
  }

  async read(key: string, range?: { start: number; end: number }): Promise<Readable> {
    const answer = range
      ? await this.blob(key).download(range.start, range.end - range.start + 1, { maxRetryRequests: 3 })
      : await this.blob(key).download(0, undefined, { maxRetryRequests: 3 });
    const body = answer.readableStreamBody;
    if (!body) throw new Error(`blob ${key} has no body`);
    return body instanceof Readable ? body : Readable.from(body as AsyncIterable<Uint8Array>);
  }

  async openBlob(key: string, type: string): Promise<{ blob: Blob; release(): Promise<void> }> {
    const dir = await mkdtemp(join(tmpdir(), 'aoai-blob-'));
    const release = () => rm(dir, { recursive: true, force: true });
    try {
      const path = join(dir, 'object');
      await pipeline(await this.read(key), createWriteStream(path));
      return { blob: await openAsBlob(path, { type }), release };
    } catch (e) {
      await release();
      throw e;
    }
  }

  async removePrefix(prefix: string): Promise<void> {
    const names: string[] = [];
    for await (const item of this.container.listBlobsFlat({
      prefix: `${this.options.prefix}${checkKey(prefix)}/`,
    }))
      names.push(item.name);
    await this.removeAll(names);
  }

  async sweep(maxAgeMs: number, now: number): Promise<number> {
    const expired: string[] = [];
    for await (const item of this.container.listBlobsFlat({ prefix: this.options.prefix || undefined })) {
      const modified = item.properties.lastModified?.getTime() ?? now;
      if (now - modified > maxAgeMs) expired.push(item.name);
    }
    await this.removeAll(expired);
    return expired.length;
  }

  private async removeAll(names: string[]): Promise<void> {
    const queue = [...names];
    await Promise.all(
      Array.from({ length: Math.min(DELETES_IN_FLIGHT, queue.length) }, async () => {
        for (let name = queue.shift(); name !== undefined; name = queue.shift())
          await this.container.getBlobClient(name).deleteIfExists();
      }),
    );
  }

  async probe(): Promise<void> {
    await this.init();
    const blob = this.container.getBlockBlobClient(
      `${this.options.prefix}.probe-${randomBytes(4).toString('hex')}`,
    );
    await blob.upload('ok', 2);
    const back = (await blob.downloadToBuffer()).toString('utf8');
    await blob.deleteIfExists();
    if (back !== 'ok') throw new Error('storage probe read back different bytes');
  }
}
