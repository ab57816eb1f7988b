import {
  DEFAULT_API_VERSION,
  getModel,
  MODELS,
  parseSize,
  VIDEO_TASK_STATUSES,
  type ImageModel,
  type ModelOperation,
  type ModelSpec,
} from '@aoai-media/core';
import {
  disputedValues,
  DOCS_DATE,
  DOCS_NOW,
  isRetired,
  modelList,
  modelsFor,
  modelsOf,
  perModel,
  shownName,
} from './model-docs.js';

export const OPERATIONS = [
  'image-generate',
  'image-edit',
  'video-generate',
  'video-job-create',
  'video-job-get',
  'transcribe',
  'translate',
  'speech',
] as const;
export type Operation = (typeof OPERATIONS)[number];

/** The request each operation sends, in core's operation table (`video-job-get` reads a task of one). */
export const MODEL_OPERATION: Readonly<Record<Operation, ModelOperation>> = {
  'image-generate': 'images.generate',
  'image-edit': 'images.edit',
  'video-generate': 'videos.create',
  'video-job-create': 'videos.create',
  'video-job-get': 'videos.create',
  transcribe: 'audio.transcribe',
  translate: 'audio.translate',
  speech: 'audio.speech',
};

const IMAGE_OPS: Operation[] = ['image-generate', 'image-edit'];
const VIDEO_CREATE_OPS: Operation[] = ['video-generate', 'video-job-create'];
const AUDIO_OPS: Operation[] = ['transcribe', 'translate'];
const PROMPT_OPS: Operation[] = [...IMAGE_OPS, ...VIDEO_CREATE_OPS];
/** Operations whose images and thumbnails can be previewed in the browser. */
const PREVIEW_OPS: Operation[] = [...IMAGE_OPS, 'video-generate', 'video-job-get'];
/** Operations that write media files (and so take a name template and metadata). */
const MEDIA_FILE_OPS: Operation[] = [...PREVIEW_OPS, 'speech'];
/** Operations that run once per line of `prompts-file`. */
export const BATCH_OPS: Operation[] = [...IMAGE_OPS, 'video-generate'];
const FILE_OPS: Operation[] = [...MEDIA_FILE_OPS, ...AUDIO_OPS];

/** Placeholders of the `file-name` template. */
export const NAME_FIELDS = ['index', 'n', 'id', 'slug'] as const;

/** One input of the action. action.yml and the README's input table are generated from this list. */
export interface InputDef {
  readonly name: string;
  readonly description: string;
  /** The value used when the input is not given ('' = none). */
  readonly default: string;
  readonly required?: boolean;
  /** Operations that read it; absent = all. */
  readonly operations?: readonly Operation[];
}

const images = modelsOf('image');
const videos = modelsOf('video');
const audios = modelsOf('audio');
const speeches = modelsOf('speech');

/** "png, jpeg, webp (webp with a warning: the sources disagree)" for one field of a model. */
function withDisputes(
  model: ModelSpec,
  operation: ModelOperation,
  field: string,
  values: readonly (string | number)[] | undefined,
): string | undefined {
  if (!values || values.length === 0) return undefined;
  const disputed = disputedValues(model, operation, field).filter((v) => values.map(String).includes(v));
  return `${values.join(', ')}${disputed.length > 0 ? ` (${disputed.join(', ')} with a warning: the sources disagree)` : ''}`;
}

/** gpt-image-2's free sizes in words, or a model's fixed sizes. */
function sizesOf(model: ImageModel): string {
  const rule = model.freeSize;
  if (!rule) return model.sizes.join(', ');
  const named = model.sizes.filter((s) => !parseSize(s));
  const examples = model.sizes.filter((s) => parseSize(s)).join(', ');
  const count = (n: number) => n.toLocaleString('en-US');
  return `${named.length > 0 ? `${named.join(', ')} or ` : ''}any WIDTHxHEIGHT with both edges multiples of ${rule.multipleOf}, the long edge at most ${rule.maxAspectRatio} times the short one, ${count(rule.minPixels)} to ${count(rule.maxPixels)} pixels and edges up to ${rule.maxEdge} px${rule.maxEdgeDisputed ? ` (a ${rule.maxEdge} px edge with a warning)` : ''}, e.g. ${examples}`;
}

