/**
 * JSON Schemas of each model's requests, built from the model table, and the option lists with
 * labels that consumers show (n8n's dropdowns, the Action's input docs, the service's OpenAPI).
 *
 * The schemas describe the wire request (Azure's field names). JSON bodies (`images.generate`,
 * `images.stream`, `audio.speech`) use JSON types; multipart bodies (edits, video, audio) describe each form field,
 * with files as `{ type: 'string', format: 'binary' }` as OpenAPI does.
 */
import {
  getModel,
  modelOperations,
  MODELS,
  optionLabel,
  type ImageModel,
  type ModelOperation,
  type ModelSpec,
  type VideoModel,
  type AudioModel,
  type SpeechModel,
} from './models.js';
import { IMAGE_STREAM_FIELDS } from './validate/image-stream.js';
import { NULLABLE_IMAGE_FIELDS } from './validate/images.js';

/** A JSON Schema (draft 2020-12) object. */
export type JsonSchema = { [key: string]: unknown };

export interface RequestSchemaInfo {
  model: string;
  operation: ModelOperation;
  /** `json` for a JSON body, `multipart` for multipart/form-data. */
  encoding: 'json' | 'multipart';
}

const BINARY: JsonSchema = { type: 'string', format: 'binary' };
const SIZE_PATTERN = '^[1-9][0-9]*x[1-9][0-9]*$';

function enumOf(field: string, values: readonly (string | number)[], nullable = false): JsonSchema {
  const labels = Object.fromEntries(values.map((v) => [String(v), optionLabel(field, v)]));
  return nullable
    ? {
        type: [typeof values[0] === 'number' ? 'integer' : 'string', 'null'],
        enum: [...values, null],
        'x-labels': labels,
      }
    : { type: typeof values[0] === 'number' ? 'integer' : 'string', enum: [...values], 'x-labels': labels };
}

function intRange(min: number, max: number, nullable = false): JsonSchema {
  return { type: nullable ? ['integer', 'null'] : 'integer', minimum: min, maximum: max };
}

function notes(model: ModelSpec, operation: ModelOperation, field: string): JsonSchema {
  const found = (model.disputes ?? []).filter(
    (d) => d.field === field && (!d.operations || d.operations.includes(operation)),
  );
  return found.length > 0
    ? { 'x-warnings': found.map((d) => (d.values ? `${d.values.join(', ')}: ${d.note}` : d.note)) }
    : {};
}

function imageSize(model: ImageModel, nullable: boolean): JsonSchema {
  const rule = model.freeSize;
  if (!rule) return enumOf('size', model.sizes, nullable);
  const free: JsonSchema = {
    type: 'string',
    pattern: SIZE_PATTERN,
    description: `WIDTHxHEIGHT: both edges multiples of ${rule.multipleOf}, long:short at most ${rule.maxAspectRatio}:1, ${rule.minPixels} to ${rule.maxPixels} pixels, edges up to ${rule.maxEdge} px`,
  };
  const anyOf: JsonSchema[] = [enumOf('size', model.sizes), free];
  if (nullable) anyOf.push({ type: 'null' });
  return { anyOf, examples: [...model.sizes], 'x-size-rule': { ...rule } };
}

/** Properties for the image options a model takes, for one operation. */
function imageOptions(
  model: ImageModel,
  operation: ModelOperation,
  fields: readonly string[],
  nullableFields: ReadonlySet<string>,
): Record<string, JsonSchema> {
  const props: Record<string, JsonSchema> = {};
  const nullable = (f: string) => nullableFields.has(f);
  for (const field of fields) {
    let schema: JsonSchema | undefined;
    switch (field) {
      case 'n':
        schema = intRange(model.n.min, model.n.max, nullable(field));
        break;
      case 'size':
        schema = imageSize(model, nullable(field));
        break;
      case 'quality':
        schema = enumOf(field, model.qualities, nullable(field));
        break;
      case 'output_format':
        if (model.outputFormats) schema = enumOf(field, model.outputFormats, nullable(field));
        break;
      case 'output_compression':
        if (model.outputCompression)
          schema = {
            ...intRange(model.outputCompression.min, model.outputCompression.max, nullable(field)),
            description: `Applies to output_format ${(model.compressionFormats ?? []).join(', ')}; ignored otherwise`,
          };
        break;
      case 'background':
        if (model.backgrounds)
          schema = {
            ...enumOf(field, model.backgrounds, nullable(field)),
            description: `transparent needs output_format ${(model.transparentFormats ?? []).join(' or ')}`,
          };
        break;
      case 'moderation':
        if (model.moderations) schema = enumOf(field, model.moderations, nullable(field));
        break;
      case 'style':
        if (model.styles) schema = enumOf(field, model.styles, nullable(field));
        break;
      case 'response_format':
        if (model.responseFormats) schema = enumOf(field, model.responseFormats, nullable(field));
        break;
      case 'input_fidelity':
        if (model.edit?.inputFidelities) schema = enumOf(field, model.edit.inputFidelities, nullable(field));
        break;
      case 'user':
        schema = { type: 'string' };
        break;
      case 'partial_images':
        if (model.partialImages) schema = intRange(model.partialImages.min, model.partialImages.max);
        break;
    }
    if (schema) props[field] = { ...schema, ...notes(model, operation, field) };
  }
  return props;
}

