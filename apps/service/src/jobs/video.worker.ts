import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { Job, Queue } from 'bull';
import {
  AbortError,
  AzureOpenAIError,
  ContentFilterError,
  NotFoundError,
  RateLimitError,
  backoffMs,
  defaultSleep,
} from '@aoai-media/core';
import { SERVICE_CONFIG } from '../config/config.module.js';
import type { ServiceConfig } from '../config/config.js';
import { LOGGER, type Log } from '../common/logger.js';
import { MEDIA_STORAGE, type MediaStorage } from '../storage/storage.js';
import { WebhooksService } from '../webhooks/webhooks.service.js';
import { JobStore } from './job-store.js';
import { DeploymentSlots } from './slots.js';
import { VideoUpstream, type UpstreamState } from './video-upstream.js';
import { TERMINAL, present, type GenerationRecord, type JobRecord, type JobStatus } from './job-record.js';

export const VIDEO_QUEUE = 'video';

export interface VideoJobData {
  jobId: string;
  /** Written before anything else once Azure has answered the create: the guard against creating twice. */
  upstreamId?: string;
}

/** The service is shutting down: the job goes back to the queue at a safe point. */
class Interrupted extends Error {}

/** A failure that retrying cannot fix (content policy, a request Azure refuses). */
class FinalFailure extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Takes a video job from queued to stored results:
 * 1. wait for a free slot on the deployment (at most N running upstream), and out any 429 cool-down;
 * 2. create the upstream job and record its id in the Bull job's data before anything else;
 * 3. poll with back-off, honouring retry-after;
 * 4. download every generation's files to storage (atomic writes, skipped when already there);
 * 5. queue the callback, then mark the record terminal.
 * Every step can be repeated after a crash: the only unguarded moment is between sending the
 * create and recording the id returned.
 */