function secondsOf(m: (typeof videos)[number]): string[] {
  return Array.isArray(m.seconds)
    ? [...(m.seconds as string[])]
    : [`${(m.seconds as { min: number }).min}-${(m.seconds as { max: number }).max}`];
}

/** Size-dependent video limits, e.g. "sora at 1920x1080, 1080x1920: up to 10 s and 1 variant". */
const videoSizeLimits = videos
  .flatMap((m) =>
    m.sizeLimits.map(
      (l) =>
        `${m.name} at ${l.sizes.join(', ')}: up to ${l.maxSeconds} s and ${l.maxVariants} variant${l.maxVariants === 1 ? '' : 's'}`,
    ),
  )
  .join('; ');

/** The voice a speech step uses when `voice` is not given: the model's first voice no source disputes. */
export function defaultVoice(model: ModelSpec | undefined): string | undefined {
  const candidates = model?.kind === 'speech' ? [model] : speeches;
  const [first, ...others] = candidates.map((m) =>
    m.voices.filter((v) => !disputedValues(m, 'audio.speech', 'voice').includes(v)),
  );
  // For an unknown model, a voice every speech model takes.
  return first?.find((v) => others.every((list) => list.includes(v)));
}

const withoutPrompt = audios.filter((m) => m.unsupportedFields?.includes('prompt')).map((m) => m.name);
const retiredNow = MODELS.filter((m) => isRetired(m))
  .map((m) => shownName(m))
  .join(', ');

