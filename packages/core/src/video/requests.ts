/**
 * Pure builders of the requests of the unified video interface, for either video API, and the
 * checks of the unified create request. A caller with its own transport (the service relays bytes
 * through its own) builds a request here, sends it, and reads the answer with `parseVideoTask`,
 * never asking which API the deployment uses.
 */
import type { RequestSpec } from '../client.js';
import { ValidationError, type Issue } from '../errors.js';
import type { ModelSpec, VideoApi, VideoModel } from '../models.js';
import { getOperation, operationPath, type OperationId } from '../operations.js';
import { inspectFileSync, isFileInput, uploadWith, type FileFacts, type FileInput } from '../uploads.js';
import { videoCreate, videoFileName, videoJob } from '../validate/videos.js';
import type { CropBounds } from '../resources/video-jobs.js';
import { VIDEO_APIS, type VideoContent, type VideoQuality } from './capabilities.js';

/** An image or video given to a create. */
export interface VideoMedia {
  file: FileInput;
  /** The frame where it appears; 0 (the default) makes the video start from it. */
  frame_index?: number;
  /** The part of the frame it covers, where the model supports inpainting. */
  crop_bounds?: CropBounds;
}

/** One create request for either video API. */
export interface VideoCreateRequest {
  /** The deployment name. */
  model: string;
  prompt: string;
  /** `WIDTHxHEIGHT`, one of the model's sizes (see `videoCapabilities`). */
  size?: string;
  /** Length in seconds, one of the model's lengths. */
  seconds?: number;
  /** How many videos to make (the model's `variants` range; 1 for Sora 2). */
  variants?: number;
  /** Images or videos to start from (or, with inpainting, to place at a frame). */
  media?: VideoMedia[];
}

export interface VideoRemixRequest {
  prompt: string;
}

export interface VideoListParams {
  /** Page size. */
  limit?: number;
  /** The `nextAfter` of the previous page. */
  after?: string;
}

export interface VideoDownloadParams {
  /** Which output of the task (0-based, default 0): Sora 1 makes one per variant. */
  output?: number;
  /** `video` (default), `thumbnail`, or `spritesheet` where offered (see the output's `contents`). */
  content?: VideoContent;
  /** The rendition of `video` where the API offers several (Sora 1: `high`, default, or `low`). */
  quality?: VideoQuality;
}

/** A request ready to send with `client.request` (or any transport): everything but call options. */
export type VideoRequestSpec = Required<Pick<RequestSpec, 'operation' | 'method' | 'route' | 'path'>> &
  Pick<RequestSpec, 'query' | 'body' | 'headers'>;

const CREATE_FIELDS = ['model', 'prompt', 'size', 'seconds', 'variants', 'media'];
const MEDIA_FIELDS = ['file', 'frame_index', 'crop_bounds'];
const CONTENT_TYPES: Record<VideoContent, string> = {
  video: 'video/mp4',
  thumbnail: 'image/*',
  spritesheet: 'image/*',
};

function spec(
  operation: OperationId,
  api: VideoApi,
  params: { id?: string; content?: string } = {},
): VideoRequestSpec {
  const entry = getOperation(operation);
  const path = operationPath(operation, api, params);
  if (path === undefined) {
    throw new ValidationError([
      {
        path: 'model',
        code: 'not_supported',
        message: `${operation} is not available in ${VIDEO_APIS[api].label}`,
      },
    ]);
  }
  return { operation, method: entry.method, route: entry.route, path };
}

function checkId(id: unknown, what: string): string {
  if (typeof id !== 'string' || id.trim() === '') {
    throw new ValidationError([
      {
        path: what,
        code: 'required',
        message: `${what} must be a non-empty string (got ${JSON.stringify(id) ?? 'undefined'})`,
      },
    ]);
  }
  return id;
}

/** The names media files go under: the caller's, else `file-<index>.<ext>`, made unique. */
function mediaNames(facts: readonly FileFacts[]): string[] {
  const names: string[] = [];
  facts.forEach((f, i) => {
    const name = videoFileName(f, i);
    names.push(names.includes(name) ? `${i}-${name}` : name);
  });
  return names;
}