@Injectable()
export class VideoWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly stopping = new AbortController();
  /** Runs in this process, so a job reclaimed after a Redis blip joins its own run instead of racing it. */
  private readonly active = new Map<string, Promise<string>>();

  constructor(
    @InjectQueue(VIDEO_QUEUE) private readonly queue: Queue<VideoJobData>,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(LOGGER) private readonly log: Log,
    @Inject(MEDIA_STORAGE) private readonly storage: MediaStorage,
    private readonly store: JobStore,
    private readonly slots: DeploymentSlots,
    private readonly api: VideoUpstream,
    private readonly webhooks: WebhooksService,
  ) {}

  onApplicationBootstrap(): void {
    // Every sleeping job listens for shutdown on this one signal.
    setMaxListeners(0, this.stopping.signal);
    this.queue.on('failed', (job, error) => void this.onFailed(job, error));
    this.queue.on('error', (error) => this.log.warn({ error: error.message }, 'video queue error'));
    this.queue
      .process('run', this.config.video.workerConcurrency, (job) => this.process(job))
      .catch((e: Error) => {
        if (!this.stopping.signal.aborted) this.log.error({ error: e.message }, 'video worker stopped');
      });
  }

  /** Stop taking work; running jobs reach a safe point and go back to the queue; then close it. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort(new Interrupted('shutting down'));
    await this.queue.close().catch(() => undefined);
  }

  private process(job: Job<VideoJobData>): Promise<string> {
    const id = job.data.jobId;
    const running = this.active.get(id);
    if (running) return running;
    const run = this.run(job).finally(() => this.active.delete(id));
    this.active.set(id, run);
    return run;
  }

  private async onFailed(job: Job<VideoJobData>, error: Error): Promise<void> {
    const attempts = job.opts.attempts ?? 1;
    if (job.attemptsMade < attempts) return;
    const record = await this.store.get(job.data.jobId);
    if (!record || TERMINAL.has(record.status)) return;
    this.log.error({ jobId: record.id, error: error.message }, 'video job failed after every attempt');
    await this.finish(record, 'failed', 'internal_error', error.message);
  }

  async run(job: Job<VideoJobData>): Promise<string> {
    const signal = this.stopping.signal;
    let record = await this.store.get(job.data.jobId);
    if (!record) return 'deleted';
    if (TERMINAL.has(record.status)) return record.status;
    const log = this.log.child({ jobId: record.id, deployment: record.deployment });
    try {
      let upstreamId = job.data.upstreamId ?? record.upstream_id;
      if (upstreamId) {
        // Resumed after a restart: the job is running upstream and keeps its slot.
        await this.slots.hold(record.deployment, record.id);
        if (!record.upstream_id) record = { ...record, upstream_id: upstreamId };
      } else {
        const waiting = await this.waitForSlot(record, signal);
        if (!waiting) return this.cleanupDeleted(record);
        upstreamId = await this.createUpstream(job, record, signal, log);
        record = { ...record, upstream_id: upstreamId };
      }
      const state = await this.pollUntilDone(record, signal, log);
      if (!state) return this.cleanupDeleted(record);
      await this.slots.release(record.deployment, record.id);
      const latest = (await this.store.get(record.id)) ?? undefined;
      if (!latest) return this.cleanupDeleted(record);
      record = latest;
      if (state.status !== 'succeeded') {
        await this.finish(
          record,
          state.status === 'cancelled' ? 'cancelled' : 'failed',
          state.failureReason ?? state.rawStatus,
          state.message,
        );
        return record.status;
      }
      record = await this.saveResults(record, state, signal, log);
      await this.finish(record, 'succeeded');
      log.info({ generations: record.generations.length }, 'video job succeeded');
      return 'succeeded';
    } catch (e) {
      if (e instanceof FinalFailure) {
        await this.slots.release(record.deployment, record.id);
        const latest = await this.store.get(record.id);
        if (latest) await this.finish(latest, 'failed', e.reason, e.message);
        log.warn({ reason: e.reason }, 'video job failed');
        return 'failed';
      }
      if (signal.aborted || e instanceof Interrupted || e instanceof AbortError) {
        throw new Interrupted('interrupted by shutdown; the job resumes on the next start');
      }
      throw e;
    }
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return defaultSleep(ms, signal).catch(() => {
      throw new Interrupted('shutting down');
    });
  }

  /** Wait for a slot; false when the job was deleted meanwhile. */
  private async waitForSlot(record: JobRecord, signal: AbortSignal): Promise<boolean> {
    for (;;) {
      if (await this.slots.tryAcquire(record.deployment, record.id)) return true;
      await this.sleep(this.config.video.pollInitialMs, signal);
      if (!(await this.store.get(record.id))) return false;
    }
  }

  private async waitOutCoolDown(deployment: string, signal: AbortSignal): Promise<void> {
    const ms = await this.slots.coolingFor(deployment);
    if (ms > 0) await this.sleep(ms, signal);
  }

  private async createUpstream(
    job: Job<VideoJobData>,
    record: JobRecord,
    signal: AbortSignal,
    log: Log,
  ): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      await this.waitOutCoolDown(record.deployment, signal);
      if (signal.aborted) throw new Interrupted('shutting down');
      let created: { id: string; status: string };
      try {
        created = await this.api.create(record);
      } catch (e) {
        await this.handleCallFailure(e, record, attempt, signal, log, 'create');
        continue;
      }
      // The crash window closes here: record the upstream id before doing anything else.
      await job.update({ ...job.data, upstreamId: created.id });
      const status = mapStatus(record, created.status);
      await this.store.save({ ...record, upstream_id: created.id, upstream_status: created.status, status });
      await this.store.count('creates');
      log.info({ upstreamId: created.id }, 'created upstream video job');
      return created.id;
    }
  }

  /** 429: the whole deployment cools down; other transient failures back off; the rest is final. */
  private async handleCallFailure(
    e: unknown,
    record: JobRecord,
    attempt: number,
    signal: AbortSignal,
    log: Log,
    what: string,
  ): Promise<void> {
    if (e instanceof RateLimitError) {
      const wait = e.retryAfterMs ?? backoffMs(Math.min(attempt, 6), Math.random);
      await this.slots.coolDown(record.deployment, wait);
      await this.store.count('rate_limited');
      log.info({ waitMs: wait }, `Azure rate-limited the ${what}; slowing down`);
      return;
    }
    if (e instanceof ContentFilterError)
      throw new FinalFailure(
        e.code === 'input_moderation' ? 'input_moderation' : 'content_filter',
        e.message,
      );
    if (
      e instanceof AzureOpenAIError &&
      e.status >= 400 &&
      e.status < 500 &&
      ![408, 409].includes(e.status)
    ) {
      throw new FinalFailure(e.code ?? `http_${e.status}`, e.message);
    }
    if (signal.aborted) throw new Interrupted('shutting down');
    if (Date.now() - record.created_at * 1000 > this.config.video.jobTimeoutMs) {
      throw new FinalFailure(
        'timeout',
        `Azure did not accept the job within ${this.config.video.jobTimeoutMs} ms`,
      );
    }
    const wait = backoffMs(Math.min(attempt, 6), Math.random);
    log.warn({ error: (e as Error).message, waitMs: wait }, `transient failure on ${what}; retrying`);
    await this.sleep(wait, signal);
  }

  /** Poll until Azure reports a terminal state; undefined when our job was deleted meanwhile. */
  private async pollUntilDone(
    record: JobRecord,
    signal: AbortSignal,
    log: Log,
  ): Promise<UpstreamState | undefined> {
    let delay = this.config.video.pollInitialMs;
    for (let attempt = 0; ;) {
      await this.sleep(delay, signal);
      const current = await this.store.get(record.id);
      if (!current) return undefined;
      if (Date.now() - record.created_at * 1000 > this.config.video.jobTimeoutMs) {
        throw new FinalFailure(
          'timeout',
          `the job did not finish within ${this.config.video.jobTimeoutMs} ms`,
        );
      }
      await this.waitOutCoolDown(record.deployment, signal);
      let state: UpstreamState;
      try {
        state = await this.api.state(current);
        await this.store.count('polls');
      } catch (e) {
        if (e instanceof NotFoundError)
          throw new FinalFailure('upstream_job_not_found', 'Azure no longer knows the job');
        await this.handleCallFailure(e, current, attempt++, signal, log, 'poll');
        continue;
      }
      attempt = 0;
      const status = TERMINAL.has(state.status) ? current.status : state.status;
      if (
        status !== current.status ||
        state.rawStatus !== current.upstream_status ||
        state.progress !== current.progress
      ) {
        await this.store.save({
          ...current,
          status,
          upstream_status: state.rawStatus,
          ...(state.progress !== undefined ? { progress: state.progress } : {}),
        });
      }
      if (TERMINAL.has(state.status)) return state;
      delay = state.retryAfterMs ?? Math.min(Math.round(delay * 1.5), this.config.video.pollMaxMs);
    }
  }

  private async saveResults(
    record: JobRecord,
    state: UpstreamState,
    signal: AbortSignal,
    log: Log,
  ): Promise<JobRecord> {
    const generations: GenerationRecord[] = [];
    for (const g of state.generations) {
      const id = `gen_${createHash('sha256').update(`${record.id}/${g.id}`).digest('hex').slice(0, 26)}`;
      const previous = record.generations.find((p) => p.id === id);
      const files: GenerationRecord['files'] = { ...(previous?.files ?? {}) };
      for (const download of this.api.downloads(record, g.id)) {
        const key =
          record.api === 'jobs'
            ? `${record.tenant}/${record.id}/${id}/${download.name}`
            : `${record.tenant}/${record.id}/${download.name}`;
        if (files[download.name] && (await this.storage.stat(key))) continue;
        for (let attempt = 0; ; attempt++) {
          if (signal.aborted) throw new Interrupted('shutting down');
          try {
            const response = await this.api.fetch(download);
            const contentType = (response.headers.get('content-type') ?? download.fallbackType)
              .split(';')[0]!
              .trim();
            const size = await this.storage.write(key, response.body ?? new ReadableStream());
            files[download.name] = { key, contentType, size };
            break;
          } catch (e) {
            if (download.optional && e instanceof AzureOpenAIError && [400, 404].includes(e.status)) {
              log.info({ file: download.name }, 'Azure does not offer this file; skipped');
              break;
            }
            if (attempt >= 4) throw e;
            await this.handleCallFailure(e, record, attempt, signal, log, `download of ${download.name}`);
          }
        }
      }
      generations.push({
        id,
        upstream_id: g.id,
        created_at: g.created_at,
        width: Number(g.width),
        height: Number(g.height),
        n_seconds: Number(g.n_seconds),
        prompt: g.prompt,
        files,
      });
      // Save progress per generation so a restart skips what is stored.
      record = { ...record, generations: mergeGenerations(record.generations, generations) };
      await this.store.save(record);
    }
    return record;
  }

  /** Queue the callback first, then mark terminal: a crash between repeats the (deduplicated) enqueue. */
  private async finish(
    record: JobRecord,
    status: JobStatus,
    reason?: string,
    message?: string,
  ): Promise<void> {
    const now = Math.floor(Date.now() / 1000);
    const done: JobRecord = {
      ...record,
      status,
      finished_at: now,
      expires_at: now + this.config.storage.retentionHours * 3600,
      failure_reason: status === 'succeeded' ? null : (reason ?? 'failed'),
      ...(message && status !== 'succeeded' ? { error_message: message } : {}),
    };
    if (done.callback_url) {
      const event =
        done.api === 'jobs'
          ? `video.job.${status}`
          : status === 'succeeded'
            ? 'video.completed'
            : 'video.failed';
      await this.webhooks.enqueue(done.id, done.tenant, done.callback_url, event, present(done));
    }
    await this.store.save(done);
  }

  private async cleanupDeleted(record: JobRecord): Promise<string> {
    await this.slots.release(record.deployment, record.id);
    await this.api.remove(record).catch(() => undefined);
    await this.storage.removePrefix(`${record.tenant}/${record.id}`).catch(() => undefined);
    return 'deleted';
  }
}

function mapStatus(record: JobRecord, upstream: string): JobStatus {
  if (record.api === 'videos') return upstream === 'in_progress' ? 'running' : 'queued';
  return (
    (['preprocessing', 'queued', 'running', 'processing'] as const).find((s) => s === upstream) ?? 'queued'
  );
}

function mergeGenerations(old: GenerationRecord[], fresh: GenerationRecord[]): GenerationRecord[] {
  const byId = new Map(old.map((g) => [g.id, g]));
  for (const g of fresh) byId.set(g.id, g);
  return [...byId.values()];
}
