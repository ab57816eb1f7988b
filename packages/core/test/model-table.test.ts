/**
 * The model table as data: every fact has a source that resolves, every model and version a
 * status, replacements name models the table knows, literal types come from the table, and
 * MODELS.md at the repository root is what the table renders.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  getModel,
  lifecycleOf,
  modelLabel,
  modelNames,
  modelOptions,
  MODELS,
  optionLabel,
  recogniseModel,
  RETIREMENT_WARNING_SOURCES,
  SOURCES,
  TABLE_REVIEWED,
  type AudioModelName,
  type ImageModelName,
  type ImageSize,
  type ModelName,
  type SpeechModelName,
  type SpeechVoiceValue,
  type VideoModelName,
} from '../src/index.js';
import { modelsMarkdown } from '../src/models-markdown.js';

const LIFECYCLE = ['preview', 'ga', 'deprecated', 'retired'];
/** Keys of an entry that are not capability facts. */
const NOT_FACTS = new Set(['kind', 'name', 'label', 'family', 'api', 'versions', 'disputes', 'sources']);

/** Every capability fact of an entry, nested ones as `edit.maxImages`. */
function factKeys(model: object): string[] {
  const keys: string[] = [];
  for (const [key, value] of Object.entries(model)) {
    if (NOT_FACTS.has(key) || value === undefined) continue;
    if (value && typeof value === 'object' && !Array.isArray(value) && key === 'edit') {
      for (const inner of Object.keys(value)) keys.push(`${key}.${inner}`);
    } else keys.push(key);
  }
  return keys;
}

