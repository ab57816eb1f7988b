/** A video job as the service keeps it: one shape for Sora 1 jobs and Sora 2 videos. */

export type JobApi = 'jobs' | 'videos';
export type JobStatus =
  'queued' | 'preprocessing' | 'running' | 'processing' | 'succeeded' | 'failed' | 'cancelled';

export const TERMINAL: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'cancelled']);

/** Where each status stands in a job's life; a job never moves back (Azure's first status, preprocessing, can follow our queued). */
const RANK: Record<JobStatus, number> = {
  preprocessing: 0,
  queued: 1,
  running: 2,
  processing: 3,
  succeeded: 4,
  failed: 4,
  cancelled: 4,
};

/** The status after `next` is reported: `next` only when it is further along than `current`. */
export function advance(current: JobStatus, next: JobStatus): JobStatus {
  return RANK[next] > RANK[current] ? next : current;
}

export interface StoredFile {
  key: string;
  contentType: string;
  size: number;
}

export interface GenerationRecord {
  id: string;
  upstream_id: string;
  created_at: number;
  width: number;
  height: number;
  n_seconds: number;
  prompt: string;
  /** `video-high`, `video-low`, `thumbnail` (Sora 1); `video`, `thumbnail` (Sora 2). */
  files: Record<string, StoredFile>;
}

export interface JobRecord {
  id: string;
  tenant: string;
  api: JobApi;
  deployment: string;
  /** The request as it is sent to Azure (service extensions removed). */
  request: Record<string, unknown>;
  status: JobStatus;
  created_at: number;
  finished_at: number | null;
  expires_at: number | null;
  failure_reason: string | null;
  error_message?: string;
  progress?: number;
  generations: GenerationRecord[];
  metadata?: Record<string, string>;
  callback_url?: string;
  upstream_id?: string;
  upstream_status?: string;
  /**
   * Written (and persisted) before a create is sent: a job that has an intent and no upstream id
   * may have been created upstream, so it is reconciled against Azure before anything is resent.
   */
  intent?: { marker: string; at: number };
  /** Files sent with the create (Sora 1 `files`, Sora 2 `input_reference`), kept in storage until the create is sent. */
  media?: StoredMedia[];
  /** A Sora 2 remix: the video it starts from (ours, and Azure's id that the remix is sent to). */
  remixed_from?: { id: string; upstream_id: string };
}

export interface StoredMedia {
  key: string;
  filename: string;
  contentType: string;
}

/** Azure's Sora 1 job object, plus `metadata` (an extension the service documents). */
export function presentJob(r: JobRecord): Record<string, unknown> {
  const q = r.request;
  return {
    object: 'video.generation.job',
    id: r.id,
    status: r.status,
    created_at: r.created_at,
    finished_at: r.finished_at,
    expires_at: r.expires_at,
    generations: r.generations.map((g) => presentGeneration(r, g)),
    prompt: q.prompt,
    model: r.deployment,
    n_variants: q.n_variants ?? 1,
    n_seconds: q.n_seconds ?? 5,
    height: q.height,
    width: q.width,
    ...(q.inpaint_items ? { inpaint_items: q.inpaint_items } : {}),
    ...(r.failure_reason ? { failure_reason: r.failure_reason } : {}),
    ...(r.metadata ? { metadata: r.metadata } : {}),
  };
}

export function presentGeneration(r: JobRecord, g: GenerationRecord): Record<string, unknown> {
  return {
    object: 'video.generation',
    id: g.id,
    job_id: r.id,
    created_at: g.created_at,
    width: g.width,
    height: g.height,
    n_seconds: g.n_seconds,
    prompt: g.prompt,
  };
}

const SORA2_STATUS: Record<JobStatus, string> = {
  queued: 'queued',
  preprocessing: 'queued',
  running: 'in_progress',
  processing: 'in_progress',
  succeeded: 'completed',
  failed: 'failed',
  cancelled: 'failed',
};

/** OpenAI's video object (Sora 2), plus `metadata`. */
export function presentVideo(r: JobRecord): Record<string, unknown> {
  const q = r.request;
  return {
    id: r.id,
    object: 'video',
    model: r.deployment,
    status: SORA2_STATUS[r.status],
    progress: r.status === 'succeeded' ? 100 : (r.progress ?? 0),
    created_at: r.created_at,
    completed_at: r.status === 'succeeded' ? r.finished_at : null,
    expires_at: r.expires_at,
    prompt: q.prompt,
    size: q.size ?? null,
    seconds: q.seconds ?? null,
    remixed_from_video_id: r.remixed_from?.id ?? null,
    error:
      r.status === 'failed' || r.status === 'cancelled'
        ? {
            code: r.failure_reason ?? 'failed',
            message: r.error_message ?? r.failure_reason ?? 'the video failed',
          }
        : null,
    ...(r.metadata ? { metadata: r.metadata } : {}),
  };
}

export function present(r: JobRecord): Record<string, unknown> {
  return r.api === 'jobs' ? presentJob(r) : presentVideo(r);
}
