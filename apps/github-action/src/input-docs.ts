/**
 * What action.yml and the README say about each input and output. Built from core's model table
 * (values, ranges, defaults, disputes and lifecycles) when the docs are generated; nothing here runs
 * in a step.
 */
import {
  DEFAULT_API_VERSION,
  MODELS,
  parseSize,
  requestSchema,
  VIDEO_TASK_STATUSES,
  type ImageModel,
  type ModelOperation,
  type ModelSpec,
} from '@aoai-media/core';
import { defaultVoice, NAME_FIELDS, OPERATIONS } from './inputs.js';
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

/** The transcript format Azure uses when none is asked for, from core's request schema. */
function transcriptDefault(model: (typeof audios)[number]): string {
  const schema = requestSchema(model, 'audio.transcribe');
  const format = (schema?.properties as Record<string, { default?: unknown }> | undefined)?.response_format;
  return String(format?.default ?? '');
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

const withoutPrompt = audios.filter((m) => m.unsupportedFields?.includes('prompt')).map((m) => m.name);
const retiredNow = MODELS.filter((m) => isRetired(m))
  .map((m) => shownName(m))
  .join(', ');

/** Each input's description, by name (a test checks that every input has one, and only inputs do). */
export const INPUT_DOCS: Readonly<Record<string, string>> = {
  operation: `What to do: ${OPERATIONS.join(', ')}.`,
  endpoint: 'The Azure OpenAI resource endpoint, e.g. https://my-resource.openai.azure.com.',
  'api-key': 'The resource API key (give this or bearer-token). Masked in logs.',
  'bearer-token':
    'A Microsoft Entra ID access token for https://cognitiveservices.azure.com (give this or api-key). Masked in logs.',
  'api-version': `${DEFAULT_API_VERSION} (Azure's GA v1 API, sent without an api-version) or preview use the /openai/v1 paths; a dated version such as 2025-04-01-preview uses /openai/deployments/{deployment} paths where the operation has them.`,
  deployment: 'The deployment name to call.',
  model: `The model behind the deployment, used to check requests before they are sent. Default: recognised from the deployment name. Models as of ${DOCS_DATE}: ${modelList(DOCS_NOW)}.`,
  'allow-retired-models': `Models to call although Azure's schedule lists them as retired, for deployments Azure has extended: model names (one per line or comma-separated), or true for any. Without it a retired model is an input error naming its retirement date and replacement, and nothing is sent. Retired as of ${DOCS_DATE}: ${retiredNow}.`,
  prompt: `The prompt (give this or prompt-file). Required for image and video operations; for transcribe and translate, optional text that guides the transcript${withoutPrompt.length > 0 ? ` (${withoutPrompt.join(', ')} takes none)` : ''}.`,
  'prompt-file': 'A UTF-8 file holding the prompt, relative to the workspace (give this or prompt).',
  'prompts-file':
    'A batch: a UTF-8 file in the workspace with one prompt per line (blank lines and lines starting with # are skipped, at most 500); the operation runs once per line, in order. Give this instead of prompt and prompt-file.',
  size: `Image size. Default: the model's default. ${perModel(images, sizesOf)}.`,
  quality: `Image quality. ${perModel(images, (m) => m.qualities)}.`,
  n: `Number of images. Default 1. ${perModel(images, (m) => [`${m.n.min}-${m.n.max}`])}.`,
  'output-format': `Image file format. ${perModel(images, (m) => {
    const values = withDisputes(m, 'images.generate', 'output_format', m.outputFormats);
    return values && `${values}; default ${m.defaultOutputFormat}`;
  })}.`,
  'output-compression': `Compression level. ${perModel(images, (m) =>
    m.outputCompression
      ? `${m.outputCompression.min}-${m.outputCompression.max} for ${(m.compressionFormats ?? []).join(' and ')} output (other formats ignore it)`
      : undefined,
  )}.`,
  background: `Image background. ${perModel(images, (m) => {
    const values = withDisputes(m, 'images.generate', 'background', m.backgrounds);
    return (
      values && `${values}; transparent needs output-format ${(m.transparentFormats ?? []).join(' or ')}`
    );
  })}.`,
  style: `Image style. ${perModel(images, (m) => m.styles)}.`,
  moderation: `Content moderation level. ${perModel(images, (m) => m.moderations)}.`,
  images: `Input images for image-edit: one path or glob per line, relative to the workspace (* ? [abc] and ** are supported; a line starting with ! excludes). ${perModel(images, (m) => (m.edit ? [`up to ${m.edit.maxImages}`, ...m.edit.imageTypes] : undefined))}.`,
  mask: `A mask for image-edit, the first image's size; its transparent areas mark where that image is changed. ${perModel(images, (m) => m.edit?.maskTypes)}.`,
  width: `Video width in pixels, given with height. ${perModel(videos, (m) => m.sizes)} (width x height). Not given: the model's default size (${perModel(videos, (m) => m.defaultSize)}).`,
  height: 'Video height in pixels (see width).',
  seconds: `Video length in seconds. Default: the model's default (${videos.map((m) => `${m.name}: ${m.defaultSeconds}`).join(', ')}). ${perModel(videos, secondsOf)}. Limits by size: ${videoSizeLimits}.`,
  variants: `Number of videos generated from the prompt. Default 1. ${perModel(videos, (m) => [`${m.variants.min}-${m.variants.max}`])}.`,
  'input-reference': `Image-to-video: a file in the workspace the video starts from. ${perModel(videos, (m) =>
    [
      `${m.maxReferences ?? 'any number'} of ${m.mediaTypes.join(', ')}`,
      m.referenceMatchesSize ? 'of exactly the video size' : 'placed as the first frame',
    ].join(', '),
  )}.`,
  'remix-video-id': `Remix: the id of a finished video to make again with the new prompt (the job-id output of an earlier step); size and length come from that video. Models that remix: ${modelsFor('videos.remix', DOCS_NOW)}.`,
  'cancel-job-on-cancel':
    'When the workflow run is cancelled while video-generate waits, delete the video job it created at Azure so the job stops; when false, the job keeps running and can be collected with video-job-get.',
  'job-id': 'The video job to look up (the job-id output of video-job-create).',
  download: 'video-job-get: when the job has succeeded, download its videos and thumbnails.',
  'poll-interval-seconds': 'How often video-generate asks for the job status while waiting.',
  audio: `The audio file to transcribe or translate, relative to the workspace. ${perModel(audios, (m) => m.fileExtensions)}. ${perModel(audios, (m) => (m.diarization ? `sent with chunking_strategy auto (required for audio over ${m.diarization.chunkingRequiredOverSeconds} s)` : undefined))}.`,
  'response-format': `Transcripts (the text output is always plain text): ${perModel(audios, (m) => {
    const values = withDisputes(m, 'audio.transcribe', 'response_format', m.responseFormats);
    return values && `${values}; default ${transcriptDefault(m)}`;
  })}. diarized_json also writes a speaker-labelled .txt transcript beside the JSON. Speech: ${perModel(speeches, (m) => `${m.responseFormats.join(', ')}; default ${m.defaultResponseFormat}`)}.`,
  language: 'The spoken language as an ISO-639-1 code (e.g. en); improves accuracy and speed.',
  'split-audio':
    "Audio above the model's file size limit is split with ffmpeg (on GitHub's hosted runners; elsewhere install it) into parts sent in order, and the transcript joined with continuous timestamps (not for diarized_json: speakers cannot be matched across parts). When false, such a file is an input error.",
  text: `The text to speak (give this or text-file). ${perModel(speeches, (m) => `up to ${m.inputMaxLength} characters`)}.`,
  'text-file': 'A UTF-8 file holding the text to speak, relative to the workspace (give this or text).',
  voice: `The voice. Default: ${defaultVoice(undefined)}. ${perModel(speeches, (m) => withDisputes(m, 'audio.speech', 'voice', m.voices))}.`,
  speed: `How fast to speak. ${perModel(speeches, (m) => `${m.speed.min} to ${m.speed.max}, default ${m.defaultSpeed}`)}.`,
  instructions: `How to speak: tone, accent, pace, emotion. Taken by ${speeches
    .filter((m) => m.instructions)
    .map((m) => shownName(m))
    .join(', ')} only.`,
  'output-dir':
    'Where files are written, relative to the workspace (it must stay inside it, or inside allowed-roots). Files appear only when complete; existing files are not overwritten.',
  'file-name': `File names without extension, from placeholders: ${NAME_FIELDS.map((f) => `{${f}}`).join(' ')} (the prompts-file line number, the image or video number, the video id, the first words of the prompt or text). Default: image-{n} or edit-{n} ({index}-image-{n} in a batch), {id} for videos, speech for speech; a video's thumbnail adds -thumbnail.`,
  metadata:
    'Write a JSON file beside each image, video or speech file (its name plus .json) with the prompt or text, revised prompt, deployment, model, ids, size and time.',
  'upload-artifact':
    'Upload the files written (and their metadata) as one workflow artifact with this name, linked from the job summary.',
  'artifact-retention-days': "Days to keep the artifacts (1-90); default: the repository's setting.",
  previews:
    'Upload each image and video thumbnail (at most 20) as its own unzipped artifact, which opens in the browser, and link it from the job summary table.',
  'allowed-roots':
    'Folders outside the workspace that path inputs may read and output-dir may write, one per line (e.g. ${{ runner.temp }}). Every other path, symbolic links followed, must stay inside the workspace.',
  'timeout-minutes': 'Give up after this many minutes, fractions allowed (covers waiting for video jobs).',
  'fail-on-content-filter':
    'Fail the step when Azure content filtering blocks the prompt or the output; when false, log a warning and succeed with no files.',
};

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
