/**
 * Video request rules: Sora 1 jobs (`/video/generations/jobs`) and Sora 2 videos (`/videos`).
 * Every limit comes from the model table; this file only applies it.
 */
import type { Issue } from '../errors.js';
import { videoSizeLimit, type IntRange, type ModelSpec, type VideoModel } from '../models.js';
import { extensionFor, inspectFileSync, isFileInput, type FileFacts } from '../uploads.js';
import { asWarning, checkShape, formatBytes, issues, listWords, show, type FieldType } from './shared.js';

const JOB_FIELDS: Readonly<Record<string, FieldType>> = {
  model: 'string',
  prompt: 'string',
  width: 'integer',
  height: 'integer',
  n_seconds: 'integer',
  n_variants: 'integer',
  files: 'files',
};
const JOB_REQUIRED = ['model', 'prompt', 'width', 'height'];

const CREATE_FIELDS: Readonly<Record<string, FieldType>> = {
  model: 'string',
  prompt: 'string',
  size: 'string',
  input_reference: 'file',
};
// `seconds` is a string on the wire; a number is accepted and sent as its string form.
const CREATE_REQUIRED = ['model', 'prompt'];

const INPAINT_FIELDS = ['frame_index', 'type', 'file_name', 'crop_bounds'];
const CROP_FIELDS = ['left_fraction', 'top_fraction', 'right_fraction', 'bottom_fraction'] as const;

/** Facts about the attached files, read ahead by the caller (a Blob's first bytes need an await). */
export interface MediaFacts {
  files?: readonly (FileFacts | undefined)[];
}

/** The name a file is sent under: the caller's, else `file-<index>.<ext>` (inpaint items refer to it). */
export function videoFileName(facts: FileFacts, index: number): string {
  return facts.filename ?? `file-${index}.${extensionFor(facts.contentType)}`;
}

function isVideoModel(model: ModelSpec | undefined): model is VideoModel {
  return model?.kind === 'video';
}

function checkPrompt(out: Issue[], prompt: unknown, model: VideoModel | undefined): void {
  if (model && typeof prompt === 'string' && prompt.length > model.promptMaxLength) {
    out.push(issues.tooLong('prompt', prompt.length, model.promptMaxLength, model.name));
  }
}

function checkFamily(
  out: Issue[],
  model: ModelSpec | undefined,
  api: 'jobs' | 'videos',
): VideoModel | undefined {
  if (!model) return undefined;
  if (!isVideoModel(model)) {
    out.push(
      issues.custom(
        'model',
        'wrong_model',
        `model is a ${model.name} deployment, which is not a video model`,
      ),
    );
    return undefined;
  }
  if (model.api !== api) {
    const use =
      model.api === 'jobs'
        ? 'the video jobs API; call client.videos.create (any video model) or client.videos.jobs.create'
        : 'the /videos API; call client.videos.create (any video model) or client.videos.sora2.create';
    out.push(issues.custom('model', 'wrong_api', `${model.name} uses ${use} for it`));
    return undefined;
  }
  return model;
}

function checkMedia(out: Issue[], path: string, facts: FileFacts, model: VideoModel | undefined): void {
  if (!model) return;
  const type = facts.contentType?.split(';')[0]?.trim().toLowerCase();
  if (!type) {
    out.push(
      issues.custom(
        path,
        'unknown_type',
        `${path} has no recognisable content type; give contentType, one of ${listWords(model.mediaTypes)}`,
        model.mediaTypes,
      ),
    );
  } else if (!model.mediaTypes.includes(type)) {
    out.push(issues.notAllowed(`${path}.contentType`, type, model.mediaTypes, model.name));
  }
  const max = model.maxMediaBytes;
  if (max !== undefined && facts.size > max) {
    out.push(
      issues.custom(
        path,
        'too_large',
        `${path} is ${overBy(facts.size, max)}; ${model.name} accepts media up to ${formatBytes(max)}`,
        [max],
      ),
    );
  }
}