export const INPUTS: readonly InputDef[] = [
  { name: 'operation', required: true, default: '', description: `What to do: ${OPERATIONS.join(', ')}.` },
  {
    name: 'endpoint',
    required: true,
    default: '',
    description: 'The Azure OpenAI resource endpoint, e.g. https://my-resource.openai.azure.com.',
  },
  {
    name: 'api-key',
    default: '',
    description: 'The resource API key (give this or bearer-token). Masked in logs.',
  },
  {
    name: 'bearer-token',
    default: '',
    description:
      'A Microsoft Entra ID access token for https://cognitiveservices.azure.com (give this or api-key). Masked in logs.',
  },
  {
    name: 'api-version',
    default: DEFAULT_API_VERSION,
    description: `${DEFAULT_API_VERSION} (Azure's GA v1 API, sent without an api-version) or preview use the /openai/v1 paths; a dated version such as 2025-04-01-preview uses /openai/deployments/{deployment} paths where the operation has them.`,
  },
  { name: 'deployment', required: true, default: '', description: 'The deployment name to call.' },
  {
    name: 'model',
    default: '',
    description: `The model behind the deployment, used to check requests before they are sent. Default: recognised from the deployment name. Models as of ${DOCS_DATE}: ${modelList(DOCS_NOW)}.`,
  },
  {
    name: 'allow-retired-models',
    default: '',
    description: `Models to call although Azure's schedule lists them as retired, for deployments Azure has extended: model names (one per line or comma-separated), or true for any. Without it a retired model is an input error naming its retirement date and replacement, and nothing is sent. Retired as of ${DOCS_DATE}: ${retiredNow}.`,
  },
  {
    name: 'prompt',
    default: '',
    operations: [...PROMPT_OPS, ...AUDIO_OPS],
    description: `The prompt (give this or prompt-file). Required for image and video operations; for transcribe and translate, optional text that guides the transcript${withoutPrompt.length > 0 ? ` (${withoutPrompt.join(', ')} takes none)` : ''}.`,
  },
  {
    name: 'prompt-file',
    default: '',
    operations: [...PROMPT_OPS, ...AUDIO_OPS],
    description: 'A UTF-8 file holding the prompt, relative to the workspace (give this or prompt).',
  },
  {
    name: 'prompts-file',
    default: '',
    operations: BATCH_OPS,
    description:
      'A batch: a UTF-8 file in the workspace with one prompt per line (blank lines and lines starting with # are skipped, at most 500); the operation runs once per line, in order. Give this instead of prompt and prompt-file.',
  },
  {
    name: 'size',
    default: '',
    operations: IMAGE_OPS,
    description: `Image size. Default: the model's default. ${perModel(images, sizesOf)}.`,
  },
  {
    name: 'quality',
    default: '',
    operations: IMAGE_OPS,
    description: `Image quality. ${perModel(images, (m) => m.qualities)}.`,
  },
  {
    name: 'n',
    default: '',
    operations: IMAGE_OPS,
    description: `Number of images. Default 1. ${perModel(images, (m) => [`${m.n.min}-${m.n.max}`])}.`,
  },
  {
    name: 'output-format',
    default: '',
    operations: IMAGE_OPS,
    description: `Image file format. ${perModel(images, (m) => {
      const values = withDisputes(m, 'images.generate', 'output_format', m.outputFormats);
      return values && `${values}; default ${m.defaultOutputFormat}`;
    })}.`,
  },
  {
    name: 'output-compression',
    default: '',
    operations: IMAGE_OPS,
    description: `Compression level. ${perModel(images, (m) =>
      m.outputCompression
        ? `${m.outputCompression.min}-${m.outputCompression.max} for ${(m.compressionFormats ?? []).join(' and ')} output (other formats ignore it)`
        : undefined,
    )}.`,
  },
  {
    name: 'background',
    default: '',
    operations: IMAGE_OPS,
    description: `Image background. ${perModel(images, (m) => {
      const values = withDisputes(m, 'images.generate', 'background', m.backgrounds);
      return (
        values && `${values}; transparent needs output-format ${(m.transparentFormats ?? []).join(' or ')}`
      );
    })}.`,
  },
  {
    name: 'style',
    default: '',
    operations: ['image-generate'],
    description: `Image style. ${perModel(images, (m) => m.styles)}.`,
  },
  {
    name: 'moderation',
    default: '',
    operations: ['image-generate'],
    description: `Content moderation level. ${perModel(images, (m) => m.moderations)}.`,
  },
  {
    name: 'images',
    default: '',
    operations: ['image-edit'],
    description: `Input images for image-edit: one path or glob per line, relative to the workspace (* ? [abc] and ** are supported; a line starting with ! excludes). ${perModel(images, (m) => (m.edit ? [`up to ${m.edit.maxImages}`, ...m.edit.imageTypes] : undefined))}.`,
  },
  {
    name: 'mask',
    default: '',
    operations: ['image-edit'],
    description: `A mask for image-edit, the first image's size; its transparent areas mark where that image is changed. ${perModel(images, (m) => m.edit?.maskTypes)}.`,
  },
  {
    name: 'width',
    default: '',
    operations: VIDEO_CREATE_OPS,
    description: `Video width in pixels, given with height. ${perModel(videos, (m) => m.sizes)} (width x height). Not given: the model's default size (${perModel(videos, (m) => m.defaultSize)}).`,
  },
  {
    name: 'height',
    default: '',
    operations: VIDEO_CREATE_OPS,
    description: 'Video height in pixels (see width).',
  },
  {
    name: 'seconds',
    default: '',
    operations: VIDEO_CREATE_OPS,
    description: `Video length in seconds. Default: the model's default (${videos.map((m) => `${m.name}: ${m.defaultSeconds}`).join(', ')}). ${perModel(videos, secondsOf)}. Limits by size: ${videoSizeLimits}.`,
  },
  {
    name: 'variants',
    default: '',
    operations: VIDEO_CREATE_OPS,
    description: `Number of videos generated from the prompt. Default 1. ${perModel(videos, (m) => [`${m.variants.min}-${m.variants.max}`])}.`,
  },
  {
    name: 'input-reference',
    default: '',
    operations: VIDEO_CREATE_OPS,
    description: `Image-to-video: a file in the workspace the video starts from. ${perModel(videos, (m) =>
      [
        `${m.maxReferences ?? 'any number'} of ${m.mediaTypes.join(', ')}`,
        m.referenceMatchesSize ? 'of exactly the video size' : 'placed as the first frame',
      ].join(', '),
    )}.`,
  },
  {
    name: 'remix-video-id',
    default: '',
    operations: VIDEO_CREATE_OPS,
    description: `Remix: the id of a finished video to make again with the new prompt (the job-id output of an earlier step); size and length come from that video. Models that remix: ${modelsFor('videos.remix', DOCS_NOW)}.`,
  },
  {
    name: 'cancel-job-on-cancel',
    default: 'true',
    operations: ['video-generate'],
    description:
      'When the workflow run is cancelled while video-generate waits, delete the video job it created at Azure so the job stops; when false, the job keeps running and can be collected with video-job-get.',
  },
  {
    name: 'job-id',
    default: '',
    operations: ['video-job-get'],
    description: 'The video job to look up (the job-id output of video-job-create).',
  },
  {
    name: 'download',
    default: 'false',
    operations: ['video-job-get'],
    description: 'video-job-get: when the job has succeeded, download its videos and thumbnails.',
  },
  {
    name: 'poll-interval-seconds',
    default: '10',
    operations: ['video-generate'],
    description: 'How often video-generate asks for the job status while waiting.',
  },
  {
    name: 'audio',
    default: '',
    operations: AUDIO_OPS,
    description: `The audio file to transcribe or translate, relative to the workspace. ${perModel(audios, (m) => m.fileExtensions)}. ${perModel(audios, (m) => (m.diarization ? `sent with chunking_strategy auto (required for audio over ${m.diarization.chunkingRequiredOverSeconds} s)` : undefined))}.`,
  },
  {
    name: 'response-format',
    default: '',
    operations: [...AUDIO_OPS, 'speech'],
    description: `Transcripts: json by default (the text output is always plain text); ${perModel(audios, (m) => withDisputes(m, 'audio.transcribe', 'response_format', m.responseFormats))}. diarized_json also writes a speaker-labelled .txt transcript beside the JSON. Speech: ${perModel(speeches, (m) => `${m.responseFormats.join(', ')}; default ${m.defaultResponseFormat}`)}.`,
  },
  {
    name: 'language',
    default: '',
    operations: ['transcribe'],
    description: 'The spoken language as an ISO-639-1 code (e.g. en); improves accuracy and speed.',
  },
  {
    name: 'split-audio',
    default: 'true',
    operations: AUDIO_OPS,
    description:
      "Audio above the model's file size limit is split with ffmpeg (on GitHub's hosted runners; elsewhere install it) into parts sent in order, and the transcript joined with continuous timestamps (not for diarized_json: speakers cannot be matched across parts). When false, such a file is an input error.",
  },
  {
    name: 'text',
    default: '',
    operations: ['speech'],
    description: `The text to speak (give this or text-file). ${perModel(speeches, (m) => `up to ${m.inputMaxLength} characters`)}.`,
  },
  {
    name: 'text-file',
    default: '',
    operations: ['speech'],
    description: 'A UTF-8 file holding the text to speak, relative to the workspace (give this or text).',
  },
  {
    name: 'voice',
    default: '',
    operations: ['speech'],
    description: `The voice. Default: ${defaultVoice(undefined)}. ${perModel(speeches, (m) => withDisputes(m, 'audio.speech', 'voice', m.voices))}.`,
  },
  {
    name: 'speed',
    default: '',
    operations: ['speech'],
    description: `How fast to speak. ${perModel(speeches, (m) => `${m.speed.min} to ${m.speed.max}, default ${m.defaultSpeed}`)}.`,
  },
  {
    name: 'instructions',
    default: '',
    operations: ['speech'],
    description: `How to speak: tone, accent, pace, emotion. Taken by ${speeches
      .filter((m) => m.instructions)
      .map((m) => shownName(m))
      .join(', ')} only.`,
  },
  {
    name: 'output-dir',
    default: 'aoai-media-output',
    operations: FILE_OPS,
    description:
      'Where files are written, relative to the workspace (it must stay inside it, or inside allowed-roots). Files appear only when complete; existing files are not overwritten.',
  },
  {
    name: 'file-name',
    default: '',
    operations: MEDIA_FILE_OPS,
    description: `File names without extension, from placeholders: ${NAME_FIELDS.map((f) => `{${f}}`).join(' ')} (the prompts-file line number, the image or video number, the video id, the first words of the prompt or text). Default: image-{n} or edit-{n} ({index}-image-{n} in a batch), {id} for videos, speech for speech; a video's thumbnail adds -thumbnail.`,
  },
  {
    name: 'metadata',
    default: 'false',
    operations: MEDIA_FILE_OPS,
    description:
      'Write a JSON file beside each image, video or speech file (its name plus .json) with the prompt or text, revised prompt, deployment, model, ids, size and time.',
  },
  {
    name: 'upload-artifact',
    default: '',
    operations: FILE_OPS,
    description:
      'Upload the files written (and their metadata) as one workflow artifact with this name, linked from the job summary.',
  },
  {
    name: 'artifact-retention-days',
    default: '',
    operations: FILE_OPS,
    description: "Days to keep the artifacts (1-90); default: the repository's setting.",
  },
  {
    name: 'previews',
    default: 'false',
    operations: PREVIEW_OPS,
    description:
      'Upload each image and video thumbnail (at most 20) as its own unzipped artifact, which opens in the browser, and link it from the job summary table.',
  },
  {
    name: 'allowed-roots',
    default: '',
    description:
      'Folders outside the workspace that path inputs may read and output-dir may write, one per line (e.g. ${{ runner.temp }}). Every other path, symbolic links followed, must stay inside the workspace.',
  },
  {
    name: 'timeout-minutes',
    default: '30',
    description: 'Give up after this many minutes, fractions allowed (covers waiting for video jobs).',
  },
  {
    name: 'fail-on-content-filter',
    default: 'true',
    description:
      'Fail the step when Azure content filtering blocks the prompt or the output; when false, log a warning and succeed with no files.',
  },
];

