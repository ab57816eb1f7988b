import type { Video, VideoJob } from '@aoai-media/core';
import { addFile, type OperationContext } from '../context.js';
import { safeName, streamToNewFile, writeNewFile } from '../files.js';
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

export async function createVideo(ctx: OperationContext): Promise<AnyJob> {
  const { inputs, model } = ctx;
  const api = videoApiOf(ctx);
  let created: AnyJob;
  if (api === 'videos') {
    if (inputs.variants !== undefined && model?.kind === 'video' && inputs.variants > model.variants.max) {
      throw new InputError([
        {
          input: 'variants',
          message: `${inputs.variants} is not allowed for ${model.name}; allowed: ${model.variants.min}-${model.variants.max}`,
        },
      ]);
    }
    const video = await ctx.client.videos.sora2.create(
      {
        model: inputs.deployment,
        prompt: ctx.prompt,
        size: `${inputs.width}x${inputs.height}`,
        seconds: inputs.seconds || undefined,
      },
      { signal: ctx.signal },
    );
    created = { api, job: video };
  } else {
    const job = await ctx.client.videos.jobs.create(
      {
        model: inputs.deployment,
        prompt: ctx.prompt,
        width: inputs.width!,
        height: inputs.height!,
        n_seconds: inputs.seconds ? Number(inputs.seconds) : undefined,
        n_variants: inputs.variants,
      },
      { signal: ctx.signal },
    );
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
      ? { api, job: await ctx.client.videos.sora2.get(id, { signal: ctx.signal }) }
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
  try {
    const done: AnyJob =
      created.api === 'videos'
        ? {
            api: 'videos',
            job: await ctx.client.videos.sora2.wait(created.job.id, {
              ...options,
              onProgress: progress.video,
            }),
          }
        : {
            api: 'jobs',
            job: await ctx.client.videos.jobs.wait(created.job.id, { ...options, onProgress: progress.job }),
          };
    recordJob(ctx, done);
    ctx.io.info(`Video job ${done.job.id} finished: ${done.job.status}`);
    return done;
  } finally {
    clearInterval(heartbeat);
  }
}

export function isDone(found: AnyJob): boolean {
  return found.api === 'videos' ? found.job.status === 'completed' : found.job.status === 'succeeded';
}

function recordJob(ctx: OperationContext, found: AnyJob): void {
  ctx.result.jobId = found.job.id;
  ctx.result.status = found.job.status;
  ctx.result.generationIds = found.api === 'videos' ? [found.job.id] : found.job.generations.map((g) => g.id);
}

function imageExtension(bytes: Uint8Array): string {
  const format = mediaInfo(bytes)?.format;
  return format === 'jpeg' ? 'jpg' : (format ?? 'jpg');
}

/** Streams each video to disk, then writes its thumbnail. */
export async function downloadVideos(ctx: OperationContext, done: AnyJob): Promise<void> {
  const items =
    done.api === 'videos' ? [{ id: done.job.id }] : done.job.generations.map((g) => ({ id: g.id }));
  for (const { id } of items) {
    const name = safeName(id);
    const content =
      done.api === 'videos'
        ? await ctx.client.videos.sora2.content(id, { variant: 'video', signal: ctx.signal })
        : await ctx.client.videos.generations.content(id, { quality: 'high', signal: ctx.signal });
    const video = await streamToNewFile(ctx.outDir, `${name}.mp4`, content.stream);
    addFile(ctx, video);

    const thumbBytes =
      done.api === 'videos'
        ? await readAll(
            (await ctx.client.videos.sora2.content(id, { variant: 'thumbnail', signal: ctx.signal })).stream,
          )
        : (await ctx.client.videos.generations.thumbnail(id, { signal: ctx.signal })).bytes;
    const thumbnail = await writeNewFile(
      ctx.outDir,
      `${name}-thumbnail.${imageExtension(thumbBytes)}`,
      thumbBytes,
    );
    addFile(ctx, thumbnail);
  }
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
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
