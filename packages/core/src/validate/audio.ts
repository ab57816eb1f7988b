/**
 * Audio request rules (`audio/transcriptions`, `audio/translations`), from the model table:
 * response formats, temperature range, timestamp granularities, file types and size.
 */
import type { Issue } from '../errors.js';
import type { AudioModel, ModelSpec } from '../models.js';
import { inspectFileSync, isFileInput, type FileFacts } from '../uploads.js';
import { checkShape, formatBytes, issues, listWords, type FieldType } from './shared.js';

const TRANSCRIPTION_FIELDS: Readonly<Record<string, FieldType>> = {
  model: 'string',
  file: 'file',
  language: 'string',
  prompt: 'string',
  response_format: 'string',
  temperature: 'number',
  timestamp_granularities: 'string[]',
};
const TRANSLATION_FIELDS: Readonly<Record<string, FieldType>> = {
  model: 'string',
  file: 'file',
  prompt: 'string',
  response_format: 'string',
  temperature: 'number',
};

/** File extensions each recognised content type may carry (the service reads the extension). */
const EXTENSIONS_BY_TYPE: Record<string, readonly string[]> = {
  'audio/mpeg': ['mp3', 'mpga', 'mpeg'],
  'audio/wav': ['wav'],
  'audio/mp4': ['m4a', 'mp4'],
  'video/mp4': ['mp4', 'm4a'],
  'audio/webm': ['webm'],
  'video/webm': ['webm'],
};

function extensionOf(name: string | undefined): string | undefined {
  const dot = name?.lastIndexOf('.') ?? -1;
  return name && dot >= 0 ? name.slice(dot + 1).toLowerCase() : undefined;
}

function checkFile(out: Issue[], facts: FileFacts, model: AudioModel): void {
  const allowed = model.fileExtensions;
  const ext = extensionOf(facts.filename);
  const type = (facts.detectedType ?? facts.contentType)?.split(';')[0]?.trim().toLowerCase();
  const byType = type ? EXTENSIONS_BY_TYPE[type] : undefined;
  const ok = ext !== undefined ? allowed.includes(ext) : byType?.some((e) => allowed.includes(e)) === true;
  if (!ok) {
    const what =
      ext !== undefined ? `a .${ext} file` : type ? `${type} content` : 'content of an unrecognised type';
    out.push(
      issues.custom(
        'file',
        'unsupported_type',
        `file is ${what}; ${model.name} accepts ${listWords(allowed)}`,
        allowed,
      ),
    );
  }
  if (facts.size > model.maxFileBytes) {
    out.push(
      issues.custom(
        'file',
        'too_large',
        `file is ${overBy(facts.size, model.maxFileBytes)}; ${model.name} accepts files up to ${formatBytes(model.maxFileBytes)}`,
        [model.maxFileBytes],
      ),
    );
  }
}

function audioRules(
  operation: 'transcribe' | 'translate',
  request: unknown,
  model: ModelSpec | undefined,
  file?: FileFacts,
): Issue[] {
  const fields = operation === 'transcribe' ? TRANSCRIPTION_FIELDS : TRANSLATION_FIELDS;
  const { issues: out, bad, record } = checkShape(request, fields, ['model', 'file']);
  if (!record || typeof request !== 'object' || request === null) return out;
  if (record.file !== undefined && record.file !== null && !isFileInput(record.file)) {
    out.push(issues.type('file', record.file, 'a Uint8Array, a Blob or { data, filename?, contentType? }'));
    bad.add('file');
  }
  if (!model) return out;
  if (model.kind !== 'audio') {
    out.push(
      issues.custom(
        'model',
        'wrong_model',
        `model is a ${model.name} deployment, which is not an audio model`,
      ),
    );
    return out;
  }
  if (!model.operations.includes(operation)) {
    out.push(
      issues.custom(
        'model',
        'unsupported_operation',
        `${model.name} cannot ${operation}; it supports ${listWords(model.operations)}`,
        model.operations,
      ),
    );
  }
  const format = record.response_format;
  if (typeof format === 'string' && !bad.has('response_format') && !model.responseFormats.includes(format)) {
    out.push(issues.notAllowed('response_format', format, model.responseFormats, model.name));
  }
  const temperature = record.temperature;
  if (typeof temperature === 'number' && !bad.has('temperature')) {
    const { min, max } = model.temperature;
    if (temperature < min || temperature > max) {
      out.push(
        issues.custom(
          'temperature',
          'out_of_range',
          `temperature ${temperature} is out of range for ${model.name}; use ${min} to ${max}`,
          [min, max],
        ),
      );
    }
  }
  const granularities = record.timestamp_granularities;
  if (Array.isArray(granularities) && !bad.has('timestamp_granularities')) {
    if (model.timestampGranularities.length === 0) {
      out.push(
        issues.custom(
          'timestamp_granularities',
          'unsupported_field',
          `timestamp_granularities is not supported by ${model.name}`,
        ),
      );
    } else {
      granularities.forEach((g: string, i) => {
        if (!model.timestampGranularities.includes(g)) {
          out.push(
            issues.notAllowed(`timestamp_granularities[${i}]`, g, model.timestampGranularities, model.name),
          );
        }
      });
      if (format !== 'verbose_json') {
        out.push(
          issues.custom(
            'timestamp_granularities',
            'needs_format',
            `timestamp_granularities needs response_format "verbose_json" (got ${format === undefined ? 'the default "json"' : JSON.stringify(format)})`,
            ['verbose_json'],
          ),
        );
      }
    }
  }
  if (!bad.has('file') && isFileInput(record.file))
    checkFile(out, file ?? inspectFileSync(record.file), model);
  return out;
}

/** `client.audio.transcribe`. `file` carries facts read ahead for a Blob (its first bytes need an await). */
export function transcription(request: unknown, model?: ModelSpec, file?: FileFacts): Issue[] {
  return audioRules('transcribe', request, model, file);
}

/** `client.audio.translate` (to English): no `language`, no timestamps. */
export function translation(request: unknown, model?: ModelSpec, file?: FileFacts): Issue[] {
  return audioRules('translate', request, model, file);
}

/** A size over a limit, in bytes when rounding would make it look equal to the limit. */
function overBy(size: number, max: number): string {
  return formatBytes(size) === formatBytes(max) ? `${size} bytes` : formatBytes(size);
}