export interface OutputDef {
  readonly name: string;
  readonly description: string;
}

export const OUTPUTS: readonly OutputDef[] = [
  {
    name: 'files',
    description: 'JSON array of the files written, relative to the workspace when inside it.',
  },
  { name: 'file', description: 'The first file written (empty when none).' },
  {
    name: 'revised-prompt',
    description: 'The prompt as the model rewrote it, when Azure returns one with the image.',
  },
  { name: 'job-id', description: 'The video job id (the last one in a batch).' },
  { name: 'generation-ids', description: 'JSON array of the video generation ids.' },
  {
    name: 'status',
    description: `Always set. For video operations once a job exists, the job's status, the same words for every video model: ${VIDEO_TASK_STATUSES.join(', ')}; otherwise how the step ended: succeeded, input-error, content-filtered, failed, cancelled or timed-out.`,
  },
  {
    name: 'content-filtered',
    description: 'Always set: true when Azure content filtering blocked a prompt or an output, else false.',
  },
  { name: 'metadata-files', description: 'JSON array of the metadata files written (with metadata: true).' },
  { name: 'artifact-id', description: 'The id of the artifact uploaded with upload-artifact.' },
  { name: 'artifact-url', description: 'The link to that artifact.' },
  {
    name: 'text',
    description:
      'The transcript or translation as plain text; with diarized_json, one "speaker: words" line per segment.',
  },
  { name: 'usage', description: 'JSON token usage, when Azure reports it.' },
];

