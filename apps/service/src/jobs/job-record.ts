/**
 * A video job as the service keeps it: one shape whichever video API the deployment uses. The
 * request is core's unified video request; the status is core's vocabulary (the raw word Azure
 * last reported is kept beside it); outputs are core's task outputs. Only the presenters at the
 * bottom speak a particular API's shape: the one the client used (Azure's /video/generations/jobs
 * or /videos), a choice the client makes.
 */
import {
  VIDEO_JOB_STATUSES,
  videoTaskStatus,
  type CropBounds,
  type VideoApi,
  type VideoContent,
  type VideoQuality,
  type VideoTaskStatus,
} from '@aoai-media/core';

export type JobStatus = VideoTaskStatus;

export const TERMINAL: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'cancelled']);

/** Where each status stands in a job's life; a job never moves back. */
const RANK: Record<JobStatus, number> = { queued: 0, running: 1, succeeded: 2, failed: 2, cancelled: 2 };

/** The status after `next` is reported: `next` only when it is further along than `current`. */
export function advance(current: JobStatus, next: JobStatus): JobStatus {
  return RANK[next] > RANK[current] ? next : current;
}

export interface StoredFile {
  key: string;
  contentType: string;
  size: number;
}

/** The name a download is stored under: `video`, `video-high`, `thumbnail`, ... */
export function fileName(content: VideoContent, quality?: VideoQuality): string {
  return quality ? `${content}-${quality}` : content;
}

/** One output of the upstream task (a Sora 1 generation, a Sora 2 video) and its stored files. */
export interface GenerationRecord {
  id: string;
  upstream_id: string;
  created_at: number;
  /** By `fileName(content, quality)`. */
  files: Record<string, StoredFile>;
}

/** Core's unified video create request, without the deployment and the media. */
export interface JobRequest {
  prompt: string;
  size?: string;
  seconds?: number;
  variants?: number;
}

/** A file sent with the create, kept in the shared store until the create is sent. */
export interface StoredMedia {
  key: string;
  filename: string;
  contentType: string;
  size: number;
  frame_index?: number;
  crop_bounds?: CropBounds;
}

export interface JobRecord {
  id: string;
  tenant: string;
  /** The video API of the deployment (and of the paths the client used); handed to core as is. */
  api: VideoApi;
  deployment: string;
  request: JobRequest;
  status: JobStatus;
  /** Azure's own word for the task's state, as last reported. */
  upstream_status?: string;
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
  /**
   * Written (and persisted) before a create is sent: a job that has an intent and no upstream id
   * may have been created upstream, so it is reconciled against Azure before anything is resent.
   */
  intent?: { marker: string; at: number };
  media?: StoredMedia[];
  /** A remix: the video it starts from (ours, and Azure's id that the remix is sent to). */
  remixed_from?: { id: string; upstream_id: string };
}

/**
 * The status in the words of the job's API: Azure's own word while the task runs upstream, the
 * service's `queued` before that (and while Azure itself still queues it, so a status never seems
 * to move back), `failed` when the service failed a job Azure finished (a timeout, a lost file).
 */
export function presentStatus(r: JobRecord): string {
  if (r.status === 'queued') return 'queued';
  const raw = r.upstream_status;
  if (raw !== undefined && videoTaskStatus(r.api, raw) === r.status) return raw;
  // The service's own ending (a timeout, a file it could not keep) of a task Azure finished.
  return TERMINAL.has(r.status) ? 'failed' : (raw ?? 'queued');
}

function dimensions(size: string | undefined): { width?: number; height?: number } {
  const m = /^(\d+)x(\d+)$/.exec(size ?? '');
  return m ? { width: Number(m[1]), height: Number(m[2]) } : {};
}

/** Azure's video generation job object (/video/generations/jobs), plus `metadata` (an extension the service documents). */
export function presentJob(r: JobRecord): Record<string, unknown> {
  const q = r.request;
  return {
    object: 'video.generation.job',
    id: r.id,
    status: presentStatus(r),
    created_at: r.created_at,
    finished_at: r.finished_at,
    expires_at: r.expires_at,
    generations: r.generations.map((g) => presentGeneration(r, g)),
    prompt: q.prompt,
    model: r.deployment,
    n_variants: q.variants ?? 1,
    n_seconds: q.seconds,
    ...dimensions(q.size),
    ...(r.media?.some((m) => m.frame_index !== undefined || m.crop_bounds)
      ? {
          inpaint_items: r.media.map((m) => ({
            frame_index: m.frame_index ?? 0,
            type: m.contentType.startsWith('video/') ? 'video' : 'image',
            file_name: m.filename,
            ...(m.crop_bounds ? { crop_bounds: m.crop_bounds } : {}),
          })),
        }
      : {}),
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
    ...dimensions(r.request.size),
    n_seconds: r.request.seconds,
    prompt: r.request.prompt,
  };
}

/** OpenAI's video object (/videos), plus `metadata`. */
export function presentVideo(r: JobRecord): Record<string, unknown> {
  const q = r.request;
  return {
    id: r.id,
    object: 'video',
    model: r.deployment,
    status: presentStatus(r),
    progress: r.status === 'succeeded' ? 100 : (r.progress ?? 0),
    created_at: r.created_at,
    completed_at: r.status === 'succeeded' ? r.finished_at : null,
    expires_at: r.expires_at,
    prompt: q.prompt,
    size: q.size ?? null,
    // The /videos API names its lengths as strings ("4", "8", "12").
    seconds: q.seconds === undefined ? null : String(q.seconds),
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

/** The shapes of the two video surfaces, by the API the client used. */
export const SURFACES: Record<
  VideoApi,
  {
    /** Prefix of the service's ids, as Azure's own ids of that API look. */
    idPrefix: string;
    /** What a job is called in messages. */
    noun: string;
    present(r: JobRecord): Record<string, unknown>;
    /** The webhook event for a finished job. */
    event(status: JobStatus): string;
    /** Statuses a list can be filtered by. */
    statuses: readonly string[];
  }
> = {
  jobs: {
    idPrefix: 'task',
    noun: 'video generation job',
    present: presentJob,
    event: (status) => `video.job.${status}`,
    statuses: VIDEO_JOB_STATUSES,
  },
  videos: {
    idPrefix: 'video',
    noun: 'video',
    present: presentVideo,
    event: (status) => (status === 'succeeded' ? 'video.completed' : 'video.failed'),
    statuses: [],
  },
};

export function present(r: JobRecord): Record<string, unknown> {
  return SURFACES[r.api].present(r);
}
