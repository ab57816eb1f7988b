/**
 * Rules for streamed generation through the Responses API `image_generation` tool. The image
 * options follow the same model's generate rules; `partial_images` and streaming support come
 * from the table.
 */
import type { Issue } from '../errors.js';
import type { ModelSpec } from '../models.js';
import { checkImageValues, IMAGE_GENERATE_FIELDS } from './images.js';
import { checkShape, issues, type FieldType } from './shared.js';

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

const STREAM_FIELDS: Readonly<Record<string, FieldType>> = {
  ...Object.fromEntries(
    ['model', 'prompt', ...IMAGE_STREAM_FIELDS].map((f) => [f, IMAGE_GENERATE_FIELDS[f] ?? 'integer']),
  ),
  responses_model: 'string',
};
/** The tool's schema declares no nullable fields. */
const NOTHING_NULLABLE: ReadonlySet<string> = new Set();

export function imageStreamIssues(request: unknown, model?: ModelSpec): Issue[] {
  const {
    issues: out,
    bad,
    record,
  } = checkShape(request, STREAM_FIELDS, ['model', 'prompt'], NOTHING_NULLABLE);
  if (!request || typeof request !== 'object' || Array.isArray(request)) return out;
  if (model && model.kind !== 'image') {
    out.push(
      issues.custom(
        'model',
        'wrong_model',
        `model ${model.name} is a ${model.kind} model; streaming needs an image model`,
      ),
    );
    return out;
  }
  if (model) {
    const { partial_images: _p, responses_model: _r, ...imageFields } = record;
    checkImageValues(out, imageFields, bad, model, model.generateFields, 'images.stream');
    if (!model.streaming) {
      out.push(
        issues.custom(
          'model',
          'not_streamable',
          `${model.name} cannot stream; the image_generation tool needs a gpt-image model`,
        ),
      );
    }
  }
  const partial = record.partial_images;
  if (partial !== undefined && !bad.has('partial_images')) {
    const range =
      model?.kind === 'image' && model.partialImages
        ? model.partialImages
        : { min: 0, max: Number.MAX_SAFE_INTEGER };
    if (typeof partial === 'number' && (partial < range.min || partial > range.max))
      out.push(issues.range('partial_images', partial, range, model?.name));
  }
  const driver = record.responses_model;
  if (typeof driver === 'string' && driver.trim() === '') {
    out.push(issues.type('responses_model', driver, 'a deployment name'));
  }
  return out;
}
