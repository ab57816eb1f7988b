/** `images/generations` and `images/edits`, both URL styles. */
import { checkFreeSize, parseSize as parseWxH, type ImageModel, type ModelSpec } from '@aoai-media/core';
import { badRequest, HttpError, invalidValue, missingParameter } from '../errors.js';
import { contentFilterResults, POLICY_MESSAGE, promptFilterResults } from '../filter.js';
import type { Ctx, Reply, Upload } from '../http.js';
import { MIME, probeImage, renderEdit, type ImageFormat, type ImageSpec } from '../media/image.js';
import type { EmulatorState } from '../state.js';
import { seconds, sha256 } from '../util.js';
import { intIn, modelOfKind, oneOf, onlyFields, optionalString, requireString } from '../validate.js';

/** Image tokens per output image (OpenAI's published gpt-image figures), by quality and square/not. */
const OUTPUT_TOKENS: Record<string, [number, number]> = {
  low: [272, 408],
  medium: [1056, 1584],
  high: [4160, 6240],
};

interface Common {
  model: ImageModel;
  prompt: string;
  n: number;
  size: string | undefined;
  quality: string | undefined;
  format: ImageFormat;
  compression: number;
  transparent: boolean;
  responseFormat: 'url' | 'b64_json';
  style: string | undefined;
}

function readCommon(
  ctx: Ctx,
  model: ImageModel,
  allowedFields: readonly string[],
  extraFields: readonly string[],
): Common {
  const f = ctx.body.fields;
  onlyFields(f, ['model', 'prompt', ...extraFields, ...allowedFields], model.name);
  const prompt = requireString('prompt', f.prompt, model.promptMaxLength);
  const n = intIn('n', f.n, model.n) ?? 1;
  const size = imageSize('size', f.size, model);
  const quality = oneOf('quality', f.quality, model.qualities, model.name);
  const outputFormat =
    oneOf('output_format', f.output_format, model.outputFormats, model.name) ?? model.defaultOutputFormat;
  // Azure accepts output_compression with png (its own REST sample sends it) and ignores it.
  const compression =
    intIn('output_compression', f.output_compression, model.outputCompression ?? FULL_RANGE) ??
    FULL_RANGE.max;
  const background = oneOf('background', f.background, model.backgrounds, model.name);
  oneOf('moderation', f.moderation, model.moderations, model.name);
  oneOf('input_fidelity', f.input_fidelity, model.edit?.inputFidelities, model.name);
  const style = oneOf('style', f.style, model.styles, model.name);
  const responseFormat = oneOf('response_format', f.response_format, model.responseFormats, model.name);
  optionalString('user', f.user);
  checkTransparency('background', background, outputFormat, model);
  return {
    model,
    prompt,
    n,
    size,
    quality,
    format: (outputFormat ?? 'png') as ImageFormat,
    compression,
    transparent: background === 'transparent',
    responseFormat: (responseFormat ?? model.defaultResponseFormat) as Common['responseFormat'],
    style,
  };
}

/** Quality for JPEG/WebP encoding when the request names no compression (and the range's top). */
const FULL_RANGE = { min: 0, max: 100 };

/** Transparent backgrounds need a format that can carry them (the table's `transparentFormats`). */
export function checkTransparency(
  param: string,
  background: string | undefined,
  format: string | undefined,
  model: ImageModel,
): void {
  const formats = model.transparentFormats ?? [];
  if (background === 'transparent' && format !== undefined && !formats.includes(format)) {
    throw invalidValue(
      param,
      'transparent',
      `Transparent background needs output_format ${formats.map((f) => `'${f}'`).join(' or ')}.`,
    );
  }
}

/**
 * `size`: one of the table's sizes, or for free-size models (gpt-image-2) any size meeting the
 * rule, refused the way Azure refuses an invalid value.
 */
export function imageSize(param: string, value: unknown, model: ImageModel): string | undefined {
  const rule = model.freeSize;
  if (!rule || value === undefined || value === null || value === 'auto')
    return oneOf(param, value, model.sizes, model.name);
  if (typeof value !== 'string') throw invalidValue(param, value, 'Expected a string such as "1024x1024".');
  const { problems } = checkFreeSize(rule, value);
  if (problems.length > 0) {
    throw new HttpError(400, {
      code: 'invalid_value',
      message: `Invalid size '${value}'. Requested resolution is not supported: ${problems.join('; ')}. Sizes must be 'auto' or WIDTHxHEIGHT with both edges multiples of ${rule.multipleOf}, an aspect ratio of at most ${rule.maxAspectRatio}:1, between ${rule.minPixels} and ${rule.maxPixels} total pixels and edges of at most ${rule.maxEdge} pixels.`,
      param,
      type: 'invalid_request_error',
    });
  }
  return value;
}

function parseSize(size: string): { width: number; height: number } {
  return parseWxH(size) ?? { width: 1024, height: 1024 };
}

