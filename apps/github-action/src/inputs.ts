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
    name: 'output-dir',
    default: 'aoai-media-output',
    description: 'Where files are written, relative to the workspace. Existing files are not overwritten.',
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
  { name: 'job-id', description: 'The video job id.' },
  { name: 'generation-ids', description: 'JSON array of the video generation ids.' },
  { name: 'status', description: 'The video job status (video-job-create, video-job-get, video-generate).' },
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
  jobId: string;
  download: boolean;
  pollIntervalSeconds: number;
  audio: string;
  responseFormat: string;
  language: string;
  outputDir: string;
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
    size: raw('size'),
    quality: raw('quality'),
    n: int('n', 1, 1000),
    outputFormat: raw('output-format'),
    outputCompression: int('output-compression', 0, 100),
    background: raw('background'),
    style: raw('style'),
    moderation: raw('moderation'),
    images: raw('images')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#')),
    mask: raw('mask'),
    width: int('width', 1, 100_000),
    height: int('height', 1, 100_000),
    seconds: raw('seconds'),
    variants: int('variants', 1, 1000),
    jobId: raw('job-id'),
    download: bool('download'),
    pollIntervalSeconds: int('poll-interval-seconds', 1, 3600) ?? 10,
    audio: raw('audio'),
    responseFormat: raw('response-format'),
    language: raw('language'),
    outputDir: raw('output-dir'),
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
    if (PROMPT_OPS.includes(operation) && !inputs.prompt && !inputs.promptFile) {
      problems.push({ input: 'prompt', message: `is required for ${operation} (or give prompt-file)` });
    }
    if (inputs.prompt && inputs.promptFile)
      problems.push({ input: 'prompt-file', message: 'give prompt or prompt-file, not both' });
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
