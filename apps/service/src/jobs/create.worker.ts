import { randomBytes } from 'node:crypto';
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
  AmbiguousVideoMatchError,
  AzureOpenAIError,
  ConnectionError,
  ContentFilterError,
  RateLimitError,
  backoffMs,
  type VideoTask,
} from '@aoai-media/core';
import { SERVICE_CONFIG } from '../config/config.module.js';
import type { ServiceConfig } from '../config/config.js';
import { LOGGER, type Log } from '../common/logger.js';
import { CrashPoints } from '../common/crash-points.js';
import { Admission } from './admission.js';
import { Finisher } from './finisher.js';
import { JobStore } from './job-store.js';
import { TERMINAL, type JobRecord } from './job-record.js';
import { Progress } from './progress.js';
import {
  FinalFailure,
  Interrupted,
  RetryLater,
  VIDEO_CREATE_QUEUE,
  VIDEO_TRACK_QUEUE,
  videoJobOptions,
  type VideoJobData,
} from './queues.js';
import { VideoUpstream } from './video-upstream.js';
import { runVideoQueue } from './queue-runner.js';

/** How many times a reconcile searches again after finding only tasks other jobs hold. */
const RECONCILE_ROUNDS = 5;

/**
 * Sends each job's one upstream create, exactly once:
 * 1. the intent (a marker and the time) is stored before anything is sent;
 * 2. a job that already has an intent was maybe created upstream (a lost answer, a crash): core's
 *    matcher looks for its task among Azure's recent tasks, and a match no other job has claimed is
 *    adopted; only when none appears within VIDEO_RECONCILE_WAIT_MS of the intent is the create
 *    sent again;
 * 3. the upstream id is claimed for this job and stored before anything uses it; then the job moves
 *    to the track queue.
 * Answers that prove nothing was processed (429, 408, 503, 4xx, no connection) drop the intent:
 * there is nothing to look for. Waits (a 429 cool-down, a reconcile window) hold no worker.
 */
