import { jobFailure } from '@aoai-media/core';
import type { OperationContext } from '../context.js';
import { downloadVideos, getVideo, isDone } from './video-common.js';

/** Report a video job's status; with `download`, fetch its videos once it has succeeded. A failed job fails the step. */
export async function videoJobGet(ctx: OperationContext): Promise<void> {
  const found = await getVideo(ctx, ctx.inputs.jobId);
  const { job } = found;
  ctx.io.info(`Video job ${job.id}: ${job.status}`);
  if (job.status === 'failed' || job.status === 'cancelled') {
    const reason =
      found.api === 'videos'
        ? (found.job.error?.code ?? found.job.error?.message)
        : (found.job.failure_reason ?? undefined);
    throw jobFailure(job.id, job.status, reason, job);
  }
  if (!isDone(found)) {
    if (ctx.inputs.download) ctx.result.notes.push(`Not downloaded yet: the job is ${job.status}.`);
    return;
  }
  if (ctx.inputs.download) await downloadVideos(ctx, found);
}
