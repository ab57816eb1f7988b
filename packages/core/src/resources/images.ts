/**
 * Images: `images/generations` and `images/edits`, in both URL styles. Results come back with the
 * bytes decoded and typed, whatever form Azure answered in.
 */
import { readJson, type AzureOpenAIMedia, type CallOptions, type RequestSpec } from '../client.js';
import { ContentFilterError, InvalidResponseError, requestIdOf, type Issue } from '../errors.js';
import type { OperationId } from '../operations.js';
import { preflightChecked } from '../preflight.js';
import type { ImageQualityValue, ImageSizePreset, ModelSpec } from '../models.js';
import { decodeBase64 } from '../base64.js';
import { detectContentType, extensionFor, inspectFile, toUpload, type FileInput } from '../uploads.js';
import { imageEditIssues, imageGenerateIssues } from '../validate/images.js';
import {
  generateWithResponses,
  streamImage,
  type ImageStreamEvent,
  type ImageStreamRequest,
} from './image-stream.js';

export type { ImageStreamEvent, ImageStreamRequest } from './image-stream.js';

/** A listed size, or (gpt-image-2) any `WIDTHxHEIGHT` that meets the model's size rules. */
export type ImageSize = ImageSizePreset | `${number}x${number}`;
export type ImageQuality = ImageQualityValue;
export type ImageOutputFormat = 'png' | 'jpeg' | 'webp';
export type ImageBackground = 'transparent' | 'opaque' | 'auto';

/** `null` in an optional field means "not set" (Azure's v1 spec marks these nullable). */
export interface ImageGenerateRequest {
  /** The deployment name. */
  model: string;
  prompt: string;
  n?: number | null;
  size?: ImageSize | null;
  quality?: ImageQuality | null;
  output_format?: ImageOutputFormat | null;
  output_compression?: number | null;
  background?: ImageBackground | null;
  moderation?: 'low' | 'auto' | null;
  style?: 'vivid' | 'natural' | null;
  response_format?: 'url' | 'b64_json' | null;
  user?: string;
}

export interface ImageEditRequest {
  /** The deployment name. */
  model: string;
  prompt: string;
  image: FileInput | FileInput[];
  mask?: FileInput;
  n?: number | null;
  size?: ImageSize | null;
  quality?: ImageQuality | null;
  output_format?: ImageOutputFormat | null;
  output_compression?: number | null;
  background?: ImageBackground | null;
  /** How closely to keep the input's features (faces); gpt-image models that support it. */
  input_fidelity?: 'high' | 'low' | null;
  response_format?: 'url' | 'b64_json' | null;
  user?: string;
}

export interface ImageCallOptions extends CallOptions {
  /** Fetch images that come back as URLs right away (Azure's links expire after about 60 minutes). */
  downloadUrls?: boolean;
}

export interface ImageUsage {
  total_tokens: number;
  input_tokens: number;
  output_tokens: number;
  input_tokens_details?: { text_tokens?: number; image_tokens?: number };
}

export interface GeneratedImage {
  index: number;
  /**
   * Decoded image bytes: always for base64 answers, for URL answers when downloaded. Absent when
   * `filtered` is true.
   */
  bytes?: Uint8Array;
  /**
   * True when Azure's content filter withheld this image (the answer carried no image for it);
   * `contentFilterResults` says why. Only some images of an answer can be filtered: when all are,
   * the call throws ContentFilterError instead.
   */
  filtered?: true;
  mimeType: string;
  /** File extension without a dot, e.g. `png`. */
  extension: string;
  url?: string;
  revisedPrompt?: string;
  contentFilterResults?: Record<string, unknown>;
}

export interface ImagesResult {
  created: number;
  images: GeneratedImage[];
  usage?: ImageUsage;
  promptFilterResults?: unknown[];
  requestId?: string;
  /**
   * What the request carried that Azure accepts but ignores, or that the sources disagree on (and a
   * model close to retirement). Also logged at `warn`. Empty when there is nothing to say.
   */
  warnings: Issue[];
  /** Azure's JSON answer, unchanged. */
  raw: unknown;
}

/** Azure's image answer, as far as this client reads it. */
interface RawImagesResponse {
  created?: number;
  data?: RawImage[];
  usage?: ImageUsage;
  output_format?: string;
  prompt_filter_results?: unknown[];
}
interface RawImage {
  b64_json?: string;
  url?: string;
  revised_prompt?: string;
  content_filter_results?: Record<string, unknown>;
  prompt_filter_results?: unknown;
}

const MIME_BY_FORMAT: Record<string, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

/** Drop unset fields (undefined, or null, which means "not set") so the body holds what the caller set. */
function defined(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in record) if (record[k] !== undefined && record[k] !== null) out[k] = record[k];
  return out;
}

