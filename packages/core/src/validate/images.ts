/**
 * Image request rules. Model facts come only from the model table; this file knows the wire
 * shape of the requests (field names and types) and how to word the issues.
 *
 * Severity: an error where Azure refuses the request; a warning where Azure accepts it (and may
 * ignore a field) or where the sources disagree. Warnings never stop a request.
 */
import type { Issue } from '../errors.js';
import {
  checkFreeSize,
  disputesFor,
  modelNames,
  type ImageModel,
  type ModelOperation,
  type ModelSpec,
} from '../models.js';
import { inspectFileSync, isFileInput, type FileFacts } from '../uploads.js';
import {
  asWarning,
  checkOneOf,
  checkRange,
  checkShape,
  formatBytes,
  issues,
  listWords,
  show,
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
  input_fidelity: 'string',
  response_format: 'string',
  user: 'string',
};

/** Fields Azure's v1 spec marks nullable: `null` there means "not set". */
export const NULLABLE_IMAGE_FIELDS: ReadonlySet<string> = new Set([
  'n',
  'size',
  'quality',
  'output_format',
  'output_compression',
  'background',
  'moderation',
  'style',
  'response_format',
  'input_fidelity',
]);

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

/** `size`: a listed size, or for free-size models any size that meets the rule. */
function checkSize(out: Issue[], size: unknown, model: ImageModel): void {
  if (typeof size !== 'string') return;
  const rule = model.freeSize;
  if (!rule || size === 'auto') {
    checkOneOf(out, 'size', size, model.sizes, model.name);
    return;
  }
  const { problems, warnings } = checkFreeSize(rule, size);
  if (problems.length > 0) {
    out.push(
      issues.custom(
        'size',
        'invalid_size',
        `size ${show(size)} is not valid for ${model.name}: ${problems.join('; ')}. Use "auto" or WIDTHxHEIGHT with both edges multiples of ${rule.multipleOf}, at most ${rule.maxAspectRatio}:1, ${rule.minPixels} to ${rule.maxPixels} pixels and edges up to ${rule.maxEdge} px (e.g. ${listWords(model.sizes.filter((s) => s !== 'auto').slice(0, 4))})`,
        model.sizes,
      ),
    );
  }
  for (const warning of warnings) {
    const notes = disputesFor(model, 'images.generate', 'size').map((d) => d.note);
    out.push(
      asWarning(
        issues.custom(
          'size',
          'disputed_size',
          `size ${show(size)}: ${warning}${notes.length ? ` (${notes.join('; ')})` : ''}; it is sent as given and Azure decides`,
        ),
      ),
    );
  }
}

/** Warnings for values the sources disagree on (the table's `disputes`). */
function checkDisputes(
  out: Issue[],
  record: Record<string, unknown>,
  bad: Set<string>,
  model: ImageModel,
  operation: ModelOperation,
): void {
  if (!model.disputes?.length) return;
  for (const field of Object.keys(record)) {
    const value = record[field];
    if (value === undefined || bad.has(field) || field === 'size' || field === 'model') continue;
    for (const dispute of disputesFor(model, operation, field, value)) {
      out.push(
        asWarning(
          issues.custom(
            field,
            'disputed',
            `${field} ${show(value)} on ${model.name}: ${dispute.note}; it is sent as given`,
          ),
        ),
      );
    }
  }
  for (const dispute of disputesFor(model, operation, 'model')) {
    out.push(asWarning(issues.custom('model', 'disputed', `${model.name} in ${operation}: ${dispute.note}`)));
  }
}

/** Value rules shared by generate, edit and the stream tool, for the fields the model accepts. */
export function checkImageValues(
  out: Issue[],
  record: Record<string, unknown>,
  bad: Set<string>,
  model: ImageModel,
  fields: readonly string[],
  operation: ModelOperation,
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
  if (ok('size')) checkSize(out, record.size, model);
  if (ok('quality')) checkOneOf(out, 'quality', record.quality, model.qualities, subject);
  if (ok('style')) checkOneOf(out, 'style', record.style, model.styles, subject);
  if (ok('response_format'))
    checkOneOf(out, 'response_format', record.response_format, model.responseFormats, subject);
  if (ok('moderation')) checkOneOf(out, 'moderation', record.moderation, model.moderations, subject);
  if (ok('background')) checkOneOf(out, 'background', record.background, model.backgrounds, subject);
  if (ok('output_format'))
    checkOneOf(out, 'output_format', record.output_format, model.outputFormats, subject);
  if (ok('input_fidelity'))
    checkOneOf(out, 'input_fidelity', record.input_fidelity, model.edit?.inputFidelities, subject);

  const format =
    ok('output_format') && typeof record.output_format === 'string'
      ? record.output_format
      : model.defaultOutputFormat;
  // Only worded when an issue needs it: a valid request builds no message.
  const formatText = () =>
    ok('output_format')
      ? `output_format ${JSON.stringify(format)}`
      : `the default output_format ${JSON.stringify(format)}`;
  if (ok('output_compression')) {
    checkRange(out, 'output_compression', record.output_compression, model.outputCompression, subject);
    const formats = model.compressionFormats ?? [];
    // Azure accepts it with png (its own REST sample sends it) and ignores it.
    if (format !== undefined && !formats.includes(format)) {
      out.push(
        asWarning(
          issues.custom(
            'output_compression',
            'ignored',
            `output_compression applies only to output_format ${listWords(formats)}; with ${formatText()} Azure ignores it (it is sent as given)`,
            formats,
          ),
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
          `background "transparent" needs output_format ${listWords(formats)}; ${formatText()} cannot be transparent`,
          formats,
        ),
      );
    }
  }
  checkDisputes(out, record, bad, model, operation);
}

