import type { ImageEditRequest, ImagesResult } from '@aoai-media/core';
import { fileName, saveFile, type OperationContext } from '../context.js';
import { describeMedia, mediaInfo } from '../media-info.js';

/** The image options both generate and edit take, leaving out what was not given. */
// Input strings go through as given: core checks them against the model table before sending.
type Options = Pick<
  ImageEditRequest,
  'n' | 'size' | 'quality' | 'output_format' | 'output_compression' | 'background' | 'response_format'
>;

export function imageOptions(ctx: OperationContext): Options {
  const { inputs, model } = ctx;
  // DALL-E answers with URLs unless asked for base64; asking saves a second download.
  const b64 =
    model?.kind === 'image' && model.responseFormats?.includes('b64_json')
      ? ('b64_json' as const)
      : undefined;
  return {
    n: inputs.n,
    size: (inputs.size || undefined) as Options['size'],
    quality: (inputs.quality || undefined) as Options['quality'],
    output_format: (inputs.outputFormat || undefined) as Options['output_format'],
    output_compression: inputs.outputCompression,
    background: (inputs.background || undefined) as Options['background'],
    response_format: b64,
  };
}

/** Writes each image under the `file-name` template (default `<kind>-{n}`), with its metadata. */
export async function writeImages(
  ctx: OperationContext,
  result: ImagesResult,
  kind: 'image' | 'edit',
): Promise<void> {
  if (result.usage !== undefined) ctx.result.usage = result.usage;
  const revised = result.images.find((i) => i.revisedPrompt)?.revisedPrompt;
  if (revised) ctx.result.revisedPrompt = revised;
  for (const image of result.images) {
    if (!image.bytes)
      throw new Error(
        `image ${image.index + 1} came back without data${image.url ? ` (url ${image.url})` : ''}`,
      );
    const name = fileName(ctx, { fallback: `${kind}-{n}`, n: image.index + 1, ext: image.extension });
    await saveFile(
      ctx,
      name,
      { bytes: image.bytes },
      {
        revised_prompt: image.revisedPrompt ?? null,
        request_id: result.requestId ?? null,
        image: describeMedia(mediaInfo(image.bytes)) || null,
        bytes: image.bytes.byteLength,
      },
    );
  }
  if (result.requestId) ctx.result.notes.push(`Request id: ${result.requestId}`);
}
