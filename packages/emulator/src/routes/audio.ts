/** `audio/transcriptions` and `audio/translations` (multipart `file`). */
import type { AudioModel, ModelSpec } from '@aoai-media/core';
import { badRequest, invalidValue, missingParameter, operationNotSupported } from '../errors.js';
import { json, text, type Ctx, type Reply } from '../http.js';
import {
  diarize,
  logprobsOf,
  makeTranscript,
  probeDuration,
  toSrt,
  transcriptOf,
  toVtt,
  wavDuration,
} from '../media/audio.js';
import { readSpeechText } from '../media/speech.js';
import type { EmulatorState } from '../state.js';
import { modelOfKind, numberIn, oneOf, onlyFields, optionalString } from '../validate.js';

const LANGUAGE_NAMES: Record<string, string> = {
  en: 'english',
  de: 'german',
  fr: 'french',
  es: 'spanish',
  it: 'italian',
  nl: 'dutch',
  pt: 'portuguese',
  ja: 'japanese',
  zh: 'chinese',
};

function granularities(raw: unknown, model: AudioModel): string[] {
  if (raw === undefined || raw === null) return [];
  const list = (Array.isArray(raw) ? raw : [raw]).flatMap((v) =>
    typeof v === 'string' ? v.split(',') : [v],
  );
  for (const g of list) {
    if (typeof g !== 'string' || !model.timestampGranularities.includes(g.trim())) {
      throw invalidValue(
        'timestamp_granularities[]',
        g,
        model.timestampGranularities.length
          ? model.timestampGranularities
          : 'This model has no timestamp granularities.',
      );
    }
  }
  return list.map((g) => String(g).trim());
}

/** The multipart fields a model takes for a task, from the table. */
function fieldsFor(model: AudioModel, task: 'transcribe' | 'translate'): string[] {
  const fields = ['model', 'file', 'prompt', 'response_format', 'temperature'];
  if (task === 'transcribe') {
    fields.push('language', 'timestamp_granularities[]', 'timestamp_granularities');
    if (model.include) fields.push('include[]', 'include');
    if (model.chunkingStrategies) {
      fields.push('chunking_strategy', ...CHUNKING_FIELDS.map((k) => `chunking_strategy[${k}]`));
    }
    if (model.diarization) fields.push('known_speaker_names[]', 'known_speaker_references[]');
  }
  const unsupported = new Set(model.unsupportedFields ?? []);
  return fields.filter((f) => !unsupported.has(f.replace(/\[\]$/, '')));
}

const CHUNKING_FIELDS = ['type', 'prefix_padding_ms', 'silence_duration_ms', 'threshold'];

/** `chunking_strategy` as `auto`, JSON text, or the `chunking_strategy[type]` fields the SDKs send. */
function chunkingOf(f: Record<string, unknown>, model: AudioModel): string | undefined {
  const strategies = model.chunkingStrategies ?? [];
  let value = f.chunking_strategy;
  if (value === undefined && f['chunking_strategy[type]'] !== undefined) {
    value = { type: f['chunking_strategy[type]'] };
  } else if (typeof value === 'string' && value.trim().startsWith('{')) {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      throw invalidValue('chunking_strategy', value, 'Expected "auto" or a JSON object.');
    }
  }
  if (value === undefined || value === null) return undefined;
  if (value === 'auto' && strategies.includes('auto')) return 'auto';
  const type = (value as { type?: unknown })?.type;
  const objectTypes = strategies.filter((t) => t !== 'auto');
  if (typeof type === 'string' && objectTypes.includes(type)) return type;
  throw invalidValue('chunking_strategy', typeof value === 'string' ? value : JSON.stringify(value), [
    'auto',
    ...objectTypes.map((t) => `{"type":"${t}"}`),
  ]);
}

