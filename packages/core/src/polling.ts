/**
 * Waiting for a long-running video job, shared by both video families (Sora 1 jobs, Sora 2 videos).
 *
 * Each poll is an ordinary request (with its own retries). Between polls the wait grows from
 * `pollIntervalMs` to `maxPollIntervalMs`, and is never shorter than what the server asked for with
 * `retry-after`. Rate limits, server errors and dropped connections during a wait are waited out,
 * not thrown: the job is still running on Azure. Abort and timeout end the wait at once, through the
 * client's injected `sleep` and clock.
 */
import { CallSignal, type AzureOpenAIMedia, type CallOptions } from './client.js';
import {
  ConnectionError,
  RateLimitError,
  ServerError,
  TimeoutError,
  ValidationError,
  type Issue,
} from './errors.js';
import { backoffMs, serverRetryAfterMs } from './retry.js';

export interface WaitOptions<J> {
  signal?: AbortSignal;
  /** Give up after this long (default 30 minutes: long 1080p jobs take several minutes). */
  timeoutMs?: number;
  /** The first wait between polls (default 5000 ms). */
  pollIntervalMs?: number;
  /** The longest wait between polls (default 30000 ms, or `pollIntervalMs` when that is larger). */
  maxPollIntervalMs?: number;
  /** Called with the job on the first poll and each time its status (or progress) changes. */
  onProgress?: (job: J) => void;
}

export const DEFAULT_WAIT_TIMEOUT_MS = 30 * 60_000;
export const DEFAULT_POLL_INTERVAL_MS = 5_000;
export const DEFAULT_MAX_POLL_INTERVAL_MS = 30_000;
/** How much each wait grows over the previous one. */
const POLL_GROWTH = 1.5;

/** What the poller needs to know about one job family. */
export interface JobPoller<J> {
  /** Fetch the job once; `headers` lets the poller honour `retry-after` on a successful answer. */
  fetch(options: CallOptions): Promise<{ job: J; headers: Headers }>;
  /** `done` resolves the wait, `failed` throws `fail(job)`, anything else keeps polling. */
  outcome(job: J): 'done' | 'failed' | 'pending';
  /** The error for a job that ended badly (JobFailedError, or ContentFilterError for moderation). */
  fail(job: J): Error;
  /** A short key that changes when the caller should hear about it (status, progress). */
  progressKey(job: J): string;
}

/** Poll until the job is done. Resolves with the finished job; throws for failure, abort or timeout. */
export async function pollJob<J>(
  client: AzureOpenAIMedia,
  poller: JobPoller<J>,
  options: WaitOptions<J> = {},
): Promise<J> {
  checkWaitOptions(options);
  const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
  const firstInterval = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const maxInterval = Math.max(options.maxPollIntervalMs ?? DEFAULT_MAX_POLL_INTERVAL_MS, firstInterval);
  const deadline = client.now() + timeoutMs;
  const call = new CallSignal(options.signal, timeoutMs, 'waiting for the video job');
  const timedOut = (cause?: unknown) => call.timeoutError(cause);
  const signal = call.signal;

  let lastKey: string | undefined;
  let interval = firstInterval;
  let transientFailures = 0;
  try {
    for (;;) {
      if (signal.aborted) throw signal.reason;
      let wait: number;
      try {
        const remaining = deadline - client.now();
        if (remaining <= 0) throw timedOut();
        const { job, headers } = await poller.fetch({ signal, timeoutMs: remaining });
        transientFailures = 0;
        const key = poller.progressKey(job);
        if (key !== lastKey) {
          lastKey = key;
          options.onProgress?.(job);
        }
        const outcome = poller.outcome(job);
        if (outcome === 'done') return job;
        if (outcome === 'failed') throw poller.fail(job);
        wait = Math.max(interval, serverRetryAfterMs(headers, client.now()) ?? 0);
        interval = Math.min(interval * POLL_GROWTH, maxInterval);
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        // Each poll gets only the time the wait has left, so a poll that timed out means the wait
        // did: report the wait's own limit, not the poll's share of it.
        if (error instanceof TimeoutError) throw timedOut(error);
        if (!isTransient(error)) throw error;
        // The job keeps running while Azure sheds load: wait as asked (or back off) and poll again.
        const asked = error instanceof RateLimitError ? error.retryAfterMs : undefined;
        // Azure asked for longer than the wait has left: say so now rather than time out later.
        if (asked !== undefined && asked >= deadline - client.now()) throw error;
        wait = Math.max(asked ?? backoffMs(transientFailures, client.random), interval);
        transientFailures++;
      }
      const remaining = deadline - client.now();
      if (remaining <= 0) throw timedOut();
      try {
        await client.sleep(Math.min(wait, remaining), signal);
      } catch (error) {
        throw signal.aborted ? signal.reason : error;
      }
      if (wait >= remaining) throw timedOut();
    }
  } finally {
    call.dispose();
  }
}

function isTransient(error: unknown): boolean {
  return error instanceof RateLimitError || error instanceof ServerError || error instanceof ConnectionError;
}

function checkWaitOptions<J>(options: WaitOptions<J>): void {
  const issues: Issue[] = [];
  for (const key of ['timeoutMs', 'pollIntervalMs', 'maxPollIntervalMs'] as const) {
    const value = options[key];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)) {
      issues.push({
        path: key,
        code: 'invalid_number',
        message: `${key} ${JSON.stringify(value)} is not valid; use a positive number of milliseconds`,
      });
    }
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    issues.push({ path: 'onProgress', code: 'invalid_type', message: 'onProgress must be a function' });
  }
  if (issues.length > 0) throw new ValidationError(issues, 'wait');
}
