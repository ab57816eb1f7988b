/**
 * The model table: what each Azure OpenAI media model accepts.
 *
 * This is the one place these facts live. Validators, the emulator, the n8n node's option lists,
 * the Action's input docs and the service's OpenAPI schema all read it. Adding a model is one entry.
 *
 * Sources: Azure's OpenAPI specs (v1 preview, 2024-10-21, 2025-04-01-preview) and Azure's
 * image/video/audio how-to pages, as noted on each fact that the specs state only in prose.
 */

export type ImageFamily = 'gpt-image' | 'dall-e-3' | 'dall-e-2';
export type VideoApi = 'jobs' | 'videos';

export interface IntRange {
  readonly min: number;
  readonly max: number;
}

export interface ImageModel {
  readonly kind: 'image';
  readonly name: string;
  readonly family: ImageFamily;
  readonly promptMaxLength: number;
  readonly n: IntRange;
  readonly sizes: readonly string[];
  readonly qualities: readonly string[];
  /** Request fields this model accepts on `images/generations` (besides `model` and `prompt`). */
  readonly generateFields: readonly string[];
  readonly responseFormats?: readonly string[];
  readonly outputFormats?: readonly string[];
  /** The output format when the request names none. */
  readonly defaultOutputFormat?: string;
  /** `output_compression` range, and the output formats it applies to. */
  readonly outputCompression?: IntRange;
  readonly compressionFormats?: readonly string[];
  readonly backgrounds?: readonly string[];
  /** Output formats that can carry a transparent background. */
  readonly transparentFormats?: readonly string[];
  readonly moderations?: readonly string[];
  readonly styles?: readonly string[];
  /** Present when the model supports `images/edits`. */
  readonly edit?: {
    readonly maxImages: number;
    readonly imageTypes: readonly string[];
    readonly maxImageBytes: number;
    /** DALL-E 2 edits need square inputs. */
    readonly squareOnly: boolean;
    /** The mask: its types and size limit; it must match the first image's width and height. */
    readonly maskTypes: readonly string[];
    readonly maxMaskBytes: number;
    readonly fields: readonly string[];
  };
  /** Whether the Responses API `image_generation` tool can use this deployment (streamed partial images). */
  readonly streaming: boolean;
  /** `partial_images` range for the streamed form, where `streaming` is true. */
  readonly partialImages?: IntRange;
}

/** A rule that narrows limits for some sizes: the first entry whose sizes include the request's size applies. */
export interface VideoSizeLimit {
  readonly sizes: readonly string[];
  readonly maxSeconds: number;
  readonly maxVariants: number;
  readonly source: string;
}

export interface VideoModel {
  readonly kind: 'video';
  readonly name: string;
  /** `jobs`: Sora 1 `/video/generations/jobs`; `videos`: Sora 2 `/videos` (OpenAI shape). */
  readonly api: VideoApi;
  readonly promptMaxLength: number;
  /** `WIDTHxHEIGHT` strings. */
  readonly sizes: readonly string[];
  /** Sora 1: integer range; Sora 2: the allowed string values. */
  readonly seconds: IntRange | readonly string[];
  readonly defaultSeconds: number;
  readonly variants: IntRange;
  readonly sizeLimits: readonly VideoSizeLimit[];
  readonly mediaTypes: readonly string[];
  readonly maxMediaBytes: number;
  readonly framesPerSecond: number;
  /** Sora 1 `inpaint_items[].type` values; absent where the API has no inpainting. */
  readonly inpaintTypes?: readonly string[];
}

export interface AudioModel {
  readonly kind: 'audio';
  readonly name: string;
  readonly responseFormats: readonly string[];
  readonly fileExtensions: readonly string[];
  readonly maxFileBytes: number;
  readonly temperature: IntRange;
  readonly timestampGranularities: readonly string[];
  readonly operations: readonly ('transcribe' | 'translate')[];
}

export type ModelSpec = ImageModel | VideoModel | AudioModel;

const MB = 1024 * 1024;

const GPT_IMAGE_GENERATE_FIELDS = [
  'n',
  'size',
  'quality',
  'output_format',
  'output_compression',
  'background',
  'moderation',
  'user',
] as const;

function gptImage(name: string): ImageModel {
  return {
    kind: 'image',
    name,
    family: 'gpt-image',
    promptMaxLength: 32000,
    n: { min: 1, max: 10 },
    sizes: ['auto', '1024x1024', '1536x1024', '1024x1536'],
    qualities: ['low', 'medium', 'high', 'auto'],
    generateFields: GPT_IMAGE_GENERATE_FIELDS,
    outputFormats: ['png', 'jpeg', 'webp'],
    defaultOutputFormat: 'png',
    outputCompression: { min: 0, max: 100 },
    compressionFormats: ['jpeg', 'webp'],
    backgrounds: ['transparent', 'opaque', 'auto'],
    transparentFormats: ['png', 'webp'],
    moderations: ['low', 'auto'],
    edit: {
      maxImages: 16,
      imageTypes: ['image/png', 'image/jpeg', 'image/webp'],
      // Azure's image how-to: each input image under 50 MB for the gpt-image family.
      maxImageBytes: 50 * MB,
      squareOnly: false,
      // 2025-04-01-preview images/edits: the mask is a PNG under 4 MB.
      maskTypes: ['image/png'],
      maxMaskBytes: 4 * MB,
      fields: ['n', 'size', 'quality', 'output_format', 'output_compression', 'background', 'user'],
    },
    streaming: true,
    // v1 preview spec, ImageGenTool.partial_images: 0 (default) to 3.
    partialImages: { min: 0, max: 3 },
  };
}

