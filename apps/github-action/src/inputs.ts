import { MODELS, modelNames, type ImageModel, type VideoModel, type AudioModel } from '@aoai-media/core';

export const OPERATIONS = [
  'image-generate',
  'image-edit',
  'video-generate',
  'video-job-create',
  'video-job-get',
  'transcribe',
  'translate',
] as const;
export type Operation = (typeof OPERATIONS)[number];

const IMAGE_OPS: Operation[] = ['image-generate', 'image-edit'];
const VIDEO_CREATE_OPS: Operation[] = ['video-generate', 'video-job-create'];
const AUDIO_OPS: Operation[] = ['transcribe', 'translate'];
const PROMPT_OPS: Operation[] = [...IMAGE_OPS, ...VIDEO_CREATE_OPS];
/** Operations that write image or video files (and so take a name template, metadata and previews). */
const MEDIA_FILE_OPS: Operation[] = [...IMAGE_OPS, 'video-generate', 'video-job-get'];
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

const images = MODELS.filter((m): m is ImageModel => m.kind === 'image');
const videos = MODELS.filter((m): m is VideoModel => m.kind === 'video');
const audios = MODELS.filter((m): m is AudioModel => m.kind === 'audio');

/** "gpt-image-1, gpt-image-1-mini: a, b; dall-e-3: c" for one field of the model table (same lists grouped). */
function perModel<M extends { name: string }>(
  models: M[],
  pick: (m: M) => readonly (string | number)[] | undefined,
): string {
  const groups = new Map<string, string[]>();
  for (const m of models) {
    const values = pick(m);
    if (!values || values.length === 0) continue;
    const key = values.join(', ');
    groups.set(key, [...(groups.get(key) ?? []), m.name]);
  }
  return [...groups].map(([values, names]) => `${names.join(', ')}: ${values}`).join('; ');
}

function secondsOf(m: VideoModel): string[] {
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
    default: 'preview',
    description:
      'preview or v1 use the /openai/v1 paths; a dated version such as 2025-04-01-preview uses /openai/deployments/{deployment} paths where the operation has them.',
  },
  { name: 'deployment', required: true, default: '', description: 'The deployment name to call.' },
  {
    name: 'model',
    default: '',
    description: `The model behind the deployment, used to check requests before they are sent. Default: recognised from the deployment name. Known models: ${MODELS.map((m) => m.name).join(', ')}.`,
  },
  {
    name: 'prompt',
    default: '',
    operations: [...PROMPT_OPS, ...AUDIO_OPS],
    description:
      'The prompt (give this or prompt-file). Required for image and video operations; for audio, optional text that guides the transcript.',
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
    description: `Image size. Default: the model's default. ${perModel(images, (m) => m.sizes)}.`,
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
    description: `Image file format. Default png. ${perModel(images, (m) => m.outputFormats)}.`,
  },
  {
    name: 'output-compression',
    default: '',
    operations: IMAGE_OPS,
    description: 'Compression level 0-100 for jpeg and webp output.',
  },
  {
    name: 'background',
    default: '',
    operations: IMAGE_OPS,
    description: `Image background. ${perModel(images, (m) => m.backgrounds)}.`,
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
    description: 'A PNG mask for image-edit; transparent areas mark where the image is changed.',
  },
  {
    name: 'width',
    default: '1280',
    operations: VIDEO_CREATE_OPS,
    description: `Video width in pixels. ${perModel(videos, (m) => m.sizes)} (width x height).`,
  },
  {
    name: 'height',
    default: '720',
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
    description:
      'Image-to-video: an image in the workspace (png, jpeg or webp) the video starts from. Sora 2 needs it at the video size exactly; Sora places it as the first frame.',
  },
  {
    name: 'remix-video-id',
    default: '',
    operations: VIDEO_CREATE_OPS,
    description:
      'Remix: the id of a finished Sora 2 video to make again with the new prompt (the job-id output of an earlier step). Size and length come from that video.',
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
    description: `The audio file to transcribe or translate, relative to the workspace. ${perModel(audios, (m) => m.fileExtensions)}.`,
  },
  {
    name: 'response-format',
    default: '',
    operations: AUDIO_OPS,
    description: `Transcript format. Default json (the text output is always plain text). ${perModel(audios, (m) => m.responseFormats)}.`,
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
      "Audio above the model's file size limit is split with ffmpeg (on GitHub's hosted runners; elsewhere install it) into parts sent in order, and the transcript joined with continuous timestamps. When false, such a file is an input error.",
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
    description: `File names without extension, from placeholders: ${NAME_FIELDS.map((f) => `{${f}}`).join(' ')} (the prompts-file line number, the image or video number, the video id, the first words of the prompt). Default: image-{n} or edit-{n} ({index}-image-{n} in a batch), {id} for videos; a video's thumbnail adds -thumbnail.`,
  },
  {
    name: 'metadata',
    default: 'false',
    operations: MEDIA_FILE_OPS,
    description:
      'Write a JSON file beside each image or video (its name plus .json) with the prompt, revised prompt, deployment, model, ids, size and time.',
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
    operations: MEDIA_FILE_OPS,
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
  { name: 'revised-prompt', description: 'The prompt as rewritten by the model, when it says (dall-e-3).' },
  { name: 'job-id', description: 'The video job id (the last one in a batch).' },
  { name: 'generation-ids', description: 'JSON array of the video generation ids.' },
  {
    name: 'status',
    description:
      "Always set. For video operations once a job exists, the job's status (e.g. queued, running, succeeded, failed, cancelled); otherwise how the step ended: succeeded, input-error, content-filtered, failed, cancelled or timed-out.",
  },
  {
    name: 'content-filtered',
    description: 'Always set: true when Azure content filtering blocked a prompt or an output, else false.',
  },
  { name: 'metadata-files', description: 'JSON array of the metadata files written (with metadata: true).' },
  { name: 'artifact-id', description: 'The id of the artifact uploaded with upload-artifact.' },
  { name: 'artifact-url', description: 'The link to that artifact.' },
  { name: 'text', description: 'The transcript or translation as plain text.' },
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
export function readInputs(get: (name: string) => string): {
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
  if (model && !MODELS.some((m) => m.name === model)) {
    const known = (['image', 'video', 'audio'] as const).map((k) => modelNames(k).join(', ')).join(', ');
    problems.push({ input: 'model', message: `"${model}" is not a known model; allowed: ${known}` });
  }

  const inputs: Inputs = {
    operation: operation ?? 'image-generate',
    endpoint,
    apiKey,
    bearerToken,
    apiVersion: raw('api-version'),
    deployment,
    model,
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
