import type { Job, Queue } from 'bull';
import type { Log } from '../common/logger.js';
import type { Finisher } from './finisher.js';
import type { JobStore } from './job-store.js';
import { TERMINAL } from './job-record.js';
import type { VideoJobData } from './queues.js';

/**
 * Runs one video queue's jobs in this process, as both video workers do: one run per job at a time
 * (a job Bull hands back while its first run goes on joins that run), a job that failed its last
 * attempt ends failed, and queue errors are logged. The worker stops it by closing the queue.
 */
export function runVideoQueue(
  queue: Queue<VideoJobData>,
  name: 'create' | 'track',
  options: { concurrency: number; log: Log; store: JobStore; finisher: Finisher; stopping: AbortSignal },
  run: (job: Job<VideoJobData>) => Promise<string>,
): void {
  const { log, store, finisher, stopping } = options;
  const active = new Map<string, Promise<string>>();
  const joined = (job: Job<VideoJobData>): Promise<string> => {
    const id = job.data.jobId;
    const running = active.get(id);
    if (running) return running;
    const started = run(job).finally(() => active.delete(id));
    active.set(id, started);
    return started;
  };
  const onFailed = async (job: Job<VideoJobData>, error: Error): Promise<void> => {
    if (job.attemptsMade < (job.opts.attempts ?? 1)) return;
    const record = await store.get(job.data.jobId);
    if (!record || TERMINAL.has(record.status)) return;
    log.error({ jobId: record.id, error: error.message }, 'video job failed after every attempt');
    await finisher.finish(record, 'failed', 'internal_error', error.message);
  };
  queue.on('failed', (job, error) => void onFailed(job, error));
  queue.on('error', (error) => log.warn({ error: error.message }, `video ${name} queue error`));
  queue.process(name, options.concurrency, joined).catch((e: Error) => {
    if (!stopping.aborted) log.error({ error: e.message }, `video ${name} worker stopped`);
  });
}
