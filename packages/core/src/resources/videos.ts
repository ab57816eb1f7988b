/**
 * Video: one interface for Sora 1 jobs (`/video/generations/jobs`) and Sora 2 videos (`/videos`).
 * `client.videos` picks the API from the deployment's model (the model table's `api`), speaks one
 * request shape, and returns one task shape with one status vocabulary. The raw APIs stay
 * reachable as `client.videos.jobs` / `client.videos.generations` (Sora 1) and
 * `client.videos.sora2` (Sora 2).
 */
import { readJson, type AzureOpenAIMedia, type CallOptions } from '../client.js';
import { downloadFrom, type Download } from '../download.js';
import { ValidationError } from '../errors.js';
import type { VideoApi, VideoModel } from '../models.js';
import { pollJob, type WaitOptions } from '../polling.js';
import { preflight } from '../preflight.js';
import { inspectFile, isFileInput } from '../uploads.js';
import { videoRemix } from '../validate/videos.js';
import { videoApiFor, videoCapabilities, type VideoCapabilities } from '../video/capabilities.js';
import {
  expectCreated,
  findCreatedTask,
  sendVideoCreate,
  tasksMadeBy,
  type FindCreatedOptions,
} from '../video/reconcile.js';
import {
  buildVideoCreate,
  buildVideoDelete,
  buildVideoDownload,
  buildVideoList,
  buildVideoRemix,
  buildVideoRetrieve,
  validateVideoCreate,
  type VideoCreateRequest,
  type VideoDownloadParams,
  type VideoListParams,
  type VideoRemixRequest,
} from '../video/requests.js';
import {
  parseVideoTask,
  parseVideoTaskList,
  videoTaskError,
  type VideoTask,
  type VideoTaskList,
} from '../video/tasks.js';
import { Sora2Videos } from './sora2.js';
import { VideoGenerations } from './video-generations.js';
import { VideoJobs } from './video-jobs.js';
import { MAX_LIST_PAGES } from './video-common.js';

export * from './video-jobs.js';
export * from './video-generations.js';
export * from './sora2.js';
export * from '../video/capabilities.js';
export * from '../video/requests.js';
export * from '../video/tasks.js';
export {
  VIDEO_RECONCILE_CLOCK_SKEW_MS,
  expectCreated,
  matchCreatedTask,
  type CreatedTaskExpectation,
  type FindCreatedOptions,
  type MatchVerdict,
} from '../video/reconcile.js';
/** Turns a failed job into its error (JobFailedError, or ContentFilterError for moderation). */
export { jobFailure } from './video-common.js';
export type { Download } from '../download.js';
export type { WaitOptions } from '../polling.js';

/**
 * How calls that take a task find it: the task a call returned (it knows its API), or an id with
 * the deployment it was made on (the API comes from the deployment's model), or an id with the API.
 */
export type VideoTaskRef = VideoTask | { id: string; deployment: string } | { id: string; api: VideoApi };

/** Which tasks `list` pages through: those of a deployment's API, or of an API. */
export type VideoListScope = ({ deployment: string } | { api: VideoApi }) & VideoListParams;

/** A page of tasks that can fetch the next one; `for await` walks this page and every later one. */
export interface VideoTaskPage extends VideoTaskList {
  nextPage(): Promise<VideoTaskPage | undefined>;
  [Symbol.asyncIterator](): AsyncIterator<VideoTask>;
}

export interface VideoDownloadOptions extends VideoDownloadParams, CallOptions {}

const FALLBACK_TYPES: Record<string, string> = {
  video: 'video/mp4',
  thumbnail: 'application/octet-stream',
  spritesheet: 'application/octet-stream',
};

export class Videos {
  /** Sora 1 jobs, raw. */
  readonly jobs: VideoJobs;
  /** Sora 1 generations (a job's outputs), raw. */
  readonly generations: VideoGenerations;
  /** Sora 2 videos, raw. */
  readonly sora2: Sora2Videos;

  constructor(protected readonly client: AzureOpenAIMedia) {
    this.jobs = new VideoJobs(client);
    this.generations = new VideoGenerations(client);
    this.sora2 = new Sora2Videos(client);
  }

  /** The video API a deployment uses (see `videoApiFor` for the rule and its fallback). */
  apiFor(deployment: string): VideoApi {
    return videoApiFor(this.client, deployment);
  }

