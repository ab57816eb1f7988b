/**
 * The model table: what each Azure OpenAI media model accepts, when it retires, and where each
 * fact comes from. The facts themselves live in `model-data.ts` (the one file to edit when Azure
 * changes); this file holds their types and the functions that read them.
 *
 * Validators, the emulator, the n8n node's option lists, the Action's input docs and the service's
 * OpenAPI schema all read this table. Adding a model is one entry in `model-data.ts`.
 */
import {
  MODEL_DATA,
  OPTION_LABELS,
  SPEECH_FORMATS,
  RETIREMENT_WARNING_DAYS,
  RETIREMENT_WARNING_SOURCES,
  SOURCES,
  TABLE_REVIEWED,
} from './model-data.js';

export { SOURCES, OPTION_LABELS, RETIREMENT_WARNING_DAYS, TABLE_REVIEWED, SPEECH_FORMATS };

export type ImageFamily = 'gpt-image' | 'dall-e-3' | 'dall-e-2';
export type VideoApi = 'jobs' | 'videos';
export type ModelKind = 'image' | 'video' | 'audio' | 'speech';

/** A model's request operations. Consumers key schemas, option lists and docs by these ids. */
export type ModelOperation =
  | 'images.generate'
  | 'images.edit'
  | 'images.stream'
  | 'videos.create'
  | 'videos.remix'
  | 'audio.transcribe'
  | 'audio.translate'
  | 'audio.speech';

export const MODEL_OPERATIONS: readonly ModelOperation[] = [
  'images.generate',
  'images.edit',
  'images.stream',
  'videos.create',
  'videos.remix',
  'audio.transcribe',
  'audio.translate',
  'audio.speech',
];

/** Azure's lifecycle stages. */
export type LifecycleStatus = 'preview' | 'ga' | 'deprecated' | 'retired';

export interface Source {
  readonly title: string;
  readonly url: string;
  /** The date of the source's content, when known (YYYY-MM-DD). */
  readonly date?: string;
  /** `false` for third-party or otherwise unconfirmed sources. */
  readonly confirmed?: boolean;
}

export type SourceKey = keyof typeof SOURCES;

export interface IntRange {
  readonly min: number;
  readonly max: number;
}

/** One deployable version of a model and its lifecycle, as Azure's schedule lists it. */
export interface ModelVersion {
  readonly version: string;
  /** Azure's lifecycle column for this version when it was recorded. The clock can only move it on to retired. */
  readonly status: LifecycleStatus;
  /** Retirement date (YYYY-MM-DD, from 00:00 UTC). */
  readonly retires?: string;
  /** The source gives the date as "no earlier than". */
  readonly retiresNoEarlierThan?: boolean;
  /** The replacement Azure names, if it names one. */
  readonly replacement?: string;
  readonly sources: readonly SourceKey[];
  readonly note?: string;
}

/**
 * A value the sources disagree on. The table keeps what Azure's spec (or Azure's docs) states;
 * a request using a disputed value is sent with a warning carrying `note`, never refused.
 */
export interface Dispute {
  /** The wire field, e.g. `output_format`. */
  readonly field: string;
  /** The disputed values; absent means any value of the field. */
  readonly values?: readonly (string | number)[];
  /** Operations it applies to; absent means all. */
  readonly operations?: readonly ModelOperation[];
  readonly note: string;
  readonly sources: readonly SourceKey[];
}

interface ModelBase {
  readonly name: string;
  /** Display name, e.g. "GPT Image 2". */
  readonly label: string;
  /** Oldest first; the last one is the version a bare model name refers to. */
  readonly versions: readonly ModelVersion[];
  readonly disputes?: readonly Dispute[];
  /** Sources of the capability facts, by fact name (`sizes`, `edit.maxImages`, ...). */
  readonly sources: Readonly<Record<string, readonly SourceKey[]>>;
}

/** gpt-image-2's free sizes: any `WxH` meeting these rules (plus `auto`). */
export interface FreeSizeRule {
  readonly multipleOf: number;
  /** Long edge to short edge, at most. */
  readonly maxAspectRatio: number;
  readonly minPixels: number;
  readonly maxPixels: number;
  /** No source allows a longer edge. */
  readonly maxEdge: number;
  /** Sources disagree whether `maxEdge` itself is allowed: it is sent with a warning. */
  readonly maxEdgeDisputed?: boolean;
}

