/**
 * The request schemas core builds from its table, checked against Azure's published specs: every
 * value a schema allows (each enum value, each range end) is allowed by the spec's schema for that
 * operation, or it is a newer fact that the table sources from somewhere other than the specs.
 * Those newer facts are listed here in full, so a new one is a visible decision.
 */
import { describe, expect, it } from 'vitest';
import {
  getModel,
  MODELS,
  modelOperations,
  requestSchema,
  type JsonSchema,
  type ModelOperation,
} from '../src/index.js';
import { openSpec, SPEC_SKIP_REASON, specAvailable } from './spec.js';

if (!specAvailable) console.warn(`conformance (schemas): ${SPEC_SKIP_REASON}`);

const V1 = 'v1-preview.json';
const PREVIEW = '2025-04-01-preview-inference.json';

/** Where each operation's request is specified, and a minimal valid request to vary. */
const TARGETS: Partial<
  Record<
    ModelOperation,
    {
      file: string;
      ref: string;
      base: Record<string, unknown>;
      coerce?: boolean;
      field?: (f: string) => string;
    }
  >
> = {
  'images.generate': {
    file: V1,
    ref: '#/components/schemas/AzureCreateImageRequest',
    base: { model: 'd', prompt: 'p' },
  },
  'images.edit': {
    file: PREVIEW,
    ref: '#/components/schemas/imageEditsRequest',
    base: { prompt: 'p', image: 'x' },
    coerce: true,
  },
  'images.stream': {
    file: V1,
    ref: '#/components/schemas/OpenAI.ImageGenTool',
    base: { type: 'image_generation' },
  },
  'audio.transcribe': {
    file: PREVIEW,
    ref: '#/components/schemas/createTranscriptionRequest',
    base: { file: 'x' },
    coerce: true,
    field: (f) => (f === 'timestamp_granularities' ? 'timestamp_granularities[]' : f),
  },
  'audio.translate': {
    file: PREVIEW,
    ref: '#/components/schemas/createTranslationRequest',
    base: { file: 'x' },
    coerce: true,
  },
  // The spec declares multipart; Azure's quickstart and the SDKs send the same fields as JSON.
  'audio.speech': {
    file: PREVIEW,
    ref: '#/components/schemas/createSpeechRequest',
    base: { input: 'x', voice: 'alloy' },
  },
};

/** The table fact behind each request field. */
const FACT: Record<string, string[]> = {
  n: ['n'],
  size: ['sizes', 'freeSize'],
  quality: ['qualities'],
  output_format: ['outputFormats'],
  output_compression: ['outputCompression'],
  background: ['backgrounds'],
  moderation: ['moderations'],
  style: ['styles'],
  response_format: ['responseFormats'],
  input_fidelity: ['edit.inputFidelities'],
  partial_images: ['partialImages'],
  width: ['sizes'],
  height: ['sizes'],
  n_seconds: ['seconds'],
  n_variants: ['variants'],
  seconds: ['seconds'],
  timestamp_granularities: ['timestampGranularities'],
  include: ['include'],
  chunking_strategy: ['chunkingStrategies'],
  known_speaker_names: ['diarization'],
  known_speaker_references: ['diarization'],
  temperature: ['temperature'],
  prompt: ['promptMaxLength'],
  input: ['inputMaxLength'],
  voice: ['voices'],
  speed: ['speed'],
  instructions: ['instructions'],
};

/** The values a property allows, as probes: enum values, range ends, or examples. */
function probes(prop: JsonSchema): unknown[] {
  const inner = prop.type === 'array' ? (prop.items as JsonSchema) : prop;
  const wrap = (v: unknown) => (prop.type === 'array' ? [v] : v);
  const values: unknown[] = [];
  if (Array.isArray(inner.enum)) values.push(...inner.enum.filter((v) => v !== null));
  if (Array.isArray(inner.examples)) values.push(...inner.examples, '2048x1152');
  if (typeof inner.minimum === 'number') values.push(inner.minimum);
  if (typeof inner.maximum === 'number') values.push(inner.maximum);
  if (Array.isArray(inner.anyOf))
    for (const part of inner.anyOf as JsonSchema[]) values.push(...probes(part));
  if (Array.isArray(inner.oneOf))
    for (const part of inner.oneOf as JsonSchema[]) if (part.type !== 'object') values.push(...probes(part));
  return [...new Set(values.map((v) => JSON.stringify(v)))].map((v) => wrap(JSON.parse(v)));
}

const SKIP = new Set([
  'model',
  'file',
  'image',
  'mask',
  'files',
  'input_reference',
  'user',
  'language',
  'inpaint_items',
]);

/** Every value outside the spec, as `model op field=value [sources]`. */
function newerFacts(): string[] {
  const found: string[] = [];
  for (const model of MODELS) {
    for (const op of modelOperations(model)) {
      // Sora 1 jobs are in the v1 spec; Sora 2 (`/videos`) is in none of the specs.
      const target =
        op === 'videos.create' && model.kind === 'video' && model.api === 'jobs'
          ? {
              file: V1,
              ref: '#/components/schemas/CreateVideoGenerationRequest',
              base: { model: 'd', prompt: 'p', width: 480, height: 480 },
              coerce: false,
              field: undefined,
            }
          : TARGETS[op];
      const schema = requestSchema(model, op)!;
      const props = schema.properties as Record<string, JsonSchema>;
      for (const [field, prop] of Object.entries(props)) {
        if (SKIP.has(field)) continue;
        const facts = FACT[field];
        if (!facts) throw new Error(`no fact mapping for ${field}`);
        // Which fields an edit takes is itself a fact (Azure's how-to adds the generate options to edits).
        const keys = op === 'images.edit' ? [...facts, 'edit.fields'] : facts;
        const sources = [...new Set(keys.flatMap((f) => model.sources[f] ?? []))];
        const outside = (value: unknown): boolean => {
          if (!target) return true; // Sora 2 is not in the specs at all.
          const spec = openSpec(target.file);
          const wire = target.field?.(field) ?? field;
          if (!spec.declaredProperties(target.ref).has(wire)) return true;
          const body = { ...target.base, [wire]: value };
          const key = target.ref.split('/').pop()!;
          return spec.checkSchema(key, body, { coerce: target.coerce }).length > 0;
        };
        for (const value of probes(prop)) {
          if (!outside(value)) continue;
          found.push(`${model.name} ${op} ${field}=${JSON.stringify(value)} [${sources.join(', ')}]`);
        }
      }
    }
  }
  return found;
}

