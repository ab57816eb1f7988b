/**
 * Sora 2 (raw API): Azure's `/openai/v1/videos`, the OpenAI-shaped video API, at
 * `client.videos.sora2`. One video per request; `seconds` travels as a string. The unified
 * `client.videos` calls cover both video APIs; use this for Azure's own shapes.
 */
import { readJson, type AzureOpenAIMedia, type CallOptions } from '../client.js';
import type { VideoModel } from '../models.js';
import { operationPath } from '../operations.js';
import { sendVideoCreate } from '../video/reconcile.js';
import { ValidationError } from '../errors.js';
import { downloadFrom, type Download } from '../download.js';
import { pollJob, type WaitOptions } from '../polling.js';
import { preflight } from '../preflight.js';
import { inspectFile, isFileInput, toUpload, type FileInput } from '../uploads.js';
import { videoCreate, videoRemix } from '../validate/videos.js';
import { MAX_LIST_PAGES, checkId, jobFailure } from './video-common.js';

export type VideoStatus = 'queued' | 'in_progress' | 'completed' | 'failed';

export interface Video {
  object: 'video';
  id: string;
  status: VideoStatus;
  model: string;
  /** 0-100 while in progress. */
  progress?: number;
  prompt?: string | null;
  created_at: number;
  completed_at?: number | null;
  expires_at?: number | null;
  seconds: string;
  size: string;
  remixed_from_video_id?: string | null;
  error?: { code: string; message: string } | null;
}

export interface VideoList {
  object: 'list';
  data: Video[];
  has_more: boolean;
  first_id?: string | null;
  last_id?: string | null;
}

export interface CreateVideoRequest {
  /** The deployment name. */
  model: string;
  prompt: string;
  /** "4", "8" or "12" (see the model table); a number is sent as its string. */
  seconds?: string | number;
  /** e.g. "1280x720". */
  size?: string;
  /** An image the video starts from. */
  input_reference?: FileInput;
}

export interface ListVideosParams {
  limit?: number;
  after?: string;
  order?: 'asc' | 'desc';
}

export type VideoVariant = 'video' | 'thumbnail' | 'spritesheet';
const VARIANTS: Record<VideoVariant, string> = {
  video: 'video/mp4',
  thumbnail: 'application/octet-stream',
  spritesheet: 'application/octet-stream',
};

export interface VideoContentOptions extends CallOptions {
  variant?: VideoVariant;
}

const PATH = operationPath('videos.create', 'videos')!;
const videoPath = (videoId: string) => operationPath('videos.retrieve', 'videos', { id: videoId })!;

export class Sora2Videos {
  constructor(protected readonly client: AzureOpenAIMedia) {}

  /** Start a Sora 2 video (multipart). Resolves with the queued video; use `wait` for the result. */
  async create(request: CreateVideoRequest, options: CallOptions = {}): Promise<Video> {
    const reference = request?.input_reference;
    const referenceFacts = isFileInput(reference) ? await inspectFile(reference) : undefined;
    const model = preflight(this.client, request?.model, 'video', (model) =>
      videoCreate(request, model, referenceFacts ? { input_reference: referenceFacts } : undefined),
    );
    const video = model?.kind === 'video' ? (model as VideoModel) : undefined;
    const form = new FormData();
    form.append('model', request.model);
    form.append('prompt', request.prompt);
    if (request.seconds !== undefined) form.append('seconds', String(request.seconds));
    if (request.size !== undefined) form.append('size', request.size);
    if (reference !== undefined) {
      const upload = await toUpload(reference, 'input_reference');
      form.append('input_reference', upload.blob, upload.filename);
    }
    const seconds = request.seconds !== undefined ? Number(request.seconds) : video?.defaultSeconds;
    return (await sendVideoCreate(
      this.client,
      { operation: 'videos.create', method: 'POST', route: 'v1', path: PATH, body: form },
      {
        api: 'videos',
        models: video ? [request.model, video.name] : [request.model],
        prompt: request.prompt,
        size: request.size,
        seconds,
      },
      options,
    )) as Video;
  }

  async get(videoId: string, options: CallOptions = {}): Promise<Video> {
    return this.#get(videoId, options).then((r) => r.job);
  }

  async list(params: ListVideosParams = {}, options: CallOptions = {}): Promise<VideoList> {
    checkVideoListParams(params);
    return this.client.requestJson<VideoList>({
      ...options,
      operation: 'videos.list',
      method: 'GET',
      route: 'v1',
      path: PATH,
      query: { limit: params.limit, after: params.after, order: params.order },
    });
  }