export interface ImageEditRules {
  readonly maxImages: number;
  /** Types the spec lists for input images. */
  readonly imageTypes: readonly string[];
  readonly maxImageBytes: number;
  /** Types other sources list: sent with a warning. */
  readonly imageTypesUnconfirmed?: readonly string[];
  /** A larger limit other sources give: files up to it are sent with a warning. */
  readonly maxImageBytesUnconfirmed?: number;
  /** DALL-E 2 edits need square inputs. */
  readonly squareOnly: boolean;
  /** The mask: its types and size limit; it must match the first image's width and height. */
  readonly maskTypes: readonly string[];
  readonly maxMaskBytes: number;
  readonly inputFidelities?: readonly string[];
  readonly fields: readonly string[];
}

export interface ImageModel extends ModelBase {
  readonly kind: 'image';
  readonly family: ImageFamily;
  readonly promptMaxLength: number;
  readonly n: IntRange;
  /** Fixed sizes, or for models with `freeSize`, presets for option lists. */
  readonly sizes: readonly string[];
  readonly freeSize?: FreeSizeRule;
  readonly qualities: readonly string[];
  /** Request fields this model accepts on `images/generations` (besides `model` and `prompt`). */
  readonly generateFields: readonly string[];
  readonly responseFormats?: readonly string[];
  /** How images come back when the request names no `response_format`. */
  readonly defaultResponseFormat: 'url' | 'b64_json';
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
  readonly edit?: ImageEditRules;
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

export interface VideoModel extends ModelBase {
  readonly kind: 'video';
  /** `jobs`: Sora 1 `/video/generations/jobs`; `videos`: Sora 2 `/videos` (OpenAI shape). */
  readonly api: VideoApi;
  readonly promptMaxLength: number;
  /** `WIDTHxHEIGHT` strings. */
  readonly sizes: readonly string[];
  /** The size when the request names none (Sora 2). */
  readonly defaultSize?: string;
  /** Sora 1: integer range; Sora 2: the allowed string values. */
  readonly seconds: IntRange | readonly string[];
  readonly defaultSeconds: number;
  readonly variants: IntRange;
  readonly sizeLimits: readonly VideoSizeLimit[];
  /** Types of attached media (Sora 1 files, Sora 2 `input_reference`). */
  readonly mediaTypes: readonly string[];
  readonly maxMediaBytes?: number;
  /** Sora 2: how many `input_reference` images one request takes. */
  readonly maxReferences?: number;
  /** Sora 2: the reference image must have exactly the requested size. */
  readonly referenceMatchesSize?: boolean;
  /** Whether `videos/{id}/remix` exists for this model. */
  readonly remix: boolean;
  readonly framesPerSecond: number;
  /** Sora 1 `inpaint_items[].type` values; absent where the API has no inpainting. */
  readonly inpaintTypes?: readonly string[];
}

export interface DiarizationRules {
  /** Audio longer than this needs `chunking_strategy`. */
  readonly chunkingRequiredOverSeconds: number;
  readonly maxKnownSpeakers: number;
  /** Length of each `known_speaker_references` clip, in seconds. */
  readonly referenceSeconds: IntRange;
}

export interface AudioModel extends ModelBase {
  readonly kind: 'audio';
  readonly responseFormats: readonly string[];
  readonly fileExtensions: readonly string[];
  readonly maxFileBytes: number;
  readonly temperature: IntRange;
  readonly timestampGranularities: readonly string[];
  readonly operations: readonly ('transcribe' | 'translate')[];
  /** `chunking_strategy`: `auto`, or an object whose `type` is one of the others; absent when not taken. */
  readonly chunkingStrategies?: readonly string[];
  /** Values of `include[]` (`logprobs`); absent when the model takes no `include`. */
  readonly include?: readonly string[];
  /** Request fields the sources say this model does not support. */
  readonly unsupportedFields?: readonly string[];
  /** Speaker diarization (`diarized_json`, `chunking_strategy`, known speakers). */
  readonly diarization?: DiarizationRules;
}

/** What a text-to-speech `response_format` is on the wire. */
export interface SpeechFormatInfo {
  readonly mimeType: string;
  /** File extension without a dot. */
  readonly extension: string;
  /** Raw samples (no header): their layout. */
  readonly pcm?: {
    readonly sampleRate: number;
    readonly channels: number;
    readonly bitsPerSample: number;
    readonly endianness: 'little' | 'big';
  };
}

/** A text-to-speech model (`audio/speech`). */
export interface SpeechModel extends ModelBase {
  readonly kind: 'speech';
  /** Longest `input`, in characters (Unicode code points). */
  readonly inputMaxLength: number;
  /** The voices it takes; the ones the sources disagree on are in `disputes` (sent with a warning). */
  readonly voices: readonly string[];
  readonly responseFormats: readonly string[];
  /** The format when the request names none. */
  readonly defaultResponseFormat: string;
  /** `speed` range; 1 is the normal pace. */
  readonly speed: IntRange;
  readonly defaultSpeed: number;
  /** Whether it takes `instructions` (how to speak: tone, accent, pace). */
  readonly instructions: boolean;
}

export type ModelSpec = ImageModel | VideoModel | AudioModel | SpeechModel;
/** The shape of one entry in `model-data.ts`. */
export type ModelEntry = ModelSpec;

/** `OPTION_LABELS`: field -> value -> display label. */
export type OptionLabels = Readonly<Record<string, Readonly<Record<string, string>>>>;

type Data = (typeof MODEL_DATA)[number];
/** Every model name in the table, as a literal type. */
export type ModelName = Data['name'];
export type ImageModelName = Extract<Data, { kind: 'image' }>['name'];
export type VideoModelName = Extract<Data, { kind: 'video' }>['name'];
export type AudioModelName = Extract<Data, { kind: 'audio' }>['name'];
/** Sizes the table lists for image models (gpt-image-2 also takes any size meeting its rules). */
export type ImageSizePreset = Extract<Data, { kind: 'image' }>['sizes'][number];
export type ImageQualityValue = Extract<Data, { kind: 'image' }>['qualities'][number];
export type VideoSizeValue = Extract<Data, { kind: 'video' }>['sizes'][number];
export type AudioResponseFormatValue = Extract<Data, { kind: 'audio' }>['responseFormats'][number];
export type SpeechModelName = Extract<Data, { kind: 'speech' }>['name'];
export type SpeechVoiceValue = Extract<Data, { kind: 'speech' }>['voices'][number];
export type SpeechFormatValue = keyof typeof SPEECH_FORMATS;

export const MODELS: readonly ModelSpec[] = MODEL_DATA;

const BY_NAME = new Map<string, ModelSpec>(MODELS.map((m) => [m.name, m]));

/** The table entry for a model name, or undefined. */
export function getModel(name: string): ModelSpec | undefined {
  return BY_NAME.get(name);
}

/** Model names of one kind, newest first (for option lists). */
export function modelNames(kind: ModelSpec['kind']): string[] {
  return MODELS.filter((m) => m.kind === kind).map((m) => m.name);
}

/** The operations a model's requests can go to. */
export function modelOperations(model: ModelSpec): ModelOperation[] {
  switch (model.kind) {
    case 'image':
      return [
        'images.generate',
        ...(model.edit ? (['images.edit'] as const) : []),
        ...(model.streaming ? (['images.stream'] as const) : []),
      ];
    case 'video':
      return ['videos.create', ...(model.remix ? (['videos.remix'] as const) : [])];
    case 'audio':
      return model.operations.map((o) => (o === 'transcribe' ? 'audio.transcribe' : 'audio.translate'));
    case 'speech':
      return ['audio.speech'];
  }
}

/**
 * What a text-to-speech format is: MIME type, file extension and, for `pcm`, the sample layout.
 * Undefined for a format the table does not know.
 */
export function speechFormat(format: string): SpeechFormatInfo | undefined {
  return Object.hasOwn(SPEECH_FORMATS, format)
    ? (SPEECH_FORMATS as Record<string, SpeechFormatInfo>)[format]
    : undefined;
}

/**
 * Recognise a model from a deployment name such as `img-gpt-image-2-prod` or `dalle3`.
 * Longest name first, so `gpt-image-1-mini` wins over `gpt-image-1` and `sora-2` over `sora`.
 * A name as short as `tts` counts only where it stands apart from other letters (`tts-eu`,
 * `my_tts1`), so `watts-images` is not taken for a speech deployment. OpenAI's names `tts-1` and
 * `tts-1-hd` are read as Azure's `tts` and `tts-hd`.
 */
export function recogniseModel(deployment: string): ModelSpec | undefined {
  const normalised = deployment
    .toLowerCase()
    .replace(/[_\s]/g, '-')
    .replace(/dall-?e-?(\d)/g, 'dall-e-$1')
    .replace(/tts-?1-?hd/g, 'tts-hd');
  return LONGEST_NAME_FIRST.find((m) =>
    m.name.length < 4
      ? new RegExp(`(^|[^a-z])${m.name}([^a-z]|$)`).test(normalised)
      : normalised.includes(m.name) || normalised.includes(m.name.replace(/-/g, '')),
  );
}

const LONGEST_NAME_FIRST = [...MODELS].sort((a, b) => b.name.length - a.name.length);

/** The size limit that applies to a video size, if any. */
export function videoSizeLimit(model: VideoModel, size: string): VideoSizeLimit | undefined {
  return model.sizeLimits.find((l) => l.sizes.includes(size));
}

/** `WxH` as numbers, or undefined when the text is not two positive integers joined by `x`. */
export function parseSize(size: string): { width: number; height: number } | undefined {
  const m = /^([1-9]\d{0,5})x([1-9]\d{0,5})$/.exec(size);
  return m ? { width: Number(m[1]), height: Number(m[2]) } : undefined;
}

/**
 * Checks a size against a free-size rule. `problems` break the rule (Azure refuses them);
 * `warnings` are sizes the sources disagree on (sent as they are).
 */
export function checkFreeSize(
  rule: FreeSizeRule,
  size: string,
): { problems: string[]; warnings: string[]; width?: number; height?: number } {
  const parsed = parseSize(size);
  if (!parsed) return { problems: ['it is not WIDTHxHEIGHT in pixels'], warnings: [] };
  const { width, height } = parsed;
  const problems: string[] = [];
  const warnings: string[] = [];
  if (width % rule.multipleOf !== 0 || height % rule.multipleOf !== 0) {
    problems.push(`both edges must be multiples of ${rule.multipleOf}`);
  }
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  if (long > short * rule.maxAspectRatio) {
    problems.push(`the long edge may be at most ${rule.maxAspectRatio} times the short edge`);
  }
  const pixels = width * height;
  if (pixels < rule.minPixels || pixels > rule.maxPixels) {
    problems.push(`the total pixel count (${pixels}) must be ${rule.minPixels} to ${rule.maxPixels}`);
  }
  if (long > rule.maxEdge) problems.push(`the long edge may be at most ${rule.maxEdge} px`);
  else if (long === rule.maxEdge && rule.maxEdgeDisputed) {
    warnings.push(`a long edge of ${rule.maxEdge} px is at the limit the sources disagree on`);
  }
  return { problems, warnings, width, height };
}

/** The disputes of a model that apply to a field (and value) in an operation. */
export function disputesFor(
  model: ModelSpec,
  operation: ModelOperation,
  field: string,
  value?: unknown,
): Dispute[] {
  const onField = disputesByField(model).get(field);
  if (!onField) return [];
  return onField.filter(
    (d) =>
      (!d.operations || d.operations.includes(operation)) &&
      (!d.values || d.values.includes(value as string | number)),
  );
}

/** A model's disputes by field, built once per entry: validators ask for every field of every request. */
const DISPUTES_BY_FIELD = new WeakMap<ModelSpec, ReadonlyMap<string, readonly Dispute[]>>();

function disputesByField(model: ModelSpec): ReadonlyMap<string, readonly Dispute[]> {
  let index = DISPUTES_BY_FIELD.get(model);
  if (!index) {
    const byField = new Map<string, Dispute[]>();
    for (const d of model.disputes ?? []) byField.set(d.field, [...(byField.get(d.field) ?? []), d]);
    index = byField;
    DISPUTES_BY_FIELD.set(model, index);
  }
  return index;
}

// ---------------------------------------------------------------------------------------------
// Lifecycle

const DAY_MS = 86_400_000;

/** A model's lifecycle at a moment in time. */
export interface ModelLifecycle {
  model: string;
  /** The version the facts belong to (the newest). */
  version: string;
  /** Azure's lifecycle column as recorded. */
  recorded: LifecycleStatus;
  /** The status at the given time: `retired` once the retirement date has passed. */
  status: LifecycleStatus;
  retires?: string;
  retiresNoEarlierThan?: boolean;
  /** Whole days until retirement (negative once retired), when a date is known. */
  daysLeft?: number;
  /** Within Azure's notice period before retirement (`RETIREMENT_WARNING_DAYS`). */
  retiringSoon: boolean;
  replacement?: string;
  sources: readonly SourceKey[];
  note?: string;
}

/** Retirement dates as epoch ms, parsed once per version (every checked request asks). */
const RETIRES_AT = new WeakMap<ModelVersion, number>();

function retiresAtOf(v: ModelVersion): number | undefined {
  if (v.retires === undefined) return undefined;
  let at = RETIRES_AT.get(v);
  if (at === undefined) {
    at = Date.parse(`${v.retires}T00:00:00Z`);
    RETIRES_AT.set(v, at);
  }
  return at;
}

function versionLifecycle(model: string, v: ModelVersion, now: number): ModelLifecycle {
  const retiresAt = retiresAtOf(v);
  const daysLeft = retiresAt !== undefined ? Math.ceil((retiresAt - now) / DAY_MS) : undefined;
  const retired = v.status === 'retired' || (retiresAt !== undefined && now >= retiresAt);
  const state: ModelLifecycle = {
    model,
    version: v.version,
    recorded: v.status,
    status: retired ? 'retired' : v.status,
    retiringSoon: !retired && daysLeft !== undefined && daysLeft <= RETIREMENT_WARNING_DAYS,
    sources: v.sources,
  };
  if (v.retires !== undefined) state.retires = v.retires;
  if (v.retiresNoEarlierThan) state.retiresNoEarlierThan = true;
  if (daysLeft !== undefined) state.daysLeft = daysLeft;
  if (v.replacement !== undefined) state.replacement = v.replacement;
  if (v.note !== undefined) state.note = v.note;
  return state;
}

/**
 * A model's lifecycle at `now` (epoch ms; pass the client's clock). A bare model name means its
 * newest version; `version` picks another one.
 */
export function lifecycleOf(model: ModelSpec, now: number, version?: string): ModelLifecycle {
  const versions = model.versions;
  const chosen =
    (version !== undefined ? versions.find((v) => v.version === version) : undefined) ??
    versions[versions.length - 1]!;
  return versionLifecycle(model.name, chosen, now);
}

/** Lifecycle of every version of a model, oldest first. */
export function versionLifecycles(model: ModelSpec, now: number): ModelLifecycle[] {
  return model.versions.map((v) => versionLifecycle(model.name, v, now));
}

/** Names of the models of a kind that are not retired at `now`, newest first. */
export function currentModelNames(kind: ModelKind, now: number): string[] {
  return MODELS.filter((m) => m.kind === kind && lifecycleOf(m, now).status !== 'retired').map((m) => m.name);
}

function replacementText(model: ModelSpec, state: ModelLifecycle, now: number): string {
  if (state.replacement) return `Azure names ${state.replacement} as its replacement`;
  // A model that retires no later than this one is no way out of it.
  const outlives = (name: string): boolean => {
    if (!state.retires) return true;
    const other = lifecycleOf(getModel(name)!, now).retires;
    return other === undefined || other > state.retires;
  };
  const current = currentModelNames(model.kind, now).filter((n) => n !== model.name && outlives(n));
  return current.length > 0
    ? `Azure names no replacement; current ${model.kind} models are ${listNames(current)}`
    : `Azure names no replacement and lists no current ${model.kind} model`;
}

/** How the caller lets a retired model through, as the sentence's last words say it. */
export const ALLOW_RETIRED_HINT = 'set the client option allowRetiredModels';

/**
 * The sentence a retired model's error carries: the date and the replacement. `howToAllow` ends it:
 * a consumer names its own setting (an input, a node option) instead of core's client option.
 */
export function retiredMessage(model: ModelSpec, now: number, howToAllow = ALLOW_RETIRED_HINT): string {
  const state = lifecycleOf(model, now);
  const when = state.retires
    ? state.retiresNoEarlierThan
      ? ` (announced for no earlier than ${state.retires})`
      : ` on ${state.retires}`
    : '';
  return `${model.name} was retired on Azure${when}; ${replacementText(model, state, now)}. Deployments of a retired model answer only errors; if Azure has extended yours, ${howToAllow}`;
}

/** The warning for a deprecated model or one within Azure's notice period before retirement. */
export function retiringMessage(model: ModelSpec, now: number): string {
  const state = lifecycleOf(model, now);
  const stage = state.status === 'deprecated' ? 'is deprecated on Azure' : 'retires on Azure';
  const when = state.retires
    ? ` on ${state.retires} (${state.daysLeft} day${state.daysLeft === 1 ? '' : 's'} from now)`
    : '';
  return `${model.name} ${stage}${when}; ${replacementText(model, state, now)}`;
}

function listNames(names: readonly string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

// ---------------------------------------------------------------------------------------------
// Labels and option lists

/** The display name of a model ("GPT Image 2"), or the name itself when the table has none. */
export function modelLabel(name: string): string {
  return getModel(name)?.label ?? name;
}

/** The display label of an option value ("High" for quality `high`); the value itself otherwise. */
export function optionLabel(field: string, value: string | number): string {
  const labels = (OPTION_LABELS as OptionLabels)[field];
  return labels?.[String(value)] ?? String(value);
}

export interface ModelOption {
  /** The model name (the value to store). */
  value: string;
  /** "GPT Image 2", or "DALL-E 3 (retired 2026-03-04)". */
  label: string;
  /** One line about its lifecycle, e.g. "GA; retires 2027-10-21". */
  description: string;
  status: LifecycleStatus;
  retires?: string;
  replacement?: string;
}

/**
 * Models for an option list, newest first, current ones before retired ones (retired ones only
 * with `includeRetired`). `now` is the caller's clock.
 */
export function modelOptions(options: {
  kind?: ModelKind;
  operation?: ModelOperation;
  now: number;
  includeRetired?: boolean;
}): ModelOption[] {
  const picked = MODELS.filter(
    (m) =>
      (options.kind === undefined || m.kind === options.kind) &&
      (options.operation === undefined || modelOperations(m).includes(options.operation)),
  );
  const rows = picked.map((m) => ({ model: m, state: lifecycleOf(m, options.now) }));
  const current = rows.filter((r) => r.state.status !== 'retired');
  const retired = options.includeRetired ? rows.filter((r) => r.state.status === 'retired') : [];
  return [...current, ...retired].map(({ model, state }) => {
    const option: ModelOption = {
      value: model.name,
      label:
        state.status === 'retired'
          ? `${model.label} (retired${state.retires ? ` ${state.retires}` : ''})`
          : model.label,
      description: describeLifecycle(state),
      status: state.status,
    };
    if (state.retires !== undefined) option.retires = state.retires;
    if (state.replacement !== undefined) option.replacement = state.replacement;
    return option;
  });
}

const STATUS_WORDS: Record<LifecycleStatus, string> = {
  preview: 'Preview',
  ga: 'GA',
  deprecated: 'Deprecated',
  retired: 'Retired',
};

/** "GA; retires 2027-10-21", "Retired 2026-03-04; replacement gpt-image-1-mini". */
export function describeLifecycle(state: ModelLifecycle): string {
  const date = state.retires
    ? state.retiresNoEarlierThan
      ? `no earlier than ${state.retires}`
      : state.retires
    : undefined;
  const head =
    state.status === 'retired'
      ? `Retired${date ? ` ${date}` : ''}`
      : `${STATUS_WORDS[state.status]}${date ? `; retires ${date}` : ''}`;
  return state.replacement ? `${head}; replacement ${state.replacement}` : head;
}

/** The sources behind a model's fact (`sizes`, `edit.maxImages`, ...), resolved. */
export function factSources(model: ModelSpec, fact: string): (Source & { key: SourceKey })[] {
  return (model.sources[fact] ?? []).map((key) => ({ key, ...(SOURCES[key] as Source) }));
}

export { RETIREMENT_WARNING_SOURCES };
