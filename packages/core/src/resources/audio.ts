/**
 * Audio: transcription and translation on the GA deployment paths
 * (`/openai/deployments/{deployment}/audio/...`), which exist only on dated api-versions; a client
 * set to `v1`/`preview` sends these to the default dated version. Text to speech follows the
 * client's URL style (see speech.ts).
 */
import { readText, type AzureOpenAIMedia, type CallOptions } from '../client.js';
import { InvalidResponseError, requestIdOf, type Issue } from '../errors.js';
import { preflightChecked } from '../preflight.js';
import type { AudioResponseFormatValue } from '../models.js';
import { inspectFile, isFileInput, toUpload, type FileInput } from '../uploads.js';
import {
  transcriptionIssues,
  translationIssues,
  wavSeconds,
  type AudioFileFacts,
} from '../validate/audio.js';
import { speech, speechStream, type SpeechRequest, type SpeechResult, type SpeechStream } from './speech.js';

export type AudioResponseFormat = AudioResponseFormatValue;

/** How a diarizing model cuts the audio: `auto`, or server-side voice activity detection. */
export type ChunkingStrategy =
  | 'auto'
  | {
      type: 'server_vad';
      /** Audio kept before detected speech, in ms. */
      prefix_padding_ms?: number;
      /** Silence that ends a chunk, in ms. */
      silence_duration_ms?: number;
      /** 0 to 1; higher needs louder speech. */
      threshold?: number;
    };

export interface TranscriptionRequest {
  /** The deployment name. */
  model: string;
  file: FileInput;
  /** ISO-639-1 code of the spoken language. */
  language?: string;
  /** Not for gpt-4o-transcribe-diarize. */
  prompt?: string;
  response_format?: AudioResponseFormat;
  /** 0 to 1. */
  temperature?: number;
  /** `word` and/or `segment`; needs `verbose_json` (whisper). */
  timestamp_granularities?: ('word' | 'segment')[];
  /** `['logprobs']` (gpt-4o-transcribe, gpt-4o-mini-transcribe, with `json`). */
  include?: 'logprobs'[];
  /** gpt-4o transcription models; required by gpt-4o-transcribe-diarize for audio over 30 s. */
  chunking_strategy?: ChunkingStrategy;
  /** gpt-4o-transcribe-diarize: up to 4 names, each with a reference clip. */
  known_speaker_names?: string[];
  /** Data URLs (`data:audio/wav;base64,...`) of 2-10 s clips, one per name. */
  known_speaker_references?: string[];
}

export type TranslationRequest = Pick<
  TranscriptionRequest,
  'model' | 'file' | 'prompt' | 'response_format' | 'temperature'
>;

export interface TranscriptionSegment {
  id: number | string;
  start: number;
  end: number;
  text: string;
  /** The speaker label (`A`, `B`, ... or a known speaker's name), in `diarized_json`. */
  speaker?: string;
  [key: string]: unknown;
}

export interface TranscriptionWord {
  word: string;
  start: number;
  end: number;
}

export interface TranscriptionLogprob {
  token: string;
  logprob: number;
  bytes?: number[];
}

export interface TranscriptionResult {
  format: AudioResponseFormat;
  /** The transcript: plain text for json/text, the subtitle document for srt/vtt. */
  text: string;
  language?: string;
  duration?: number;
  segments?: TranscriptionSegment[];
  words?: TranscriptionWord[];
  /** `diarized_json`: the speakers in order of first appearance. */
  speakers?: string[];
  /** With `include: ['logprobs']`. */
  logprobs?: TranscriptionLogprob[];
  /** What the request carried that Azure accepts but ignores (and a model near retirement). */
  warnings: Issue[];
  /** The JSON object, or the text, as Azure sent it. */
  raw: unknown;
}

/** The verbose form always carries language, duration and segments. */
export interface VerboseTranscriptionResult extends TranscriptionResult {
  format: 'verbose_json';
  language: string;
  duration: number;
  segments: TranscriptionSegment[];
}

/** The diarized form: segments with a speaker each. */
export interface DiarizedTranscriptionResult extends TranscriptionResult {
  format: 'diarized_json';
  segments: (TranscriptionSegment & { speaker: string })[];
  speakers: string[];
}

/** The result type for a request's `response_format`. */
export type TranscriptionResultFor<R> = R extends { response_format: 'verbose_json' }
  ? VerboseTranscriptionResult
  : R extends { response_format: 'diarized_json' }
    ? DiarizedTranscriptionResult
    : TranscriptionResult;

export class Audio {
  constructor(protected readonly client: AzureOpenAIMedia) {}

  /** Speech to text in the spoken language. */
  transcribe<R extends TranscriptionRequest>(
    request: R,
    options: CallOptions = {},
  ): Promise<TranscriptionResultFor<R>> {
    return this.#send('transcribe', request, options) as Promise<TranscriptionResultFor<R>>;
  }

  /** Speech to English text. */
  translate<R extends TranslationRequest>(
    request: R,
    options: CallOptions = {},
  ): Promise<TranscriptionResultFor<R>> {
    return this.#send('translate', request, options) as Promise<TranscriptionResultFor<R>>;
  }

