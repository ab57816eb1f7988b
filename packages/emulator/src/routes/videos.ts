/** Sora 1 video generation jobs: `/openai/v1/video/generations/...` (errors unwrapped). */
import { videoSizeLimit, type IntRange, type ModelSpec, type VideoModel } from '@aoai-media/core';
import { badRequest, HttpError, invalidValue, missingParameter } from '../errors.js';
import { POLICY_MESSAGE, promptFilterResults } from '../filter.js';
import { json, type Ctx, type Reply } from '../http.js';
import { renderThumbnail } from '../media/video.js';
import type { EmulatorState, InpaintItemRecord, JobRecord, JobStatus } from '../state.js';
import { isRecord, newId, seconds } from '../util.js';
import { intIn, onlyFields, requireString } from '../validate.js';

const JOB_STATUSES: readonly string[] = [
  'preprocessing',
  'queued',
  'running',
  'processing',
  'cancelled',
  'succeeded',
  'failed',
];

export function jobNotFound(id: string): HttpError {
  return new HttpError(404, { code: 'NotFound', message: `The video generation job '${id}' was not found.` });
}

function generationNotFound(id: string): HttpError {
  return new HttpError(404, {
    code: 'NotFound',
    message: `The video generation '${id}' was not found or is not ready.`,
  });
}

export function jobJson(emu: EmulatorState, job: JobRecord): Record<string, unknown> {
  const view = emu.jobView(job);
  const out: Record<string, unknown> = {
    object: 'video.generation.job',
    id: job.id,
    status: view.status,
    created_at: seconds(job.createdMs),
  };
  if (view.finishedMs !== undefined) out.finished_at = seconds(view.finishedMs);
  if (view.expiresMs !== undefined) out.expires_at = seconds(view.expiresMs);
  out.generations =
    view.status === 'succeeded' ? job.generationIds.map((g) => generationJson(job, g, view.finishedMs!)) : [];
  out.prompt = job.prompt;
  out.model = job.deployment;
  out.n_variants = job.nVariants;
  out.n_seconds = job.nSeconds;
  out.height = job.height;
  out.width = job.width;
  if (job.inpaintItems) out.inpaint_items = job.inpaintItems;
  if (view.status === 'failed' && job.failureReason) out.failure_reason = job.failureReason;
  return out;
}

function generationJson(job: JobRecord, id: string, finishedMs: number): Record<string, unknown> {
  return {
    object: 'video.generation',
    id,
    job_id: job.id,
    created_at: seconds(finishedMs),
    width: job.width,
    height: job.height,
    n_seconds: job.nSeconds,
    prompt: job.prompt,
  };
}

function mediaType(file: { contentType: string; filename: string }): string {
  if (file.contentType && file.contentType !== 'application/octet-stream')
    return file.contentType.split(';')[0]!.trim();
  const ext = file.filename.split('.').pop()?.toLowerCase();
  return (
    (
      {
        png: 'image/png',
        jpg: 'image/jpeg',
        jpeg: 'image/jpeg',
        webp: 'image/webp',
        mp4: 'video/mp4',
      } as Record<string, string>
    )[ext ?? ''] ?? 'application/octet-stream'
  );
}

