/**
 * Audio request rules (`audio/transcriptions`, `audio/translations`), from the model table:
 * response formats, temperature range, timestamp granularities, `include`, chunking and known
 * speakers (diarization), file types and size.
 */
import type { Issue } from '../errors.js';
import { disputesFor, type AudioModel, type ModelSpec } from '../models.js';
import { inspectFileSync, isFileInput, type FileFacts, type FileInput } from '../uploads.js';
import { decodeBase64 } from '../base64.js';
import { asWarning, checkShape, formatBytes, issues, listWords, show, type FieldType } from './shared.js';

const TRANSCRIPTION_FIELDS: Readonly<Record<string, FieldType>> = {
  model: 'string',
  file: 'file',
  language: 'string',
  prompt: 'string',
  response_format: 'string',
  temperature: 'number',
  timestamp_granularities: 'string[]',
  include: 'string[]',
  chunking_strategy: 'any',
  known_speaker_names: 'string[]',
  known_speaker_references: 'string[]',
};
const TRANSLATION_FIELDS: Readonly<Record<string, FieldType>> = {
  model: 'string',
  file: 'file',
  prompt: 'string',
  response_format: 'string',
  temperature: 'number',
};

const SERVER_VAD_FIELDS: Readonly<Record<string, FieldType>> = {
  type: 'string',
  prefix_padding_ms: 'integer',
  silence_duration_ms: 'integer',
  threshold: 'number',
};

/** File facts plus the audio's length, when it could be read from the bytes (WAV). */
export interface AudioFileFacts extends FileFacts {
  durationSeconds?: number;
}

/** File extensions each recognised content type may carry (the service reads the extension). */
const EXTENSIONS_BY_TYPE: Record<string, readonly string[]> = {
  'audio/mpeg': ['mp3', 'mpga', 'mpeg'],
  'audio/wav': ['wav'],
  'audio/mp4': ['m4a', 'mp4'],
  'video/mp4': ['mp4', 'm4a'],
  'audio/webm': ['webm'],
  'video/webm': ['webm'],
  'audio/ogg': ['ogg'],
  'audio/flac': ['flac'],
};

function extensionOf(name: string | undefined): string | undefined {
  const dot = name?.lastIndexOf('.') ?? -1;
  return name && dot >= 0 ? name.slice(dot + 1).toLowerCase() : undefined;
}

/**
 * Seconds of audio in a RIFF/WAVE file, from its first bytes and its total size; undefined for
 * other formats. A data chunk that claims more than the file holds counts what is there.
 */
