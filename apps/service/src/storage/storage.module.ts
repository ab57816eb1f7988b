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
import { LocalDirectoryStorage } from './local-storage.js';
import { MEDIA_STORAGE, type MediaStorage } from './storage.js';

/** Removes stored media older than the retention period, hourly. */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  constructor(
    @Inject(MEDIA_STORAGE) private readonly storage: MediaStorage,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(LOGGER) private readonly log: Log,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), 3600_000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
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
      inject: [SERVICE_CONFIG],
      useFactory: (config: ServiceConfig): MediaStorage => new LocalDirectoryStorage(config.storage.dir),
    },
    RetentionService,
  ],
  exports: [MEDIA_STORAGE, RetentionService],
})
export class StorageModule {}
