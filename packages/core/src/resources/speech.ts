/**
 * Text to speech (`audio/speech`), in both URL styles: the audio comes back as bytes
 * (`audio.speech`) or as a stream (`audio.speechStream`), with its MIME type and file extension
 * taken from the format that was asked for.
 */
import { readText, type AzureOpenAIMedia, type CallOptions, type RequestSpec } from '../client.js';
import { InvalidResponseError, MaybeProcessedError, requestIdOf, type Issue } from '../errors.js';
import { downloadFrom, normaliseType } from '../download.js';
import { preflightChecked } from '../preflight.js';
import {
  speechFormat,
  type ModelSpec,
  type SpeechFormatInfo,
  type SpeechFormatValue,
  type SpeechVoiceValue,
} from '../models.js';
import { speechIssues } from '../validate/speech.js';

export type SpeechFormat = SpeechFormatValue;
/** A voice from the table (autocompleted), or any other name, which validation then checks. */
export type SpeechVoice = SpeechVoiceValue | (string & {});

export interface SpeechRequest {
  /** The deployment name. */
  model: string;
  /** The text to speak (up to 4096 characters). */
  input: string;
  voice: SpeechVoice;
  /** Default `mp3`. */
  response_format?: SpeechFormat;
  /** 0.25 to 4; 1 is the normal pace. */
  speed?: number;
  /** How to speak (tone, accent, pace): gpt-4o-mini-tts only. */
  instructions?: string;
}

/** What came back, apart from the audio itself. */
export interface SpeechAudioInfo {
  format: SpeechFormat;
  /** From the format that was asked for, e.g. `audio/mpeg` for mp3. */
  mimeType: string;
  /** File extension without a dot, e.g. `mp3`. */
  extension: string;
  /** For `pcm` (raw samples, no header): how they are laid out. */
  pcm?: SpeechFormatInfo['pcm'];
  requestId?: string;
  /** What the sources disagree on (a voice Azure may not have), a model near retirement. Also logged at `warn`. */
  warnings: Issue[];
}

export interface SpeechResult extends SpeechAudioInfo {
  bytes: Uint8Array;
}

export interface SpeechStream extends SpeechAudioInfo {
  /** The audio as Azure sends it; read it once. */
  stream: ReadableStream<Uint8Array>;
  /** From `content-length`, when Azure sent one (it usually streams without). */
  contentLength?: number;
}

/** Content types that are certainly not audio: a 200 carrying one is not a usable answer. */
const NOT_AUDIO = /^(application\/(json|problem\+json|xml)|text\/)/;

/** The request spec and the format of a text-to-speech call, after validation. */
function prepare(
  client: AzureOpenAIMedia,
  request: SpeechRequest,
  options: CallOptions,
): { spec: RequestSpec; format: SpeechFormat; info: SpeechFormatInfo; warnings: Issue[] } {
  const { model, warnings } = preflightChecked(client, request?.model, 'audio.speech', (m) =>
    speechIssues(request, m),
  );
  const { model: deployment, ...fields } = request;
  const body: Record<string, unknown> = client.usesV1() ? { model: deployment } : {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) body[key] = value;
  const format = (request.response_format ?? defaultFormat(model)) as SpeechFormat;
  const info = speechFormat(format) ?? { mimeType: 'application/octet-stream', extension: 'bin' };
  const spec: RequestSpec = {
    ...options,
    operation: 'audio.speech',
    method: 'POST',
    path: 'audio/speech',
    deployment,
    body,
    headers: { accept: 'application/octet-stream' },
  };
  return { spec, format, info, warnings };
}

function defaultFormat(model: ModelSpec | undefined): string {
  return model?.kind === 'speech' ? model.defaultResponseFormat : 'mp3';
}

function audioInfo(
  format: SpeechFormat,
  info: SpeechFormatInfo,
  response: Response,
  warnings: Issue[],
): SpeechAudioInfo {
  const out: SpeechAudioInfo = { format, mimeType: info.mimeType, extension: info.extension, warnings };
  if (info.pcm) out.pcm = info.pcm;
  const requestId = requestIdOf(response.headers);
  if (requestId !== undefined) out.requestId = requestId;
  return out;
}

/** A 200 that is JSON, text or HTML (a proxy's page) is not audio, whatever it says. */
async function notAudio(response: Response, format: SpeechFormat): Promise<InvalidResponseError | undefined> {
  const type = normaliseType(response.headers.get('content-type'));
  if (type === undefined || !NOT_AUDIO.test(type)) return undefined;
  return new InvalidResponseError({
    status: response.status,
    requestId: requestIdOf(response.headers),
    body: await readText(response).catch(() => ''),
    expected: `${format} audio`,
  });
}

/** Text to speech, the whole audio in memory. */
export async function speech(
  client: AzureOpenAIMedia,
  request: SpeechRequest,
  options: CallOptions = {},
): Promise<SpeechResult> {
  const { spec, format, info, warnings } = prepare(client, request, options);
  // Read inside the call, so a body cut short or an answer that is not audio is handled like any
  // failed paid request: not resent, reported as MaybeProcessedError.
  return client.request(spec, async (response) => {
    const problem = await notAudio(response, format);
    if (problem) throw problem;
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.byteLength === 0) {
      throw new InvalidResponseError({
        status: response.status,
        requestId: requestIdOf(response.headers),
        body: '',
        expected: `${format} audio`,
      });
    }
    return { ...audioInfo(format, info, response, warnings), bytes };
  });
}

/**
 * Text to speech as a stream, handed over once Azure has answered: for long texts, or to pass the
 * audio on while it arrives. The speech was made (and billed) once the stream is returned; a
 * connection lost while reading ends the stream with ConnectionError and nothing is resent.
 */
export async function speechStream(
  client: AzureOpenAIMedia,
  request: SpeechRequest,
  options: CallOptions = {},
): Promise<SpeechStream> {
  const { spec, format, info, warnings } = prepare(client, request, options);
  const response = await client.request(spec);
  const problem = await notAudio(response, format);
  if (problem) throw new MaybeProcessedError('audio.speech', problem);
  const download = downloadFrom(response, info.mimeType, options.signal);
  const out: SpeechStream = { ...audioInfo(format, info, response, warnings), stream: download.stream };
  if (download.contentLength !== undefined) out.contentLength = download.contentLength;
  return out;
}
