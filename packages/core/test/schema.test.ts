/**
 * The request schemas and option lists core builds from the table: valid JSON Schemas, in step
 * with the validators (every value a schema offers passes validation; values outside it fail both),
 * labelled options in table order.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import {
  checkRequest,
  fieldOptions,
  getModel,
  MODELS,
  modelOperations,
  requestSchema,
  requestSchemas,
  type ImageModel,
  type JsonSchema,
} from '../src/index.js';

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
const compile = (schema: JsonSchema) => ajv.compile(schema);

describe('request schemas', () => {
  it('one per model and operation the table lists, each a valid JSON Schema naming both', () => {
    const all = requestSchemas();
    expect(Object.keys(all)).toEqual(MODELS.map((m) => m.name));
    for (const model of MODELS) {
      expect(Object.keys(all[model.name]!)).toEqual(modelOperations(model));
      for (const [op, schema] of Object.entries(all[model.name]!)) {
        expect(() => compile(schema)).not.toThrow();
        expect(schema['x-aoai-media']).toMatchObject({ model: model.name, operation: op });
        expect(schema.title).toBe(`${model.label}: ${op}`);
      }
    }
  });

  it('gpt-image-2 generate: free sizes by pattern, presets as examples, the size rule attached', () => {
    const validate = compile(requestSchema('gpt-image-2', 'images.generate')!);
    expect(validate({ model: 'd', prompt: 'p', size: '2048x1152', quality: 'high', n: null })).toBe(true);
    expect(validate({ model: 'd', prompt: 'p', quality: 'ultra' })).toBe(false);
    expect(validate({ model: 'd', prompt: 'p', n: 11 })).toBe(false);
    expect(validate({ model: 'd', prompt: 'p', style: 'vivid' })).toBe(false);
    const size = (requestSchema('gpt-image-2', 'images.generate')!.properties as Record<string, JsonSchema>)
      .size!;
    expect(size['x-size-rule']).toMatchObject({ multipleOf: 16, maxAspectRatio: 3, maxEdge: 3840 });
  });

  it('Sora 2 and diarize take what Azure documents', () => {
    const sora2 = compile(requestSchema('sora-2', 'videos.create')!);
    expect(sora2({ model: 'd', prompt: 'p', size: '1280x720', seconds: '12' })).toBe(true);
    expect(sora2({ model: 'd', prompt: 'p', size: '1792x1024' })).toBe(false);
    expect(sora2({ model: 'd', prompt: 'p', seconds: '10' })).toBe(false);
    const diarize = compile(requestSchema('gpt-4o-transcribe-diarize', 'audio.transcribe')!);
    expect(
      diarize({ model: 'd', file: 'x', response_format: 'diarized_json', chunking_strategy: 'auto' }),
    ).toBe(true);
    expect(diarize({ model: 'd', file: 'x', prompt: 'names' })).toBe(false);
    expect(diarize({ model: 'd', file: 'x', known_speaker_names: ['a', 'b', 'c', 'd', 'e'] })).toBe(false);
    expect(requestSchema('sora', 'videos.remix')).toBeUndefined();
    expect(requestSchema('whisper', 'images.generate')).toBeUndefined();
  });

  it('every option a JSON schema offers passes the validator (the two read one table)', () => {
    for (const model of MODELS) {
      for (const op of ['images.generate', 'images.stream'] as const) {
        const schema = requestSchema(model, op);
        if (!schema) continue;
        for (const field of Object.keys(schema.properties as object)) {
          for (const { value } of fieldOptions(model, op, field)) {
            const { errors } = checkRequest(op, { model: 'd', prompt: 'p', [field]: value }, model);
            expect(errors, `${model.name} ${op} ${field}=${value}`).toEqual([]);
          }
        }
      }
    }
  });
});

describe('field options with labels', () => {
  it('in table order, labelled from one place', () => {
    expect(fieldOptions('gpt-image-2', 'images.generate', 'quality')).toEqual([
      { value: 'low', label: 'Low' },
      { value: 'medium', label: 'Medium' },
      { value: 'high', label: 'High' },
      { value: 'auto', label: 'Auto' },
    ]);
    expect(fieldOptions('gpt-image-2', 'images.generate', 'size').map((o) => o.value)).toEqual([
      ...(getModel('gpt-image-2') as ImageModel).sizes,
    ]);
    expect(fieldOptions('sora-2', 'videos.create', 'seconds')).toEqual([
      { value: '4', label: '4 seconds' },
      { value: '8', label: '8 seconds' },
      { value: '12', label: '12 seconds' },
    ]);
    expect(
      fieldOptions('whisper', 'audio.transcribe', 'timestamp_granularities').map((o) => o.label),
    ).toEqual(['Word', 'Segment']);
    expect(fieldOptions('gpt-image-2', 'images.generate', 'prompt')).toEqual([]);
    expect(fieldOptions('no-such-model', 'images.generate', 'quality')).toEqual([]);
  });
});
