import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { Readable } from 'node:stream';
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
  type VideoTask,
} from '@aoai-media/core';
import { SERVICE_CONFIG } from '../config/config.module.js';
import type { ServiceConfig } from '../config/config.js';
import { LOGGER, type Log } from '../common/logger.js';
import { CrashPoints } from '../common/crash-points.js';
import { MEDIA_STORAGE, type MediaStorage } from '../storage/storage.js';
import { Admission } from './admission.js';
import { Finisher } from './finisher.js';
import { JobStore } from './job-store.js';
import { TERMINAL, advance, type GenerationRecord, type JobRecord } from './job-record.js';
import { Progress } from './progress.js';
import { FinalFailure, Interrupted, VIDEO_TRACK_QUEUE, type VideoJobData } from './queues.js';
import { VideoUpstream } from './video-upstream.js';
import { runVideoQueue } from './queue-runner.js';

/** How often (in polls) a job that is not written to is checked for having been deleted. */
const EXISTS_EVERY = 5;

/**
 * Takes a job that is running upstream to stored results:
 * 1. keep its slot (a job resumed after a crash retakes it whatever the count);
 * 2. poll with back-off (VIDEO_POLL_INITIAL_MS growing 1.5x to VIDEO_POLL_MAX_MS), honouring
 *    retry-after; a 429 cools the whole deployment down;
 * 3. download every generation's files to storage (atomic writes, skipped when already there);
 * 4. queue the callback, then mark the record terminal, then give the slot back.
 * Every step can be repeated after a crash. A job's status only moves forward.
 */