  /** Text to speech: the audio as bytes, with its MIME type and file extension. */
  speech(request: SpeechRequest, options: CallOptions = {}): Promise<SpeechResult> {
    return speech(this.client, request, options);
  }

  /** Text to speech as a stream, for long texts or to pass the audio on as it arrives. */
  speechStream(request: SpeechRequest, options: CallOptions = {}): Promise<SpeechStream> {
    return speechStream(this.client, request, options);
  }

  async #send(
    operation: 'transcribe' | 'translate',
    request: TranscriptionRequest | TranslationRequest,
    options: CallOptions,
  ): Promise<TranscriptionResult> {
    const file = request?.file;
    const facts = isFileInput(file) ? await audioFacts(file) : undefined;
    const rules = operation === 'transcribe' ? transcriptionIssues : translationIssues;
    const { warnings } = preflightChecked(
      this.client,
      request?.model,
      operation === 'transcribe' ? 'transcription' : 'translation',
      (model) => rules(request, model, facts),
    );

    const form = new FormData();
    const upload = await toUpload(request.file, 'audio');
    form.append('file', upload.blob, upload.filename);
    const { model: _model, file: _file, ...fields } = request as TranscriptionRequest;
    for (const [key, value] of Object.entries(fields)) appendField(form, key, value);

    const format: AudioResponseFormat = request.response_format ?? 'json';
    const asText = format === 'text' || format === 'srt' || format === 'vtt';
    const result = await this.client.request(
      {
        ...options,
        operation: operation === 'transcribe' ? 'audio.transcribe' : 'audio.translate',
        method: 'POST',
        route: 'deployment',
        deployment: request.model,
        path: operation === 'transcribe' ? 'audio/transcriptions' : 'audio/translations',
        body: form,
        headers: { accept: asText ? 'text/plain, application/json' : 'application/json' },
      },
      async (response) => {
        const body = await readText(response);
        try {
          return toTranscriptionResult(format, body);
        } catch (error) {
          if (!(error instanceof SyntaxError)) throw error;
          throw new InvalidResponseError({
            status: response.status,
            requestId: requestIdOf(response.headers),
            body,
            expected: `a ${format} transcript`,
          });
        }
      },
    );
    result.warnings = warnings;
    return result;
  }
}

/**
 * A form field the way the OpenAI SDKs send it: arrays as repeated `key[]`, objects as
 * `key[property]`, everything else as text.
 */
function appendField(form: FormData, key: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) appendField(form, `${key}[]`, item);
  } else if (typeof value === 'object') {
    for (const [name, inner] of Object.entries(value)) appendField(form, `${key}[${name}]`, inner);
  } else {
    form.append(key, String(value));
  }
}

/** File facts plus the audio's length when its first bytes tell it (WAV). */
async function audioFacts(file: FileInput): Promise<AudioFileFacts> {
  const facts: AudioFileFacts = await inspectFile(file);
  const head =
    file instanceof Uint8Array
      ? file.subarray(0, 4096)
      : file instanceof Blob
        ? new Uint8Array(await file.slice(0, 4096).arrayBuffer())
        : file.data instanceof Uint8Array
          ? file.data.subarray(0, 4096)
          : new Uint8Array(await file.data.slice(0, 4096).arrayBuffer());
  const seconds = wavSeconds(head, facts.size);
  if (seconds !== undefined) facts.durationSeconds = seconds;
  return facts;
}

/** Normalise an audio answer for its format. Exported for consumers that receive the body another way. */
export function toTranscriptionResult(format: AudioResponseFormat, body: string): TranscriptionResult {
  if (format === 'text' || format === 'srt' || format === 'vtt') {
    // Some deployments wrap even text answers in JSON; unwrap when they do.
    const wrapped = parseJson(body) as { text?: unknown } | undefined;
    const text = wrapped && typeof wrapped.text === 'string' ? wrapped.text : body;
    return { format, text, warnings: [], raw: body };
  }
  const raw = parseJson(body);
  if (!raw || typeof raw !== 'object' || typeof (raw as { text?: unknown }).text !== 'string') {
    throw new SyntaxError(`expected a JSON transcript with "text", got: ${body.slice(0, 120)}`);
  }
  const r = raw as {
    text: string;
    language?: unknown;
    duration?: unknown;
    segments?: unknown;
    words?: unknown;
    logprobs?: unknown;
  };
  const result: TranscriptionResult = { format, text: r.text, warnings: [], raw };
  if (typeof r.language === 'string') result.language = r.language;
  if (typeof r.duration === 'number') result.duration = r.duration;
  else if (typeof r.duration === 'string' && Number.isFinite(Number(r.duration)))
    result.duration = Number(r.duration);
  if (Array.isArray(r.segments)) {
    result.segments = r.segments as TranscriptionSegment[];
    const speakers = result.segments.map((s) => s.speaker).filter((s): s is string => typeof s === 'string');
    if (speakers.length > 0) result.speakers = [...new Set(speakers)];
  }
  if (Array.isArray(r.words)) result.words = r.words as TranscriptionWord[];
  if (Array.isArray(r.logprobs)) result.logprobs = r.logprobs as TranscriptionLogprob[];
  return result;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