export class Images {
  constructor(protected readonly client: AzureOpenAIMedia) {}

  /** Generate images from a prompt. */
  async generate(request: ImageGenerateRequest, options: ImageCallOptions = {}): Promise<ImagesResult> {
    const { model, warnings } = preflightChecked(this.client, request.model, 'images.generate', (m) =>
      imageGenerateIssues(request, m),
    );
    const { model: deployment, ...fields } = request;
    const body = this.client.usesV1() ? defined({ model: deployment, ...fields }) : defined(fields);
    const result = await this.send(
      'images.generate',
      'images/generations',
      deployment,
      body,
      request.output_format ?? defaultFormat(model),
      options,
    );
    result.warnings = warnings;
    return result;
  }

  /** Edit one or more images with a prompt (and optionally a mask), sent as multipart. */
  async edit(request: ImageEditRequest, options: ImageCallOptions = {}): Promise<ImagesResult> {
    const list =
      request.image === undefined ? [] : Array.isArray(request.image) ? request.image : [request.image];
    let model: ModelSpec | undefined;
    let warnings: Issue[] = [];
    if (this.client.validation === 'strict') {
      // Blobs are read ahead (first bytes only) so their type and PNG size can be checked.
      const files = {
        image: await Promise.all(list.map((f) => inspectFile(f).catch(() => undefined))).then((all) =>
          all.every((f) => f !== undefined) ? all : undefined,
        ),
        ...(request.mask !== undefined
          ? { mask: await inspectFile(request.mask).catch(() => undefined) }
          : {}),
      };
      ({ model, warnings } = preflightChecked(this.client, request.model, 'images.edit', (m) =>
        imageEditIssues(request, m, defined(files) as Parameters<typeof imageEditIssues>[2]),
      ));
    } else {
      model = this.client.modelFor(request.model);
    }

    const form = new FormData();
    const { model: deployment, prompt, image: _image, mask, ...rest } = request;
    if (this.client.usesV1()) form.append('model', deployment);
    form.append('prompt', prompt);
    const uploads = await Promise.all(
      list.map((f, i) => toUpload(f, list.length > 1 ? `image-${i + 1}` : 'image')),
    );
    // One image goes as `image`; several as `image[]`, the form Azure and OpenAI accept for arrays.
    const imageField = Array.isArray(request.image) && list.length > 1 ? 'image[]' : 'image';
    for (const upload of uploads) form.append(imageField, upload.blob, upload.filename);
    if (mask !== undefined) {
      const upload = await toUpload(mask, 'mask');
      form.append('mask', upload.blob, upload.filename);
    }
    for (const [key, value] of Object.entries(defined(rest))) form.append(key, String(value));
    const result = await this.send(
      'images.edit',
      'images/edits',
      deployment,
      form,
      request.output_format ?? defaultFormat(model),
      options,
    );
    result.warnings = warnings;
    return result;
  }

  /** Stream a generation through the Responses API image tool: progress, partial images, then the final image. */
  stream(request: ImageStreamRequest, options: CallOptions = {}): AsyncGenerator<ImageStreamEvent> {
    return streamImage(this.client, request, options);
  }

  /** The same Responses API generation without streaming: resolves with the final image and any warnings. */
  generateWithResponses(
    request: ImageStreamRequest,
    options: CallOptions = {},
  ): Promise<GeneratedImage & { warnings: Issue[] }> {
    return generateWithResponses(this.client, request, options);
  }

  /** POST an image request and turn the answer into an ImagesResult. */
  protected async send(
    operation: OperationId,
    path: string,
    deployment: string,
    body: unknown,
    expectedFormat: string | undefined,
    options: ImageCallOptions,
  ): Promise<ImagesResult> {
    const spec: RequestSpec = { operation, method: 'POST', path, deployment, body, ...callOptions(options) };
    // Parsed inside the call, so an answer that holds no usable image is handled like any bad answer.
    const result = await this.client.request(spec, async (response) =>
      toImagesResult(await readJson(response), expectedFormat, requestIdOf(response.headers)),
    );
    if (options.downloadUrls) await this.downloadAll(result, options);
    return result;
  }

  /** Fetch every URL image into `bytes`, in parallel, before the links expire. */
  protected async downloadAll(result: ImagesResult, options: CallOptions): Promise<void> {
    await Promise.all(
      result.images.map(async (image) => {
        if (image.bytes || !image.url) return;
        const { bytes, contentType } = await this.client.requestBytes({
          operation: 'images.download',
          method: 'GET',
          path: 'image download',
          url: image.url,
          headers: { accept: 'image/*' },
          ...callOptions(options),
        });
        const mimeType = detectContentType(bytes) ?? contentType?.split(';')[0]?.trim() ?? image.mimeType;
        image.bytes = bytes;
        image.mimeType = mimeType;
        image.extension = extensionFor(mimeType);
      }),
    );
  }
}

