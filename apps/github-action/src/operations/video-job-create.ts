import type { OperationContext } from '../context.js';
import { createVideo } from './video-common.js';

/** Start a video job and return at once; a later step can use video-job-get with the job-id output. */
export async function videoJobCreate(ctx: OperationContext): Promise<void> {
  await createVideo(ctx);
}