  /** Every video, page after page. */
  async *listAll(params: ListVideosParams = {}, options: CallOptions = {}): AsyncGenerator<Video> {
    let after = params.after;
    const seen = new Set<string>();
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const result = await this.list({ ...params, after }, options);
      for (const video of result.data) yield video;
      const next = result.last_id ?? result.data[result.data.length - 1]?.id;
      if (!result.has_more || !next || seen.has(next)) return;
      seen.add(next);
      after = next;
    }
  }

  async delete(
    videoId: string,
    options: CallOptions = {},
  ): Promise<{ id: string; object: 'video.deleted'; deleted: boolean }> {
    checkId('videoId', videoId);
    return this.client.request(
      { ...options, operation: 'videos.delete', method: 'DELETE', route: 'v1', path: videoPath(videoId) },
      async (response) =>
        // Some deployments answer 204 with no body.
        response.status === 204 || response.headers.get('content-length') === '0'
          ? { id: videoId, object: 'video.deleted' as const, deleted: true }
          : readJson(response),
    );
  }

  /** The finished video (or its thumbnail or spritesheet) as a stream, with its length and type. */
  async content(videoId: string, options: VideoContentOptions = {}): Promise<Download> {
    checkId('videoId', videoId);
    const { variant, ...call } = options;
    if (variant !== undefined && !(variant in VARIANTS)) {
      throw new ValidationError([
        {
          path: 'variant',
          code: 'not_allowed',
          message: `variant ${JSON.stringify(variant)} is not supported; use video, thumbnail or spritesheet`,
          allowed: Object.keys(VARIANTS),
        },
      ]);
    }
    const response = await this.client.request({
      ...call,
      operation: 'videos.downloadContent',
      method: 'GET',
      route: 'v1',
      path: operationPath('videos.downloadContent', 'videos', { id: videoId })!,
      query: { variant },
      headers: { accept: '*/*' },
      download: true,
    });
    return downloadFrom(response, VARIANTS[variant ?? 'video'], call.signal);
  }

  /** A new video from an existing one with a changed prompt. */
  async remix(videoId: string, request: { prompt: string }, options: CallOptions = {}): Promise<Video> {
    checkId('videoId', videoId);
    if (this.client.validation !== 'off') {
      const found = videoRemix(request);
      if (found.length > 0) throw new ValidationError(found, 'video remix');
    }
    return (await sendVideoCreate(
      this.client,
      {
        operation: 'videos.remix',
        method: 'POST',
        route: 'v1',
        path: operationPath('videos.remix', 'videos', { id: videoId })!,
        body: { prompt: request.prompt },
      },
      { api: 'videos', models: [], prompt: request.prompt, remixedFrom: videoId },
      options,
    )) as Video;
  }

  /** Poll until the video is completed; a failed video throws JobFailedError (ContentFilterError for moderation). */
  async wait(videoId: string, options: WaitOptions<Video> = {}): Promise<Video> {
    checkId('videoId', videoId);
    return pollJob(
      this.client,
      {
        fetch: (call) => this.#get(videoId, call),
        outcome: (video) =>
          video.status === 'completed' ? 'done' : video.status === 'failed' ? 'failed' : 'pending',
        fail: (video) => jobFailure(video.id, video.status, video.error?.code ?? video.error?.message, video),
        progressKey: (video) => `${video.status}:${video.progress ?? ''}`,
      },
      options,
    );
  }

  #get(videoId: string, options: CallOptions): Promise<{ job: Video; headers: Headers }> {
    checkId('videoId', videoId);
    return this.client.request(
      { ...options, operation: 'videos.retrieve', method: 'GET', route: 'v1', path: videoPath(videoId) },
      async (response) => ({ job: await readJson<Video>(response), headers: response.headers }),
    );
  }
}

function checkVideoListParams(params: ListVideosParams): void {
  const { limit, order } = params;
  const found = [];
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1)) {
    found.push({
      path: 'limit',
      code: 'invalid',
      message: `limit must be a positive integer (got ${JSON.stringify(limit)})`,
    });
  }
  if (order !== undefined && order !== 'asc' && order !== 'desc') {
    found.push({
      path: 'order',
      code: 'not_allowed',
      message: `order ${JSON.stringify(order)} is not valid; use asc or desc`,
      allowed: ['asc', 'desc'],
    });
  }
  if (found.length > 0) throw new ValidationError(found, 'list videos');
}