const SORA_1080P_SIZES = ['1920x1080', '1080x1920'];

export const MODELS: readonly ModelSpec[] = [
  gptImage('gpt-image-1'),
  gptImage('gpt-image-1-mini'),
  gptImage('gpt-image-1.5'),
  {
    kind: 'image',
    name: 'dall-e-3',
    family: 'dall-e-3',
    promptMaxLength: 4000,
    n: { min: 1, max: 1 },
    sizes: ['1024x1024', '1792x1024', '1024x1792'],
    qualities: ['standard', 'hd'],
    generateFields: ['n', 'size', 'quality', 'style', 'response_format', 'user'],
    responseFormats: ['url', 'b64_json'],
    styles: ['vivid', 'natural'],
    streaming: false,
  },
  {
    kind: 'image',
    name: 'dall-e-2',
    family: 'dall-e-2',
    promptMaxLength: 1000,
    n: { min: 1, max: 10 },
    sizes: ['256x256', '512x512', '1024x1024'],
    qualities: ['standard'],
    generateFields: ['n', 'size', 'quality', 'response_format', 'user'],
    responseFormats: ['url', 'b64_json'],
    edit: {
      maxImages: 1,
      imageTypes: ['image/png'],
      // OpenAI's edits reference: DALL-E 2 takes one square PNG under 4 MB.
      maxImageBytes: 4 * MB,
      squareOnly: true,
      maskTypes: ['image/png'],
      maxMaskBytes: 4 * MB,
      fields: ['n', 'size', 'response_format', 'user'],
    },
    streaming: false,
  },
  {
    kind: 'video',
    name: 'sora',
    api: 'jobs',
    promptMaxLength: 32000,
    sizes: [
      '480x480',
      '854x480',
      '480x854',
      '720x720',
      '1280x720',
      '720x1280',
      '1080x1080',
      '1920x1080',
      '1080x1920',
    ],
    seconds: { min: 1, max: 20 },
    defaultSeconds: 5,
    variants: { min: 1, max: 5 },
    sizeLimits: [
      {
        sizes: SORA_1080P_SIZES,
        maxSeconds: 10,
        maxVariants: 1,
        source: 'Azure video generation concepts: 1080p jobs are limited to 10 s and have variants disabled',
      },
      {
        sizes: ['1080x1080'],
        maxSeconds: 20,
        maxVariants: 2,
        source: 'Azure video generation concepts: fewer variants allowed at larger sizes',
      },
    ],
    mediaTypes: ['image/png', 'image/jpeg', 'image/webp', 'video/mp4'],
    maxMediaBytes: 25 * MB,
    framesPerSecond: 30,
    // v1 preview spec, InpaintItem.type: described as "either 'image' or 'video'" (its enum lists only image).
    inpaintTypes: ['image', 'video'],
  },
  {
    kind: 'video',
    name: 'sora-2',
    api: 'videos',
    promptMaxLength: 32000,
    sizes: ['720x1280', '1280x720', '1024x1792', '1792x1024'],
    seconds: ['4', '8', '12'],
    defaultSeconds: 4,
    variants: { min: 1, max: 1 },
    sizeLimits: [],
    mediaTypes: ['image/png', 'image/jpeg', 'image/webp', 'video/mp4'],
    maxMediaBytes: 25 * MB,
    framesPerSecond: 30,
  },
  {
    kind: 'audio',
    name: 'whisper',
    responseFormats: ['json', 'text', 'srt', 'vtt', 'verbose_json'],
    fileExtensions: ['mp3', 'mp4', 'mpeg', 'mpga', 'm4a', 'wav', 'webm'],
    maxFileBytes: 25 * MB,
    temperature: { min: 0, max: 1 },
    timestampGranularities: ['word', 'segment'],
    operations: ['transcribe', 'translate'],
  },
  {
    kind: 'audio',
    name: 'gpt-4o-transcribe',
    responseFormats: ['json', 'text'],
    fileExtensions: ['mp3', 'mp4', 'mpeg', 'mpga', 'm4a', 'wav', 'webm'],
    maxFileBytes: 25 * MB,
    temperature: { min: 0, max: 1 },
    timestampGranularities: [],
    operations: ['transcribe'],
  },
];

const BY_NAME = new Map(MODELS.map((m) => [m.name, m]));

/** The table entry for a model name, or undefined. */
export function getModel(name: string): ModelSpec | undefined {
  return BY_NAME.get(name);
}

/** Model names of one kind, in table order (for option lists). */
export function modelNames(kind: ModelSpec['kind']): string[] {
  return MODELS.filter((m) => m.kind === kind).map((m) => m.name);
}

/**
 * Recognise a model from a deployment name such as `img-gpt-image-1-prod` or `dalle3`.
 * Longest name first, so `gpt-image-1-mini` wins over `gpt-image-1` and `sora-2` over `sora`.
 */
export function recogniseModel(deployment: string): ModelSpec | undefined {
  const normalised = deployment
    .toLowerCase()
    .replace(/[_\s]/g, '-')
    .replace(/dall-?e-?(\d)/g, 'dall-e-$1');
  return LONGEST_NAME_FIRST.find(
    (m) => normalised.includes(m.name) || normalised.includes(m.name.replace(/-/g, '')),
  );
}

const LONGEST_NAME_FIRST = [...MODELS].sort((a, b) => b.name.length - a.name.length);

/** The size limit that applies to a video size, if any. */
export function videoSizeLimit(model: VideoModel, size: string): VideoSizeLimit | undefined {
  return model.sizeLimits.find((l) => l.sizes.includes(size));
}
