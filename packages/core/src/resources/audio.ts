/**
 * Audio: transcription and translation on the GA deployment paths
 * (`/openai/deployments/{deployment}/audio/...`), which exist only on dated api-versions; a client
 * set to `preview`/`v1` sends these to the default dated version.
 */
import { readText, type AzureOpenAIMedia, type CallOptions } from '../client.js';
import { InvalidResponseError, requestIdOf } from '../errors.js';
import { preflight } from '../preflight.js';
import { inspectFile, isFileInput, toUpload, type FileInput } from '../uploads.js';
import { transcription, translation } from '../validate/audio.js';

export type AudioResponseFormat = 'json' | 'text' | 'srt' | 'vtt' | 'verbose_json';

export interface TranscriptionRequest {
  /** The deployment name. */
  model: string;
  file: FileInput;
  /** ISO-639-1 code of the spoken language. */
  language?: string;
  prompt?: string;
  response_format?: AudioResponseFormat;
  /** 0 to 1. */
  temperature?: number;
  /** `word` and/or `segment`; needs `verbose_json`. */
  timestamp_granularities?: ('word' | 'segment')[];
}

export type TranslationRequest = Omit<TranscriptionRequest, 'language' | 'timestamp_granularities'>;

export interface TranscriptionSegment {
  id: number;
  start: number;
  end: number;
  text: string;
  [key: string]: unknown;
}

export interface TranscriptionWord {
  word: string;
  start: number;
  end: number;
}

export interface TranscriptionResult {
  format: AudioResponseFormat;
  /** The transcript: plain text for json/text, the subtitle document for srt/vtt. */
  text: string;
  language?: string;
  duration?: number;
  segments?: TranscriptionSegment[];
  words?: TranscriptionWord[];
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

/** The result type for a request's `response_format`. */
export type TranscriptionResultFor<R> = R extends { response_format: 'verbose_json' }
  ? VerboseTranscriptionResult
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

  async #send(
    operation: 'transcribe' | 'translate',
    request: TranscriptionRequest | TranslationRequest,
    options: CallOptions,
  ): Promise<TranscriptionResult> {
    const file = request?.file;
    const facts = isFileInput(file) ? await inspectFile(file) : undefined;
    const rules = operation === 'transcribe' ? transcription : translation;
    preflight(
      this.client,
      request?.model,
      operation === 'transcribe' ? 'transcription' : 'translation',
      (model) => rules(request, model, facts),
    );

    const form = new FormData();
    const upload = await toUpload(request.file, 'audio');
    form.append('file', upload.blob, upload.filename);
    const {
      model: _model,
      file: _file,
      timestamp_granularities,
      ...fields
    } = request as TranscriptionRequest;
    for (const [key, value] of Object.entries(fields))
      if (value !== undefined) form.append(key, String(value));
    for (const g of timestamp_granularities ?? []) form.append('timestamp_granularities[]', g);

    const format: AudioResponseFormat = request.response_format ?? 'json';
    const asText = format === 'text' || format === 'srt' || format === 'vtt';
    return this.client.request(
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
  }
}

/** Normalise an audio answer for its format. Exported for consumers that receive the body another way. */
export function toTranscriptionResult(format: AudioResponseFormat, body: string): TranscriptionResult {
  if (format === 'text' || format === 'srt' || format === 'vtt') {
    // Some deployments wrap even text answers in JSON; unwrap when they do.
    const wrapped = parseJson(body) as { text?: unknown } | undefined;
    const text = wrapped && typeof wrapped.text === 'string' ? wrapped.text : body;
    return { format, text, raw: body };
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
  };
  const result: TranscriptionResult = { format, text: r.text, raw };
  if (typeof r.language === 'string') result.language = r.language;
  if (typeof r.duration === 'number') result.duration = r.duration;
  else if (typeof r.duration === 'string' && Number.isFinite(Number(r.duration)))
    result.duration = Number(r.duration);
  if (Array.isArray(r.segments)) result.segments = r.segments as TranscriptionSegment[];
  if (Array.isArray(r.words)) result.words = r.words as TranscriptionWord[];
  return result;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
