/**
 * Finding, after a lost answer or a crash, the upstream task a create of ours made. Azure takes no
 * marker of ours on a video create, so a task matches by what was asked: the same prompt, size,
 * duration and variant count (Sora 1), the same prompt, size, seconds and source video (Sora 2),
 * created no earlier than the intent was written, less CLOCK_SKEW_S for clocks that disagree. Of
 * the matches, the oldest that no other job has claimed is adopted: claims (see JobStore) make each
 * upstream task belong to one job, so identical requests sent by several jobs still end one each.
 */
import type { JobRecord } from './job-record.js';

/** How far Azure's clock may be behind ours when a task's creation time is compared. */
export const CLOCK_SKEW_S = 120;

export interface UpstreamTask {
  id: string;
  status: string;
  /** Unix seconds, Azure's clock. */
  created_at: number;
}

/**
 * The upstream tasks a create of `record` could have made, created at or after `since` (unix
 * seconds), oldest first. Implemented today with the list calls (VideoUpstream.findCreated); the
 * reconcile call of the core client is meant to take its place.
 */
export interface FindCreated {
  findCreated(record: JobRecord, since: number): Promise<UpstreamTask[]>;
}

const num = (v: unknown, fallback: number): number => (v === undefined || v === null ? fallback : Number(v));

/** Whether an upstream task (as Azure lists it) is what `record` asked for. */
export function matchesRequest(record: JobRecord, task: Record<string, unknown>): boolean {
  const q = record.request;
  if (task.prompt !== q.prompt) return false;
  if (record.api === 'jobs') {
    return (
      num(task.width, NaN) === num(q.width, NaN) &&
      num(task.height, NaN) === num(q.height, NaN) &&
      num(task.n_seconds, 5) === num(q.n_seconds, 5) &&
      num(task.n_variants, 1) === num(q.n_variants, 1)
    );
  }
  const remixOf = record.remixed_from?.upstream_id ?? null;
  if ((task.remixed_from_video_id ?? null) !== remixOf) return false;
  // A remix takes size and seconds from its source; a create names them (or takes Azure's defaults).
  if (remixOf) return true;
  const same = (field: 'size' | 'seconds') =>
    q[field] === undefined || String(task[field]) === String(q[field]);
  return same('size') && same('seconds');
}