@Injectable()
export class TrackWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly stopping = new AbortController();

  constructor(
    @InjectQueue(VIDEO_TRACK_QUEUE) private readonly queue: Queue<VideoJobData>,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(LOGGER) private readonly log: Log,
    @Inject(MEDIA_STORAGE) private readonly storage: MediaStorage,
    private readonly store: JobStore,
    private readonly admission: Admission,
    private readonly progress: Progress,
    private readonly upstream: VideoUpstream,
    private readonly finisher: Finisher,
    private readonly crash: CrashPoints,
  ) {}

  onApplicationBootstrap(): void {
    // Every sleeping job listens for shutdown on this one signal.
    setMaxListeners(0, this.stopping.signal);
    runVideoQueue(
      this.queue,
      'track',
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

  /** Stop taking work; running jobs reach a safe point and go back to the queue; then close it. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort(new Interrupted());
    await this.queue.close().catch(() => undefined);
  }

  async run(job: Job<VideoJobData>): Promise<string> {
    const { jobId, deployment } = job.data;
    const signal = this.stopping.signal;
    // The record, with its slot held (a job resumed after a crash retakes it whatever the count).
    let record = await this.store.startTrack(jobId, deployment);
    if (!record) return this.finisher.removed(deployment, jobId);
    if (TERMINAL.has(record.status)) {
      await this.admission.release(deployment, jobId);
      return record.status;
    }
    const log = this.log.child({ jobId, deployment });
    try {
      const polled = await this.pollUntilDone(record, signal, log);
      if (!polled) return this.finisher.removed(deployment, jobId, record);
      const { task, polls } = polled;
      record = polled.record;
      const ending = { upstreamStatus: task.rawStatus, polls };
      if (task.status !== 'succeeded') {
        await this.finisher.finish(
          record,
          task.status,
          task.failure?.code ?? task.rawStatus,
          task.failure?.message,
          ending,
        );
        return task.status;
      }
      const stored = await this.saveResults(record, task, signal, log);
      if (!stored) return this.finisher.removed(deployment, jobId, record);
      await this.finisher.finish(stored, 'succeeded', undefined, undefined, ending);
      log.info({ generations: stored.generations.length }, 'video job succeeded');
      return 'succeeded';
    } catch (e) {
      if (e instanceof FinalFailure) {
        const latest = await this.store.get(jobId);
        if (latest) await this.finisher.finish(latest, 'failed', e.reason, e.message);
        else await this.finisher.removed(deployment, jobId, record);
        log.warn({ reason: e.reason }, 'video job failed');
        return 'failed';
      }
      if (signal.aborted || e instanceof Interrupted || e instanceof AbortError) throw new Interrupted();
      throw e;
    }
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return defaultSleep(ms, signal).catch(() => {
      throw new Interrupted();
    });
  }

  /** 429: the whole deployment cools down; other transient failures back off; the rest is final. */
  private async callFailed(
    e: unknown,
    record: JobRecord,
    attempt: number,
    signal: AbortSignal,
    log: Log,
    what: string,
  ): Promise<void> {
    if (e instanceof RateLimitError) {
      const wait = e.retryAfterMs ?? backoffMs(Math.min(attempt, 6), Math.random);
      await this.admission.coolDown(record.deployment, wait);
      await this.store.count('rate_limited');
      log.info({ waitMs: wait }, `Azure rate-limited the ${what}; slowing down`);
      await this.sleep(wait, signal);
      return;
    }
    if (e instanceof ContentFilterError)
      throw new FinalFailure(
        e.code === 'input_moderation' ? 'input_moderation' : 'content_filter',
        e.message,
      );
    if (e instanceof AzureOpenAIError && e.status >= 400 && e.status < 500 && ![408, 409].includes(e.status))
      throw new FinalFailure(e.code ?? `http_${e.status}`, e.message);
    if (signal.aborted) throw new Interrupted();
    const wait = backoffMs(Math.min(attempt, 6), Math.random);
    log.warn({ error: (e as Error).message, waitMs: wait }, `transient failure on ${what}; retrying`);
    await this.sleep(wait, signal);
  }

  /**
   * Poll until Azure reports a terminal state: the task, the record as it stands, and how many polls
   * it took; undefined when our job was deleted meanwhile. Redis is written only when the job's
   * status or progress moves (not per poll), and whether the job still exists is checked every
   * EXISTS_EVERY polls (and by every write).
   */
  private async pollUntilDone(
    record: JobRecord,
    signal: AbortSignal,
    log: Log,
  ): Promise<{ task: VideoTask; record: JobRecord; polls: number } | undefined> {
    let delay = this.config.video.pollInitialMs;
    let current = record;
    let polls = 0;
    for (let attempt = 0; ;) {
      await this.sleep(delay, signal);
      if (polls > 0 && polls % EXISTS_EVERY === 0 && !(await this.store.exists(record.id))) return undefined;
      if (Date.now() - record.created_at * 1000 > this.config.video.jobTimeoutMs)
        throw new FinalFailure(
          'timeout',
          `the job did not finish within ${this.config.video.jobTimeoutMs} ms`,
        );
      // A 429 seen by this process cools the deployment down for every job it polls.
      await this.sleep(this.admission.coolingHere(record.deployment), signal);
      let polled: { task: VideoTask; retryAfterMs?: number };
      try {
        polled = await this.upstream.retrieve(current);
        polls++;
      } catch (e) {
        if (e instanceof NotFoundError)
          throw new FinalFailure('upstream_job_not_found', 'Azure no longer knows the job');
        await this.callFailed(e, current, attempt++, signal, log, 'poll');
        continue;
      }
      const { task } = polled;
      attempt = 0;
      await this.progress.note();
      await this.crash.at('poll', signal);
      if (TERMINAL.has(task.status)) return { task, record: current, polls };
      const status = advance(current.status, task.status);
      const progress =
        task.progress !== undefined ? Math.max(task.progress, current.progress ?? 0) : undefined;
      if (status !== current.status || (progress !== undefined && progress !== current.progress)) {
        const next: JobRecord = {
          ...current,
          status,
          upstream_status: task.rawStatus,
          ...(progress !== undefined ? { progress } : {}),
        };
        if (!(await this.store.save(next))) return undefined;
        current = next;
      }
      delay = polled.retryAfterMs ?? Math.min(Math.round(delay * 1.5), this.config.video.pollMaxMs);
    }
  }

  /** Store every output's files; the record with them, or undefined when the job was deleted. */
  private async saveResults(
    record: JobRecord,
    task: VideoTask,
    signal: AbortSignal,
    log: Log,
  ): Promise<JobRecord | undefined> {
    const generations: GenerationRecord[] = [];
    for (const output of task.outputs) {
      const id = `gen_${createHash('sha256').update(`${record.id}/${output.id}`).digest('hex').slice(0, 26)}`;
      const previous = record.generations.find((p) => p.id === id);
      const files: GenerationRecord['files'] = { ...(previous?.files ?? {}) };
      for (const download of this.upstream.downloads(task, output.index)) {
        const key = `${record.tenant}/${record.id}/${id}/${download.name}`;
        if (files[download.name] && (await this.storage.stat(key))) continue;
        for (let attempt = 0; ; attempt++) {
          if (signal.aborted) throw new Interrupted();
          try {
            const response = await this.upstream.fetch(task, output.index, download);
            const contentType = (
              response.headers.get('content-type') ??
              (download.content === 'video' ? 'video/mp4' : 'application/octet-stream')
            )
              .split(';')[0]!
              .trim();
            const size = await this.storage.write(key, this.watched(response.body, signal), { contentType });
            files[download.name] = { key, contentType, size };
            await this.progress.note();
            break;
          } catch (e) {
            if (download.optional && e instanceof AzureOpenAIError && [400, 404].includes(e.status)) {
              log.info({ file: download.name }, 'Azure does not offer this file; skipped');
              break;
            }
            if (attempt >= 4) throw e;
            await this.callFailed(e, record, attempt, signal, log, `download of ${download.name}`);
          }
        }
      }
      generations.push({
        id,
        upstream_id: output.id,
        created_at: task.createdAt ?? record.created_at,
        files,
      });
      // Save progress per output so a restart skips what is stored.
      record = { ...record, generations: mergeGenerations(record.generations, generations) };
      if (!(await this.store.save(record))) return undefined;
    }
    return record;
  }

  /** A download's body, with the `download` crash point after its first bytes. */
  private watched(body: ReadableStream<Uint8Array> | null, signal: AbortSignal): Readable {
    const crash = this.crash;
    return Readable.from(
      (async function* () {
        if (!body) return;
        let first = true;
        for await (const chunk of Readable.fromWeb(body as never) as AsyncIterable<Buffer>) {
          yield chunk;
          if (first) await crash.at('download', signal);
          first = false;
        }
      })(),
    );
  }
}

function mergeGenerations(old: GenerationRecord[], fresh: GenerationRecord[]): GenerationRecord[] {
  const byId = new Map(old.map((g) => [g.id, g]));
  for (const g of fresh) byId.set(g.id, g);
  return [...byId.values()];
}