function mediaFacts(request: VideoCreateRequest, known?: readonly (FileFacts | undefined)[]): FileFacts[] {
  return (request.media ?? []).map((m, i) => known?.[i] ?? inspectFileSync(m.file));
}

/** The request in one API's own field names (what its validator and Azure expect). */
function wireRequest(
  api: VideoApi,
  request: VideoCreateRequest,
  facts: readonly FileFacts[],
): Record<string, unknown> {
  const media = request.media ?? [];
  if (api === 'videos') {
    return defined({
      model: request.model,
      prompt: request.prompt,
      size: request.size,
      seconds: request.seconds,
      input_reference: media[0]?.file,
    });
  }
  const [width, height] = parseSize(request.size);
  const names = mediaNames(facts);
  return defined({
    model: request.model,
    prompt: request.prompt,
    width,
    height,
    n_seconds: request.seconds,
    n_variants: request.variants,
    files: media.length > 0 ? media.map((m) => m.file) : undefined,
    inpaint_items:
      media.length > 0
        ? media.map((m, i) =>
            defined({
              frame_index: m.frame_index ?? 0,
              type: facts[i]?.contentType?.startsWith('video/') ? 'video' : 'image',
              file_name: names[i],
              crop_bounds: m.crop_bounds,
            }),
          )
        : undefined,
  });
}

function parseSize(size: string | undefined): [number | undefined, number | undefined] {
  const match = typeof size === 'string' ? /^(\d+)x(\d+)$/.exec(size) : null;
  return match ? [Number(match[1]), Number(match[2])] : [undefined, undefined];
}