function listOf(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** Known speakers: names with one reference clip each, at most the table's count. */
function knownSpeakers(f: Record<string, unknown>, model: AudioModel): string[] {
  const names = listOf(f['known_speaker_names[]']);
  const references = listOf(f['known_speaker_references[]']);
  const max = model.diarization?.maxKnownSpeakers ?? 0;
  if (names.length > max) {
    throw invalidValue(
      'known_speaker_names',
      `${names.length} names`,
      `At most ${max} known speakers are supported.`,
    );
  }
  if (names.length !== references.length) {
    throw invalidValue(
      'known_speaker_references',
      `${references.length} references`,
      `Provide one reference clip per known speaker name (${names.length}).`,
    );
  }
  for (const ref of references) {
    if (!/^data:[^,]*;base64,/.test(ref))
      throw invalidValue('known_speaker_references', ref.slice(0, 40), 'Expected audio data URLs.');
  }
  return names;
}

async function handle(
  ctx: Ctx,
  emu: EmulatorState,
  spec: ModelSpec,
  task: 'transcribe' | 'translate',
): Promise<Reply> {
  const operation = task === 'transcribe' ? 'audioTranscriptions' : 'audioTranslations';
  const model = modelOfKind(spec, 'audio', operation);
  if (!model.operations.includes(task)) throw operationNotSupported(operation, model.name);
  if (ctx.body.kind !== 'multipart')
    throw badRequest('Audio requests take a multipart/form-data body with a `file`.');
  const f = ctx.body.fields;
  onlyFields(f, fieldsFor(model, task), model.name);
  const file = ctx.body.files.find((x) => x.field === 'file');
  if (!file) throw missingParameter('file');
  const format = oneOf('response_format', f.response_format, model.responseFormats, model.name) ?? 'json';
  const temperature = numberIn('temperature', f.temperature, model.temperature) ?? 0;
  const language = optionalString('language', f.language);
  optionalString('prompt', f.prompt);
  const grains = granularities(f['timestamp_granularities[]'] ?? f.timestamp_granularities, model);
  if (grains.length && format !== 'verbose_json') {
    throw invalidValue(
      'timestamp_granularities[]',
      grains.join(','),
      "Timestamp granularities need response_format 'verbose_json'.",
    );
  }
  const include = listOf(f['include[]'] ?? f.include);
  for (const value of include) {
    if (!model.include?.includes(value)) throw invalidValue('include[]', value, model.include ?? []);
  }
  const chunking = chunkingOf(f, model);
  const speakers = model.diarization ? knownSpeakers(f, model) : [];
  const ext = file.filename.split('.').pop()?.toLowerCase() ?? '';
  if (!model.fileExtensions.includes(ext)) {
    throw invalidValue('file', file.filename, `Supported file types: ${model.fileExtensions.join(', ')}.`);
  }
  if (file.bytes.byteLength > model.maxFileBytes) {
    throw badRequest(
      `Invalid 'file': ${file.bytes.byteLength} bytes; the limit is ${model.maxFileBytes} bytes.`,
      'file',
      'invalid_value',
    );
  }
  const duration = wavDuration(file.bytes) ?? (await probeDuration(emu.video.ffmpegPath, file.bytes, ext));
  if (duration === undefined || !(duration > 0)) {
    throw badRequest(
      `Invalid 'file': '${file.filename}' could not be decoded as audio. It may be corrupted or of an unsupported type.`,
      'file',
      'invalid_value',
    );
  }
  const limit = model.diarization?.chunkingRequiredOverSeconds;
  if (limit !== undefined && chunking === undefined && duration > limit) {
    throw badRequest(
      `chunking_strategy is required when the audio is longer than ${limit} seconds (this file is ${Math.round(duration * 10) / 10} seconds). Set it to 'auto' or to {"type": "server_vad"}.`,
      'chunking_strategy',
      'missing_required_parameter',
    );
  }
  emu.count('transcriptions', ctx.deployment ?? model.name);
  // Speech the emulator made carries its text: give it back, so speak-then-transcribe round-trips.
  const spoken = readSpeechText(file.bytes);
  const t =
    spoken !== undefined && spoken.trim() !== ''
      ? transcriptOf(spoken, duration, temperature)
      : makeTranscript(file.bytes, duration, temperature);
  switch (format) {
    case 'text':
      return text(200, `${t.text}\n`);
    case 'srt':
      return text(200, toSrt(t));
    case 'vtt':
      return text(200, toVtt(t));
    case 'verbose_json': {
      const body: Record<string, unknown> = {
        task,
        language:
          task === 'translate' ? 'english' : (LANGUAGE_NAMES[language ?? 'en'] ?? language ?? 'english'),
        duration: t.duration,
        text: t.text,
      };
      if (grains.length === 0 || grains.includes('segment')) body.segments = t.segments;
      if (grains.includes('word')) body.words = t.words;
      return json(200, body);
    }
    case 'diarized_json':
      return json(200, diarize(t, speakers));
    default: {
      const body: Record<string, unknown> = { text: t.text };
      if (include.includes('logprobs')) body.logprobs = logprobsOf(t);
      return json(200, body);
    }
  }
}

export const transcribe = (ctx: Ctx, emu: EmulatorState, spec: ModelSpec) =>
  handle(ctx, emu, spec, 'transcribe');
export const translate = (ctx: Ctx, emu: EmulatorState, spec: ModelSpec) =>
  handle(ctx, emu, spec, 'translate');
