import {
  Global,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { SERVICE_CONFIG } from '../config/config.module.js';
import type { ServiceConfig } from '../config/config.js';
import { LOGGER, type Log } from '../common/logger.js';
import { Credentials } from '../upstream/credential.js';
import { BlobStorage } from './blob-storage.js';
import { LocalDirectoryStorage } from './local-storage.js';
import { MEDIA_STORAGE, type MediaStorage } from './storage.js';

/** The configured store: a local directory, or a container in Azure Blob Storage. */
export function createStorage(config: ServiceConfig, credentials?: Credentials): MediaStorage {
  const s = config.storage;
  if (s.backend === 'local') return new LocalDirectoryStorage(s.dir);
  return new BlobStorage({
    ...(s.connectionString ? { connectionString: s.connectionString } : {}),
    ...(s.accountUrl ? { accountUrl: s.accountUrl, credential: credentials!.get() } : {}),
    container: s.container,
    prefix: s.prefix,
  });
}

/**
 * Removes stored media older than the retention period, hourly, in processes that run workers
 * (API-only instances leave it to them). With Blob Storage a lifecycle management rule can do the
 * same on Azure's side (see the README).
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  constructor(
    @Inject(MEDIA_STORAGE) private readonly storage: MediaStorage,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(LOGGER) private readonly log: Log,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    this.timer = setInterval(() => {
      this.sweep().catch((e: Error) => this.log.warn({ error: e.message }, 'retention sweep failed'));
    }, 3600_000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.storage.close?.();
  }

  async sweep(now = Date.now()): Promise<number> {
    const removed = await this.storage.sweep(this.config.storage.retentionHours * 3600_000, now);
    if (removed > 0) this.log.info({ removed }, 'retention sweep removed expired media');
    return removed;
  }
}

@Global()
@Module({
  providers: [
    {
      provide: MEDIA_STORAGE,
      inject: [SERVICE_CONFIG, Credentials],
      useFactory: (config: ServiceConfig, credentials: Credentials): MediaStorage =>
        createStorage(config, credentials),
    },
    RetentionService,
  ],
  exports: [MEDIA_STORAGE, RetentionService],
})
export class StorageModule {}
