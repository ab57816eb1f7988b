import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Video, VideoJob } from '@aoai-media/core';
import { fileName, saveFile, type OperationContext } from '../context.js';
import { downloadToFile, type ContentSource } from '../download.js';
import { mediaInfo } from '../media-info.js';
import { InputError } from '../problems.js';

/**
 * Two video APIs: Sora's jobs (`/video/generations/jobs`, several variants per job) and Sora 2's
 * videos (`/videos`, one video each). The model table says which one a deployment speaks.
 */
export type VideoApi = 'jobs' | 'videos';

export function videoApiOf(ctx: OperationContext, id?: string): VideoApi {
  if (ctx.model?.kind === 'video') return ctx.model.api;
  // Unknown deployment: Sora 2 ids start with "video_", Sora job ids do not.
  return id?.startsWith('video_') ? 'videos' : 'jobs';
}

export type AnyJob = { api: 'jobs'; job: VideoJob } | { api: 'videos'; job: Video };

const IMAGE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
};

/** The `input-reference` image, confined to the workspace. */
async function referenceImage(ctx: OperationContext) {
  const full = await ctx.paths.file('input-reference', ctx.inputs.inputReference);
  const contentType = IMAGE_TYPES[path.extname(full).toLowerCase()];
  if (!contentType)
    throw new InputError([
      {
        input: 'input-reference',
        message: `"${ctx.inputs.inputReference}" is not a png, jpeg or webp image`,
      },
    ]);
  return { data: new Uint8Array(await readFile(full)), filename: path.basename(full), contentType };
}

/** Starts a video from the prompt: text-to-video, image-to-video (`input-reference`) or a remix. */
export async function createVideo(ctx: OperationContext): Promise<AnyJob> {
  const { inputs, model } = ctx;
  const api = videoApiOf(ctx);
  const reference = inputs.inputReference ? await referenceImage(ctx) : undefined;
  let created: AnyJob;
  if (inputs.remixVideoId) {
    if (api !== 'videos')
      throw new InputError([
        {
          input: 'remix-video-id',
          message: `remixing needs a Sora 2 deployment; "${inputs.deployment}" is ${model?.name ?? 'a Sora job deployment'}`,
        },
      ]);
    const video = await ctx.client.videos.remix(
      inputs.remixVideoId,
      { prompt: ctx.prompt },
      { signal: ctx.signal },
    );
    created = { api, job: video };
  } else if (api === 'videos') {
    if (inputs.variants !== undefined && model?.kind === 'video' && inputs.variants > model.variants.max) {
      throw new InputError([
        {
          input: 'variants',
          message: `${inputs.variants} is not allowed for ${model.name}; allowed: ${model.variants.min}-${model.variants.max}`,
        },
      ]);
    }
    const video = await ctx.client.videos.create(
      {
        model: inputs.deployment,
        prompt: ctx.prompt,
        size: `${inputs.width}x${inputs.height}`,
        seconds: inputs.seconds || undefined,
        input_reference: reference,
      },
      { signal: ctx.signal },
    );
    created = { api, job: video };
  } else {
    const request = {
      model: inputs.deployment,
      prompt: ctx.prompt,
      width: inputs.width!,
      height: inputs.height!,
      n_seconds: inputs.seconds ? Number(inputs.seconds) : undefined,
      n_variants: inputs.variants,
    };
    const job = reference
      ? await ctx.client.videos.jobs.createWithMedia(
          {
            ...request,
            files: [reference],
            inpaint_items: [{ frame_index: 0, type: 'image', file_name: reference.filename }],
          },
          { signal: ctx.signal },
        )
      : await ctx.client.videos.jobs.create(request, { signal: ctx.signal });
    created = { api, job };
  }
  recordJob(ctx, created);
  ctx.io.info(`Created video job ${created.job.id} (${created.job.status})`);
  return created;
}

export async function getVideo(ctx: OperationContext, id: string): Promise<AnyJob> {
  const api = videoApiOf(ctx, id);
  const found: AnyJob =
    api === 'videos'
      ? { api, job: await ctx.client.videos.get(id, { signal: ctx.signal }) }
      : { api, job: await ctx.client.videos.jobs.get(id, { signal: ctx.signal }) };
  recordJob(ctx, found);
  return found;
}

/** Waits for the job to finish, logging progress; throws JobFailedError or ContentFilterError when it fails. */
export async function waitForVideo(ctx: OperationContext, created: AnyJob): Promise<AnyJob> {
  const progress = progressLogger(ctx);
  // Statuses can stay the same for minutes; a heartbeat shows the step is alive.
  const heartbeat = setInterval(() => progress.heartbeat(), 30_000);
  heartbeat.unref?.();
  const options = {
    signal: ctx.signal,
    timeoutMs: ctx.remainingMs(),
    pollIntervalMs: ctx.inputs.pollIntervalSeconds * 1000,
  };
  ctx.result.jobInFlight = { id: created.job.id, api: created.api };
  try {
    const done: AnyJob =
      created.api === 'videos'
        ? {
            api: 'videos',
            job: await ctx.client.videos.wait(created.job.id, { ...options, onProgress: progress.video }),
          }
        : {
            api: 'jobs',
            job: await ctx.client.videos.jobs.wait(created.job.id, { ...options, onProgress: progress.job }),
          };
    ctx.result.jobInFlight = undefined;
    recordJob(ctx, done);
    ctx.io.info(`Video job ${done.job.id} finished: ${done.job.status}`);
    return done;
  } catch (error) {
    // A job that ended (failed, moderated) is no longer in flight; a cancelled wait leaves it so.
    if (!ctx.signal.aborted) ctx.result.jobInFlight = undefined;
    throw error;
  } finally {
    clearInterval(heartbeat);
  }
}