function rangeIssue(out: Issue[], path: string, value: unknown, range: IntRange, subject: string): boolean {
  if (typeof value !== 'number' || !Number.isInteger(value)) return false;
  if (value < range.min || value > range.max) {
    out.push(issues.range(path, value, range, subject));
    return true;
  }
  return false;
}

/**
 * A Sora 1 job (`client.videos.jobs.create` / `createWithMedia`). Without a model only the
 * generic checks run: shape, types, and inpaint items against the attached files.
 */
export function videoJob(request: unknown, model?: ModelSpec, media?: MediaFacts): Issue[] {
  const record = request && typeof request === 'object' ? (request as Record<string, unknown>) : undefined;
  const { inpaint_items: inpaint, ...rest } = record ?? {};
  const shape = checkShape(record ? rest : request, JOB_FIELDS, JOB_REQUIRED);
  const out = shape.issues;
  if (!record) return out;
  const video = checkFamily(out, model, 'jobs');
  checkPrompt(out, record.prompt, video);

  const { width, height } = record;
  const size = typeof width === 'number' && typeof height === 'number' ? `${width}x${height}` : undefined;
  const sizeOk = size !== undefined && !shape.bad.has('width') && !shape.bad.has('height');
  if (video && sizeOk && !video.sizes.includes(size)) {
    out.push(
      issues.custom(
        'width',
        'not_allowed',
        `width x height ${size} is not supported by ${video.name}; use ${listWords(video.sizes)}`,
        video.sizes,
      ),
    );
  }
  const limit = video && sizeOk ? videoSizeLimit(video, size) : undefined;
  const secondsRange: IntRange =
    video && typeof video.seconds === 'object' && 'min' in video.seconds
      ? video.seconds
      : { min: 1, max: Number.MAX_SAFE_INTEGER };
  const variantsRange: IntRange = video?.variants ?? { min: 1, max: Number.MAX_SAFE_INTEGER };
  const subject = video?.name ?? 'video jobs';
  // Both fields have a model-wide range and, at some sizes, a lower ceiling.
  const ceilings = [
    ['n_seconds', secondsRange, limit?.maxSeconds],
    ['n_variants', variantsRange, limit?.maxVariants],
  ] as const;
  for (const [field, range, ceiling] of ceilings) {
    if (
      shape.bad.has(field) ||
      rangeIssue(out, field, record[field], range, subject) ||
      ceiling === undefined
    )
      continue;
    const n = record[field];
    if (typeof n === 'number' && n > ceiling) {
      out.push(issues.range(field, n, { min: range.min, max: ceiling }, `${subject} at ${size}`));
    }
  }

  // Attached media: files, then inpaint items that refer to them by name.
  const files = record.files;
  const names: string[] = [];
  const types: (string | undefined)[] = [];
  if (files !== undefined) {
    if (!Array.isArray(files)) {
      out.push(issues.type('files', files, 'an array of files'));
    } else {
      if (files.length === 0) out.push(issues.empty('files'));
      files.forEach((file, i) => {
        const path = `files[${i}]`;
        if (!isFileInput(file)) {
          out.push(issues.type(path, file, 'a Uint8Array, a Blob or { data, filename?, contentType? }'));
          return;
        }
        const facts = media?.files?.[i] ?? inspectFileSync(file);
        checkMedia(out, path, facts, video);
        const name = videoFileName(facts, i);
        if (names.includes(name)) {
          out.push(
            issues.custom(
              `${path}.filename`,
              'duplicate',
              `${path} has the file name ${JSON.stringify(name)} of an earlier file; inpaint items refer to files by name, so names must differ`,
            ),
          );
        }
        names.push(name);
        types.push(facts.contentType);
      });
    }
  }
  if (inpaint !== undefined) {
    if (files === undefined) out.push(issues.required('files', 'inpaint_items refer to attached files'));
    const frames =
      (typeof record.n_seconds === 'number' ? record.n_seconds : (video?.defaultSeconds ?? 5)) *
      (video?.framesPerSecond ?? 30);
    checkInpaintItems(out, inpaint, names, types, video, Number.isFinite(frames) ? frames : undefined);
  }
  return out;
}