describe.skipIf(!specAvailable)(
  `request schemas against Azure's specs${specAvailable ? '' : ` (${SPEC_SKIP_REASON})`}`,
  () => {
    it('the check itself sees a value the spec forbids', () => {
      const spec = openSpec(V1);
      expect(
        spec.checkSchema('AzureCreateImageRequest', { model: 'd', prompt: 'p', size: '2048x1152' }),
      ).not.toEqual([]);
      expect(
        spec.checkSchema('AzureCreateImageRequest', { model: 'd', prompt: 'p', size: '1024x1024' }),
      ).toEqual([]);
    });

    it('every value outside the specs is a newer fact with a source beyond the specs', () => {
      const found = newerFacts();
      for (const line of found) {
        const sources = line
          .slice(line.indexOf('[') + 1, -1)
          .split(', ')
          .filter(Boolean);
        expect(
          sources.some((s) => !s.startsWith('az-spec-')),
          line,
        ).toBe(true);
      }
      // Grouped by model and field so the list reads as decisions, not noise.
      const grouped = [...new Set(found.map((l) => l.replace(/=.*? \[/, ' [')))];
      expect(grouped).toEqual([
        'gpt-image-2 images.generate size [az-image-howto, az-gpt-image-2-catalog, oai-images]',
        'gpt-image-2 images.edit size [az-image-howto, az-gpt-image-2-catalog, oai-images, az-spec-2025-04-01-preview]',
        'gpt-image-2 images.edit output_format [az-spec-v1-preview, az-spec-2025-04-01-preview, az-image-howto]',
        'gpt-image-2 images.edit output_compression [az-spec-v1-preview, az-image-howto, az-spec-2025-04-01-preview]',
        'gpt-image-2 images.edit background [az-spec-v1-preview, az-spec-2025-04-01-preview, az-image-howto]',
        'gpt-image-2 images.edit input_fidelity [az-image-howto, oai-images, az-spec-2025-04-01-preview]',
        'gpt-image-2 images.stream size [az-image-howto, az-gpt-image-2-catalog, oai-images]',
        'gpt-image-1.5 images.edit output_format [az-spec-v1-preview, az-spec-2025-04-01-preview, az-image-howto]',
        'gpt-image-1.5 images.edit output_compression [az-spec-v1-preview, az-image-howto, az-spec-2025-04-01-preview]',
        'gpt-image-1.5 images.edit background [az-spec-v1-preview, az-spec-2025-04-01-preview, az-image-howto]',
        'gpt-image-1.5 images.edit input_fidelity [az-image-howto, oai-images, az-spec-2025-04-01-preview]',
        'gpt-image-1-mini images.edit output_format [az-spec-v1-preview, az-spec-2025-04-01-preview, az-image-howto]',
        'gpt-image-1-mini images.edit output_compression [az-spec-v1-preview, az-image-howto, az-spec-2025-04-01-preview]',
        'gpt-image-1-mini images.edit background [az-spec-v1-preview, az-spec-2025-04-01-preview, az-image-howto]',
        'gpt-image-1-mini images.edit input_fidelity [az-image-howto, oai-images, az-spec-2025-04-01-preview]',
        'gpt-image-1 images.edit output_format [az-spec-v1-preview, az-spec-2025-04-01-preview, az-image-howto]',
        'gpt-image-1 images.edit output_compression [az-spec-v1-preview, az-image-howto, az-spec-2025-04-01-preview]',
        'gpt-image-1 images.edit background [az-spec-v1-preview, az-spec-2025-04-01-preview, az-image-howto]',
        'gpt-image-1 images.edit input_fidelity [az-image-howto, oai-images, az-spec-2025-04-01-preview]',
        'dall-e-2 images.edit size [az-spec-v1-preview, az-spec-2025-04-01-preview, oai-images]',
        'sora-2 videos.create seconds [az-sora-2-concepts]',
        'sora-2 videos.create size [az-sora-2-concepts]',
        'gpt-4o-transcribe-diarize audio.transcribe response_format [oai-transcriptions]',
        'gpt-4o-transcribe-diarize audio.transcribe chunking_strategy [oai-transcriptions]',
        'gpt-4o-mini-transcribe audio.transcribe include [oai-transcriptions]',
        'gpt-4o-mini-transcribe audio.transcribe chunking_strategy [oai-transcriptions]',
        'gpt-4o-transcribe audio.transcribe include [oai-transcriptions]',
        'gpt-4o-transcribe audio.transcribe chunking_strategy [oai-transcriptions]',
        'gpt-4o-mini-tts audio.speech voice [az-spec-2025-04-01-preview, az-tts-quickstart, oai-speech]',
      ]);
    });

    it('every model and operation the table lists has a schema', () => {
      for (const model of MODELS) {
        for (const op of modelOperations(model))
          expect(requestSchema(model, op), `${model.name} ${op}`).toBeDefined();
      }
      expect(requestSchema(getModel('dall-e-3')!, 'images.edit')).toBeUndefined();
    });
  },
);
