/** Helpers shared by the video resources; internal, not part of the package's API. */
import { ContentFilterError, JobFailedError, ValidationError } from '../errors.js';

/** The bound on pages `listAll` walks, so a server that never stops paging cannot loop forever. */
export const MAX_LIST_PAGES = 10_000;

const MODERATION_REASONS = new Set(['input_moderation', 'output_moderation', 'moderation_blocked']);

/** The error for a job that ended badly: content moderation is a ContentFilterError like everywhere else. */
export function jobFailure(jobId: string, status: string, reason: string | undefined, job: unknown): Error {
  if (reason && MODERATION_REASONS.has(reason)) {
    return new ContentFilterError({
      status: 200,
      code: reason,
      message: `video job ${jobId} was refused by content moderation (${reason})`,
      body: job,
    });
  }
  return new JobFailedError(jobId, status, reason, job);
}

/** Drops undefined fields so the body carries only what the caller set. */
export function defined<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function checkId(path: string, id: unknown): void {
  if (typeof id !== 'string' || id.trim() === '') {
    throw new ValidationError([
      {
        path,
        code: 'required',
        message: `${path} must be a non-empty string (got ${JSON.stringify(id) ?? 'undefined'})`,
      },
    ]);
  }
}