  /** What a deployment's model can do (sizes, seconds, remix, media, downloads); undefined when unknown. */
  capabilities(deployment: string): VideoCapabilities | undefined {
    return videoCapabilities(this.client.modelFor(deployment));
  }

  /**
   * Start a video task. Resolves with the task (usually queued); `wait` for the result. An
   * ambiguous failure is reconciled before anything is sent again (README: "What is retried").
   */
  async create(request: VideoCreateRequest, options: CallOptions = {}): Promise<VideoTask> {
    const deployment = typeof request?.model === 'string' ? request.model : '';
    const api = this.apiFor(deployment);
    const media = Array.isArray(request?.media) ? request.media : [];
    // A Blob's first bytes need an await, so its type is known before the rules run.
    const facts = await Promise.all(
      media.map((m) => (isFileInput(m?.file) ? inspectFile(m.file) : undefined)),
    );
    const model = preflight(this.client, request?.model, 'video', (model) =>
      validateVideoCreate(api, request, model, facts),
    );
    const raw = await sendVideoCreate(
      this.client,
      buildVideoCreate(api, request, facts),
      expectCreated(api, request, asVideoModel(model)),
      options,
    );
    return parseVideoTask(api, raw);
  }

  /** A new task from a finished one with a changed prompt, where the model supports remix. */
  async remix(
    source: VideoTaskRef,
    request: VideoRemixRequest,
    options: CallOptions = {},
  ): Promise<VideoTask> {
    const api = this.#api(source);
    if (this.client.validation !== 'off') {
      const found = videoRemix(request);
      if (found.length > 0) throw new ValidationError(found, 'video remix');
    }
    const raw = await sendVideoCreate(
      this.client,
      buildVideoRemix(api, source.id, request),
      { api, models: [], prompt: request.prompt, remixedFrom: source.id },
      options,
    );
    return parseVideoTask(api, raw);
  }

  async retrieve(task: VideoTaskRef, options: CallOptions = {}): Promise<VideoTask> {
    return (await this.#retrieve(task, options)).task;
  }

  /** One page of tasks, newest first; the page fetches the next, and `for await` walks them all. */
  async list(scope: VideoListScope, options: CallOptions = {}): Promise<VideoTaskPage> {
    const api = 'api' in scope ? scope.api : this.apiFor(scope.deployment);
    const { limit, after } = scope;
    return this.#page(api, { limit, after }, options, 0);
  }

  async #page(
    api: VideoApi,
    params: VideoListParams,
    options: CallOptions,
    pageNumber: number,
  ): Promise<VideoTaskPage> {
    const raw = await this.client.request({ ...options, ...buildVideoList(api, params) }, (response) =>
      readJson(response),
    );
    const list = parseVideoTaskList(api, raw);
    const next = async (): Promise<VideoTaskPage | undefined> =>
      list.hasMore && list.nextAfter && pageNumber + 1 < MAX_LIST_PAGES
        ? this.#page(api, { ...params, after: list.nextAfter }, options, pageNumber + 1)
        : undefined;
    return {
      ...list,
      nextPage: next,
      async *[Symbol.asyncIterator]() {
        const seen = new Set<string>();
        let page: VideoTaskPage | undefined = this as VideoTaskPage;
        while (page) {
          for (const task of page.data) yield task;
          // A cursor that does not move would loop forever.
          if (!page.nextAfter || seen.has(page.nextAfter)) return;
          seen.add(page.nextAfter);
          page = await page.nextPage();
        }
      },
    };
  }

  /**
   * Poll until the task succeeds and resolve with it. A failed or cancelled task throws
   * JobFailedError (ContentFilterError, carrying Azure's `inner_error`, for moderation).
   */
  async wait(task: VideoTaskRef, options: WaitOptions<VideoTask> = {}): Promise<VideoTask> {
    this.#api(task);
    return pollJob(
      this.client,
      {
        fetch: async (call) => {
          const { task: job, headers } = await this.#retrieve(task, call);
          return { job, headers };
        },
        outcome: (t) =>
          t.status === 'succeeded'
            ? 'done'
            : t.status === 'failed' || t.status === 'cancelled'
              ? 'failed'
              : 'pending',
        fail: (t) => videoTaskError(t),
        progressKey: (t) => `${t.rawStatus}:${t.progress ?? ''}`,
      },
      options,
    );
  }

