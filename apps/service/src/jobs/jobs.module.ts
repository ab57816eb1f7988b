import { Global, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bull';
import { SERVICE_CONFIG } from '../config/config.module.js';
import type { ServiceConfig } from '../config/config.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { createRedis, REDIS } from './redis.js';
import { JobStore } from './job-store.js';
import { DeploymentSlots } from './slots.js';
import { VideoUpstream } from './video-upstream.js';
import { VIDEO_QUEUE, VideoWorker } from './video.worker.js';
import { VideoJobsService } from './video-jobs.service.js';
import type { Redis } from 'ioredis';

/** The video queue, its worker and the job records. */
@Global()
@Module({
  imports: [BullModule.registerQueue({ name: VIDEO_QUEUE }), WebhooksModule],
  providers: [
    {
      provide: REDIS,
      inject: [SERVICE_CONFIG],
      useFactory: (config: ServiceConfig): Redis => createRedis(config.redisUrl),
    },
    JobStore,
    DeploymentSlots,
    VideoUpstream,
    VideoWorker,
    VideoJobsService,
  ],
  exports: [REDIS, JobStore, DeploymentSlots, VideoJobsService, BullModule, WebhooksModule],
})
export class JobsModule {}
