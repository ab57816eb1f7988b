/** `audio/transcriptions` and `audio/translations` (multipart `file`). */
import type { AudioModel, ModelSpec } from '@aoai-media/core';
import { badRequest, invalidValue, missingParameter, operationNotSupported } from '../errors.js';
import { json, text, type Ctx, type Reply } from '../http.js';
import { makeTranscript, probeDuration, toSrt, toVtt, wavDuration } from '../media/audio.js';
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
  const fields = ['model', 'file', 'prompt', 'response_format', 'temperature'];
  if (task === 'transcribe') fields.push('language', 'timestamp_granularities[]', 'timestamp_granularities');
  onlyFields(f, fields, model.name);
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
  emu.count('transcriptions', ctx.deployment ?? model.name);
  const t = makeTranscript(file.bytes, duration, temperature);
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
    default:
      return json(200, { text: t.text });
  }
}

export const transcribe = (ctx: Ctx, emu: EmulatorState, spec: ModelSpec) =>
  handle(ctx, emu, spec, 'transcribe');
export const translate = (ctx: Ctx, emu: EmulatorState, spec: ModelSpec) =>
  handle(ctx, emu, spec, 'translate');