/**
 * Rules for `images/generations`. Without a model (an unknown deployment) only the generic checks
 * run: an object, known fields of the right types, a non-empty prompt and model. Returns errors and
 * warnings (`severity: 'warning'`); `validate.imageGenerate` returns the errors only.
 */
export function imageGenerateIssues(request: unknown, model?: ModelSpec): Issue[] {
  const {
    issues: out,
    bad,
    record,
  } = checkShape(request, IMAGE_GENERATE_FIELDS, ['model', 'prompt'], NULLABLE_IMAGE_FIELDS);
  if (!model) {
    if (record.n !== undefined && !bad.has('n') && typeof record.n === 'number' && record.n < 1) {
      out.push(issues.range('n', record.n, { min: 1, max: Number.MAX_SAFE_INTEGER }));
    }
    return out;
  }
  if (model.kind !== 'image') return [...out, imageModelIssue(model, 'images.generate')];
  checkImageValues(out, record, bad, model, model.generateFields, 'images.generate');
  return out;
}

function filePath(index: number, single: boolean): string {
  return single ? 'image' : `image[${index}]`;
}

function typeOf(f: FileFacts): string | undefined {
  // The bytes are the truth when we could read them; otherwise what the caller declared.
  return f.detectedType ?? f.contentType;
}

function checkEditImage(out: Issue[], f: FileFacts, path: string, model: ImageModel): void {
  const edit = model.edit!;
  const subject = model.name;
  const type = typeOf(f);
  const unconfirmed = edit.imageTypesUnconfirmed ?? [];
  const accepted = [...edit.imageTypes, ...unconfirmed];
  if (type === undefined) {
    out.push(
      issues.custom(
        path,
        'unknown_type',
        `${path} is not a recognisable image; ${subject} accepts ${listWords(accepted)}`,
        accepted,
      ),
    );
  } else if (unconfirmed.includes(type)) {
    out.push(
      asWarning(
        issues.custom(
          path,
          'unconfirmed_type',
          `${path} is ${type}: Azure's spec lists ${listWords(edit.imageTypes)} for ${subject} edits, other sources also ${type}; it is sent and Azure decides`,
          edit.imageTypes,
        ),
      ),
    );
  } else if (!edit.imageTypes.includes(type)) {
    out.push(
      issues.custom(
        path,
        'not_allowed',
        `${path} is ${type}; ${subject} accepts ${listWords(accepted)}`,
        accepted,
      ),
    );
  }
  const ceiling = edit.maxImageBytesUnconfirmed ?? edit.maxImageBytes;
  if (f.size > ceiling) {
    out.push(
      issues.custom(
        path,
        'too_large',
        `${path} is ${formatBytes(f.size)}; ${subject} accepts images up to ${formatBytes(ceiling)}`,
        [ceiling],
      ),
    );
  } else if (f.size > edit.maxImageBytes) {
    out.push(
      asWarning(
        issues.custom(
          path,
          'unconfirmed_size',
          `${path} is ${formatBytes(f.size)}: Azure's spec says under ${formatBytes(edit.maxImageBytes)}, its how-to under ${formatBytes(ceiling)}; it is sent and Azure decides`,
          [edit.maxImageBytes, ceiling],
        ),
      ),
    );
  }
  if (f.size === 0) out.push(issues.empty(path));
  if (edit.squareOnly && f.width !== undefined && f.height !== undefined && f.width !== f.height) {
    out.push(
      issues.custom(path, 'not_square', `${path} is ${f.width}x${f.height}; ${subject} needs a square image`),
    );
  }
}

/**
 * Rules for `images/edits`. `files` carries facts about Blob inputs read ahead by the client;
 * without it, byte inputs are inspected here and Blobs are judged by size and declared type.
 */
export function imageEditIssues(request: unknown, model?: ModelSpec, files?: ImageEditFiles): Issue[] {
  const {
    issues: out,
    bad,
    record,
  } = checkShape(request, IMAGE_EDIT_FIELDS, ['model', 'prompt', 'image'], NULLABLE_IMAGE_FIELDS);
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
  checkImageValues(out, record, bad, model, edit.fields, 'images.edit');

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
    if (f) checkEditImage(out, f, filePath(i, single), model);
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