/** `auto` picks the table size closest to the input's shape (or square for generations). */
export function chooseSize(
  model: ImageModel,
  requested: string | undefined,
  input?: { width: number; height: number },
): string {
  if (requested && requested !== 'auto') return requested;
  const fixed = model.sizes.filter((s) => s !== 'auto');
  if (!input) return fixed.includes('1024x1024') ? '1024x1024' : (fixed[0] ?? '1024x1024');
  const ratio = input.width / input.height;
  let best = fixed[0] ?? '1024x1024';
  let bestDiff = Infinity;
  for (const s of fixed) {
    const { width, height } = parseSize(s);
    const diff = Math.abs(Math.log(width / height) - Math.log(ratio));
    if (diff < bestDiff) [best, bestDiff] = [s, diff];
  }
  return best;
}

export function rejectIfBlocked(emu: EmulatorState, ctx: Ctx, prompt: string, model: ModelSpec): void {
  const hit = emu.blockedBy(prompt);
  if (!hit) return;
  emu.count('contentFiltered', ctx.deployment ?? model.name);
  throw new HttpError(400, {
    code: 'content_policy_violation',
    message: POLICY_MESSAGE,
    param: 'prompt',
    type: 'invalid_request_error',
    inner_error: {
      code: 'ResponsibleAIPolicyViolation',
      content_filter_results: promptFilterResults(hit),
      revised_prompt: prompt,
    },
  });
}

function revisedPrompt(prompt: string, style: string | undefined): string {
  return `${prompt.trim()}, rendered in a ${style ?? 'vivid'} style with balanced composition and soft lighting`;
}

/** The unfiltered results every image carries, serialised once (they never change). */
const CLEAN_FILTERS = `"content_filter_results":${JSON.stringify(contentFilterResults())},"prompt_filter_results":${JSON.stringify(promptFilterResults())}`;

/**
 * The answer body is assembled from pre-serialised parts: base64 needs no JSON escaping, and
 * serialising large image strings and the constant filter results per request dominated the cost
 * of the small-image fast path.
 */
function respond(
  ctx: Ctx,
  emu: EmulatorState,
  c: Common,
  sizeUsed: string,
  images: Buffer[] | { bytes: Buffer; base64: string }[],
): Reply {
  const created = seconds(emu.clock.now());
  const items = images.map((img) => {
    const bytes = Buffer.isBuffer(img) ? img : img.bytes;
    let head: string;
    if (c.responseFormat === 'url') {
      const id = emu.serveFile(bytes, MIME[c.format], c.format === 'jpeg' ? 'jpg' : c.format);
      head = `"url":${JSON.stringify(`${ctx.baseUrl}/_emulator/files/${id}`)},`;
    } else {
      head = `"b64_json":"${Buffer.isBuffer(img) ? img.toString('base64') : img.base64}",`;
    }
    if (c.model.family === 'dall-e-3')
      head += `"revised_prompt":${JSON.stringify(revisedPrompt(c.prompt, c.style))},`;
    return `{${head}${CLEAN_FILTERS}}`;
  });
  emu.count('imagesGenerated', ctx.deployment ?? c.model.name, images.length);
  const body: Record<string, unknown> = { created };
  if (c.model.family === 'gpt-image') {
    const quality = !c.quality || c.quality === 'auto' ? 'medium' : c.quality;
    const square = sizeUsed === '1024x1024';
    const perImage = (OUTPUT_TOKENS[quality] ?? [1056, 1584])[square ? 0 : 1];
    const textTokens = Math.ceil(c.prompt.length / 4);
    const imageTokens = ctx.operation === 'images.edit' ? 323 * ctx.body.files.length : 0;
    body.background = c.transparent ? 'transparent' : 'opaque';
    body.output_format = c.format;
    body.quality = quality;
    body.size = sizeUsed;
    body.usage = {
      total_tokens: textTokens + imageTokens + perImage * images.length,
      input_tokens: textTokens + imageTokens,
      output_tokens: perImage * images.length,
      input_tokens_details: { text_tokens: textTokens, image_tokens: imageTokens },
    };
  }
  const head = JSON.stringify(body);
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: `${head.slice(0, -1)},"data":[${items.join(',')}]}`,
  };
}

export function imageSpec(
  model: ImageModel,
  c: Pick<Common, 'format' | 'compression' | 'transparent'>,
  size: string,
  seed: string,
): ImageSpec {
  const { width, height } = parseSize(size);
  // Models without output formats in the table (DALL-E) answer PNG.
  const format = model.outputFormats ? c.format : 'png';
  return {
    width,
    height,
    format,
    compression: c.compression,
    transparent: c.transparent && format !== 'jpeg',
    seed,
  };
}

export async function generate(ctx: Ctx, emu: EmulatorState, spec: ModelSpec): Promise<Reply> {
  const model = modelOfKind(spec, 'image', 'imagesGenerate');
  if (ctx.body.kind !== 'json')
    throw badRequest('images/generations takes a JSON body (content-type: application/json).');
  const c = readCommon(ctx, model, model.generateFields, []);
  rejectIfBlocked(emu, ctx, c.prompt, model);
  const size = chooseSize(model, c.size);
  const images = await Promise.all(
    Array.from({ length: c.n }, (_, i) =>
      emu.imageCache.get(
        imageSpec(model, c, size, `${model.name}|${c.prompt}|${c.quality ?? ''}|${c.style ?? ''}|${i}`),
      ),
    ),
  );
  return respond(ctx, emu, c, size, images);
}

