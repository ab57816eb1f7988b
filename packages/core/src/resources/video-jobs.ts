/**
 * Sora 1 video generation jobs: Azure's `/openai/v1/video/generations/jobs`.
 * Jobs exist only on the v1 paths, whatever api-version the client uses for other calls.
 */
import { readJson, type AzureOpenAIMedia, type CallOptions } from '../client.js';
import { ValidationError, type Issue } from '../errors.js';
import type { ModelSpec } from '../models.js';
import { operationPath } from '../operations.js';
import { pollJob, type WaitOptions } from '../polling.js';
import { preflight } from '../preflight.js';
import { inspectFile, isFileInput, toUpload, type FileInput } from '../uploads.js';
import { videoFileName, videoJob } from '../validate/videos.js';
import { sendVideoCreate, type CreatedTaskExpectation } from '../video/reconcile.js';
import { MAX_LIST_PAGES, checkId, defined, jobFailure } from './video-common.js';

export type VideoJobStatus =
  'preprocessing' | 'queued' | 'running' | 'processing' | 'cancelled' | 'succeeded' | 'failed';
export const VIDEO_JOB_STATUSES: readonly VideoJobStatus[] = [
  'preprocessing',
  'queued',
  'running',
  'processing',
  'cancelled',
  'succeeded',
  'failed',
];

export interface CropBounds {
  left_fraction?: number;
  top_fraction?: number;
  right_fraction?: number;
  bottom_fraction?: number;
}

export interface InpaintItem {
  /** The frame of the generated video where this item starts. */
  frame_index: number;
  type: 'image' | 'video' | (string & {});
  /** The name of an attached file: its given filename, else `file-<index>.<ext>`. */
  file_name: string;
  crop_bounds?: CropBounds;
}

export interface VideoGeneration {
  object: 'video.generation';
  id: string;
  job_id: string;
  created_at: number;
  width: number;
  height: number;
  n_seconds: number;
  prompt: string;
}

export interface VideoJob {
  object: 'video.generation.job';
  id: string;
  status: VideoJobStatus;
  created_at: number;
  finished_at?: number | null;
  expires_at?: number | null;
  generations: VideoGeneration[];
  prompt: string;
  model: string;
  n_variants: number;
  n_seconds: number;
  height: number;
  width: number;
  failure_reason?: string | null;
  inpaint_items?: InpaintItem[];
}

export interface VideoJobList {
  object: 'list';
  data: VideoJob[];
  has_more: boolean;
  first_id?: string | null;
  last_id?: string | null;
}

export interface CreateVideoJobRequest {
  /** The deployment name. */
  model: string;
  prompt: string;
  width: number;
  height: number;
  n_seconds?: number;
  n_variants?: number;
}

export interface CreateVideoJobWithMediaRequest extends CreateVideoJobRequest {
  files: FileInput[];
  inpaint_items?: InpaintItem[];
}

export interface ListVideoJobsParams {
  /** Page size (Azure's default is 10). */
  limit?: number;
  before?: string;
  after?: string;
  statuses?: VideoJobStatus[];
}

const JOB_PATH = operationPath('videos.create', 'jobs')!;
const jobPath = (jobId: string) => operationPath('videos.retrieve', 'jobs', { id: jobId })!;

/** The Sora 1 raw API. The unified `client.videos` calls cover both video APIs; this is the raw form. */
export class VideoJobs {
  constructor(protected readonly client: AzureOpenAIMedia) {}

  /**
   * Start a text-to-video job. A create that fails ambiguously is reconciled (the recent jobs are
   * searched for the one it made) before it is ever sent again; see the README.
   */
  async create(request: CreateVideoJobRequest, options: CallOptions = {}): Promise<VideoJob> {
    const model = preflight(this.client, request?.model, 'video job', (model) => {
      const found = videoJob(request, model);
      if ((request as { files?: unknown })?.files !== undefined) {
        found.push({
          path: 'files',
          code: 'use_create_with_media',
          message: 'files are sent with client.videos.jobs.createWithMedia, not create',
        });
      }
      return found;
    });
    const { model: deployment, prompt, width, height, n_seconds, n_variants } = request;
    return (await sendVideoCreate(
      this.client,
      {
        operation: 'videos.create',
        method: 'POST',
        route: 'v1',
        path: JOB_PATH,
        body: defined({ model: deployment, prompt, width, height, n_seconds, n_variants }),
      },
      expectJob(request, model),
      options,
    )) as VideoJob;
  }

  /** Start a job from images or video (multipart `files`), optionally placed with `inpaint_items`. */
  async createWithMedia(
    request: CreateVideoJobWithMediaRequest,
    options: CallOptions = {},
  ): Promise<VideoJob> {
    const files = Array.isArray(request?.files) ? request.files : [];
    // A Blob's first bytes need an await, so its type is known before the rules run.
    const facts = await Promise.all(files.map((f) => (isFileInput(f) ? inspectFile(f) : undefined)));
    const model = preflight(this.client, request?.model, 'video job', (model) => {
      const found = videoJob(request, model, { files: facts });
      if (request?.files === undefined)
        found.push({
          path: 'files',
          code: 'required',
          message: 'files is required; attach at least one image or video',
        });
      return found;
    });
    const form = new FormData();
    const { model: deployment, prompt, width, height, n_seconds, n_variants, inpaint_items } = request;
    for (const [key, value] of Object.entries(
      defined({ model: deployment, prompt, width, height, n_seconds, n_variants }),
    )) {
      form.append(key, String(value));
    }
    if (inpaint_items !== undefined) form.append('inpaint_items', JSON.stringify(inpaint_items));
    for (const [i, file] of files.entries()) {
      const upload = await toUpload(file, `file-${i}`);
      // The same name the validator matched inpaint items against.
      const name = facts[i] ? videoFileName(facts[i], i) : upload.filename;
      form.append('files', upload.blob, name);
    }
    return (await sendVideoCreate(
      this.client,
      { operation: 'videos.create', method: 'POST', route: 'v1', path: JOB_PATH, body: form },
      expectJob(request, model),
      options,
    )) as VideoJob;
  }