function defaultFormat(model: ModelSpec | undefined): string | undefined {
  return model?.kind === 'image' ? model.defaultOutputFormat : undefined;
}

function callOptions(options: CallOptions): CallOptions {
  const call: CallOptions = {};
  if (options.signal !== undefined) call.signal = options.signal;
  if (options.timeoutMs !== undefined) call.timeoutMs = options.timeoutMs;
  if (options.maxRetries !== undefined) call.maxRetries = options.maxRetries;
  if (options.retryAmbiguous !== undefined) call.retryAmbiguous = options.retryAmbiguous;
  return call;
}

/**
 * Normalise Azure's image answer. Exported for consumers that receive the JSON another way.
 *
 * Images the content filter withheld are marked `filtered`; when every image was withheld (or the
 * answer holds none and its prompt was filtered) this throws ContentFilterError with the revised
 * prompt and the categories. An image with neither data nor a link, and no filter verdict, is an
 * InvalidResponseError: an empty image is never returned as a success.
 */
export function toImagesResult(raw: unknown, expectedFormat?: string, requestId?: string): ImagesResult {
  const body = (raw && typeof raw === 'object' ? raw : {}) as RawImagesResponse;
  const fallbackMime = MIME_BY_FORMAT[body.output_format ?? expectedFormat ?? 'png'] ?? 'image/png';
  const promptFilters: unknown[] = [];
  const images = (Array.isArray(body.data) ? body.data : []).map((item, index): GeneratedImage => {
    const image: GeneratedImage = { index, mimeType: fallbackMime, extension: extensionFor(fallbackMime) };
    if (typeof item?.b64_json === 'string' && item.b64_json !== '') {
      image.bytes = decodeBase64(item.b64_json);
      const detected = detectContentType(image.bytes);
      if (detected) {
        image.mimeType = detected;
        image.extension = extensionFor(detected);
      }
    }
    if (typeof item?.url === 'string' && item.url !== '') image.url = item.url;
    if (typeof item?.revised_prompt === 'string') image.revisedPrompt = item.revised_prompt;
    if (item?.content_filter_results && typeof item.content_filter_results === 'object') {
      image.contentFilterResults = item.content_filter_results;
    }
    if (item?.prompt_filter_results !== undefined) promptFilters.push(item.prompt_filter_results);
    if (!image.bytes && !image.url) {
      if (!anyFiltered(image.contentFilterResults)) {
        throw new InvalidResponseError({
          status: 200,
          requestId,
          body: JSON.stringify(item ?? null),
          expected: `image ${index} to carry b64_json or url (or a content filter verdict)`,
        });
      }
      image.filtered = true;
    }
    return image;
  });
  const result: ImagesResult = {
    created: typeof body.created === 'number' ? body.created : 0,
    images,
    warnings: [],
    raw,
  };
  if (body.usage && typeof body.usage === 'object') result.usage = body.usage;
  if (Array.isArray(body.prompt_filter_results)) result.promptFilterResults = body.prompt_filter_results;
  else if (promptFilters.length > 0) result.promptFilterResults = promptFilters;
  if (requestId !== undefined) result.requestId = requestId;

  const promptFiltered = (result.promptFilterResults ?? []).some((p) => {
    const entry = p as { content_filter_results?: Record<string, unknown> } | undefined;
    return anyFiltered(entry?.content_filter_results ?? (p as Record<string, unknown> | undefined));
  });
  if (images.length === 0 && !promptFiltered) {
    throw new InvalidResponseError({
      status: 200,
      requestId,
      body: JSON.stringify(raw ?? null),
      expected: 'at least one image in data',
    });
  }
  if (images.length > 0 ? images.every((i) => i.filtered) : promptFiltered) {
    const first = images[0];
    const filterResults =
      first?.contentFilterResults ??
      ((result.promptFilterResults?.[0] as { content_filter_results?: Record<string, unknown> })
        ?.content_filter_results as Record<string, unknown> | undefined);
    throw new ContentFilterError({
      status: 200,
      code: 'content_filter',
      message:
        images.length > 1
          ? `all ${images.length} images were withheld by Azure's content filter`
          : "the image was withheld by Azure's content filter",
      requestId,
      body: raw,
      revisedPrompt: first?.revisedPrompt,
      filterResults,
    });
  }
  return result;
}

/** Whether any category in filter results says `filtered: true`. */
function anyFiltered(results: Record<string, unknown> | undefined): boolean {
  if (!results || typeof results !== 'object') return false;
  return Object.values(results).some(
    (v) => !!v && typeof v === 'object' && (v as { filtered?: unknown }).filtered === true,
  );
}
