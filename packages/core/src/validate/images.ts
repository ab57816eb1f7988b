/**
 * Image request rules. Model facts come only from the model table; this file knows the wire
 * shape of the requests (field names and types) and how to word the issues.
 */
import type { Issue } from '../errors.js';
import { modelNames, type ImageModel, type ModelSpec } from '../models.js';
import { inspectFileSync, isFileInput, type FileFacts } from '../uploads.js';
import {
  checkOneOf,
  checkRange,
  checkShape,
  formatBytes,
  issues,
  listWords,
  type FieldType,
} from './shared.js';

/** Wire fields of `images/generations` and their types (any model). */
export const IMAGE_GENERATE_FIELDS: Readonly<Record<string, FieldType>> = {
  model: 'string',
  prompt: 'string',
  n: 'integer',
  size: 'string',
  quality: 'string',
  output_format: 'string',
  output_compression: 'integer',
  background: 'string',
  moderation: 'string',
  style: 'string',
  response_format: 'string',
  user: 'string',
};

/** Wire fields of `images/edits` and their types (any model). */
export const IMAGE_EDIT_FIELDS: Readonly<Record<string, FieldType>> = {
  model: 'string',
  prompt: 'string',
  image: 'files',
  mask: 'file',
  n: 'integer',
  size: 'string',
  quality: 'string',
  output_format: 'string',
  output_compression: 'integer',
  background: 'string',
  response_format: 'string',
  user: 'string',
};

/** Facts about the files of an edit, when the caller has read them (Blobs need an async read). */
export interface ImageEditFiles {
  image?: readonly FileFacts[];
  mask?: FileFacts;
}

/** Fields whose presence is governed by the model table, not by the wire shape. */
const ALWAYS_ALLOWED = new Set(['model', 'prompt', 'image', 'mask']);

function imageModelIssue(model: ModelSpec, operation: string): Issue {
  return issues.custom(
    'model',
    'wrong_model',
    `model ${model.name} is a ${model.kind} model; ${operation} needs an image model (${listWords(modelNames('image'))})`,
    modelNames('image'),
  );
}

/** Value rules shared by generate and edit, for the fields the model accepts. */
function checkValues(
  out: Issue[],
  record: Record<string, unknown>,
  bad: Set<string>,
  model: ImageModel,
  fields: readonly string[],
): void {
  const subject = model.name;
  for (const key of Object.keys(record)) {
    if (record[key] === undefined || bad.has(key) || ALWAYS_ALLOWED.has(key)) continue;
    if (!fields.includes(key)) {
      out.push(issues.unsupportedField(key, subject, fields));
      bad.add(key);
    }
  }
  const ok = (key: string) => record[key] !== undefined && !bad.has(key);
  const prompt = record.prompt;
  if (typeof prompt === 'string' && prompt.length > model.promptMaxLength) {
    out.push(issues.tooLong('prompt', prompt.length, model.promptMaxLength, subject));
  }
  if (ok('n')) checkRange(out, 'n', record.n, model.n, subject);
  if (ok('size')) checkOneOf(out, 'size', record.size, model.sizes, subject);
  if (ok('quality')) checkOneOf(out, 'quality', record.quality, model.qualities, subject);
  if (ok('style')) checkOneOf(out, 'style', record.style, model.styles, subject);
  if (ok('response_format'))
    checkOneOf(out, 'response_format', record.response_format, model.responseFormats, subject);
  if (ok('moderation')) checkOneOf(out, 'moderation', record.moderation, model.moderations, subject);
  if (ok('background')) checkOneOf(out, 'background', record.background, model.backgrounds, subject);
  if (ok('output_format'))
    checkOneOf(out, 'output_format', record.output_format, model.outputFormats, subject);

  const format =
    ok('output_format') && typeof record.output_format === 'string'
      ? record.output_format
      : model.defaultOutputFormat;
  const formatText = ok('output_format')
    ? `output_format ${JSON.stringify(format)}`
    : `the default output_format ${JSON.stringify(format)}`;
  if (ok('output_compression')) {
    checkRange(out, 'output_compression', record.output_compression, model.outputCompression, subject);
    const formats = model.compressionFormats ?? [];
    if (format !== undefined && !formats.includes(format)) {
      out.push(
        issues.custom(
          'output_compression',
          'needs_format',
          `output_compression applies only to output_format ${listWords(formats)}; ${formatText} has no compression level`,
          formats,
        ),
      );
    }
  }
  if (ok('background') && record.background === 'transparent') {
    const formats = model.transparentFormats ?? [];
    if (format !== undefined && !formats.includes(format)) {
      out.push(
        issues.custom(
          'background',
          'needs_format',
          `background "transparent" needs output_format ${listWords(formats)}; ${formatText} cannot be transparent`,
          formats,
        ),
      );
    }
  }
}

/**
 * Rules for `images/generations`. Without a model (an unknown deployment) only the generic checks
 * run: an object, known fields of the right types, a non-empty prompt and model.
 */
