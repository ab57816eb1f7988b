import { Inject, Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { Queue } from 'bull';
import type { Redis } from 'ioredis';
import { SERVICE_CONFIG } from '../config/config.module.js';
import type { ServiceConfig } from '../config/config.js';
import { REDIS } from './redis.js';
import { VIDEO_CREATE_QUEUE, VIDEO_TRACK_QUEUE } from './queues.js';

export interface QueueHealth {
  ok: boolean;
  /** Jobs not finished: waiting for a slot, queued, running or waiting to retry. */
  work: number;
  /** Milliseconds since any video job last made progress. */
  sinceProgressMs: number;
}

/**
 * Whether the video queue moves: workers note every step that got somewhere (an answer from Azure,
 * a file stored, a job finished) in Redis, shared by every instance. Readiness reports the queue
 * down when there is work and nothing has moved for QUEUE_STALL_MS.
 */
@Injectable()
export class Progress {
  private readonly key: string;
  private lastWrite = 0;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @InjectQueue(VIDEO_CREATE_QUEUE) private readonly createQueue: Queue,
    @InjectQueue(VIDEO_TRACK_QUEUE) private readonly trackQueue: Queue,
  ) {
    this.key = `${config.queuePrefix}:progress`;
  }

  /** A job moved. Written at most once a second per process. */
  async note(now = Date.now()): Promise<void> {
    if (now - this.lastWrite < 1000) return;
    this.lastWrite = now;
    await this.redis.set(this.key, String(now));
  }

  /** Jobs waiting for a slot, over every deployment. */
  private async waiting(): Promise<number> {
    const p = this.config.queuePrefix;
    let total = 0;
    for (const deployment of await this.redis.smembers(`${p}:pending`))
      total += await this.redis.llen(`${p}:pending:${deployment}`);
    return total;
  }

  async health(now = Date.now()): Promise<QueueHealth> {
    const [create, track, waiting, last] = await Promise.all([
      this.createQueue.getJobCounts(),
      this.trackQueue.getJobCounts(),
      this.waiting(),
      this.redis.get(this.key),
    ]);
    const work =
      waiting +
      create.waiting +
      create.active +
      create.delayed +
      track.waiting +
      track.active +
      track.delayed;
    if (last === null || work === 0) {
      // Nothing to do (or nothing ever done): an idle queue is not a stuck one, so count from now.
      await this.redis.set(this.key, String(now));
      return { ok: true, work, sinceProgressMs: 0 };
    }
    const since = now - Number(last);
    return { ok: work === 0 || since < this.config.video.stallMs, work, sinceProgressMs: since };
  }
}
