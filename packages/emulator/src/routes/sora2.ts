/** Sora 2 videos: `/openai/v1/videos` in the OpenAI shape (errors wrapped). */
import type { ModelSpec, VideoModel } from '@aoai-media/core';
import { badRequest, HttpError, invalidValue } from '../errors.js';
import { POLICY_MESSAGE, promptFilterResults } from '../filter.js';
import { json, type Ctx, type Reply } from '../http.js';
import { probeImage } from '../media/image.js';
import { renderSpritesheet, renderThumbnail } from '../media/video.js';
import type { EmulatorState, VideoRecord } from '../state.js';
import { newId, seconds } from '../util.js';
import { intIn, onlyFields, requireString } from '../validate.js';
import { checkRunningLimit, ranged } from './videos.js';

function notFound(id: string): HttpError {
  return new HttpError(404, {
    code: 'not_found',
    message: `Video '${id}' was not found.`,
    param: 'video_id',
    type: 'invalid_request_error',
  });
}

function videoModel(spec: ModelSpec, deployment: string | undefined): VideoModel {
  if (spec.kind !== 'video' || spec.api !== 'videos') {
    throw badRequest(
      `Deployment '${deployment}' (model ${spec.name}) does not support the videos API; use a Sora 2 deployment.`,
      'model',
      'OperationNotSupported',
    );
  }
  return spec;
}

function videoJson(emu: EmulatorState, v: VideoRecord): Record<string, unknown> {
  const view = emu.videoView(v);
  return {
    id: v.id,
    object: 'video',
    created_at: seconds(v.createdMs),
    status: view.status,
    model: v.deployment,
    progress: view.progress,
    seconds: v.seconds,
    size: v.size,
    quality: 'standard',
    prompt: v.prompt,
    completed_at: view.completedMs !== undefined ? seconds(view.completedMs) : null,
    expires_at: view.expiresMs !== undefined ? seconds(view.expiresMs) : null,
    error: view.status === 'failed' && v.failure ? v.failure : null,
    remixed_from_video_id: v.remixedFrom ?? null,
  };
}

/** Reject (or mark for failure) a blocked prompt, check the running limit, then store the video. */
function start(
  ctx: Ctx,
  emu: EmulatorState,
  v: Omit<VideoRecord, 'id' | 'createdMs' | 'timings' | 'retentionMs'>,
): Reply {
  const hit = emu.blockedBy(v.prompt);
  if (hit) {
    emu.count('contentFiltered', v.deployment);
    if (emu.videoModeration === 'reject') {
      throw new HttpError(400, {
        code: 'content_policy_violation',
        message: POLICY_MESSAGE,
        param: 'prompt',
        type: 'invalid_request_error',
        inner_error: {
          code: 'ResponsibleAIPolicyViolation',
          revised_prompt: v.prompt,
          content_filter_results: promptFilterResults(hit),
        },
      });
    }
  }
  checkRunningLimit(emu, v.deployment);
  const record: VideoRecord = {
    ...v,
    id: newId('video'),
    createdMs: emu.clock.now(),
    timings: { ...emu.videoTimings },
    retentionMs: emu.videoRetentionMs,
  };
  if (hit) record.failure = { code: 'input_moderation', message: POLICY_MESSAGE };
  else {
    const planned = emu.takeVideoFailure(v.deployment);
    if (planned) {
      record.failure = { code: planned, message: `The video generation failed: ${planned}.` };
      record.failAfterMs = record.timings.preprocessing + record.timings.queued + record.timings.running;
    }
  }
  emu.videos.set(record.id, record);
  emu.count('videosCreated', v.deployment);
  emu.notePeak(v.deployment);
  return json(200, videoJson(emu, record));
}

export async function create(ctx: Ctx, emu: EmulatorState, spec: ModelSpec): Promise<Reply> {
  const model = videoModel(spec, ctx.deployment);
  const f = ctx.body.fields;
  onlyFields(f, ['model', 'prompt', 'seconds', 'size', 'input_reference'], model.name);
  const prompt = requireString('prompt', f.prompt, model.promptMaxLength);
  const allowedSeconds = model.seconds as readonly string[];
  const secs = f.seconds ?? String(model.defaultSeconds);
  if (typeof secs !== 'string' || !allowedSeconds.includes(secs)) {
    throw invalidValue(
      'seconds',
      secs,
      `Supported values are: ${allowedSeconds.map((s) => `'${s}'`).join(', ')} (sent as strings).`,
    );
  }
  const size = f.size ?? model.defaultSize ?? model.sizes[0];
  if (typeof size !== 'string' || !model.sizes.includes(size)) throw invalidValue('size', size, model.sizes);
  const others = ctx.body.files.filter((x) => x.field !== 'input_reference');
  if (others[0])
    throw badRequest(`Unknown file field '${others[0].field}'.`, others[0].field, 'unknown_parameter');
  const refs = ctx.body.files.filter((x) => x.field === 'input_reference');
  if (refs.length > (model.maxReferences ?? 1)) {
    throw badRequest(
      `Too many input_reference files: ${refs.length}. ${model.name} accepts ${model.maxReferences ?? 1}.`,
      'input_reference',
      'invalid_value',
    );
  }
  const ref = refs[0];
  if (ref) {
    if (model.maxMediaBytes !== undefined && ref.bytes.byteLength > model.maxMediaBytes) {
      throw badRequest(
        `Invalid 'input_reference': ${ref.bytes.byteLength} bytes; the limit is ${model.maxMediaBytes}.`,
        'input_reference',
        'invalid_value',
      );
    }
    const info = await probeImage(ref.bytes);
    const mime = info ? `image/${info.format}` : ref.contentType.split(';')[0]!.trim();
    if (!info || !model.mediaTypes.includes(mime))
      throw invalidValue('input_reference', `${ref.filename} (${mime})`, model.mediaTypes);
    if (model.referenceMatchesSize && `${info.width}x${info.height}` !== size) {
      throw invalidValue(
        'input_reference',
        `${ref.filename} (${info.width}x${info.height})`,
        `The reference image must match size ${size}.`,
      );
    }
  }
  return start(ctx, emu, { deployment: ctx.deployment!, prompt, size, seconds: secs });
}