const FORMAT_MIME: Record<string, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

async function checkUpload(
  model: ImageModel,
  file: Upload,
  param: string,
): Promise<{ width: number; height: number }> {
  const edit = model.edit!;
  // Where the sources disagree (webp inputs, 25 or 50 MB), the emulator takes what Azure might.
  const maxBytes = edit.maxImageBytesUnconfirmed ?? edit.maxImageBytes;
  const types = [...edit.imageTypes, ...(edit.imageTypesUnconfirmed ?? [])];
  if (file.bytes.byteLength > maxBytes) {
    throw badRequest(
      `Invalid '${param}': file '${file.filename}' is ${file.bytes.byteLength} bytes; the limit for ${model.name} is ${maxBytes} bytes.`,
      param,
      'invalid_image_size',
    );
  }
  const info = await probeImage(file.bytes);
  const mime = info ? FORMAT_MIME[info.format] : undefined;
  if (!info || !mime || !types.includes(mime)) {
    throw badRequest(
      `Invalid '${param}': file '${file.filename}' is ${info ? info.format : 'not a readable image'}. Supported types: ${types.join(', ')}.`,
      param,
      'invalid_image_format',
    );
  }
  if (edit.squareOnly && info.width !== info.height) {
    throw badRequest(
      `Invalid '${param}': ${model.name} needs a square image, got ${info.width}x${info.height}.`,
      param,
      'invalid_image',
    );
  }
  return info;
}

export async function edit(ctx: Ctx, emu: EmulatorState, spec: ModelSpec): Promise<Reply> {
  const model = modelOfKind(spec, 'image', 'imagesEdit');
  if (!model.edit)
    throw new HttpError(400, {
      code: 'OperationNotSupported',
      message: `The imagesEdit operation does not work with the specified model, ${model.name}. Please choose different model and try again.`,
    });
  if (ctx.body.kind !== 'multipart') throw badRequest('images/edits takes a multipart/form-data body.');
  const images = ctx.body.files.filter((f) => f.field === 'image' || f.field === 'image[]');
  const masks = ctx.body.files.filter((f) => f.field === 'mask');
  const others = ctx.body.files.filter((f) => !images.includes(f) && !masks.includes(f));
  if (others[0])
    throw badRequest(
      `Unknown file field '${others[0].field}'. Send images as 'image' (or 'image[]') and the mask as 'mask'.`,
      others[0].field,
      'unknown_parameter',
    );
  const c = readCommon(ctx, model, model.edit.fields, ['image', 'image[]', 'mask']);
  if (images.length === 0) throw missingParameter('image');
  if (images.length > model.edit.maxImages) {
    throw badRequest(
      `Too many images: ${images.length}. ${model.name} accepts at most ${model.edit.maxImages}.`,
      'image',
      'invalid_value',
    );
  }
  if (masks.length > 1) throw badRequest('Only one mask may be sent.', 'mask', 'invalid_value');
  const dims = [];
  for (const img of images) dims.push(await checkUpload(model, img, 'image'));
  const mask = masks[0];
  if (mask) {
    const m = await probeImage(mask.bytes);
    const maskTypes = model.edit.maskTypes;
    if (!m || !maskTypes.includes(FORMAT_MIME[m.format] ?? '')) {
      throw badRequest(
        `Invalid 'mask': file '${mask.filename}' must be ${maskTypes.join(' or ')} with an alpha channel.`,
        'mask',
        'invalid_image_format',
      );
    }
    if (mask.bytes.byteLength > model.edit.maxMaskBytes) {
      throw badRequest(
        `Invalid 'mask': file '${mask.filename}' is ${mask.bytes.byteLength} bytes; the limit is ${model.edit.maxMaskBytes} bytes.`,
        'mask',
        'invalid_image_size',
      );
    }
    const first = dims[0]!;
    if (m.width !== first.width || m.height !== first.height) {
      throw badRequest(
        `Invalid 'mask': its size ${m.width}x${m.height} does not match the image's ${first.width}x${first.height}.`,
        'mask',
        'invalid_image_size',
      );
    }
  }
  rejectIfBlocked(emu, ctx, c.prompt, model);
  const size = chooseSize(model, c.size, dims[0]);
  const inputHash = sha256(...images.map((i) => i.bytes), mask?.bytes ?? '').toString('hex');
  const outputs = await Promise.all(
    Array.from({ length: c.n }, (_, i) =>
      renderEdit(
        images.map((f) => f.bytes),
        mask?.bytes,
        imageSpec(model, c, size, `${model.name}|edit|${c.prompt}|${inputHash}|${i}`),
      ),
    ),
  );
  return respond(ctx, emu, c, size, outputs);
}