function parseInpaintItems(raw: unknown, fileNames: string[], frames: number): InpaintItemRecord[] {
  let items: unknown = raw;
  if (typeof raw === 'string') {
    try {
      items = JSON.parse(raw);
    } catch {
      throw badRequest(`Invalid 'inpaint_items': not valid JSON.`, 'inpaint_items', 'invalid_value');
    }
  }
  if (!Array.isArray(items))
    throw badRequest(`Invalid 'inpaint_items': expected an array.`, 'inpaint_items', 'invalid_value');
  return items.map((item, i) => {
    const p = `inpaint_items[${i}]`;
    if (!isRecord(item)) throw badRequest(`Invalid '${p}': expected an object.`, p, 'invalid_value');
    const frame = item.frame_index ?? 0;
    if (typeof frame !== 'number' || !Number.isInteger(frame) || frame < 0 || frame >= frames) {
      throw invalidValue(
        `${p}.frame_index`,
        frame,
        `Expected an integer from 0 to ${frames - 1} (the video's frames).`,
      );
    }
    if (item.type !== 'image' && item.type !== 'video')
      throw invalidValue(`${p}.type`, item.type, ['image', 'video']);
    if (typeof item.file_name !== 'string' || !fileNames.includes(item.file_name)) {
      throw invalidValue(
        `${p}.file_name`,
        item.file_name,
        fileNames.length ? fileNames : 'No files were attached.',
      );
    }
    const out: InpaintItemRecord = { frame_index: frame, type: item.type, file_name: item.file_name };
    if (item.crop_bounds !== undefined) {
      if (!isRecord(item.crop_bounds))
        throw badRequest(
          `Invalid '${p}.crop_bounds': expected an object.`,
          `${p}.crop_bounds`,
          'invalid_value',
        );
      const b = { left_fraction: 0, top_fraction: 0, right_fraction: 1, bottom_fraction: 1 } as Record<
        string,
        number
      >;
      for (const key of Object.keys(b)) {
        const v = item.crop_bounds[key];
        if (v === undefined) continue;
        if (typeof v !== 'number' || !(v >= 0 && v <= 1))
          throw invalidValue(`${p}.crop_bounds.${key}`, v, 'Expected a number from 0 to 1.');
        b[key] = v;
      }
      if (!(b.left_fraction! < b.right_fraction!) || !(b.top_fraction! < b.bottom_fraction!)) {
        throw badRequest(
          `Invalid '${p}.crop_bounds': left must be below right and top below bottom.`,
          `${p}.crop_bounds`,
          'invalid_value',
        );
      }
      out.crop_bounds = b;
    }
    return out;
  });
}

/** 429 when the deployment already has its maximum of unfinished jobs. */
export function checkRunningLimit(emu: EmulatorState, deployment: string): void {
  const max = emu.limitsFor(deployment).maxRunningVideoJobs;
  if (!max) return;
  const running = emu.runningVideoJobs(deployment);
  if (running < max) return;
  emu.counters.rateLimited[deployment] = (emu.counters.rateLimited[deployment] ?? 0) + 1;
  const t = emu.videoTimings;
  const waitMs = t.preprocessing + t.queued + t.running + t.processing;
  throw new HttpError(
    429,
    {
      code: 'too_many_running_jobs',
      message: `Deployment '${deployment}' already has ${running} video jobs running; the limit is ${max}. Retry after a job finishes.`,
      type: 'rate_limit_error',
    },
    {
      'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))),
      'retry-after-ms': String(waitMs),
      'x-ms-retry-after-ms': String(waitMs),
      'x-ratelimit-remaining-requests': '0',
    },
  );
}

