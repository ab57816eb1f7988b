import type { ImageGenerateRequest } from '@aoai-media/core';
import type { OperationContext } from '../context.js';
import { imageOptions, writeImages } from './image-common.js';

/** images/generations: write each returned image to the output folder. */
export async function imageGenerate(ctx: OperationContext): Promise<void> {
  const { inputs } = ctx;
  const result = await ctx.client.images.generate(
    {
      model: inputs.deployment,
      prompt: ctx.prompt,
      ...imageOptions(ctx),
      style: (inputs.style || undefined) as ImageGenerateRequest['style'],
      moderation: (inputs.moderation || undefined) as ImageGenerateRequest['moderation'],
    },
    { signal: ctx.signal, downloadUrls: true },
  );
  await writeImages(ctx, result, 'image');
}