export function validateImageGenerate(request: unknown, model?: ModelSpec): Issue[] {
  const { issues: out, bad, record } = checkShape(request, IMAGE_GENERATE_FIELDS, ['model', 'prompt']);
  if (!model) {
    if (record.n !== undefined && !bad.has('n') && typeof record.n === 'number' && record.n < 1) {
      out.push(issues.range('n', record.n, { min: 1, max: Number.MAX_SAFE_INTEGER }));
    }
    return out;
  }
  if (model.kind !== 'image') return [...out, imageModelIssue(model, 'images.generate')];
  checkValues(out, record, bad, model, model.generateFields);
  return out;
}

function filePath(index: number, single: boolean): string {
  return single ? 'image' : `image[${index}]`;
}

function typeOf(f: FileFacts): string | undefined {
  // The bytes are the truth when we could read them; otherwise what the caller declared.
  return f.detectedType ?? f.contentType;
}

/**
 * Rules for `images/edits`. `files` carries facts about Blob inputs read ahead by the client;
 * without it, byte inputs are inspected here and Blobs are judged by size and declared type.
 */
export function validateImageEdit(request: unknown, model?: ModelSpec, files?: ImageEditFiles): Issue[] {
  const { issues: out, bad, record } = checkShape(request, IMAGE_EDIT_FIELDS, ['model', 'prompt', 'image']);
  if (model && model.kind !== 'image') return [...out, imageModelIssue(model, 'images.edit')];

  const single = record.image !== undefined && !Array.isArray(record.image);
  const images: unknown[] =
    record.image === undefined ? [] : single ? [record.image] : (record.image as unknown[]);
  const imageFacts: (FileFacts | undefined)[] = images.map((input, i) => {
    if (!isFileInput(input)) {
      out.push(
        issues.type(filePath(i, single), input, 'a Uint8Array, a Blob or { data, filename?, contentType? }'),
      );
      return undefined;
    }
    return files?.image?.[i] ?? inspectFileSync(input);
  });
  let maskFacts: FileFacts | undefined;
  if (record.mask !== undefined) {
    if (!isFileInput(record.mask))
      out.push(issues.type('mask', record.mask, 'a Uint8Array, a Blob or { data, filename?, contentType? }'));
    else maskFacts = files?.mask ?? inspectFileSync(record.mask);
  }
  if (!single && record.image !== undefined && images.length === 0) out.push(issues.empty('image'));

  if (!model) return out;
  const edit = model.edit;
  if (!edit) {
    const able = modelNames('image').filter((name) => name !== model.name);
    out.push(
      issues.custom('model', 'unsupported_operation', `${model.name} does not support image edits`, able),
    );
    return out;
  }
  const subject = model.name;
  checkValues(out, record, bad, model, edit.fields);

  if (images.length > edit.maxImages) {
    out.push(
      issues.custom(
        'image',
        'too_many',
        `image has ${images.length} files; ${subject} accepts at most ${edit.maxImages}`,
        [edit.maxImages],
      ),
    );
  }
  imageFacts.forEach((f, i) => {
    if (!f) return;
    const path = filePath(i, single);
    const type = typeOf(f);
    if (type === undefined) {
      out.push(
        issues.custom(
          path,
          'unknown_type',
          `${path} is not a recognisable image; ${subject} accepts ${listWords(edit.imageTypes)}`,
          edit.imageTypes,
        ),
      );
    } else if (!edit.imageTypes.includes(type)) {
      out.push(
        issues.custom(
          path,
          'not_allowed',
          `${path} is ${type}; ${subject} accepts ${listWords(edit.imageTypes)}`,
          edit.imageTypes,
        ),
      );
    }
    if (f.size > edit.maxImageBytes) {
      out.push(
        issues.custom(
          path,
          'too_large',
          `${path} is ${formatBytes(f.size)}; ${subject} accepts images up to ${formatBytes(edit.maxImageBytes)}`,
          [edit.maxImageBytes],
        ),
      );
    }
    if (f.size === 0) out.push(issues.empty(path));
    if (edit.squareOnly && f.width !== undefined && f.height !== undefined && f.width !== f.height) {
      out.push(
        issues.custom(
          path,
          'not_square',
          `${path} is ${f.width}x${f.height}; ${subject} needs a square image`,
        ),
      );
    }
  });

  if (maskFacts) {
    const type = typeOf(maskFacts);
    if (type === undefined || !edit.maskTypes.includes(type)) {
      out.push(
        issues.custom(
          'mask',
          'not_allowed',
          `mask is ${type ?? 'not a recognisable image'}; ${subject} needs a ${listWords(edit.maskTypes)} mask`,
          edit.maskTypes,
        ),
      );
    }
    if (maskFacts.size > edit.maxMaskBytes) {
      out.push(
        issues.custom(
          'mask',
          'too_large',
          `mask is ${formatBytes(maskFacts.size)}; ${subject} accepts masks up to ${formatBytes(edit.maxMaskBytes)}`,
          [edit.maxMaskBytes],
        ),
      );
    }
    const first = imageFacts[0];
    if (
      first?.width !== undefined &&
      maskFacts.width !== undefined &&
      (first.width !== maskFacts.width || first.height !== maskFacts.height)
    ) {
      out.push(
        issues.custom(
          'mask',
          'size_mismatch',
          `mask is ${maskFacts.width}x${maskFacts.height} but ${filePath(0, single)} is ${first.width}x${first.height}; the mask must have the same width and height`,
        ),
      );
    }
  }
  return out;
}