export async function createJob(ctx: Ctx, emu: EmulatorState, spec: ModelSpec): Promise<Reply> {
  if (spec.kind !== 'video' || spec.api !== 'jobs') {
    throw badRequest(
      `Deployment '${ctx.deployment}' (model ${spec.name}) does not support video generation jobs.`,
      'model',
      'OperationNotSupported',
    );
  }
  const model: VideoModel = spec;
  const f = ctx.body.fields;
  const multipart = ctx.body.kind === 'multipart';
  onlyFields(
    f,
    [
      'model',
      'prompt',
      'width',
      'height',
      'n_seconds',
      'n_variants',
      ...(multipart ? ['inpaint_items'] : []),
    ],
    model.name,
  );
  const prompt = requireString('prompt', f.prompt, model.promptMaxLength);
  if (f.width === undefined || f.width === null) throw missingParameter('width');
  if (f.height === undefined || f.height === null) throw missingParameter('height');
  const width = intIn('width', f.width, { min: 1, max: 10_000 })!;
  const height = intIn('height', f.height, { min: 1, max: 10_000 })!;
  const size = `${width}x${height}`;
  if (!model.sizes.includes(size)) {
    throw invalidValue('width', size, `Supported width x height values are: ${model.sizes.join(', ')}.`);
  }
  const limit = videoSizeLimit(model, size);
  const range = model.seconds as IntRange;
  const nSeconds =
    intIn('n_seconds', f.n_seconds, {
      min: range.min,
      max: Math.min(range.max, limit?.maxSeconds ?? range.max),
    }) ?? model.defaultSeconds;
  const nVariants =
    intIn('n_variants', f.n_variants, {
      min: model.variants.min,
      max: Math.min(model.variants.max, limit?.maxVariants ?? model.variants.max),
    }) ?? 1;

  let inpaintItems: InpaintItemRecord[] | undefined;
  if (multipart) {
    const files = ctx.body.files;
    const others = files.filter((x) => x.field !== 'files' && x.field !== 'files[]');
    if (others[0])
      throw badRequest(
        `Unknown file field '${others[0].field}'; attach media as 'files'.`,
        others[0].field,
        'unknown_parameter',
      );
    if (files.length === 0) throw missingParameter('files');
    for (const file of files) {
      const type = mediaType(file);
      if (!model.mediaTypes.includes(type))
        throw invalidValue('files', `${file.filename} (${type})`, model.mediaTypes);
      if (model.maxMediaBytes !== undefined && file.bytes.byteLength > model.maxMediaBytes) {
        throw badRequest(
          `File '${file.filename}' is ${file.bytes.byteLength} bytes; the limit is ${model.maxMediaBytes}.`,
          'files',
          'invalid_value',
        );
      }
    }
    if (f.inpaint_items !== undefined) {
      inpaintItems = parseInpaintItems(
        f.inpaint_items,
        files.map((x) => x.filename),
        nSeconds * model.framesPerSecond,
      );
    }
  }

  const deployment = ctx.deployment!;
  const hit = emu.blockedBy(prompt);
  if (hit && emu.videoModeration === 'reject') {
    emu.count('contentFiltered', deployment);
    throw new HttpError(400, {
      code: 'content_policy_violation',
      message: POLICY_MESSAGE,
      param: 'prompt',
      type: 'invalid_request_error',
      inner_error: {
        code: 'ResponsibleAIPolicyViolation',
        revised_prompt: prompt,
        error_details: promptFilterResults(hit),
      },
    });
  }
  checkRunningLimit(emu, deployment);

  const job: JobRecord = {
    id: newId('task'),
    deployment,
    prompt,
    width,
    height,
    nSeconds,
    nVariants,
    createdMs: emu.clock.now(),
    timings: { ...emu.videoTimings },
    retentionMs: emu.videoRetentionMs,
    generationIds: Array.from({ length: nVariants }, () => newId('gen')),
  };
  if (hit) {
    job.failureReason = 'input_moderation';
    emu.count('contentFiltered', deployment);
  } else {
    const planned = emu.takeVideoFailure(deployment);
    if (planned) {
      // A planned failure strikes while the job runs, after it has been queued.
      job.failureReason = planned;
      job.failAfterMs = job.timings.preprocessing + job.timings.queued + job.timings.running;
    }
  }
  if (inpaintItems) job.inpaintItems = inpaintItems;
  emu.jobs.set(job.id, job);
  job.generationIds.forEach((g, index) => emu.generations.set(g, { jobId: job.id, index }));
  emu.count('videoJobsCreated', deployment);
  emu.notePeak(deployment);
  return json(200, jobJson(emu, job));
}

function statusesParam(url: URL): string[] | undefined {
  const raw = url.searchParams
    .getAll('statuses')
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  if (raw.length === 0) return undefined;
  for (const s of raw) if (!JOB_STATUSES.includes(s)) throw invalidValue('statuses', s, JOB_STATUSES);
  return raw;
}

export function listJobs(ctx: Ctx, emu: EmulatorState): Reply {
  const q = ctx.url.searchParams;
  const limit = intIn('limit', q.get('limit') ?? undefined, { min: 1, max: 100 }) ?? 10;
  const statuses = statusesParam(ctx.url);
  // Newest first; ties keep creation order.
  let jobs = emu
    .liveJobs()
    .reverse()
    .sort((a, b) => b.createdMs - a.createdMs);
  if (statuses) jobs = jobs.filter((j) => statuses.includes(emu.jobView(j).status));
  const after = q.get('after');
  const before = q.get('before');
  let start = 0;
  let end = jobs.length;
  if (after) {
    const i = jobs.findIndex((j) => j.id === after);
    if (i < 0) throw invalidValue('after', after, 'Expected the id of a job in this list.');
    start = i + 1;
  }
  if (before) {
    const i = jobs.findIndex((j) => j.id === before);
    if (i < 0) throw invalidValue('before', before, 'Expected the id of a job in this list.');
    end = i;
  }
  let window = jobs.slice(start, Math.max(start, end));
  // `before` pages backwards: keep the jobs closest to the cursor.
  const hasMore = window.length > limit;
  window = before && !after ? window.slice(-limit) : window.slice(0, limit);
  const data = window.map((j) => jobJson(emu, j));
  const body: Record<string, unknown> = { object: 'list', data, has_more: hasMore };
  if (window[0]) body.first_id = window[0].id;
  if (window.length) body.last_id = window[window.length - 1]!.id;
  return json(200, body);
}

