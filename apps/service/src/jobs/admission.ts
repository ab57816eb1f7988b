import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { Queue } from 'bull';
import type { Redis } from 'ioredis';
import { SERVICE_CONFIG } from '../config/config.module.js';
import { maxRunningFor, type ServiceConfig } from '../config/config.js';
import { LOGGER, type Log } from '../common/logger.js';
import { JobStore } from './job-store.js';
import { REDIS } from './redis.js';
import { Progress } from './progress.js';
import { VIDEO_CREATE_QUEUE, VIDEO_TRACK_QUEUE, videoJobOptions, type VideoJobData } from './queues.js';

/** How often a worker looks for waiting jobs it can admit, besides when a job finishes. */
const ADMIT_EVERY_MS = 1000;

// Give free slots to the jobs that have waited longest; atomic, so several instances share the cap.
const ADMIT = `
local admitted = {}
while redis.call('SCARD', KEYS[2]) < tonumber(ARGV[1]) do
  local id = redis.call('LPOP', KEYS[1])
  if not id then break end
  redis.call('SADD', KEYS[2], id)
  admitted[#admitted + 1] = id
end
if redis.call('LLEN', KEYS[1]) == 0 then redis.call('SREM', KEYS[3], ARGV[2]) end
if #admitted > 0 then redis.call('SADD', KEYS[4], ARGV[2]) end
return admitted`;

/**
 * Slots: at most N upstream jobs per deployment (`VIDEO_MAX_RUNNING[_PER_DEPLOYMENT]`), counted in
 * Redis by job id so every instance shares the cap and a job that resumes after a crash still owns
 * its slot. Jobs wait for a slot in a Redis list, first come first served, holding no worker; a job
 * that gets one goes to the create queue. A job gives its slot back when it ends.
 *
 * A job gets a slot when it is accepted (if one is free and nobody waits), when another job of its
 * deployment finishes, or on a worker's pass every ADMIT_EVERY_MS. A crash between taking a slot and
 * queueing the job (or a slot kept by a job deleted meanwhile) is repaired by `repair()`, at start
 * and every REPAIR_EVERY_MS, in one script per deployment: slot holders without their queue job get
 * it back, finished ones let go.
 */
@Injectable()
export class Admission implements OnApplicationBootstrap, BeforeApplicationShutdown {
  static readonly REPAIR_EVERY_MS = 30_000;
  private readonly p: string;
  private timer: NodeJS.Timeout | undefined;
  private lastRepair = 0;
  private busy: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly localCoolDown = new Map<string, number>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(LOGGER) private readonly log: Log,
    @InjectQueue(VIDEO_CREATE_QUEUE) private readonly createQueue: Queue<VideoJobData>,
    @InjectQueue(VIDEO_TRACK_QUEUE) private readonly trackQueue: Queue<VideoJobData>,
    private readonly store: JobStore,
    private readonly progress: Progress,
  ) {
    this.p = `${config.queuePrefix}:`;
    this.redis.defineCommand('admitJobs', { numberOfKeys: 4, lua: ADMIT });
  }

  onApplicationBootstrap(): void {
    // API-only processes admit right after each create they accept; the workers keep admitting.
    if (this.config.role === 'api') return;
    // A safety net: jobs are admitted when they are accepted and when a job finishes.
    this.timer = setInterval(() => this.kick(), ADMIT_EVERY_MS);
    this.timer.unref();
    this.kick();
  }

  beforeApplicationShutdown(): Promise<void> | undefined {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    return this.busy;
  }

  /** Admit what can be admitted now (coalesced: one pass at a time, one more if asked meanwhile). */
  kick(): void {
    if (this.stopped) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = this.pass()
      .catch((e: Error) => this.log.warn({ error: e.message }, 'admitting video jobs failed; retrying'))
      .finally(() => {
        this.busy = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async pass(): Promise<void> {
    if (Date.now() - this.lastRepair >= Admission.REPAIR_EVERY_MS) {
      this.lastRepair = Date.now();
      await this.repair();
    }
    for (const deployment of await this.redis.smembers(`${this.p}pending`)) {
      const admitted = await (
        this.redis as unknown as { admitJobs(...args: (string | number)[]): Promise<string[]> }
      ).admitJobs(
        `${this.p}pending:${deployment}`,
        `${this.p}running:${deployment}`,
        `${this.p}pending`,
        `${this.p}deployments`,
        maxRunningFor(this.config, deployment),
        deployment,
      );
      for (const jobId of admitted)
        await this.createQueue.add('create', { jobId, deployment }, videoJobOptions(jobId));
      if (admitted.length > 0) await this.progress.note();
    }
  }

  /** Give every slot holder its queue job back, or take the slot from jobs that are finished or gone. */
  async repair(): Promise<void> {
    for (const deployment of await this.redis.smembers(`${this.p}deployments`)) {
      for (const { jobId, queue } of await this.store.repairSlots(deployment)) {
        const track = queue === VIDEO_TRACK_QUEUE;
        await (track ? this.trackQueue : this.createQueue).add(
          track ? 'track' : 'create',
          { jobId, deployment },
          videoJobOptions(jobId),
        );
      }
    }
  }

  /** A job the store gave a slot when it accepted it goes straight to the create queue. */
  async admitted(deployment: string, jobId: string): Promise<void> {
    await this.createQueue.add('create', { jobId, deployment }, videoJobOptions(jobId));
  }

  async release(deployment: string, jobId: string): Promise<void> {
    await this.redis.srem(`${this.p}running:${deployment}`, jobId);
    this.kick();
  }

  running(deployment: string): Promise<number> {
    return this.redis.scard(`${this.p}running:${deployment}`);
  }

  /**
   * After a 429, every job for the deployment waits this long before its next call: creates on
   * every instance (they read the cool-down with the job), polls in this process.
   */
  async coolDown(deployment: string, ms: number): Promise<void> {
    this.localCoolDown.set(deployment, Date.now() + ms);
    await this.redis.set(`${this.p}cooldown:${deployment}`, '1', 'PX', Math.max(1, Math.round(ms)));
  }

  /** How long this process still holds calls to a deployment back after a 429 it saw (ms). */
  coolingHere(deployment: string): number {
    const until = this.localCoolDown.get(deployment);
    if (until === undefined) return 0;
    const left = until - Date.now();
    if (left <= 0) this.localCoolDown.delete(deployment);
    return Math.max(0, left);
  }
}
