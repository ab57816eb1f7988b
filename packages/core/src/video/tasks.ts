/**
 * One task shape for both video APIs: a Sora 1 job (`/video/generations/jobs`) and a Sora 2 video
 * (`/videos`) read as the same `VideoTask`, with one status vocabulary. Pure: parsers of Azure's
 * JSON, for callers that fetch it through their own transport too.
 */
import type { VideoApi } from '../models.js';
import { isModerationFailure, jobFailure } from '../resources/video-common.js';
import { VIDEO_APIS, type VideoContent } from './capabilities.js';

/** The same five states whichever API runs the task. */
export type VideoTaskStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export const VIDEO_TASK_STATUSES: readonly VideoTaskStatus[] = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
];

/** One finished video of a task (Sora 1 makes `variants` of them; Sora 2 one). */
export interface VideoOutput {
  /** 0-based; pass it as `output` to `downloadContent`. */
  index: number;
  /** Azure's id for it: the generation id (Sora 1) or the video id (Sora 2). */
  id: string;
  /** What `downloadContent` can fetch for it. */
  contents: readonly VideoContent[];
}

export interface VideoTaskFailure {
  /** Azure's reason code, e.g. `input_moderation`, `internal_error`. */
  code: string | undefined;
  message: string;
  /** Refused by content moderation (the wait throws ContentFilterError). */
  contentFilter: boolean;
  /** Azure's `inner_error` for the failure, unchanged, when it sent one. */
  innerError?: unknown;
}

export interface VideoTask {
  /** The job id (Sora 1) or video id (Sora 2). */
  id: string;
  /** Which API runs it; calls that take a task use it, so they never need the deployment. */
  api: VideoApi;
  status: VideoTaskStatus;
  /** Azure's own status word (`preprocessing`, `in_progress`, ...). */
  rawStatus: string;
  /** 0-100 when Azure reports it (Sora 2), 100 once succeeded. */
  progress?: number;
  /** What Azure reports in `model`: the deployment (Sora 1) or the model (Sora 2). */
  model: string | undefined;
  prompt: string | undefined;
  /** `WIDTHxHEIGHT`. */
  size: string | undefined;
  seconds: number | undefined;
  variants: number;
  /** Unix seconds, as Azure sends them. */
  createdAt: number | undefined;
  finishedAt?: number;
  expiresAt?: number;
  /** The finished videos; empty until the task succeeds. */
  outputs: VideoOutput[];
  failure?: VideoTaskFailure;
  /** The video this one remixes (Sora 2). */
  remixedFrom?: string;
  /** Azure's JSON, unchanged. */
  raw: unknown;
}

/** A page of tasks, newest first. */
export interface VideoTaskList {
  data: VideoTask[];
  hasMore: boolean;
  /** The cursor for the next page (`after`), when there is one. */
  nextAfter: string | undefined;
}

const JOB_STATUS: Record<string, VideoTaskStatus> = {
  preprocessing: 'queued',
  queued: 'queued',
  running: 'running',
  processing: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
};

const VIDEO_STATUS: Record<string, VideoTaskStatus> = {
  queued: 'queued',
  in_progress: 'running',
  completed: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
};

type Json = Record<string, unknown>;

function record(value: unknown): Json {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}
function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
function num(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}

/** Azure's status word in the shared vocabulary. An unknown word counts as still running. */
export function videoTaskStatus(api: VideoApi, rawStatus: string): VideoTaskStatus {
  return (api === 'jobs' ? JOB_STATUS : VIDEO_STATUS)[rawStatus] ?? 'running';
}

/**
 * Read Azure's answer for one task (a create, retrieve or list item) as a VideoTask. Throws a
 * TypeError when the answer has no id, which no valid answer lacks.
 */
export function parseVideoTask(api: VideoApi, raw: unknown): VideoTask {
  const body = record(raw);
  const id = text(body.id);
  if (id === undefined) throw new TypeError('the video task answer has no id');
  const rawStatus = text(body.status) ?? 'unknown';
  const status = videoTaskStatus(api, rawStatus);
  const contents = VIDEO_APIS[api].contents;
  const task: VideoTask = {
    id,
    api,
    status,
    rawStatus,
    model: text(body.model),
    prompt: typeof body.prompt === 'string' ? body.prompt : undefined,
    size: undefined,
    seconds: undefined,
    variants: 1,
    createdAt: num(body.created_at),
    outputs: [],
    raw,
  };
  if (api === 'jobs') {
    const width = num(body.width);
    const height = num(body.height);
    if (width !== undefined && height !== undefined) task.size = `${width}x${height}`;
    task.seconds = num(body.n_seconds);
    task.variants = num(body.n_variants) ?? 1;
    const finished = num(body.finished_at);
    if (finished !== undefined) task.finishedAt = finished;
    const generations = Array.isArray(body.generations) ? body.generations : [];
    task.outputs = generations
      .map((g) => text(record(g).id))
      .filter((g): g is string => g !== undefined)
      .map((generationId, index) => ({ index, id: generationId, contents }));
    const reason = text(body.failure_reason);
    if (status === 'failed' || status === 'cancelled') {
      task.failure = failure(reason, reason ?? `the job ended ${rawStatus}`, body.inner_error);
    }
  } else {
    task.size = text(body.size);
    task.seconds = num(body.seconds);
    const progress = num(body.progress);
    if (progress !== undefined) task.progress = progress;
    const finished = num(body.completed_at);
    if (finished !== undefined) task.finishedAt = finished;
    if (status === 'succeeded') task.outputs = [{ index: 0, id, contents }];
    const remixed = text(body.remixed_from_video_id);
    if (remixed !== undefined) task.remixedFrom = remixed;
    const error = record(body.error);
    if (status === 'failed' || status === 'cancelled') {
      task.failure = failure(
        text(error.code),
        text(error.message) ?? text(error.code) ?? `the video ended ${rawStatus}`,
        error.inner_error ?? error.innererror ?? body.inner_error,
      );
    }
  }
  if (status === 'succeeded') task.progress = 100;
  const expires = num(body.expires_at);
  if (expires !== undefined) task.expiresAt = expires;
  return task;
}

function failure(code: string | undefined, message: string, innerError: unknown): VideoTaskFailure {
  const out: VideoTaskFailure = { code, message, contentFilter: isModerationFailure(code, innerError) };
  if (innerError !== undefined && innerError !== null) out.innerError = innerError;
  return out;
}

/** Read a list answer (either API) as a page of tasks. */
export function parseVideoTaskList(api: VideoApi, raw: unknown): VideoTaskList {
  const body = record(raw);
  const data = (Array.isArray(body.data) ? body.data : []).map((item) => parseVideoTask(api, item));
  const hasMore = body.has_more === true;
  const last = text(body.last_id) ?? data[data.length - 1]?.id;
  return { data, hasMore, nextAfter: hasMore ? last : undefined };
}

/** The error for a task that ended badly: ContentFilterError for moderation, else JobFailedError. */
export function videoTaskError(task: VideoTask): Error {
  return jobFailure(task.id, task.rawStatus, task.failure?.code ?? task.failure?.message, task.raw);
}