function defined<T extends Record<string, unknown>>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Build the create request for an API. `files` are facts read ahead with `inspectFile` (needed for
 * a Blob's content type); without them what is known synchronously is used.
 */
export function buildVideoCreate(
  api: VideoApi,
  request: VideoCreateRequest,
  files?: readonly (FileFacts | undefined)[],
): VideoRequestSpec {
  const facts = mediaFacts(request, files);
  const wire = wireRequest(api, request, facts);
  const out = spec('videos.create', api);
  const media = request.media ?? [];
  if (api === 'jobs' && media.length === 0) return { ...out, body: wire };
  const form = new FormData();
  const names = mediaNames(facts);
  for (const [key, value] of Object.entries(wire)) {
    if (key === 'files' || key === 'input_reference') continue;
    form.append(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  media.forEach((m, i) => {
    const upload = uploadWith(m.file, facts[i], `file-${i}`);
    form.append(api === 'jobs' ? 'files' : 'input_reference', upload.blob, names[i]);
  });
  return { ...out, body: form };
}

/** A remix of a finished video; a ValidationError for an API without remix. */
export function buildVideoRemix(
  api: VideoApi,
  sourceId: string,
  request: VideoRemixRequest,
): VideoRequestSpec {
  return { ...spec('videos.remix', api, { id: checkId(sourceId, 'id') }), body: { prompt: request.prompt } };
}

export function buildVideoRetrieve(api: VideoApi, id: string): VideoRequestSpec {
  return spec('videos.retrieve', api, { id: checkId(id, 'id') });
}

export function buildVideoDelete(api: VideoApi, id: string): VideoRequestSpec {
  return spec('videos.delete', api, { id: checkId(id, 'id') });
}

/** One page of tasks, newest first. */
export function buildVideoList(api: VideoApi, params: VideoListParams = {}): VideoRequestSpec {
  checkListParams(params);
  // Sora 1 requires `limit` (its default is 10); Sora 2 takes the order explicitly.
  const query =
    api === 'jobs'
      ? { limit: params.limit ?? 10, after: params.after }
      : { limit: params.limit, after: params.after, order: 'desc' };
  return { ...spec('videos.list', api), query };
}

/** The download of one output (`outputId` is the output's `id`). */
export function buildVideoDownload(
  api: VideoApi,
  outputId: string,
  params: Omit<VideoDownloadParams, 'output'> = {},
): VideoRequestSpec {
  const content = params.content ?? 'video';
  const facts = VIDEO_APIS[api];
  const found: Issue[] = [];
  if (!facts.contents.includes(content)) {
    found.push({
      path: 'content',
      code: 'not_allowed',
      message: `content ${JSON.stringify(content)} is not offered by ${facts.label}; use ${facts.contents.join(', ')}`,
      allowed: facts.contents,
    });
  }
  if (params.quality !== undefined && (content !== 'video' || !facts.qualities.includes(params.quality))) {
    found.push({
      path: 'quality',
      code: 'not_allowed',
      message:
        facts.qualities.length === 0
          ? `quality is not offered by ${facts.label}`
          : `quality ${JSON.stringify(params.quality)} is not offered for ${content}; use ${facts.qualities.join(' or ')} with the video`,
      allowed: facts.qualities,
    });
  }
  if (found.length > 0) throw new ValidationError(found, 'video download');
  const id = checkId(outputId, 'output id');
  const base = spec('videos.downloadContent', api, { id, content });
  const query =
    api === 'jobs'
      ? { quality: content === 'video' ? params.quality : undefined }
      : { variant: content === 'video' ? undefined : content };
  return { ...base, query, headers: { accept: CONTENT_TYPES[content] } };
}

function checkListParams(params: VideoListParams): void {
  const found: Issue[] = [];
  const { limit, after } = params;
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1)) {
    found.push({
      path: 'limit',
      code: 'invalid',
      message: `limit must be a positive integer (got ${JSON.stringify(limit)})`,
    });
  }
  if (after !== undefined && (typeof after !== 'string' || after === '')) {
    found.push({ path: 'after', code: 'invalid_type', message: 'after must be a task id string' });
  }
  if (found.length > 0) throw new ValidationError(found, 'list video tasks');
}

/**
 * Every problem with a unified create request for a model (undefined: the model is not known, so
 * only the generic checks run), with paths in the unified names (`size`, `seconds`, `media[0]`).
 * The model's own rules are the API validators', run on the request in that API's field names.
 */
export function validateVideoCreate(
  api: VideoApi,
  request: unknown,
  model: ModelSpec | undefined,
  files?: readonly (FileFacts | undefined)[],
): Issue[] {
  if (!request || typeof request !== 'object' || Array.isArray(request)) {
    return [{ path: '', code: 'invalid_type', message: 'the request must be an object' }];
  }
  const r = request as Record<string, unknown>;
  const out: Issue[] = [];
  for (const key of Object.keys(r)) {
    if (r[key] !== undefined && !CREATE_FIELDS.includes(key)) {
      out.push({
        path: key,
        code: 'unknown_field',
        message: `unknown field ${JSON.stringify(key)}; known fields are ${CREATE_FIELDS.join(', ')}`,
        allowed: CREATE_FIELDS,
      });
    }
  }
  if (r.size !== undefined && (typeof r.size !== 'string' || !/^\d+x\d+$/.test(r.size))) {
    out.push({
      path: 'size',
      code: 'invalid_format',
      message: `size must be "WIDTHxHEIGHT", e.g. "1280x720" (got ${JSON.stringify(r.size)})`,
    });
  }
  for (const key of ['seconds', 'variants'] as const) {
    const value = r[key];
    if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value))) {
      out.push({
        path: key,
        code: 'not_integer',
        message: `${key} must be an integer (got ${JSON.stringify(value)})`,
      });
    }
  }
  const video = model?.kind === 'video' ? (model as VideoModel) : undefined;
  if (video && typeof r.variants === 'number' && api === 'videos') {
    const { min, max } = video.variants;
    if (r.variants < min || r.variants > max) {
      out.push({
        path: 'variants',
        code: 'out_of_range',
        message: `variants ${r.variants} is out of range for ${video.name}; use ${min === max ? min : `${min} to ${max}`}`,
        allowed: [min, max],
      });
    }
  }
  const media = r.media;
  if (media !== undefined) {
    if (!Array.isArray(media)) {
      out.push({
        path: 'media',
        code: 'invalid_type',
        message: 'media must be an array of { file, frame_index?, crop_bounds? }',
      });
    } else {
      media.forEach((m, i) => checkMediaItem(out, api, m, i, video));
      if (media.length > VIDEO_APIS[api].maxMedia) {
        out.push({
          path: 'media',
          code: 'too_many',
          message: `media has ${media.length} items; ${video?.name ?? VIDEO_APIS[api].label} takes ${VIDEO_APIS[api].maxMedia}`,
          allowed: [VIDEO_APIS[api].maxMedia],
        });
      }
    }
  }
  if (out.length > 0) return out;
  // The shape is right: apply the model's rules in the API's own names, then name the fields back.
  const typed = r as unknown as VideoCreateRequest;
  const facts = mediaFacts(typed, files);
  const wire = wireRequest(api, typed, facts);
  const found =
    api === 'jobs'
      ? videoJob(wire, model, { files: facts })
      : videoCreate(wire, model, facts[0] ? { input_reference: facts[0] } : undefined);
  return dedupe(found.map((issue) => renameIssue(api, issue)));
}