/**
 * Deletes a job this step created and that has not finished, so it stops at Azure: called when
 * the run is cancelled. Returns what happened, for the message.
 */
export async function cancelUpstream(
  client: OperationContext['client'],
  job: { id: string; api: VideoApi },
): Promise<string> {
  const signal = AbortSignal.timeout(5_000);
  try {
    if (job.api === 'videos') await client.videos.delete(job.id, { signal, maxRetries: 1 });
    else await client.videos.jobs.delete(job.id, { signal, maxRetries: 1 });
    return `video job ${job.id} was deleted at Azure so it stops`;
  } catch (error) {
    return `video job ${job.id} could not be deleted (${(error as Error).message}) and may still be running; collect it with video-job-get or delete it`;
  }
}

export function isDone(found: AnyJob): boolean {
  return found.api === 'videos' ? found.job.status === 'completed' : found.job.status === 'succeeded';
}

function recordJob(ctx: OperationContext, found: AnyJob): void {
  ctx.result.jobId = found.job.id;
  ctx.result.status = found.job.status;
  const ids = found.api === 'videos' ? [found.job.id] : found.job.generations.map((g) => g.id);
  // In a batch, each line's job adds its generations.
  ctx.result.generationIds = [...new Set([...(ctx.result.generationIds ?? []), ...ids])];
  if (isDone(found)) ctx.result.jobSucceeded = true;
}

/**
 * Where a video or its thumbnail is downloaded from. Core's content calls return the whole body
 * only; resuming needs a Range header, so these requests go through the client's `request` with
 * the same paths. This is the one place to switch when core's video interface can resume.
 */
function contentSource(
  ctx: OperationContext,
  api: VideoApi,
  id: string,
  what: 'video' | 'thumbnail',
): ContentSource {
  const route =
    api === 'videos'
      ? { path: `videos/${encodeURIComponent(id)}/content`, query: { variant: what } }
      : {
          path: `video/generations/${encodeURIComponent(id)}/content/${what}`,
          query: what === 'video' ? { quality: 'high' } : {},
        };
  return {
    what: `${what} ${id}`,
    open: (range, signal) =>
      ctx.client.request({
        method: 'GET',
        route: 'v1',
        ...route,
        signal,
        headers: {
          accept: what === 'video' ? 'video/mp4' : 'image/*',
          ...(range ? { range: `bytes=${range.start}-` } : {}),
          ...(range?.ifRange ? { 'if-range': range.ifRange } : {}),
        },
      }),
  };
}

/** Downloads each video, then its thumbnail; each appears in the output folder only when complete. */
export async function downloadVideos(ctx: OperationContext, done: AnyJob): Promise<void> {
  const items =
    done.api === 'videos'
      ? [{ id: done.job.id, seconds: Number(done.job.seconds), size: done.job.size }]
      : done.job.generations.map((g) => ({ id: g.id, seconds: g.n_seconds, size: `${g.width}x${g.height}` }));
  for (const [i, item] of items.entries()) {
    const meta = {
      job_id: done.job.id,
      generation_id: item.id,
      ...(done.api === 'videos' && done.job.remixed_from_video_id
        ? { remixed_from_video_id: done.job.remixed_from_video_id }
        : {}),
      size: item.size,
      seconds: item.seconds,
    };
    const name = (suffix: string, ext: string) =>
      fileName(ctx, { fallback: '{id}', n: i + 1, id: item.id, suffix, ext });
    const fill = (what: 'video' | 'thumbnail') => async (temp: string) => {
      await downloadToFile(contentSource(ctx, done.api, item.id, what), temp, {
        signal: ctx.signal,
        log: (m) => ctx.io.info(m),
      });
    };
    await saveFile(ctx, name('', 'mp4'), { fill: fill('video') }, { ...meta, content: 'video' });
    // The thumbnail's extension follows its format (JPEG from Sora, as Azure documents).
    await saveFile(
      ctx,
      async (temp) => {
        const format = mediaInfo(new Uint8Array(await readFile(temp)))?.format;
        return name('-thumbnail', format === 'jpeg' || !format ? 'jpg' : format);
      },
      { fill: fill('thumbnail') },
      { ...meta, content: 'thumbnail' },
    );
  }
}

/** Logs when the status (or Sora 2's percentage) changes, at most every `everyMs` unless the status changed. */
export function progressLogger(ctx: OperationContext, everyMs = 30_000) {
  const started = ctx.io.now();
  let lastStatus = '';
  let lastLog = started;
  let lastLine = '';
  const seconds = () => Math.round((ctx.io.now() - started) / 1000);
  const report = (id: string, status: string, percent?: number) => {
    ctx.result.status = status;
    const now = ctx.io.now();
    if (status === lastStatus && now - lastLog < everyMs) return;
    lastStatus = status;
    lastLog = now;
    lastLine = `Video job ${id}: ${status}${percent !== undefined ? ` ${percent}%` : ''}`;
    ctx.io.info(`${lastLine} after ${seconds()} s`);
  };
  return {
    job: (job: VideoJob) => report(job.id, job.status),
    video: (video: Video) => report(video.id, video.status, video.progress),
    heartbeat: () => {
      if (!lastLine || ctx.io.now() - lastLog < everyMs) return;
      lastLog = ctx.io.now();
      ctx.io.info(`${lastLine}, still waiting after ${seconds()} s`);
    },
  };
}