export function list(ctx: Ctx, emu: EmulatorState): Reply {
  const q = ctx.url.searchParams;
  const limit = intIn('limit', q.get('limit') ?? undefined, { min: 1, max: 100 }) ?? 20;
  const order = q.get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') throw invalidValue('order', order, ['asc', 'desc']);
  let all = [...emu.videos.keys()]
    .map((id) => emu.videoRecord(id))
    .filter((v): v is VideoRecord => v !== undefined);
  all = order === 'asc' ? all : all.reverse();
  const after = q.get('after');
  let startAt = 0;
  if (after) {
    const i = all.findIndex((v) => v.id === after);
    if (i < 0) throw invalidValue('after', after, 'Expected the id of a video in this list.');
    startAt = i + 1;
  }
  const page = all.slice(startAt, startAt + limit);
  return json(200, {
    object: 'list',
    data: page.map((v) => videoJson(emu, v)),
    has_more: startAt + limit < all.length,
    first_id: page[0]?.id ?? null,
    last_id: page[page.length - 1]?.id ?? null,
  });
}

export function get(ctx: Ctx, emu: EmulatorState): Reply {
  const v = emu.videoRecord(ctx.params.id!);
  if (!v) throw notFound(ctx.params.id!);
  return json(200, videoJson(emu, v));
}

export function remove(ctx: Ctx, emu: EmulatorState): Reply {
  const id = ctx.params.id!;
  if (!emu.videoRecord(id)) throw notFound(id);
  emu.videos.delete(id);
  return json(200, { id, object: 'video.deleted', deleted: true });
}

function completed(emu: EmulatorState, id: string): VideoRecord {
  const v = emu.videoRecord(id);
  if (!v) throw notFound(id);
  const view = emu.videoView(v);
  if (view.status !== 'completed') {
    throw new HttpError(404, {
      code: 'video_not_ready',
      message: `Video '${id}' is ${view.status}; content is available once it is completed.`,
      param: 'video_id',
      type: 'invalid_request_error',
    });
  }
  return v;
}

export async function content(ctx: Ctx, emu: EmulatorState): Promise<Reply> {
  const variant = ctx.url.searchParams.get('variant') ?? 'video';
  if (!['video', 'thumbnail', 'spritesheet'].includes(variant))
    throw invalidValue('variant', variant, ['video', 'thumbnail', 'spritesheet']);
  const v = completed(emu, ctx.params.id!);
  const [width, height] = v.size.split('x').map(Number) as [number, number];
  const lastModified = new Date(emu.videoView(v).completedMs!).toUTCString();
  if (variant === 'thumbnail') {
    const bytes = await renderThumbnail(width, height, 'webp');
    return {
      status: 200,
      headers: {
        'content-type': 'image/webp',
        'content-length': bytes.length,
        'last-modified': lastModified,
      },
      body: bytes,
    };
  }
  if (variant === 'spritesheet') {
    const bytes = await renderSpritesheet(width, height);
    return {
      status: 200,
      headers: {
        'content-type': 'image/jpeg',
        'content-length': bytes.length,
        'last-modified': lastModified,
      },
      body: bytes,
    };
  }
  const model = emu.model(v.deployment);
  const fps = model?.kind === 'video' ? model.framesPerSecond : 30;
  const bytes = await emu.video.render({ width, height, seconds: Number(v.seconds), fps, quality: 'high' });
  return ranged(ctx, bytes, {
    'content-type': 'video/mp4',
    'last-modified': lastModified,
    'accept-ranges': 'bytes',
  });
}

export function remix(ctx: Ctx, emu: EmulatorState): Reply {
  const source = completed(emu, ctx.params.id!);
  const model = emu.model(source.deployment);
  if (model?.kind === 'video' && !model.remix) {
    throw badRequest(`${model.name} does not support remix.`, 'video_id', 'OperationNotSupported');
  }
  if (ctx.body.kind === 'empty')
    throw badRequest("Missing required parameter: 'prompt'.", 'prompt', 'missing_required_parameter');
  onlyFields(ctx.body.fields, ['prompt'], model?.name ?? source.deployment);
  const prompt = requireString(
    'prompt',
    ctx.body.fields.prompt,
    model?.kind === 'video' ? model.promptMaxLength : undefined,
  );
  return start(ctx, emu, {
    deployment: source.deployment,
    prompt,
    size: source.size,
    seconds: source.seconds,
    remixedFrom: source.id,
  });
}