function checkMediaItem(
  out: Issue[],
  api: VideoApi,
  item: unknown,
  i: number,
  video: VideoModel | undefined,
): void {
  const path = `media[${i}]`;
  if (!item || typeof item !== 'object' || Array.isArray(item)) {
    out.push({ path, code: 'invalid_type', message: `${path} must be { file, frame_index?, crop_bounds? }` });
    return;
  }
  const m = item as Record<string, unknown>;
  for (const key of Object.keys(m)) {
    if (m[key] !== undefined && !MEDIA_FIELDS.includes(key)) {
      out.push({
        path: `${path}.${key}`,
        code: 'unknown_field',
        message: `unknown field "${path}.${key}"; known fields are ${MEDIA_FIELDS.join(', ')}`,
        allowed: MEDIA_FIELDS,
      });
    }
  }
  if (!isFileInput(m.file)) {
    out.push({
      path: `${path}.file`,
      code: 'invalid_type',
      message: `${path}.file must be a Uint8Array, a Blob or { data, filename?, contentType? }`,
    });
  }
  if (!VIDEO_APIS[api].inpaint) {
    const subject = video?.name ?? VIDEO_APIS[api].label;
    if (m.frame_index !== undefined && m.frame_index !== 0) {
      out.push({
        path: `${path}.frame_index`,
        code: 'not_supported',
        message: `${path}.frame_index ${JSON.stringify(m.frame_index)} is not supported by ${subject}: media only starts the video (frame 0)`,
        allowed: [0],
      });
    }
    if (m.crop_bounds !== undefined) {
      out.push({
        path: `${path}.crop_bounds`,
        code: 'not_supported',
        message: `${path}.crop_bounds is not supported by ${subject}: it does not inpaint`,
      });
    }
  }
}

/** API field names to unified ones, longest first. */
const RENAMES: Record<VideoApi, readonly [RegExp, string][]> = {
  jobs: [
    [/\bwidth x height\b/g, 'size'],
    [/\b(width|height)\b/g, 'size'],
    [/\bn_seconds\b/g, 'seconds'],
    [/\bn_variants\b/g, 'variants'],
    [/\bfiles\[(\d+)\]/g, 'media[$1].file'],
    [/\binpaint_items\[(\d+)\]/g, 'media[$1]'],
    [/\b(files|inpaint_items)\b/g, 'media'],
  ],
  videos: [[/\binput_reference\b/g, 'media[0].file']],
};

function rename(api: VideoApi, text: string): string {
  let out = text;
  for (const [pattern, to] of RENAMES[api]) out = out.replace(pattern, to);
  return out;
}

function renameIssue(api: VideoApi, issue: Issue): Issue {
  return { ...issue, path: rename(api, issue.path), message: rename(api, issue.message) };
}

/** `width` and `height` both missing become one `size` issue. */
function dedupe(found: Issue[]): Issue[] {
  const seen = new Set<string>();
  return found.filter((i) => {
    const key = `${i.path}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
