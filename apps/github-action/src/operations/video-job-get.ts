import { videoTaskError } from '@aoai-media/core';
import type { OperationContext } from '../context.js';
import { downloadVideos, getVideo } from './video-common.js';

/** Report a video job's status; with `download`, fetch its videos once it has succeeded. A failed job fails the step. */
export async function videoJobGet(ctx: OperationContext): Promise<void> {
  const task = await getVideo(ctx, ctx.inputs.jobId);
  ctx.io.info(`Video job ${task.id}: ${task.status}`);
  if (task.status === 'failed' || task.status === 'cancelled') throw videoTaskError(task);
  if (task.status !== 'succeeded') {
    if (ctx.inputs.download) ctx.result.notes.push(`Not downloaded yet: the job is ${task.status}.`);
    return;
  }
  if (ctx.inputs.download) await downloadVideos(ctx, task);
}
