/** Helpers shared by the video resources; internal, not part of the package's API. */
import { ContentFilterError, JobFailedError, ValidationError } from '../errors.js';

/** The bound on pages `listAll` walks, so a server that never stops paging cannot loop forever. */
export const MAX_LIST_PAGES = 10_000;

const MODERATION_CODES = new Set([
  'input_moderation',
  'output_moderation',
  'moderation_blocked',
  'content_filter',
  'content_policy_violation',
  'ResponsibleAIPolicyViolation',
]);

/** Whether a failure reason (or its inner error's code) means content moderation refused the video. */
export function isModerationFailure(reason: string | undefined, innerError: unknown): boolean {
  const innerCode = (innerError as { code?: unknown } | null | undefined)?.code;
  return (
    (reason !== undefined && MODERATION_CODES.has(reason)) ||
    (typeof innerCode === 'string' && MODERATION_CODES.has(innerCode))
  );
}

/** The error for a job that ended badly: content moderation is a ContentFilterError like everywhere else. */
export function jobFailure(jobId: string, status: string, reason: string | undefined, job: unknown): Error {
  // What Azure sent beside the verdict (a Sora 2 video's error.inner_error, or the job's own).
  const body = (job ?? {}) as { error?: { inner_error?: unknown } | null; inner_error?: unknown };
  const inner = body.error?.inner_error ?? body.inner_error;
  if (isModerationFailure(reason, inner)) {
    const fields = (inner ?? {}) as { revised_prompt?: unknown; error_details?: unknown };
    return new ContentFilterError({
      status: 200,
      code: reason,
      message: `video job ${jobId} was refused by content moderation (${reason ?? 'content filter'})`,
      body: job,
      innerError: inner,
      revisedPrompt: typeof fields.revised_prompt === 'string' ? fields.revised_prompt : undefined,
      filterResults:
        fields.error_details && typeof fields.error_details === 'object'
          ? (fields.error_details as Record<string, unknown>)
          : undefined,
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
