/**
 * Rules for streamed generation through the Responses API `image_generation` tool. The image
 * options are the generate rules of the same model; `partial_images` and streaming support come
 * from the table.
 */
import type { Issue } from '../errors.js';
import type { ModelSpec } from '../models.js';
import { validateImageGenerate } from './images.js';
import { issues } from './shared.js';

/** Fields the tool takes (besides `model` and `prompt`). */
export const IMAGE_STREAM_FIELDS = [
  'size',
  'quality',
  'background',
  'output_format',
  'output_compression',
  'moderation',
  'partial_images',
] as const;
const OWN_FIELDS = ['partial_images', 'responses_model'];

export function imageStream(request: unknown, model?: ModelSpec): Issue[] {
  if (!request || typeof request !== 'object' || Array.isArray(request))
    return validateImageGenerate(request, model);
  const record = request as Record<string, unknown>;
  const rest: Record<string, unknown> = {};
  const out: Issue[] = [];
  const known = ['model', 'prompt', ...IMAGE_STREAM_FIELDS, 'responses_model'];
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined) continue;
    if (!known.includes(key)) out.push(issues.unknownField(key, known));
    else if (!OWN_FIELDS.includes(key)) rest[key] = value;
  }
  out.push(...validateImageGenerate(rest, model));
  if (model && model.kind === 'image' && !model.streaming) {
    out.push(
      issues.custom(
        'model',
        'not_streamable',
        `${model.name} cannot stream; the image_generation tool needs a gpt-image model`,
      ),
    );
  }
  const partial = record.partial_images;
  if (partial !== undefined) {
    const range =
      model?.kind === 'image' && model.partialImages
        ? model.partialImages
        : { min: 0, max: Number.MAX_SAFE_INTEGER };
    if (typeof partial !== 'number' || !Number.isInteger(partial))
      out.push(issues.integer('partial_images', partial));
    else if (partial < range.min || partial > range.max)
      out.push(issues.range('partial_images', partial, range, model?.name));
  }
  const driver = record.responses_model;
  if (driver !== undefined && (typeof driver !== 'string' || driver.trim() === '')) {
    out.push(issues.type('responses_model', driver, 'a deployment name'));
  }
  return out;
}