export function getJob(ctx: Ctx, emu: EmulatorState): Reply {
  const id = ctx.params.id!;
  const job = emu.job(id);
  if (!job) throw jobNotFound(id);
  return json(200, jobJson(emu, job));
}

export function deleteJob(ctx: Ctx, emu: EmulatorState): Reply {
  const id = ctx.params.id!;
  if (!emu.job(id)) throw jobNotFound(id);
  emu.deleteJob(id);
  return { status: 204 };
}

/** The job owning a generation, when that job has succeeded and not expired. */
function readyGeneration(emu: EmulatorState, id: string): { job: JobRecord; finishedMs: number } {
  const gen = emu.generations.get(id);
  const job = gen ? emu.job(gen.jobId) : undefined;
  const view = job ? emu.jobView(job) : undefined;
  if (!job || view?.status !== 'succeeded') throw generationNotFound(id);
  return { job, finishedMs: view.finishedMs! };
}

export function getGeneration(ctx: Ctx, emu: EmulatorState): Reply {
  const id = ctx.params.id!;
  const { job, finishedMs } = readyGeneration(emu, id);
  return json(200, generationJson(job, id, finishedMs));
}

export async function thumbnail(ctx: Ctx, emu: EmulatorState): Promise<Reply> {
  const { job, finishedMs } = readyGeneration(emu, ctx.params.id!);
  const bytes = await renderThumbnail(job.width, job.height, 'jpeg');
  return {
    status: 200,
    headers: {
      'content-type': 'image/jpg',
      'content-length': bytes.length,
      'last-modified': new Date(finishedMs).toUTCString(),
      'accept-ranges': 'bytes',
    },
    body: bytes,
  };
}

/** Serve bytes honouring a single `Range: bytes=a-b` request. */
export function ranged(ctx: Ctx, bytes: Buffer, headers: Record<string, string | number>): Reply {
  const range = ctx.req.headers.range;
  const m = range ? /^bytes=(\d*)-(\d*)$/.exec(range.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) {
    return { status: 200, headers: { ...headers, 'content-length': bytes.length }, body: bytes };
  }
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, bytes.length - Number(m[2]));
    end = bytes.length - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? bytes.length - 1 : Math.min(Number(m[2]), bytes.length - 1);
  }
  if (start >= bytes.length || start > end) {
    return { status: 416, headers: { 'content-range': `bytes */${bytes.length}` } };
  }
  const part = bytes.subarray(start, end + 1);
  return {
    status: 206,
    headers: {
      ...headers,
      'content-length': part.length,
      'content-range': `bytes ${start}-${end}/${bytes.length}`,
    },
    body: part,
  };
}

export async function videoContent(ctx: Ctx, emu: EmulatorState): Promise<Reply> {
  const quality = ctx.url.searchParams.get('quality') ?? 'high';
  if (quality !== 'high' && quality !== 'low') throw invalidValue('quality', quality, ['high', 'low']);
  const { job, finishedMs } = readyGeneration(emu, ctx.params.id!);
  const model = emu.model(job.deployment);
  const fps = model?.kind === 'video' ? model.framesPerSecond : 30;
  const bytes = await emu.video.render({
    width: job.width,
    height: job.height,
    seconds: job.nSeconds,
    fps,
    quality,
  });
  if (ctx.method === 'HEAD') return { status: 200, headers: { 'content-length': bytes.length } };
  return ranged(ctx, bytes, {
    'content-type': 'video/mp4',
    'last-modified': new Date(finishedMs).toUTCString(),
    'accept-ranges': 'bytes',
  });
}

/** The deployment a job or generation belongs to (for limits, faults and the log). */
export function ownerOfJob(emu: EmulatorState, id: string | undefined): string | undefined {
  return id ? emu.jobs.get(id)?.deployment : undefined;
}

export function ownerOfGeneration(emu: EmulatorState, id: string | undefined): string | undefined {
  const gen = id ? emu.generations.get(id) : undefined;
  return gen ? emu.jobs.get(gen.jobId)?.deployment : undefined;
}

export type { JobStatus };