function checkInpaintItems(
  out: Issue[],
  items: unknown,
  names: readonly string[],
  types: readonly (string | undefined)[],
  model: VideoModel | undefined,
  frames: number | undefined,
): void {
  if (!Array.isArray(items)) {
    out.push(issues.type('inpaint_items', items, 'an array of inpaint items'));
    return;
  }
  items.forEach((item, i) => {
    const path = `inpaint_items[${i}]`;
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      out.push(
        issues.type(path, item, 'an object with frame_index, type, file_name and optional crop_bounds'),
      );
      return;
    }
    const it = item as Record<string, unknown>;
    for (const key of Object.keys(it)) {
      if (it[key] !== undefined && !INPAINT_FIELDS.includes(key))
        out.push(issues.unknownField(`${path}.${key}`, INPAINT_FIELDS));
    }
    for (const key of ['frame_index', 'type', 'file_name']) {
      if (it[key] === undefined || it[key] === null) out.push(issues.required(`${path}.${key}`));
    }
    const frame = it.frame_index;
    if (frame !== undefined && frame !== null) {
      if (typeof frame !== 'number' || !Number.isInteger(frame) || frame < 0) {
        out.push(
          issues.custom(
            `${path}.frame_index`,
            'invalid_frame',
            `${path}.frame_index must be a non-negative integer (got ${show(frame)})`,
          ),
        );
      } else if (frames !== undefined && frame >= frames) {
        // The frame rate is this project's assumption, not an Azure fact: warn only.
        out.push(
          asWarning(
            issues.range(
              `${path}.frame_index`,
              frame,
              { min: 0, max: frames - 1 },
              `a video of about ${frames} frames (assuming ${model?.framesPerSecond ?? 30} per second)`,
            ),
          ),
        );
      }
    }
    const type = it.type;
    if (type !== undefined && type !== null) {
      if (typeof type !== 'string') out.push(issues.type(`${path}.type`, type, 'a string'));
      else if (model?.inpaintTypes && !model.inpaintTypes.includes(type))
        out.push(issues.notAllowed(`${path}.type`, type, model.inpaintTypes, model.name));
    }
    const name = it.file_name;
    if (name !== undefined && name !== null) {
      const index = typeof name === 'string' ? names.indexOf(name) : -1;
      if (typeof name !== 'string') out.push(issues.type(`${path}.file_name`, name, 'a string'));
      else if (index < 0) {
        const attached =
          names.length > 0
            ? `attached files are ${listWords(names.map((n) => JSON.stringify(n)))}`
            : 'no files are attached';
        out.push(
          issues.custom(
            `${path}.file_name`,
            'no_such_file',
            `${path}.file_name ${JSON.stringify(name)} matches no attached file; ${attached}`,
            names,
          ),
        );
      } else if (typeof type === 'string') {
        const fileType = types[index]?.split('/')[0];
        if (fileType && (type === 'image' || type === 'video') && fileType !== type) {
          out.push(
            issues.custom(
              `${path}.type`,
              'type_mismatch',
              `${path}.type is "${type}" but ${JSON.stringify(name)} is ${types[index]}`,
            ),
          );
        }
      }
    }
    if (it.crop_bounds !== undefined) checkCrop(out, `${path}.crop_bounds`, it.crop_bounds);
  });
}

