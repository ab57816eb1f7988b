import { DEFAULT_API_VERSION, getModel, MODELS, type ModelOperation, type ModelSpec } from '@aoai-media/core';
import { disputedValues, isRetired, modelList, modelsOf } from './model-docs.js';

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

/**
 * One input of the action. action.yml and the README's input table are generated from this list
 * and the descriptions in `input-docs.ts`.
 */
export interface InputDef {
  readonly name: string;
  /** The value used when the input is not given ('' = none). */
  readonly default: string;
  readonly required?: boolean;
  /** Operations that read it; absent = all. */
  readonly operations?: readonly Operation[];
}

const speeches = modelsOf('speech');

/** The voice a speech step uses when `voice` is not given: the model's first voice no source disputes. */
export function defaultVoice(model: ModelSpec | undefined): string | undefined {
  const candidates = model?.kind === 'speech' ? [model] : speeches;
  const [first, ...others] = candidates.map((m) =>
    m.voices.filter((v) => !disputedValues(m, 'audio.speech', 'voice').includes(v)),
  );
  // For an unknown model, a voice every speech model takes.
  return first?.find((v) => others.every((list) => list.includes(v)));
}

export const INPUTS: readonly InputDef[] = [
  { name: 'operation', required: true, default: '' },
  {
    name: 'endpoint',
    required: true,
    default: '',
  },
  {
    name: 'api-key',
    default: '',
  },
  {
    name: 'bearer-token',
    default: '',
  },
  {
    name: 'api-version',
    default: DEFAULT_API_VERSION,
  },
  { name: 'deployment', required: true, default: '' },
  {
    name: 'model',
    default: '',
  },
  {
    name: 'allow-retired-models',
    default: '',
  },
  {
    name: 'prompt',
    default: '',
    operations: [...PROMPT_OPS, ...AUDIO_OPS],
  },
  {
    name: 'prompt-file',
    default: '',
    operations: [...PROMPT_OPS, ...AUDIO_OPS],
  },
  {
    name: 'prompts-file',
    default: '',
    operations: BATCH_OPS,
  },
  {
    name: 'size',
    default: '',
    operations: IMAGE_OPS,
  },
  {
    name: 'quality',
    default: '',
    operations: IMAGE_OPS,
  },
  {
    name: 'n',
    default: '',
    operations: IMAGE_OPS,
  },
  {
    name: 'output-format',
    default: '',
    operations: IMAGE_OPS,
  },
  {
    name: 'output-compression',
    default: '',
    operations: IMAGE_OPS,
  },
  {
    name: 'background',
    default: '',
    operations: IMAGE_OPS,
  },
  {
    name: 'style',
    default: '',
    operations: ['image-generate'],
  },
  {
    name: 'moderation',
    default: '',
    operations: ['image-generate'],
  },
  {
    name: 'images',
    default: '',
    operations: ['image-edit'],
  },
  {
    name: 'mask',
    default: '',
    operations: ['image-edit'],
  },
  {
    name: 'width',
    default: '',
    operations: VIDEO_CREATE_OPS,
  },
  {
    name: 'height',
    default: '',
    operations: VIDEO_CREATE_OPS,
  },
  {
    name: 'seconds',
    default: '',
    operations: VIDEO_CREATE_OPS,
  },
  {
    name: 'variants',
    default: '',
    operations: VIDEO_CREATE_OPS,
  },
  {
    name: 'input-reference',
    default: '',
    operations: VIDEO_CREATE_OPS,
  },
  {
    name: 'remix-video-id',
    default: '',
    operations: VIDEO_CREATE_OPS,
  },
  {
    name: 'cancel-job-on-cancel',
    default: 'true',
    operations: ['video-generate'],
  },
  {
    name: 'job-id',
    default: '',
    operations: ['video-job-get'],
  },
  {
    name: 'download',
    default: 'false',
    operations: ['video-job-get'],
  },
  {
    name: 'poll-interval-seconds',
    default: '10',
    operations: ['video-generate'],
  },
  {
    name: 'audio',
    default: '',
    operations: AUDIO_OPS,
  },
  {
    name: 'response-format',
    default: '',
    operations: [...AUDIO_OPS, 'speech'],
  },
  {
    name: 'language',
    default: '',
    operations: ['transcribe'],
  },
  {
    name: 'split-audio',
    default: 'true',
    operations: AUDIO_OPS,
  },
  {
    name: 'text',
    default: '',
    operations: ['speech'],
  },
  {
    name: 'text-file',
    default: '',
    operations: ['speech'],
  },
  {
    name: 'voice',
    default: '',
    operations: ['speech'],
  },
  {
    name: 'speed',
    default: '',
    operations: ['speech'],
  },
  {
    name: 'instructions',
    default: '',
    operations: ['speech'],
  },
  {
    name: 'output-dir',
    default: 'aoai-media-output',
    operations: FILE_OPS,
  },
  {
    name: 'file-name',
    default: '',
    operations: MEDIA_FILE_OPS,
  },
  {
    name: 'metadata',
    default: 'false',
    operations: MEDIA_FILE_OPS,
  },
  {
    name: 'upload-artifact',
    default: '',
    operations: FILE_OPS,
  },
  {
    name: 'artifact-retention-days',
    default: '',
    operations: FILE_OPS,
  },
  {
    name: 'previews',
    default: 'false',
    operations: PREVIEW_OPS,
  },
  {
    name: 'allowed-roots',
    default: '',
  },
  {
    name: 'timeout-minutes',
    default: '30',
  },
  {
    name: 'fail-on-content-filter',
    default: 'true',
  },
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