const NONE: ReadonlySet<string> = new Set();

function imageSchema(model: ImageModel, operation: ModelOperation): JsonSchema | undefined {
  const base = {
    model: { type: 'string', description: `The deployment name (a ${model.label} deployment)` },
    prompt: { type: 'string', minLength: 1, maxLength: model.promptMaxLength },
  };
  switch (operation) {
    case 'images.generate':
      return object(model, operation, 'json', ['model', 'prompt'], {
        ...base,
        ...imageOptions(model, operation, model.generateFields, NULLABLE_IMAGE_FIELDS),
      });
    case 'images.edit': {
      const edit = model.edit;
      if (!edit) return undefined;
      const image: JsonSchema =
        edit.maxImages > 1
          ? {
              oneOf: [BINARY, { type: 'array', items: BINARY, minItems: 1, maxItems: edit.maxImages }],
              description: `Up to ${edit.maxImages} images (${edit.imageTypes.join(', ')}); the mask applies to the first`,
            }
          : { ...BINARY, description: `One image (${edit.imageTypes.join(', ')})` };
      return object(model, operation, 'multipart', ['model', 'prompt', 'image'], {
        ...base,
        image,
        mask: { ...BINARY, description: `${edit.maskTypes.join(', ')}, the first image's size` },
        ...imageOptions(model, operation, edit.fields, NONE),
      });
    }
    case 'images.stream': {
      if (!model.streaming) return undefined;
      const fields = IMAGE_STREAM_FIELDS.filter(
        (f) => f === 'partial_images' || model.generateFields.includes(f),
      );
      return object(
        model,
        operation,
        'json',
        ['model', 'prompt'],
        {
          ...base,
          ...imageOptions(model, operation, fields, NONE),
        },
        notes(model, operation, 'model'),
      );
    }
    default:
      return undefined;
  }
}

function videoSchema(model: VideoModel, operation: ModelOperation): JsonSchema | undefined {
  const prompt = { type: 'string', minLength: 1, maxLength: model.promptMaxLength };
  const deployment = { type: 'string', description: `The deployment name (a ${model.label} deployment)` };
  if (operation === 'videos.remix') {
    return model.remix ? object(model, operation, 'json', ['prompt'], { prompt }) : undefined;
  }
  if (operation !== 'videos.create') return undefined;
  if (model.api === 'videos') {
    const seconds = model.seconds as readonly string[];
    return object(model, operation, 'multipart', ['model', 'prompt'], {
      model: deployment,
      prompt,
      seconds: { ...enumOf('seconds', seconds), default: String(model.defaultSeconds) },
      size: { ...enumOf('size', model.sizes), ...(model.defaultSize ? { default: model.defaultSize } : {}) },
      input_reference: {
        ...BINARY,
        description: `One image (${model.mediaTypes.join(', ')})${model.referenceMatchesSize ? ' of exactly the video size' : ''}`,
      },
    });
  }
  const seconds = model.seconds as { min: number; max: number };
  const widths = [...new Set(model.sizes.map((s) => Number(s.split('x')[0])))];
  const heights = [...new Set(model.sizes.map((s) => Number(s.split('x')[1])))];
  return object(
    model,
    operation,
    'json',
    ['model', 'prompt', 'width', 'height'],
    {
      model: deployment,
      prompt,
      width: { type: 'integer', enum: widths },
      height: { type: 'integer', enum: heights },
      n_seconds: { ...intRange(seconds.min, seconds.max), default: model.defaultSeconds },
      n_variants: { ...intRange(model.variants.min, model.variants.max), default: model.variants.min },
      files: { type: 'array', items: BINARY, description: `Media (${model.mediaTypes.join(', ')})` },
      inpaint_items: { type: 'array', items: { type: 'object' } },
    },
    { 'x-sizes': [...model.sizes] },
  );
}