/** An input that cannot be used, reported as an annotation naming it. */
export interface InputProblem {
  readonly input: string;
  readonly message: string;
}

export interface Inputs {
  operation: Operation;
  endpoint: string;
  apiKey: string;
  bearerToken: string;
  apiVersion: string;
  deployment: string;
  model: string;
  /** Retired models to call anyway: all (`true`), none (`false`) or these names. */
  allowRetiredModels: boolean | string[];
  prompt: string;
  promptFile: string;
  promptsFile: string;
  size: string;
  quality: string;
  n: number | undefined;
  outputFormat: string;
  outputCompression: number | undefined;
  background: string;
  style: string;
  moderation: string;
  images: string[];
  mask: string;
  width: number | undefined;
  height: number | undefined;
  seconds: string;
  variants: number | undefined;
  inputReference: string;
  remixVideoId: string;
  cancelJobOnCancel: boolean;
  jobId: string;
  download: boolean;
  pollIntervalSeconds: number;
  audio: string;
  responseFormat: string;
  language: string;
  splitAudio: boolean;
  text: string;
  textFile: string;
  voice: string;
  speed: number | undefined;
  instructions: string;
  outputDir: string;
  fileName: string;
  metadata: boolean;
  uploadArtifact: string;
  artifactRetentionDays: number | undefined;
  previews: boolean;
  allowedRoots: string[];
  timeoutMinutes: number;
  failOnContentFilter: boolean;
}

