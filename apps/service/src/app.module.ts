import { Module, type DynamicModule } from '@nestjs/common';
import { BullModule } from '@nestjs/bull';
import type { ServiceConfig } from './config/config.js';
import type { Log } from './common/logger.js';
import { ConfigModule } from './config/config.module.js';
import { AuthModule } from './auth/auth.module.js';
import { UpstreamModule } from './upstream/upstream.module.js';
import { StorageModule } from './storage/storage.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { ImagesModule } from './images/images.module.js';
import { AudioModule } from './audio/audio.module.js';
import { ResponsesModule } from './responses/responses.module.js';
import { VideoJobsModule } from './video-jobs/video-jobs.module.js';
import { VideosModule } from './videos/videos.module.js';
import { HealthModule } from './health/health.module.js';
import { AdminController } from './admin/admin.controller.js';
import { redisOptions } from './jobs/redis.js';
import { BACKOFF, retryDelay } from './jobs/queues.js';

@Module({})
export class AppModule {
  static forRoot(config: ServiceConfig, log: Log): DynamicModule {
    // Workers answer health checks only; the API (and the docs and admin pages) is where it serves.
    const routes =
      config.role === 'worker'
        ? []
        : [ImagesModule, AudioModule, ResponsesModule, VideoJobsModule, VideosModule];
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config, log),
        BullModule.forRoot({
          redis: redisOptions(config.redisUrl),
          prefix: config.queuePrefix,
          settings: {
            lockDuration: config.bull.lockDurationMs,
            stalledInterval: config.bull.stalledIntervalMs,
            // Our steps are safe to repeat, so a job reclaimed after a crash is never failed for it.
            maxStalledCount: 1000,
            backoffStrategies: { [BACKOFF]: retryDelay },
          },
        }),
        AuthModule,
        UpstreamModule,
        StorageModule,
        JobsModule.forRole(config.role),
        HealthModule,
        ...routes,
      ],
      controllers: config.role === 'worker' ? [] : [AdminController],
    };
  }
}