function audioSchema(model: AudioModel, operation: ModelOperation): JsonSchema | undefined {
  const task = operation === 'audio.transcribe' ? 'transcribe' : 'translate';
  if (!model.operations.includes(task)) return undefined;
  const unsupported = new Set(model.unsupportedFields ?? []);
  const props: Record<string, JsonSchema> = {
    model: { type: 'string', description: `The deployment name (a ${model.label} deployment)` },
    file: { ...BINARY, description: `Audio (${model.fileExtensions.join(', ')})` },
  };
  if (task === 'transcribe') props.language = { type: 'string', description: 'ISO-639-1 code' };
  if (!unsupported.has('prompt')) props.prompt = { type: 'string' };
  props.response_format = {
    ...enumOf('response_format', model.responseFormats),
    default: 'json',
    ...notes(model, operation, 'response_format'),
  };
  props.temperature = { type: 'number', minimum: model.temperature.min, maximum: model.temperature.max };
  if (task === 'transcribe') {
    if (model.timestampGranularities.length > 0 && !unsupported.has('timestamp_granularities'))
      props.timestamp_granularities = {
        type: 'array',
        items: enumOf('timestamp_granularities', model.timestampGranularities),
      };
    if (model.include && !unsupported.has('include'))
      props.include = { type: 'array', items: enumOf('include', model.include) };
    if (model.chunkingStrategies) {
      const types = model.chunkingStrategies.filter((s) => s !== 'auto');
      props.chunking_strategy = {
        oneOf: [
          { type: 'string', enum: ['auto'] },
          {
            type: 'object',
            required: ['type'],
            properties: {
              type: { type: 'string', enum: types },
              prefix_padding_ms: { type: 'integer', minimum: 0 },
              silence_duration_ms: { type: 'integer', minimum: 0 },
              threshold: { type: 'number', minimum: 0, maximum: 1 },
            },
            additionalProperties: false,
          },
        ],
        ...(model.diarization
          ? { description: `Required for audio over ${model.diarization.chunkingRequiredOverSeconds} s` }
          : {}),
      };
    }
    if (model.diarization) {
      const { maxKnownSpeakers, referenceSeconds } = model.diarization;
      props.known_speaker_names = { type: 'array', items: { type: 'string' }, maxItems: maxKnownSpeakers };
      props.known_speaker_references = {
        type: 'array',
        items: { type: 'string', pattern: '^data:' },
        maxItems: maxKnownSpeakers,
        description: `Audio data URLs of ${referenceSeconds.min}-${referenceSeconds.max} s, one per name`,
      };
    }
  }
  return object(model, operation, 'multipart', ['model', 'file'], props);
}

function speechSchema(model: SpeechModel): JsonSchema {
  const props: Record<string, JsonSchema> = {
    model: {
      type: 'string',
      description: `The deployment name (a ${model.label} deployment); v1 paths only, deployment paths name it in the path`,
    },
    input: { type: 'string', minLength: 1, maxLength: model.inputMaxLength },
    voice: { ...enumOf('voice', model.voices), ...notes(model, 'audio.speech', 'voice') },
    response_format: {
      ...enumOf('response_format', model.responseFormats),
      default: model.defaultResponseFormat,
    },
    speed: {
      type: 'number',
      minimum: model.speed.min,
      maximum: model.speed.max,
      default: model.defaultSpeed,
    },
  };
  if (model.instructions)
    props.instructions = { type: 'string', description: 'How to speak: tone, accent, pace, emotion' };
  return object(model, 'audio.speech', 'json', ['model', 'input', 'voice'], props);
}

function object(
  model: ModelSpec,
  operation: ModelOperation,
  encoding: 'json' | 'multipart',
  required: string[],
  properties: Record<string, JsonSchema>,
  extensions: JsonSchema = {},
): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: `${model.label}: ${operation}`,
    type: 'object',
    required,
    properties,
    additionalProperties: false,
    ...extensions,
    'x-aoai-media': { model: model.name, operation, encoding } satisfies RequestSchemaInfo,
  };
}

/**
 * The JSON Schema of a model's request for an operation, or undefined when the model does not
 * take that operation. Built from the table on each call; cache it if you call it often.
 */
export function requestSchema(model: ModelSpec | string, operation: ModelOperation): JsonSchema | undefined {
  const spec = typeof model === 'string' ? getModel(model) : model;
  if (!spec) return undefined;
  switch (spec.kind) {
    case 'image':
      return imageSchema(spec, operation);
    case 'video':
      return videoSchema(spec, operation);
    case 'audio':
      return operation === 'audio.transcribe' || operation === 'audio.translate'
        ? audioSchema(spec, operation)
        : undefined;
    case 'speech':
      return operation === 'audio.speech' ? speechSchema(spec) : undefined;
  }
}

/** Every model's request schemas: `{ [model]: { [operation]: schema } }`, models newest first. */
export function requestSchemas(): Record<string, Partial<Record<ModelOperation, JsonSchema>>> {
  const out: Record<string, Partial<Record<ModelOperation, JsonSchema>>> = {};
  for (const model of MODELS) {
    const byOp: Partial<Record<ModelOperation, JsonSchema>> = {};
    for (const operation of modelOperations(model)) {
      const schema = requestSchema(model, operation);
      if (schema) byOp[operation] = schema;
    }
    out[model.name] = byOp;
  }
  return out;
}

export interface FieldOption {
  value: string | number;
  label: string;
}

/**
 * The choices of one request field for a model and operation, with labels, in table order
 * (`quality` -> Low, Medium, High, Auto). For free sizes, the presets. Empty when the field is
 * free text or a range.
 */
export function fieldOptions(
  model: ModelSpec | string,
  operation: ModelOperation,
  field: string,
): FieldOption[] {
  const schema = requestSchema(model, operation);
  const props = schema?.properties as Record<string, JsonSchema> | undefined;
  let prop = props?.[field];
  if (!prop) return [];
  if (prop.type === 'array' && prop.items) prop = prop.items as JsonSchema;
  const values = (prop.enum ?? prop.examples) as (string | number | null)[] | undefined;
  return (values ?? [])
    .filter((v): v is string | number => v !== null)
    .map((value) => ({ value, label: optionLabel(field, value) }));
}