  /**
   * One output's video (or thumbnail, or spritesheet) as a stream. With a task that has not
   * succeeded yet (or only an id), the task is fetched first to learn its outputs.
   */
  async downloadContent(task: VideoTaskRef, options: VideoDownloadOptions = {}): Promise<Download> {
    const { output = 0, content = 'video', quality, ...call } = options;
    const known = 'outputs' in task && task.status === 'succeeded' ? task : await this.retrieve(task, call);
    const chosen = known.outputs[output];
    if (!chosen) {
      throw new ValidationError([
        {
          path: 'output',
          code: known.status === 'succeeded' ? 'out_of_range' : 'not_ready',
          message:
            known.status === 'succeeded'
              ? `output ${output} does not exist; video task ${known.id} has outputs 0 to ${known.outputs.length - 1}`
              : `video task ${known.id} is ${known.status}; its outputs can be downloaded once it has succeeded`,
          allowed: known.outputs.map((o) => o.index),
        },
      ]);
    }
    const request = buildVideoDownload(known.api, chosen.id, { content, quality });
    const response = await this.client.request({ ...call, ...request, download: true });
    return downloadFrom(response, FALLBACK_TYPES[content] ?? 'application/octet-stream', call.signal);
  }

  /** Delete a task and its outputs. */
  async delete(task: VideoTaskRef, options: CallOptions = {}): Promise<{ id: string; deleted: true }> {
    const api = this.#api(task);
    await this.client.request({ ...options, ...buildVideoDelete(api, task.id) }, async (response) => {
      await response.body?.cancel();
    });
    return { id: task.id, deleted: true };
  }

  /**
   * The task a create made, looked for among the recent tasks (created after `since` less a
   * clock-skew allowance, with the same model, prompt, size, seconds and variants): for a process
   * that sent a create and lost the answer (a crash, a lost connection). Undefined when no recent
   * task matches; AmbiguousVideoMatchError when more than one could be it. Tasks this client
   * created or adopted are left out, with any ids in `exclude`.
   */
  async findCreated(
    request: VideoCreateRequest,
    options: FindCreatedOptions,
  ): Promise<VideoTask | undefined> {
    const api = this.apiFor(request.model);
    return findCreatedTask(
      this.client,
      'videos.create',
      expectCreated(api, request, asVideoModel(this.client.modelFor(request.model))),
      this.#excluding(options),
    );
  }

  /** The same for a remix of `source`. */
  async findRemixed(
    source: VideoTaskRef,
    request: VideoRemixRequest,
    options: FindCreatedOptions,
  ): Promise<VideoTask | undefined> {
    const api = this.#api(source);
    return findCreatedTask(
      this.client,
      'videos.remix',
      { api, models: [], prompt: request.prompt, remixedFrom: source.id },
      this.#excluding(options),
    );
  }

  /** Tasks this client made answered other calls: they are never the one looked for. */
  #excluding(options: FindCreatedOptions): FindCreatedOptions {
    return { ...options, exclude: [...tasksMadeBy(this.client), ...(options.exclude ?? [])] };
  }

  async #retrieve(task: VideoTaskRef, options: CallOptions): Promise<{ task: VideoTask; headers: Headers }> {
    const api = this.#api(task);
    return this.client.request({ ...options, ...buildVideoRetrieve(api, task.id) }, async (response) => ({
      task: parseVideoTask(api, await readJson(response)),
      headers: response.headers,
    }));
  }

  /** The API of a task reference; a ValidationError names what is missing. */
  #api(task: VideoTaskRef): VideoApi {
    const ref = (task ?? {}) as { id?: unknown; api?: unknown; deployment?: unknown };
    if (typeof ref.id !== 'string' || ref.id === '') {
      throw new ValidationError([
        {
          path: 'task.id',
          code: 'required',
          message: `task.id must be a non-empty string (got ${JSON.stringify(ref.id) ?? 'undefined'}); pass the task a call returned, or { id, deployment }`,
        },
      ]);
    }
    if (ref.api === 'jobs' || ref.api === 'videos') return ref.api;
    if (typeof ref.deployment === 'string' && ref.deployment !== '') return this.apiFor(ref.deployment);
    throw new ValidationError([
      {
        path: 'task.deployment',
        code: 'required',
        message: `task ${ref.id} needs its deployment (or api: "jobs" or "videos") to know which video API to call`,
      },
    ]);
  }
}

function asVideoModel(model: unknown): VideoModel | undefined {
  return (model as VideoModel | undefined)?.kind === 'video' ? (model as VideoModel) : undefined;
}