function checkCrop(out: Issue[], path: string, crop: unknown): void {
  if (!crop || typeof crop !== 'object' || Array.isArray(crop)) {
    out.push(
      issues.type(path, crop, 'an object of left_fraction, top_fraction, right_fraction, bottom_fraction'),
    );
    return;
  }
  const c = crop as Record<string, unknown>;
  for (const key of Object.keys(c)) {
    if (c[key] !== undefined && !(CROP_FIELDS as readonly string[]).includes(key))
      out.push(issues.unknownField(`${path}.${key}`, CROP_FIELDS));
  }
  // Defaults are the whole frame, as in the spec.
  const value: Record<string, number | undefined> = {};
  const defaults = { left_fraction: 0, top_fraction: 0, right_fraction: 1, bottom_fraction: 1 };
  for (const key of CROP_FIELDS) {
    const v = c[key];
    if (v === undefined) {
      value[key] = defaults[key];
    } else if (typeof v !== 'number' || !Number.isFinite(v)) {
      out.push(issues.type(`${path}.${key}`, v, 'a number from 0 to 1'));
    } else if (v < 0 || v > 1) {
      out.push(
        issues.custom(
          `${path}.${key}`,
          'out_of_range',
          `${path}.${key} ${v} is out of range; use 0 to 1`,
          [0, 1],
        ),
      );
    } else {
      value[key] = v;
    }
  }
  const { left_fraction: l, right_fraction: r, top_fraction: t, bottom_fraction: b } = value;
  if (l !== undefined && r !== undefined && !(l < r)) {
    out.push(
      issues.custom(
        `${path}.left_fraction`,
        'empty_crop',
        `${path}.left_fraction ${l} must be less than right_fraction ${r}`,
      ),
    );
  }
  if (t !== undefined && b !== undefined && !(t < b)) {
    out.push(
      issues.custom(
        `${path}.top_fraction`,
        'empty_crop',
        `${path}.top_fraction ${t} must be less than bottom_fraction ${b}`,
      ),
    );
  }
}

/** Sora 2 create (`client.videos.create`): `seconds` and `size` from the table, the optional reference image. */
export function videoCreate(
  request: unknown,
  model?: ModelSpec,
  media?: { input_reference?: FileFacts },
): Issue[] {
  const record = request && typeof request === 'object' ? (request as Record<string, unknown>) : undefined;
  const { seconds, ...rest } = record ?? {};
  const shape = checkShape(record ? rest : request, CREATE_FIELDS, CREATE_REQUIRED);
  const out = shape.issues;
  if (!record) return out;
  const video = checkFamily(out, model, 'videos');
  checkPrompt(out, record.prompt, video);
  if (seconds !== undefined) {
    const text = typeof seconds === 'number' && Number.isInteger(seconds) ? String(seconds) : seconds;
    if (typeof text !== 'string') out.push(issues.type('seconds', seconds, 'a string such as "4"'));
    else if (video && Array.isArray(video.seconds) && !video.seconds.includes(text)) {
      out.push(issues.notAllowed('seconds', seconds, video.seconds as readonly string[], video.name));
    }
  }
  const sizeOk = typeof record.size === 'string' && !shape.bad.has('size');
  if (video && sizeOk && !video.sizes.includes(record.size as string)) {
    out.push(issues.notAllowed('size', record.size, video.sizes, video.name));
  }
  const reference = record.input_reference;
  if (reference !== undefined) {
    if (!isFileInput(reference))
      out.push(
        issues.type(
          'input_reference',
          reference,
          'a Uint8Array, a Blob or { data, filename?, contentType? }',
        ),
      );
    else {
      const facts = media?.input_reference ?? inspectFileSync(reference);
      checkMedia(out, 'input_reference', facts, video);
      const size = sizeOk ? (record.size as string) : video?.defaultSize;
      if (
        video?.referenceMatchesSize &&
        size !== undefined &&
        facts.width !== undefined &&
        `${facts.width}x${facts.height}` !== size
      ) {
        out.push(
          issues.custom(
            'input_reference',
            'size_mismatch',
            `input_reference is ${facts.width}x${facts.height} but the video is ${size}${sizeOk ? '' : ' (the default size)'}; ${video.name} needs a reference image of exactly the video's size`,
            [size],
          ),
        );
      }
    }
  }
  return out;
}

/** Sora 2 remix: a new prompt for an existing video. */
export function videoRemix(request: unknown): Issue[] {
  return checkShape(request, { prompt: 'string' }, ['prompt']).issues;
}

/** A size over a limit, in bytes when rounding would make it look equal to the limit. */
function overBy(size: number, max: number): string {
  return formatBytes(size) === formatBytes(max) ? `${size} bytes` : formatBytes(size);
}
