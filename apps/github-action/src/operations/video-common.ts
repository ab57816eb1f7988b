import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { buildVideoDownload, VIDEO_APIS, type VideoContent, type VideoTask } from '@aoai-media/core';
import { fileName, saveFile, type OperationContext } from '../context.js';
import { downloadToFile, type ContentSource } from '../download.js';
import { mediaInfo } from '../media-info.js';

// Sora 1 jobs and Sora 2 videos are one kind of task through core's `client.videos`: it picks the
// API from the deployment's model, so nothing here asks which one a deployment speaks.

/**
 * The `input-reference` file, confined to the workspace. Its type is recognised by core from its
 * bytes and checked against the model's media types before anything is sent.
 */
async function referenceFile(ctx: OperationContext) {
  const full = await ctx.paths.file('input-reference', ctx.inputs.inputReference);
  return { data: new Uint8Array(await readFile(full)), filename: path.basename(full) };
}

/** Starts a video from the prompt: text-to-video, image-to-video (`input-reference`) or a remix. */
export async function createVideo(ctx: OperationContext): Promise<VideoTask> {
  const { inputs, client } = ctx;
  let task: VideoTask;
  // Whether the model can remix was checked with the model, before anything was read or sent.
  if (inputs.remixVideoId) {
    task = await client.videos.remix(
      { id: inputs.remixVideoId, deployment: inputs.deployment },
      { prompt: ctx.prompt },
      { signal: ctx.signal },
    );
  } else {
    const reference = inputs.inputReference ? await referenceFile(ctx) : undefined;
    task = await client.videos.create(
      {
        model: inputs.deployment,
        prompt: ctx.prompt,
        // Neither given: the model's default size (core leaves it to Azure).
        size: inputs.width !== undefined ? `${inputs.width}x${inputs.height}` : undefined,
        seconds: inputs.seconds ? Number(inputs.seconds) : undefined,
        variants: inputs.variants,
        // The image the video starts from (frame 0).
        media: reference ? [{ file: reference, frame_index: 0 }] : undefined,
      },
      { signal: ctx.signal },
    );
  }
  recordTask(ctx, task);
  ctx.io.info(`Created video job ${task.id} (${task.status})`);
  return task;
}

export async function getVideo(ctx: OperationContext, id: string): Promise<VideoTask> {
  const task = await ctx.client.videos.retrieve(
    { id, deployment: ctx.inputs.deployment },
    { signal: ctx.signal },
  );
  recordTask(ctx, task);
  return task;
}

/** Waits for the task to finish, logging progress; throws JobFailedError or ContentFilterError when it fails. */
export async function waitForVideo(ctx: OperationContext, created: VideoTask): Promise<VideoTask> {
  const progress = progressLogger(ctx);
  // Statuses can stay the same for minutes; a heartbeat shows the step is alive.
  const heartbeat = setInterval(() => progress.heartbeat(), 30_000);
  heartbeat.unref?.();
  ctx.result.jobInFlight = created;
  try {
    const done = await ctx.client.videos.wait(created, {
      signal: ctx.signal,
      timeoutMs: ctx.remainingMs(),
      pollIntervalMs: ctx.inputs.pollIntervalSeconds * 1000,
      onProgress: progress.task,
    });
    ctx.result.jobInFlight = undefined;
    recordTask(ctx, done);
    ctx.io.info(`Video job ${done.id} finished: ${done.status}`);
    return done;
  } catch (error) {
    // A task that ended (failed, moderated) is no longer in flight; a cancelled wait leaves it so.
    if (!ctx.signal.aborted) ctx.result.jobInFlight = undefined;
    throw error;
  } finally {
    clearInterval(heartbeat);
  }
}

/**
 * Deletes a task this step created and that has not finished, so it stops at Azure: called when
 * the run is cancelled. Returns what happened, for the message.
 */
export async function cancelUpstream(client: OperationContext['client'], task: VideoTask): Promise<string> {
  try {
    await client.videos.delete(task, { signal: AbortSignal.timeout(5_000), maxRetries: 1 });
    return `video job ${task.id} was deleted at Azure so it stops`;
  } catch (error) {
    return `video job ${task.id} could not be deleted (${(error as Error).message}) and may still be running; collect it with video-job-get or delete it`;
  }
}

function recordTask(ctx: OperationContext, task: VideoTask): void {
  ctx.result.jobId = task.id;
  ctx.result.status = task.status;
  // In a batch, each line's task adds its outputs.
  const ids = task.outputs.map((o) => o.id);
  ctx.result.generationIds = [...new Set([...(ctx.result.generationIds ?? []), ...ids])];
  if (task.status === 'succeeded') ctx.result.jobSucceeded = true;
}

/**
 * Where one output's video or thumbnail comes from: core's download request for it, sent with a
 * Range header when resuming (core's downloadContent streams a whole body, and cannot resume). A
 * video comes in the best rendition its API offers, where it offers several.
 */
function contentSource(
  ctx: OperationContext,
  task: VideoTask,
  outputId: string,
  content: VideoContent,
): ContentSource {
  const best = content === 'video' ? VIDEO_APIS[task.api].qualities[0] : undefined;
  const spec = buildVideoDownload(task.api, outputId, best ? { content, quality: best } : { content });
  return {
    what: `${content} ${outputId}`,
    open: (range, signal) =>
      ctx.client.request({
        ...spec,
        signal,
        headers: {
          ...spec.headers,
          ...(range ? { range: `bytes=${range.start}-` } : {}),
          ...(range?.ifRange ? { 'if-range': range.ifRange } : {}),
        },
      }),
  };
}

/** Downloads each output's video, then its thumbnail; each appears in the output folder only when complete. */
export async function downloadVideos(ctx: OperationContext, task: VideoTask): Promise<void> {
  for (const output of task.outputs) {
    const meta = {
      job_id: task.id,
      generation_id: output.id,
      ...(task.remixedFrom ? { remixed_from_video_id: task.remixedFrom } : {}),
      size: task.size ?? null,
      seconds: task.seconds ?? null,
    };
    const name = (suffix: string, ext: string) =>
      fileName(ctx, { fallback: '{id}', n: output.index + 1, id: output.id, suffix, ext });
    const fill = (content: VideoContent) => async (temp: string) => {
      await downloadToFile(contentSource(ctx, task, output.id, content), temp, {
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

/** Logs when the status (or a percentage) changes, at most every `everyMs` unless the status changed. */
export function progressLogger(ctx: OperationContext, everyMs = 30_000) {
  const started = ctx.io.now();
  let lastStatus = '';
  let lastLog = started;
  let lastLine = '';
  const seconds = () => Math.round((ctx.io.now() - started) / 1000);
  return {
    task: (task: Pick<VideoTask, 'id' | 'status' | 'progress'>) => {
      ctx.result.status = task.status;
      const now = ctx.io.now();
      if (task.status === lastStatus && now - lastLog < everyMs) return;
      lastStatus = task.status;
      lastLog = now;
      lastLine = `Video job ${task.id}: ${task.status}${task.progress !== undefined && task.status === 'running' ? ` ${task.progress}%` : ''}`;
      ctx.io.info(`${lastLine} after ${seconds()} s`);
    },
    heartbeat: () => {
      if (!lastLine || ctx.io.now() - lastLog < everyMs) return;
      lastLog = ctx.io.now();
      ctx.io.info(`${lastLine}, still waiting after ${seconds()} s`);
    },
  };
}