  /** One page of jobs, newest first. */
  async list(params: ListVideoJobsParams = {}, options: CallOptions = {}): Promise<VideoJobList> {
    checkListParams(params);
    return this.client.requestJson<VideoJobList>({
      ...options,
      operation: 'videos.list',
      method: 'GET',
      route: 'v1',
      path: JOB_PATH,
      query: {
        limit: params.limit ?? 10,
        before: params.before,
        after: params.after,
        statuses: params.statuses,
      },
    });
  }

  /** Every job, page after page (`after` = the previous page's `last_id`). */
  async *listAll(
    params: Omit<ListVideoJobsParams, 'before'> = {},
    options: CallOptions = {},
  ): AsyncGenerator<VideoJob> {
    let after = params.after;
    const seen = new Set<string>();
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const result = await this.list({ ...params, after }, options);
      for (const job of result.data) yield job;
      const next = result.last_id ?? result.data[result.data.length - 1]?.id;
      // Stop on the last page, and on a cursor that does not move (a server bug would loop forever).
      if (!result.has_more || !next || seen.has(next)) return;
      seen.add(next);
      after = next;
    }
  }

  async get(jobId: string, options: CallOptions = {}): Promise<VideoJob> {
    return this.#get(jobId, options).then((r) => r.job);
  }

  /** Delete a job and its generations (Azure answers 204). */
  async delete(jobId: string, options: CallOptions = {}): Promise<void> {
    checkId('jobId', jobId);
    await this.client.request(
      { ...options, operation: 'videos.delete', method: 'DELETE', route: 'v1', path: jobPath(jobId) },
      async (response) => {
        await response.body?.cancel();
      },
    );
  }

  /**
   * Poll until the job succeeds and resolve with it. A failed or cancelled job throws
   * JobFailedError (ContentFilterError when the reason is `input_moderation`).
   */
  async wait(jobId: string, options: WaitOptions<VideoJob> = {}): Promise<VideoJob> {
    checkId('jobId', jobId);
    return pollJob(
      this.client,
      {
        fetch: (call) => this.#get(jobId, call),
        outcome: (job) =>
          job.status === 'succeeded'
            ? 'done'
            : job.status === 'failed' || job.status === 'cancelled'
              ? 'failed'
              : 'pending',
        fail: (job) => jobFailure(job.id, job.status, job.failure_reason ?? undefined, job),
        progressKey: (job) => job.status,
      },
      options,
    );
  }

  #get(jobId: string, options: CallOptions): Promise<{ job: VideoJob; headers: Headers }> {
    checkId('jobId', jobId);
    return this.client.request(
      { ...options, operation: 'videos.retrieve', method: 'GET', route: 'v1', path: jobPath(jobId) },
      async (response) => ({ job: await readJson<VideoJob>(response), headers: response.headers }),
    );
  }
}

function expectJob(request: CreateVideoJobRequest, model: ModelSpec | undefined): CreatedTaskExpectation {
  const video = model?.kind === 'video' ? model : undefined;
  return {
    api: 'jobs',
    models: video ? [request.model, video.name] : [request.model],
    prompt: request.prompt,
    size: `${request.width}x${request.height}`,
    seconds: request.n_seconds ?? video?.defaultSeconds,
    variants: request.n_variants ?? 1,
  };
}

function checkListParams(params: ListVideoJobsParams): void {
  const found: Issue[] = [];
  const { limit, statuses } = params;
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1)) {
    found.push({
      path: 'limit',
      code: 'invalid',
      message: `limit must be a positive integer (got ${JSON.stringify(limit)})`,
    });
  }
  if (statuses !== undefined) {
    if (!Array.isArray(statuses)) {
      found.push({
        path: 'statuses',
        code: 'invalid_type',
        message: 'statuses must be an array of job statuses',
      });
    } else {
      statuses.forEach((s, i) => {
        if (!VIDEO_JOB_STATUSES.includes(s)) {
          found.push({
            path: `statuses[${i}]`,
            code: 'not_allowed',
            message: `statuses[${i}] ${JSON.stringify(s)} is not a job status; use ${VIDEO_JOB_STATUSES.join(', ')}`,
            allowed: VIDEO_JOB_STATUSES,
          });
        }
      });
    }
  }
  for (const key of ['before', 'after'] as const) {
    if (params[key] !== undefined && typeof params[key] !== 'string') {
      found.push({ path: key, code: 'invalid_type', message: `${key} must be a job id string` });
    }
  }
  if (found.length > 0) throw new ValidationError(found, 'list video jobs');
}
