import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { SERVICE_CONFIG } from '../config/config.module.js';
import { maxRunningFor, type ServiceConfig } from '../config/config.js';
import { REDIS } from './redis.js';

// Take a slot if the job already holds one or one is free; atomic, so several instances share the cap.
const ACQUIRE = `
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 1 end
if redis.call('SCARD', KEYS[1]) < tonumber(ARGV[2]) then redis.call('SADD', KEYS[1], ARGV[1]) return 1 end
return 0`;

/**
 * Per-deployment caps on running upstream jobs, and a shared cool-down after Azure answers 429.
 * Slots are held by job id in Redis, so a job that resumes after a crash still owns its slot.
 */
@Injectable()
export class DeploymentSlots {
  private readonly p: string;
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {
    this.p = `${config.queuePrefix}:`;
  }

  async tryAcquire(deployment: string, jobId: string): Promise<boolean> {
    const got = await this.redis.eval(
      ACQUIRE,
      1,
      `${this.p}running:${deployment}`,
      jobId,
      String(maxRunningFor(this.config, deployment)),
    );
    return got === 1;
  }

  /** A job already running upstream keeps (or retakes) its slot whatever the count. */
  async hold(deployment: string, jobId: string): Promise<void> {
    await this.redis.sadd(`${this.p}running:${deployment}`, jobId);
  }

  async release(deployment: string, jobId: string): Promise<void> {
    await this.redis.srem(`${this.p}running:${deployment}`, jobId);
  }

  async running(deployment: string): Promise<number> {
    return this.redis.scard(`${this.p}running:${deployment}`);
  }

  /** After a 429, every job for the deployment waits this long before its next call. */
  async coolDown(deployment: string, ms: number): Promise<void> {
    await this.redis.set(`${this.p}cooldown:${deployment}`, '1', 'PX', Math.max(1, Math.round(ms)));
  }

  async coolingFor(deployment: string): Promise<number> {
    const ttl = await this.redis.pttl(`${this.p}cooldown:${deployment}`);
    return ttl > 0 ? ttl : 0;
  }
}
