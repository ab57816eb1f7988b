/**
 * The two video queues and how their jobs retry.
 *
 * A job waits for a slot on its deployment in a plain Redis list (see admission.ts), holding no
 * worker. Once it has a slot it goes to `video-create`, whose worker sends (or reconciles) the one
 * upstream create; from then on it owns upstream work and lives in `video-track`, whose worker polls,
 * downloads and finishes it. The two queues have their own workers, so work that is running
 * upstream is never stuck behind jobs that still need creating, and a restart resumes it first.
 */
import type { JobOptions } from 'bull';
import { backoffMs } from '@aoai-media/core';

export const VIDEO_CREATE_QUEUE = 'video-create';
export const VIDEO_TRACK_QUEUE = 'video-track';

export interface VideoJobData {
  jobId: string;
  /** Known even when the record is gone, so its slot can be given back. */
  deployment: string;
}

/** Try again after `ms` without holding a worker (a cool-down, a reconcile window, a transient failure). */
export class RetryLater extends Error {
  constructor(
    readonly ms: number,
    reason: string,
  ) {
    super(reason);
    this.name = 'RetryLater';
  }
}

/** The service is shutting down: the job goes back to its queue at once and resumes on the next start. */
export class Interrupted extends Error {
  constructor(reason = 'interrupted by shutdown; the job resumes on the next start') {
    super(reason);
    this.name = 'Interrupted';
  }
}

/** A failure that retrying cannot fix (content policy, a request Azure refuses, a timeout). */
export class FinalFailure extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'FinalFailure';
  }
}

export const BACKOFF = 'video';

/** Bull's wait before the next attempt: as asked, none after a shutdown, else growing to a minute. */
export function retryDelay(attemptsMade: number, error: Error): number {
  if (error instanceof RetryLater) return Math.max(1, Math.round(error.ms));
  if (error instanceof Interrupted) return 0;
  return Math.min(60_000, backoffMs(Math.min(attemptsMade, 10), Math.random));
}

/**
 * Every attempt is safe to repeat and a job ends only by succeeding, failing for good, timing out
 * (VIDEO_JOB_TIMEOUT_MS) or being deleted: Bull's attempt count is not a limit here.
 */
export function videoJobOptions(jobId: string): JobOptions {
  return {
    jobId,
    attempts: 1_000_000,
    backoff: { type: BACKOFF },
    stackTraceLimit: 1,
    removeOnComplete: { age: 24 * 3600 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}
