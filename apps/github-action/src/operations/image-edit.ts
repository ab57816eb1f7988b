import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { OperationContext } from '../context.js';
import { displayPath } from '../paths.js';
import { InputError } from '../problems.js';
import { imageOptions, writeImages } from './image-common.js';

/** A file to send; core recognises its type from its bytes and checks it against the model's types. */
async function fileInput(full: string) {
  return { data: new Uint8Array(await readFile(full)), filename: path.basename(full) };
}

/** images/edits: the `images` lines (paths or globs) and an optional mask. */
export async function imageEdit(ctx: OperationContext): Promise<void> {
  const { inputs, io } = ctx;
  const { files, unmatched } = await ctx.paths.files('images', inputs.images);
  const problems = unmatched.map((line) => ({
    input: 'images',
    message: `"${line}" matches no file in the workspace`,
  }));
  if (files.length === 0 && unmatched.length === 0)
    problems.push({ input: 'images', message: 'every file was excluded' });
  let mask: string | undefined;
  if (inputs.mask) {
    const found = await ctx.paths.files('mask', [inputs.mask]);
    mask = found.files[0];
    if (!mask || found.files.length > 1) {
      problems.push({
        input: 'mask',
        message: `"${inputs.mask}" must name exactly one file in the workspace`,
      });
    }
  }
  if (problems.length > 0) throw new InputError(problems);
  io.info(`Editing ${files.length} image(s): ${files.map((f) => displayPath(f, io.workspace)).join(', ')}`);
  const images = await Promise.all(files.map(fileInput));
  const result = await ctx.client.images.edit(
    {
      model: inputs.deployment,
      prompt: ctx.prompt,
      image: images.length === 1 ? images[0]! : images,
      mask: mask ? await fileInput(mask) : undefined,
      ...imageOptions(ctx),
    },
    { signal: ctx.signal, downloadUrls: true },
  );
  await writeImages(ctx, result, 'edit');
}
