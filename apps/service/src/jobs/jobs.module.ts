import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { BullModule } from '@nestjs/bull';
import type { Redis } from 'ioredis';
import { SERVICE_CONFIG } from '../config/config.module.js';
import type { ServiceConfig, ServiceRole } from '../config/config.js';
import { CrashPoints } from '../common/crash-points.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { WebhookProcessor } from '../webhooks/webhooks.service.js';
import { createRedis, createRequestRedis, REDIS, REDIS_FOR_REQUESTS } from './redis.js';
import { JobStore, REQUEST_STORE } from './job-store.js';
import { Admission } from './admission.js';
import { Progress } from './progress.js';
import { Finisher } from './finisher.js';
import { VideoUpstream } from './video-upstream.js';
import { CreateWorker } from './create.worker.js';
import { TrackWorker } from './track.worker.js';
import { VideoJobsService } from './video-jobs.service.js';
import { VIDEO_CREATE_QUEUE, VIDEO_TRACK_QUEUE } from './queues.js';

/** Closes the two Redis connections last, after the workers have stopped. */
class RedisConnections implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly patient: Redis,
    @Inject(REDIS_FOR_REQUESTS) private readonly failFast: Redis,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    for (const redis of [this.patient, this.failFast]) await redis.quit().catch(() => redis.disconnect());
  }
}

/**
 * The video queues and the job records, and (in processes that run workers: SERVICE_ROLE `worker` or
 * `all`) the workers of the video and webhook queues. An API-only process puts work on the queues
 * and reads records; it runs no worker.
 */
@Global()
@Module({})
export class JobsModule {
  static forRole(role: ServiceRole): DynamicModule {
    const workers = role === 'api' ? [] : [CreateWorker, TrackWorker, WebhookProcessor];
    return {
      module: JobsModule,
      imports: [
        BullModule.registerQueue({ name: VIDEO_CREATE_QUEUE }, { name: VIDEO_TRACK_QUEUE }),
        WebhooksModule,
      ],
      providers: [
        {
          provide: REDIS,
          inject: [SERVICE_CONFIG],
          useFactory: (config: ServiceConfig): Redis => createRedis(config.redisUrl),
        },
        {
          provide: REDIS_FOR_REQUESTS,
          inject: [SERVICE_CONFIG],
          useFactory: async (config: ServiceConfig): Promise<Redis> => {
            const redis = createRequestRedis(config.redisUrl, config.redisCommandTimeoutMs);
            // Failures surface as 503s on the requests that meet them; the connection retries by itself.
            redis.on('error', () => undefined);
            // Start with the connection up when Redis is there; without Redis the service starts anyway.
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, config.redisCommandTimeoutMs);
              redis.once('ready', () => {
                clearTimeout(timer);
                resolve();
              });
            });
            return redis;
          },
        },
        {
          provide: JobStore,
          inject: [REDIS, SERVICE_CONFIG],
          useFactory: (redis: Redis, config: ServiceConfig) => new JobStore(redis, config),
        },
        {
          provide: REQUEST_STORE,
          inject: [REDIS_FOR_REQUESTS, SERVICE_CONFIG],
          useFactory: (redis: Redis, config: ServiceConfig) => new JobStore(redis, config, true),
        },
        RedisConnections,
        CrashPoints,
        Admission,
        Progress,
        Finisher,
        VideoUpstream,
        VideoJobsService,
        ...workers,
      ],
      exports: [
        REDIS,
        JobStore,
        REQUEST_STORE,
        Admission,
        Progress,
        CrashPoints,
        VideoJobsService,
        BullModule,
        WebhooksModule,
      ],
    };
  }
}
