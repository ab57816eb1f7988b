import type { OperationContext } from '../context.js';
import { createVideo, downloadVideos, waitForVideo } from './video-common.js';

/** Create a video job, wait for it, then download every video and its thumbnail. */
export async function videoGenerate(ctx: OperationContext): Promise<void> {
  const created = await createVideo(ctx);
  const done = await waitForVideo(ctx, created);
  await downloadVideos(ctx, done);
}