describe('every fact has a source', () => {
  it.each(MODELS.map((m) => [m.name, m] as const))('%s: each capability fact names a source', (_n, model) => {
    const missing = factKeys(model).filter((k) => !model.sources[k]?.length);
    expect(missing).toEqual([]);
    // No source entry for a fact the model does not have (a stale key would mislead).
    const stale = Object.keys(model.sources).filter((k) => !factKeys(model).includes(k));
    expect(stale).toEqual([]);
  });

  it('every source key used anywhere resolves to a source with a title and a URL', () => {
    const used = new Set<string>(RETIREMENT_WARNING_SOURCES);
    for (const m of MODELS) {
      Object.values(m.sources).forEach((keys) => keys.forEach((k) => used.add(k)));
      m.versions.forEach((v) => v.sources.forEach((k) => used.add(k)));
      (m.disputes ?? []).forEach((d) => d.sources.forEach((k) => used.add(k)));
    }
    for (const key of used) {
      const source = (SOURCES as Record<string, { title: string; url: string }>)[key];
      expect(source, key).toBeDefined();
      expect(source!.title.length).toBeGreaterThan(10);
      expect(source!.url).toMatch(/^https:\/\//);
    }
    // And no source is listed that nothing uses.
    expect(Object.keys(SOURCES).filter((k) => !used.has(k))).toEqual([]);
  });

  it('every model has versions, each with a status and sources; dates are real dates', () => {
    for (const m of MODELS) {
      expect(m.versions.length, m.name).toBeGreaterThan(0);
      for (const v of m.versions) {
        expect(LIFECYCLE, `${m.name} ${v.version}`).toContain(v.status);
        expect(v.sources.length, `${m.name} ${v.version}`).toBeGreaterThan(0);
        if (v.retires !== undefined) {
          expect(v.retires).toMatch(/^\d{4}-\d{2}-\d{2}$/);
          expect(new Date(`${v.retires}T00:00:00Z`).toISOString().slice(0, 10)).toBe(v.retires);
        }
        if (v.replacement !== undefined) expect(getModel(v.replacement), v.replacement).toBeDefined();
      }
    }
  });

  it('every dispute names a field, a note and sources', () => {
    for (const m of MODELS) {
      for (const d of m.disputes ?? []) {
        expect(d.field).toMatch(/^[a-z_]+$/);
        expect(d.note.length).toBeGreaterThan(20);
        expect(d.sources.length).toBeGreaterThan(0);
      }
    }
  });
});

describe('the table', () => {
  it('lists each kind newest first, the older models kept (and retired)', () => {
    expect(modelNames('image')).toEqual([
      'gpt-image-2',
      'gpt-image-1.5',
      'gpt-image-1-mini',
      'gpt-image-1',
      'dall-e-3',
      'dall-e-2',
    ]);
    expect(modelNames('video')).toEqual(['sora-2', 'sora']);
    expect(modelNames('audio')).toEqual([
      'gpt-4o-transcribe-diarize',
      'gpt-4o-mini-transcribe',
      'gpt-4o-transcribe',
      'whisper',
    ]);
    expect(modelNames('speech')).toEqual(['gpt-4o-mini-tts', 'tts-hd', 'tts']);
    const reviewed = Date.parse(`${TABLE_REVIEWED}T00:00:00Z`);
    for (const name of ['gpt-image-1', 'dall-e-3', 'dall-e-2', 'sora', 'gpt-4o-transcribe']) {
      expect(lifecycleOf(getModel(name)!, reviewed).status, name).toBe('retired');
    }
  });

  it('recognises the new models from deployment names, longest name first', () => {
    expect(recogniseModel('img-gpt-image-2-eu')?.name).toBe('gpt-image-2');
    expect(recogniseModel('gptimage2')?.name).toBe('gpt-image-2');
    expect(recogniseModel('prod_gpt-4o-transcribe-diarize')?.name).toBe('gpt-4o-transcribe-diarize');
    expect(recogniseModel('gpt-4o-mini-transcribe-2')?.name).toBe('gpt-4o-mini-transcribe');
    expect(recogniseModel('sora-2-eastus')?.name).toBe('sora-2');
  });

  it('labels models and option values from one place', () => {
    expect(modelLabel('gpt-image-2')).toBe('GPT Image 2');
    expect(modelLabel('unknown-model')).toBe('unknown-model');
    expect(optionLabel('quality', 'high')).toBe('High');
    expect(optionLabel('response_format', 'diarized_json')).toBe('Diarized JSON (speakers)');
    expect(optionLabel('size', '2048x1152')).toBe('2048x1152');
  });

  it('option lists: newest first, current before retired, retired only on request', () => {
    const now = Date.parse('2026-12-06T12:00:00Z');
    const current = modelOptions({ kind: 'image', now });
    expect(current.map((o) => o.value)).toEqual(['gpt-image-2', 'gpt-image-1.5', 'gpt-image-1-mini']);
    expect(current[0]).toMatchObject({ label: 'GPT Image 2', status: 'ga', retires: '2027-10-21' });
    const all = modelOptions({ operation: 'images.edit', now, includeRetired: true });
    expect(all.map((o) => o.value)).toEqual([
      'gpt-image-2',
      'gpt-image-1.5',
      'gpt-image-1-mini',
      'gpt-image-1',
      'dall-e-2',
    ]);
    expect(all.at(-1)).toMatchObject({
      label: 'DALL-E 2 (retired 2025-01-27)',
      status: 'retired',
      description: 'Retired 2025-01-27; replacement gpt-image-1',
    });
    expect(
      modelOptions({ operation: 'videos.remix', now, includeRetired: true }).map((o) => o.value),
    ).toEqual(['sora-2']);
  });
});

describe('literal types come from the table', () => {
  it('names and sizes', () => {
    expectTypeOf<'gpt-image-2'>().toExtend<ImageModelName>();
    expectTypeOf<'sora-2'>().toExtend<VideoModelName>();
    expectTypeOf<'gpt-4o-transcribe-diarize'>().toExtend<AudioModelName>();
    expectTypeOf<'gpt-4o-mini-tts'>().toExtend<SpeechModelName>();
    expectTypeOf<'marin'>().toExtend<SpeechVoiceValue>();
    expectTypeOf<'tts'>().not.toExtend<AudioModelName>();
    expectTypeOf<'whisper'>().toExtend<ModelName>();
    expectTypeOf<'dall-e-4'>().not.toExtend<ModelName>();
    expectTypeOf<'1792x1024'>().toExtend<ImageSize>();
    expectTypeOf<'2048x1152'>().toExtend<ImageSize>();
    expectTypeOf<'big'>().not.toExtend<ImageSize>();
  });
});

describe('MODELS.md', () => {
  it('at the repository root is what the table renders (run `pnpm models` after editing the table)', () => {
    const path = fileURLToPath(new URL('../../../MODELS.md', import.meta.url));
    expect(readFileSync(path, 'utf8')).toBe(modelsMarkdown());
  });

  it('shows status, dates, replacement and what each model accepts', () => {
    const md = modelsMarkdown();
    expect(md).toContain('| **gpt-image-2** (GPT Image 2) | 2026-04-21: GA; retires 2027-10-21');
    expect(md).toMatch(/\*\*dall-e-3\*\*.*Retired 2026-03-04; replacement gpt-image-1-mini/);
    expect(md).toMatch(/\*\*sora-2\*\*.*size 720x1280, 1280x720; seconds 4, 8, 12/);
    expect(md).toMatch(/gpt-4o-transcribe-diarize.*chunking_strategy required over 30 s/);
    expect(md).toContain('## Text to speech');
    expect(md).toMatch(
      /\*\*tts-hd\*\*.*001: GA; retires 2026-12-15.*voice alloy, echo, fable, onyx, nova, shimmer.*no instructions/,
    );
    expect(md).toMatch(
      /gpt-4o-mini-tts, `voice` ash, ballad, coral, sage, verse, marin, cedar \(audio.speech\)/,
    );
    expect(md).toContain('- **az-retirements-2026-09**: [Azure: Model retirement schedule');
  });
});