@Injectable()
export class CreateWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly stopping = new AbortController();

  constructor(
    @InjectQueue(VIDEO_CREATE_QUEUE) private readonly queue: Queue<VideoJobData>,
    @InjectQueue(VIDEO_TRACK_QUEUE) private readonly trackQueue: Queue<VideoJobData>,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(LOGGER) private readonly log: Log,
    private readonly store: JobStore,
    private readonly admission: Admission,
    private readonly progress: Progress,
    private readonly upstream: VideoUpstream,
    private readonly finisher: Finisher,
    private readonly crash: CrashPoints,
  ) {}

  onApplicationBootstrap(): void {
    setMaxListeners(0, this.stopping.signal);
    runVideoQueue(
      this.queue,
      'create',
      {
        concurrency: this.config.video.workerConcurrency,
        log: this.log,
        store: this.store,
        finisher: this.finisher,
        stopping: this.stopping.signal,
      },
      (job) => this.run(job),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort(new Interrupted());
    await this.queue.close().catch(() => undefined);
  }

  async run(job: Job<VideoJobData>): Promise<string> {
    const { jobId, deployment } = job.data;
    try {
      return await this.step(jobId, deployment);
    } catch (e) {
      if (e instanceof FinalFailure) {
        const record = await this.store.get(jobId);
        if (!record) return this.finisher.removed(deployment, jobId);
        await this.finisher.finish(record, 'failed', e.reason, e.message);
        this.log.warn({ jobId, reason: e.reason }, 'video job failed');
        return 'failed';
      }
      if (this.stopping.signal.aborted && !(e instanceof RetryLater)) throw new Interrupted();
      throw e;
    }
  }

  private async step(jobId: string, deployment: string): Promise<string> {
    // The record and the deployment's cool-down in one call.
    const { record, coolingMs } = await this.store.load(jobId, deployment);
    if (!record) return this.finisher.removed(deployment, jobId);
    if (TERMINAL.has(record.status)) {
      await this.admission.release(deployment, jobId);
      return record.status;
    }
    if (record.upstream_id) {
      // Created and stored before a crash: the track queue takes it from here.
      await this.trackQueue.add('track', { jobId, deployment }, videoJobOptions(jobId));
      return 'created';
    }
    if (Date.now() - record.created_at * 1000 > this.config.video.jobTimeoutMs) {
      throw new FinalFailure(
        'timeout',
        `Azure did not accept the job within ${this.config.video.jobTimeoutMs} ms`,
      );
    }
    if (coolingMs > 0) throw new RetryLater(coolingMs, 'the deployment is cooling down after a 429');
    if (record.intent) {
      const outcome = await this.reconcile(record);
      if (outcome) return outcome;
      const waited = Date.now() - record.intent.at;
      const window = this.config.video.reconcileWaitMs;
      if (waited < window) {
        throw new RetryLater(
          Math.min(window - waited, Math.max(1000, window / 4)),
          'an earlier create may still reach Azure; looking for it again before sending',
        );
      }
      this.log.warn(
        { jobId, marker: record.intent.marker },
        'Azure has no task for the earlier create; sending it again',
      );
      await this.store.count('resent');
    }
    return this.send(record);
  }

  /**
   * Look for the task an earlier create made, with core's matcher. Tasks other jobs have claimed are
   * left out and the search repeated; when several unclaimed tasks match (identical requests sent by
   * several jobs, which are interchangeable), the first that this job can claim is adopted.
   */
  private async reconcile(record: JobRecord): Promise<string | undefined> {
    const exclude = new Set<string>();
    for (let round = 0; round < RECONCILE_ROUNDS; round++) {
      let candidates: string[];
      let found: VideoTask | undefined;
      try {
        found = await this.upstream.findCreated(record, record.intent!.at, [...exclude]);
        if (!found) return undefined;
        candidates = [found.id];
      } catch (e) {
        if (!(e instanceof AmbiguousVideoMatchError)) throw e;
        candidates = e.candidateIds.filter((id) => !exclude.has(id));
        // Azure's list was too busy to search to the create's time: nothing is known, nothing is sent.
        if (candidates.length === 0)
          throw new FinalFailure(
            'upstream_ambiguous',
            `whether Azure made this job's task is unknown and it was not sent again: ${e.message}`,
          );
      }
      let excluded = false;
      for (const id of candidates) {
        const holder = await this.store.claimOf(record.deployment, id);
        if (holder && holder !== record.id) {
          exclude.add(id);
          excluded = true;
          continue;
        }
        const outcome = await this.adopt(
          record,
          id,
          found?.id === id ? found.rawStatus : undefined,
          'adopted',
        );
        if (outcome === 'taken') {
          exclude.add(id);
          excluded = true;
          continue;
        }
        if (outcome === 'adopted')
          this.log.info(
            { jobId: record.id, upstreamId: id },
            'adopted the upstream task of an earlier create',
          );
        return outcome;
      }
      // Every candidate belongs to another job: search again without them.
      if (!excluded) return undefined;
    }
    return undefined;
  }

  private async send(current: JobRecord): Promise<string> {
    const intent = { marker: `${current.id}.${randomBytes(4).toString('hex')}`, at: Date.now() };
    const record: JobRecord = { ...current, intent };
    // The intent is stored before anything is sent, and only by one worker.
    const stored = await this.store.saveIntent(record, current.intent?.marker ?? '');
    if (stored === 'deleted') return this.finisher.removed(record.deployment, record.id);
    if (stored === 'changed') throw new RetryLater(1, 'another worker is sending this job; looking again');
    await this.crash.at('create:before-send', this.stopping.signal);
    let created: VideoTask;
    try {
      created = await this.upstream.create(record, intent.marker);
    } catch (e) {
      return this.createFailed(record, e);
    }
    await this.progress.note();
    await this.crash.at('create:answered', this.stopping.signal);
    const outcome = await this.adopt(record, created.id, created.rawStatus, 'creates');
    if (outcome === 'taken') {
      // Another job's reconcile adopted the task this create made: this job looks for its own.
      throw new RetryLater(1, 'the task this create made went to another job; reconciling');
    }
    this.log.info({ jobId: record.id, upstreamId: created.id }, 'created upstream video job');
    return outcome;
  }

  /**
   * Make an upstream task this job's: claim it (no other job can have it) and store its id in one
   * step (counted as a create or an adoption), then hand the job to the track queue.
   */
  private async adopt(
    record: JobRecord,
    upstreamId: string,
    upstreamStatus: string | undefined,
    counter: 'creates' | 'adopted',
  ): Promise<'adopted' | 'taken' | 'deleted'> {
    const { intent: _sent, ...rest } = record;
    // The status moves on with the first poll; Azure's word for a new task is kept meanwhile.
    const next: JobRecord = {
      ...rest,
      upstream_id: upstreamId,
      ...(upstreamStatus ? { upstream_status: upstreamStatus } : {}),
    };
    const outcome = await this.store.adopt(next, counter);
    if (outcome === 'taken') return 'taken';
    if (outcome === 'deleted') {
      await this.finisher.removed(record.deployment, record.id, next);
      return 'deleted';
    }
    await this.trackQueue.add(
      'track',
      { jobId: record.id, deployment: record.deployment },
      videoJobOptions(record.id),
    );
    return 'adopted';
  }

  /** What a failed create means: retry later with or without reconciling, or fail the job. */
  private async createFailed(record: JobRecord, e: unknown): Promise<never> {
    const clearIntent = async () => {
      const { intent: _sent, ...rest } = record;
      await this.store.save(rest);
    };
    if (e instanceof RateLimitError) {
      const wait = e.retryAfterMs ?? backoffMs(3, Math.random);
      await this.admission.coolDown(record.deployment, wait);
      await this.store.count('rate_limited');
      await clearIntent();
      this.log.info({ jobId: record.id, waitMs: wait }, 'Azure rate-limited the create; slowing down');
      throw new RetryLater(wait, 'rate-limited');
    }
    if (e instanceof ContentFilterError)
      throw new FinalFailure(
        e.code === 'input_moderation' ? 'input_moderation' : 'content_filter',
        e.message,
      );
    if (e instanceof AzureOpenAIError && (e.status === 408 || e.status === 503)) {
      await clearIntent();
      throw new RetryLater(backoffMs(2, Math.random), `Azure answered ${e.status}; nothing was created`);
    }
    if (e instanceof AzureOpenAIError && e.status >= 400 && e.status < 500 && e.status !== 409)
      throw new FinalFailure(e.code ?? `http_${e.status}`, e.message);
    if (e instanceof ConnectionError && e.beforeSend) {
      await clearIntent();
      throw new RetryLater(backoffMs(2, Math.random), `Azure was not reached (${e.message})`);
    }
    if (this.stopping.signal.aborted) throw new Interrupted();
    // Maybe created (core's MaybeProcessedError: a 5xx, a lost answer, a timeout): keep the intent,
    // so the next attempt looks for the task before sending.
    this.log.warn(
      { jobId: record.id, error: (e as Error).message },
      'the create may have reached Azure; reconciling before anything is sent again',
    );
    throw new RetryLater(1000, 'the create may have reached Azure');
  }
}