export function wavSeconds(head: Uint8Array, totalSize: number): number | undefined {
  const text = (at: number) => String.fromCharCode(...head.subarray(at, at + 4));
  if (head.length < 12 || text(0) !== 'RIFF' || text(8) !== 'WAVE') return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let byteRate: number | undefined;
  let offset = 12;
  while (offset + 8 <= head.length) {
    const id = text(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ' && body + 12 <= head.length) byteRate = view.getUint32(body + 8, true);
    if (id === 'data') {
      if (!byteRate) return undefined;
      const available = totalSize - body;
      return (size === 0 || size > available ? available : size) / byteRate;
    }
    offset = body + size + (size % 2);
  }
  return undefined;
}

/** Bytes of a data URL (`data:audio/wav;base64,...`), or undefined when it is not one. */
function dataUrlBytes(url: string): { type: string; bytes: Uint8Array } | undefined {
  const m = /^data:([^;,]+)?((?:;[^;,]+)*?);base64,(.*)$/s.exec(url);
  if (!m) return undefined;
  try {
    return { type: (m[1] ?? '').toLowerCase(), bytes: decodeBase64(m[3]!) };
  } catch {
    return undefined;
  }
}

/** Facts about an audio input read synchronously (bytes only; a Blob's length needs a read). */
export function inspectAudioSync(input: FileInput): AudioFileFacts {
  const facts: AudioFileFacts = inspectFileSync(input);
  const bytes =
    input instanceof Uint8Array
      ? input
      : 'data' in input && input.data instanceof Uint8Array
        ? input.data
        : undefined;
  if (bytes) {
    const seconds = wavSeconds(bytes.subarray(0, 4096), bytes.byteLength);
    if (seconds !== undefined) facts.durationSeconds = seconds;
  }
  return facts;
}

function checkFile(out: Issue[], facts: AudioFileFacts, model: AudioModel): void {
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

/** `chunking_strategy`: `"auto"` or `{ type: "server_vad", prefix_padding_ms?, silence_duration_ms?, threshold? }`. */
function checkChunking(out: Issue[], value: unknown, model: AudioModel): void {
  const strategies = model.chunkingStrategies ?? [];
  if (typeof value === 'string') {
    if (value !== 'auto' || !strategies.includes('auto'))
      out.push(issues.notAllowed('chunking_strategy', value, ['auto'], model.name));
    return;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    out.push(
      issues.type(
        'chunking_strategy',
        value,
        '"auto" or { type: "server_vad", threshold?, prefix_padding_ms?, silence_duration_ms? }',
      ),
    );
    return;
  }
  const shape = checkShape(value, SERVER_VAD_FIELDS, ['type']);
  for (const issue of shape.issues)
    out.push({
      ...issue,
      path: `chunking_strategy.${issue.path}`,
      message: `chunking_strategy: ${issue.message}`,
    });
  const record = shape.record;
  const objectTypes = strategies.filter((s) => s !== 'auto');
  if (typeof record.type === 'string' && !shape.bad.has('type') && !objectTypes.includes(record.type)) {
    out.push(issues.notAllowed('chunking_strategy.type', record.type, objectTypes, model.name));
  }
  if (typeof record.threshold === 'number' && (record.threshold < 0 || record.threshold > 1)) {
    out.push(
      issues.custom(
        'chunking_strategy.threshold',
        'out_of_range',
        `chunking_strategy.threshold ${record.threshold} is out of range; use 0 to 1`,
        [0, 1],
      ),
    );
  }
  for (const key of ['prefix_padding_ms', 'silence_duration_ms']) {
    const n = record[key];
    if (typeof n === 'number' && !shape.bad.has(key) && n < 0)
      out.push(issues.range(`chunking_strategy.${key}`, n, { min: 0, max: Number.MAX_SAFE_INTEGER }));
  }
}

/** Known speakers: at most N names, one reference clip (a data URL) per name, each 2-10 s long. */
function checkKnownSpeakers(out: Issue[], record: Record<string, unknown>, model: AudioModel): void {
  const rules = model.diarization!;
  const names = record.known_speaker_names as string[] | undefined;
  const references = record.known_speaker_references as string[] | undefined;
  if (names && names.length > rules.maxKnownSpeakers) {
    out.push(
      issues.custom(
        'known_speaker_names',
        'too_many',
        `known_speaker_names has ${names.length} names; ${model.name} accepts at most ${rules.maxKnownSpeakers}`,
        [rules.maxKnownSpeakers],
      ),
    );
  }
  if (
    (names === undefined) !== (references === undefined) ||
    (names && references && names.length !== references.length)
  ) {
    out.push(
      issues.custom(
        names === undefined ? 'known_speaker_names' : 'known_speaker_references',
        'mismatch',
        `known_speaker_names and known_speaker_references go together, one reference clip per name (got ${names?.length ?? 0} names and ${references?.length ?? 0} references)`,
      ),
    );
  }
  references?.forEach((ref, i) => {
    const path = `known_speaker_references[${i}]`;
    const clip = dataUrlBytes(ref);
    if (!clip) {
      out.push(issues.type(path, ref, 'an audio data URL such as "data:audio/wav;base64,..."'));
      return;
    }
    const seconds = wavSeconds(clip.bytes.subarray(0, 4096), clip.bytes.byteLength);
    const { min, max } = rules.referenceSeconds;
    if (seconds !== undefined && (seconds < min || seconds > max)) {
      out.push(
        asWarning(
          issues.custom(
            path,
            'clip_length',
            `${path} is ${seconds.toFixed(1)} s of audio; reference clips should be ${min} to ${max} s (it is sent as given)`,
            [min, max],
          ),
        ),
      );
    }
  });
}

function audioRules(
  operation: 'transcribe' | 'translate',
  request: unknown,
  model: ModelSpec | undefined,
  file?: AudioFileFacts,
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
        `model is a ${model.name} deployment, which is not a speech-to-text model`,
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
  const present = (key: string) => record[key] !== undefined && !bad.has(key);
  // Fields the sources say this model does not take, and fields only some models take.
  const unsupported = new Set<string>(model.unsupportedFields ?? []);
  if (!model.include) unsupported.add('include');
  if (!model.chunkingStrategies) unsupported.add('chunking_strategy');
  if (!model.diarization) unsupported.add('known_speaker_names').add('known_speaker_references');
  for (const key of [...unsupported]) {
    if (!present(key)) continue;
    const accepted = Object.keys(fields).filter((f) => f !== 'model' && f !== 'file' && !unsupported.has(f));
    out.push(issues.unsupportedField(key, model.name, accepted));
    bad.add(key);
  }

  const format = record.response_format;
  const formatOk = typeof format === 'string' && !bad.has('response_format');
  if (formatOk && !model.responseFormats.includes(format)) {
    out.push(issues.notAllowed('response_format', format, model.responseFormats, model.name));
  }
  if (formatOk) {
    for (const dispute of disputesFor(model, `audio.${operation}`, 'response_format', format)) {
      out.push(
        asWarning(
          issues.custom(
            'response_format',
            'disputed',
            `response_format ${show(format)} on ${model.name}: ${dispute.note}; it is sent as given`,
          ),
        ),
      );
    }
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
  if (present('include') && model.include) {
    const values = record.include as string[];
    values.forEach((v, i) => {
      if (!model.include!.includes(v))
        out.push(issues.notAllowed(`include[${i}]`, v, model.include!, model.name));
    });
    if (values.includes('logprobs') && format !== undefined && format !== 'json') {
      out.push(
        asWarning(
          issues.custom(
            'include',
            'ignored',
            `include ["logprobs"] works only with response_format "json"; with ${JSON.stringify(format)} no log probabilities come back`,
            ['json'],
          ),
        ),
      );
    }
  }
  if (present('chunking_strategy')) checkChunking(out, record.chunking_strategy, model);
  if (model.diarization && (present('known_speaker_names') || present('known_speaker_references')))
    checkKnownSpeakers(out, record, model);

  if (!bad.has('file') && isFileInput(record.file)) {
    const facts = file ?? inspectAudioSync(record.file);
    checkFile(out, facts, model);
    const rules = model.diarization;
    if (
      rules &&
      record.chunking_strategy === undefined &&
      facts.durationSeconds !== undefined &&
      facts.durationSeconds > rules.chunkingRequiredOverSeconds
    ) {
      out.push(
        issues.required(
          'chunking_strategy',
          `${model.name} needs it for audio over ${rules.chunkingRequiredOverSeconds} s and the file is ${facts.durationSeconds.toFixed(1)} s; use "auto" or { type: "server_vad" }`,
        ),
      );
    }
  }
  return out;
}

/** `client.audio.transcribe`. `file` carries facts read ahead for a Blob (its first bytes need an await). */
export function transcriptionIssues(request: unknown, model?: ModelSpec, file?: AudioFileFacts): Issue[] {
  return audioRules('transcribe', request, model, file);
}

/** `client.audio.translate` (to English): no `language`, no timestamps. */
export function translationIssues(request: unknown, model?: ModelSpec, file?: AudioFileFacts): Issue[] {
  return audioRules('translate', request, model, file);
}

/** A size over a limit, in bytes when rounding would make it look equal to the limit. */
function overBy(size: number, max: number): string {
  return formatBytes(size) === formatBytes(max) ? `${size} bytes` : formatBytes(size);
}