const BY_NAME = new Map(INPUTS.map((i) => [i.name, i]));

/**
 * Read and check every input. Checks here are the ones that need no model knowledge (types, presence,
 * combinations); what each model accepts is checked by core's validators when the request is built.
 */
export function readInputs(
  get: (name: string) => string,
  now: () => number = Date.now,
): {
  inputs: Inputs;
  problems: InputProblem[];
  unused: string[];
} {
  const problems: InputProblem[] = [];
  const raw = (name: string): string => {
    const def = BY_NAME.get(name);
    if (!def) throw new Error(`unknown input ${name}`);
    const value = get(name).trim();
    return value === '' ? def.default : value;
  };
  const int = (name: string, min: number, max: number): number | undefined => {
    const value = raw(name);
    if (value === '') return undefined;
    if (!/^-?\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      problems.push({
        input: name,
        message: `"${value}" is not allowed; use a whole number from ${min} to ${max}`,
      });
      return undefined;
    }
    return Number(value);
  };
  const positive = (name: string, max: number): number | undefined => {
    const value = raw(name);
    if (value === '') return undefined;
    if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0 || Number(value) > max) {
      problems.push({
        input: name,
        message: `"${value}" is not allowed; use a number of minutes above 0, at most ${max}`,
      });
      return undefined;
    }
    return Number(value);
  };
  const number = (name: string): number | undefined => {
    const value = raw(name);
    if (value === '') return undefined;
    if (!/^\d+(\.\d+)?$|^\.\d+$/.test(value)) {
      problems.push({ input: name, message: `"${value}" is not allowed; use a number such as 1 or 1.25` });
      return undefined;
    }
    return Number(value);
  };
  const bool = (name: string): boolean => {
    const value = raw(name);
    if (/^(true|yes|on)$/i.test(value)) return true;
    if (/^(false|no|off)$/i.test(value)) return false;
    problems.push({ input: name, message: `"${value}" is not allowed; use true or false` });
    return BY_NAME.get(name)!.default === 'true';
  };

  const operationValue = raw('operation');
  const operation = (OPERATIONS as readonly string[]).includes(operationValue)
    ? (operationValue as Operation)
    : undefined;
  if (!operation) {
    problems.push({
      input: 'operation',
      message: operationValue
        ? `"${operationValue}" is not an operation; allowed: ${OPERATIONS.join(', ')}`
        : `is required; allowed: ${OPERATIONS.join(', ')}`,
    });
  }

  const endpoint = raw('endpoint');
  if (!endpoint)
    problems.push({ input: 'endpoint', message: 'is required, e.g. https://my-resource.openai.azure.com' });
  else if (!/^https?:\/\/[^\s/?#]+/i.test(endpoint) || !URL.canParse(endpoint)) {
    problems.push({
      input: 'endpoint',
      message: `"${endpoint}" is not an http(s) URL, e.g. https://my-resource.openai.azure.com`,
    });
  }

  const apiKey = raw('api-key');
  const bearerToken = raw('bearer-token');
  if (!apiKey && !bearerToken) problems.push({ input: 'api-key', message: 'give api-key or bearer-token' });
  if (apiKey && bearerToken)
    problems.push({ input: 'bearer-token', message: 'give api-key or bearer-token, not both' });

  const deployment = raw('deployment');
  if (!deployment)
    problems.push({ input: 'deployment', message: 'is required: the deployment name to call' });

  const model = raw('model');
  if (model && !getModel(model)) {
    problems.push({
      input: 'model',
      message: `"${model}" is not a known model; allowed: ${modelList(now())}`,
    });
  }
  const allowRetiredModels = retiredModelsAllowed(raw('allow-retired-models'), problems, now());

  const inputs: Inputs = {
    operation: operation ?? 'image-generate',
    endpoint,
    apiKey,
    bearerToken,
    apiVersion: raw('api-version'),
    deployment,
    model,
    allowRetiredModels,
    prompt: raw('prompt'),
    promptFile: raw('prompt-file'),
    promptsFile: raw('prompts-file'),
    size: raw('size'),
    quality: raw('quality'),
    n: int('n', 1, 1000),
    outputFormat: raw('output-format'),
    outputCompression: int('output-compression', 0, 100),
    background: raw('background'),
    style: raw('style'),
    moderation: raw('moderation'),
    images: lines(raw('images')),
    mask: raw('mask'),
    width: int('width', 1, 100_000),
    height: int('height', 1, 100_000),
    seconds: raw('seconds'),
    variants: int('variants', 1, 1000),
    inputReference: raw('input-reference'),
    remixVideoId: raw('remix-video-id'),
    cancelJobOnCancel: bool('cancel-job-on-cancel'),
    jobId: raw('job-id'),
    download: bool('download'),
    pollIntervalSeconds: int('poll-interval-seconds', 1, 3600) ?? 10,
    audio: raw('audio'),
    responseFormat: raw('response-format'),
    language: raw('language'),
    splitAudio: bool('split-audio'),
    text: raw('text'),
    textFile: raw('text-file'),
    voice: raw('voice'),
    speed: number('speed'),
    instructions: raw('instructions'),
    outputDir: raw('output-dir'),
    fileName: raw('file-name'),
    metadata: bool('metadata'),
    uploadArtifact: raw('upload-artifact'),
    artifactRetentionDays: int('artifact-retention-days', 1, 90),
    previews: bool('previews'),
    allowedRoots: lines(raw('allowed-roots')),
    // Five days: the longest a self-hosted job may run.
    timeoutMinutes: positive('timeout-minutes', 7200) ?? 30,
    failOnContentFilter: bool('fail-on-content-filter'),
  };
  if (inputs.seconds !== '' && !/^\d+$/.test(inputs.seconds)) {
    problems.push({
      input: 'seconds',
      message: `"${inputs.seconds}" is not allowed; use a whole number of seconds`,
    });
  }
  if (!inputs.outputDir) problems.push({ input: 'output-dir', message: 'must not be empty' });

  const unused: string[] = [];
  if (operation) {
    const uses = (name: string) => {
      const def = BY_NAME.get(name)!;
      return !def.operations || def.operations.includes(operation);
    };
    const batch = inputs.promptsFile !== '' && BATCH_OPS.includes(operation);
    if (PROMPT_OPS.includes(operation) && !inputs.prompt && !inputs.promptFile && !batch) {
      problems.push({
        input: 'prompt',
        message: `is required for ${operation} (or give prompt-file${BATCH_OPS.includes(operation) ? ' or prompts-file' : ''})`,
      });
    }
    if (inputs.prompt && inputs.promptFile)
      problems.push({ input: 'prompt-file', message: 'give prompt or prompt-file, not both' });
    if (batch && (inputs.prompt || inputs.promptFile))
      problems.push({
        input: 'prompts-file',
        message: `give prompts-file or ${inputs.prompt ? 'prompt' : 'prompt-file'}, not both`,
      });
    if (inputs.inputReference && inputs.remixVideoId)
      problems.push({ input: 'remix-video-id', message: 'give input-reference or remix-video-id, not both' });
    if (inputs.fileName) problems.push(...checkTemplate(inputs.fileName));
    if (inputs.uploadArtifact && !/^[^"<>:|*?\\/\r\n]{1,200}$/.test(inputs.uploadArtifact))
      problems.push({
        input: 'upload-artifact',
        message: `"${inputs.uploadArtifact}" is not an artifact name; use up to 200 characters, none of " : < > | * ? \\ / or new lines`,
      });
    if (operation === 'image-edit' && inputs.images.length === 0) {
      problems.push({ input: 'images', message: 'is required for image-edit: one path or glob per line' });
    }
    if (operation === 'video-job-get' && !inputs.jobId)
      problems.push({ input: 'job-id', message: 'is required for video-job-get' });
    if (AUDIO_OPS.includes(operation) && !inputs.audio)
      problems.push({ input: 'audio', message: `is required for ${operation}: the audio file to read` });
    if (operation === 'speech' && !inputs.text && !inputs.textFile)
      problems.push({
        input: 'text',
        message: 'is required for speech (or give text-file): the text to speak',
      });
    if (inputs.text && inputs.textFile)
      problems.push({ input: 'text-file', message: 'give text or text-file, not both' });
    if (
      (inputs.width === undefined) !== (inputs.height === undefined) &&
      VIDEO_CREATE_OPS.includes(operation)
    )
      problems.push({
        input: inputs.width === undefined ? 'width' : 'height',
        message: "give width and height together, or neither for the model's default size",
      });
    for (const def of INPUTS) {
      if (!uses(def.name) && get(def.name).trim() !== '' && get(def.name).trim() !== def.default)
        unused.push(def.name);
    }
  }
  return { inputs, problems, unused };
}

/** Non-empty lines, trimmed; lines starting with # are comments. */
function lines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** A `file-name` template makes names in the output folder only: known placeholders, no folders. */
function checkTemplate(template: string): InputProblem[] {
  const problems: InputProblem[] = [];
  const unknown = [...template.matchAll(/\{([^}]*)\}/g)]
    .map((m) => m[1]!)
    .filter((f) => !(NAME_FIELDS as readonly string[]).includes(f));
  if (unknown.length > 0)
    problems.push({
      input: 'file-name',
      message: `"${template}" uses ${unknown.map((f) => `{${f}}`).join(', ')}; allowed: ${NAME_FIELDS.map((f) => `{${f}}`).join(', ')}`,
    });
  if (/[\\/]|\.\./.test(template) || template.length > 200)
    problems.push({
      input: 'file-name',
      message: `"${template}" must be a file name without folders or "..", at most 200 characters`,
    });
  return problems;
}

/**
 * `allow-retired-models`: true, false, or model names (one per line or comma-separated). A name
 * that is not in the model table is a problem, so a typo does not silently allow nothing.
 */
function retiredModelsAllowed(value: string, problems: InputProblem[], now: number): boolean | string[] {
  if (value === '' || /^(false|no|off)$/i.test(value)) return false;
  if (/^(true|yes|on)$/i.test(value)) return true;
  const names = value.split(/[\s,]+/).filter(Boolean);
  const unknown = names.filter((name) => !getModel(name));
  if (unknown.length > 0) {
    const retired = MODELS.filter((m) => isRetired(m, now)).map((m) => m.name);
    problems.push({
      input: 'allow-retired-models',
      message: `${unknown.map((n) => `"${n}"`).join(', ')} ${unknown.length === 1 ? 'is not a model name' : 'are not model names'}; use true, or names from the model table${retired.length > 0 ? ` (retired now: ${retired.join(', ')})` : ''}`,
    });
  }
  return names;
}
