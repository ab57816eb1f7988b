import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type {
  AudioModel,
  TranscriptionRequest,
  TranscriptionResult,
  TranscriptionSegment,
} from '@aoai-media/core';
import { formatSize, hasFfmpeg, joinTranscripts, splitAudio, type PartTranscript } from '../audio-split.js';
import { addFile, type OperationContext } from '../context.js';
import { safeName, writeNewFile } from '../files.js';
import { InputError } from '../problems.js';

const AUDIO_TYPES: Record<string, string> = {
  '.mp3': 'audio/mpeg',
  '.mpga': 'audio/mpeg',
  '.mpeg': 'audio/mpeg',
  '.mp4': 'audio/mp4',
  '.m4a': 'audio/mp4',
  '.wav': 'audio/wav',
  '.webm': 'audio/webm',
};

const FILE_EXTENSIONS: Record<string, string> = {
  json: 'json',
  verbose_json: 'json',
  diarized_json: 'json',
  text: 'txt',
  srt: 'srt',
  vtt: 'vtt',
};

const DIARIZED = 'diarized_json';

function audioModel(ctx: OperationContext): AudioModel | undefined {
  return ctx.model?.kind === 'audio' ? ctx.model : undefined;
}

/**
 * Sends the `audio` file; writes the transcript in the asked format and sets the text output.
 * Audio above the model's size limit is split with ffmpeg and sent part by part, in order. A
 * diarized transcript (speakers) is written twice: Azure's JSON and speaker-labelled lines.
 */
export async function audioRequest(ctx: OperationContext, kind: 'transcribe' | 'translate'): Promise<void> {
  const { inputs } = ctx;
  const full = await ctx.paths.file('audio', inputs.audio);
  const { size } = await stat(full);
  const limit = audioModel(ctx)?.maxFileBytes;
  const format = inputs.responseFormat || 'json';

  let joined: { text: string; raw: unknown };
  let said = '';
  let speakers: TranscriptionSegment[] | undefined;
  if (limit !== undefined && size > limit) {
    joined = await transcribeInParts(ctx, kind, full, size, limit, format);
  } else {
    const result = await send(ctx, kind, full, path.basename(full), ctx.prompt);
    joined = { text: result.text, raw: result.raw };
    if (format === DIARIZED) speakers = result.segments ?? [];
    const usage = (result.raw as { usage?: unknown } | null)?.usage;
    if (usage !== undefined) ctx.result.usage = usage;
    const details = [
      result.language && `language ${result.language}`,
      result.duration !== undefined && `${result.duration} s of audio`,
    ];
    said = details.filter(Boolean).join(', ');
  }

  const ext = FILE_EXTENSIONS[format] ?? 'txt';
  const body =
    ext === 'json'
      ? `${JSON.stringify(joined.raw, null, 2)}\n`
      : typeof joined.raw === 'string'
        ? joined.raw
        : joined.text;
  const stem = `${safeName(path.basename(full, path.extname(full)))}.${kind === 'translate' ? 'translation' : 'transcript'}`;
  if (speakers) {
    // People read the speaker-labelled lines; the JSON keeps everything Azure sent.
    ctx.result.text = speakers.map((s) => `${s.speaker ?? '?'}: ${s.text.trim()}`).join('\n');
    addFile(ctx, await writeNewFile(ctx.out, `${stem}.txt`, speakerTranscript(speakers)));
    const names = [...new Set(speakers.map((s) => s.speaker ?? '?'))];
    ctx.result.notes.push(
      `Speakers: ${names.join(', ')} (${speakers.length} segment${speakers.length === 1 ? '' : 's'}).`,
    );
  } else {
    ctx.result.text = format === 'srt' || format === 'vtt' ? subtitleText(String(joined.raw)) : joined.text;
  }
  addFile(ctx, await writeNewFile(ctx.out, `${stem}.${ext}`, body));
  if (said) ctx.result.notes.push(`Audio: ${said}.`);
}

/** One line per segment: "[00:00:01.200 --> 00:00:03.900] A: words". */
export function speakerTranscript(segments: readonly TranscriptionSegment[]): string {
  return segments
    .map((s) => `[${clock(s.start)} --> ${clock(s.end)}] ${s.speaker ?? '?'}: ${s.text.trim()}\n`)
    .join('');
}

function clock(seconds: number): string {
  const ms = Math.round(Number(seconds) * 1000) || 0;
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor((ms % 3_600_000) / 60_000))}:${pad(Math.floor((ms % 60_000) / 1000))}.${pad(ms % 1000, 3)}`;
}

async function send(
  ctx: OperationContext,
  kind: 'transcribe' | 'translate',
  file: string,
  filename: string,
  prompt: string,
): Promise<TranscriptionResult> {
  const { inputs } = ctx;
  const model = audioModel(ctx);
  const request = {
    model: inputs.deployment,
    file: {
      data: new Uint8Array(await readFile(file)),
      filename,
      contentType: AUDIO_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    },
    prompt: prompt || undefined,
    // Checked by core against the model's formats before sending.
    response_format: (inputs.responseFormat || undefined) as TranscriptionRequest['response_format'],
  };
  // A diarizing model needs a chunking strategy for longer audio; auto suits any length.
  const chunking = model?.diarization ? { chunking_strategy: 'auto' as const } : {};
  return kind === 'transcribe'
    ? ctx.client.audio.transcribe(
        { ...request, ...chunking, language: inputs.language || undefined },
        { signal: ctx.signal },
      )
    : ctx.client.audio.translate(request, { signal: ctx.signal });
}

async function transcribeInParts(
  ctx: OperationContext,
  kind: 'transcribe' | 'translate',
  full: string,
  size: number,
  limit: number,
  format: string,
): Promise<{ text: string; raw: unknown }> {
  const { inputs, io } = ctx;
  const over = `"${inputs.audio}" is ${formatSize(size)}, above ${ctx.model?.name}'s limit of ${formatSize(limit)}`;
  if (!inputs.splitAudio)
    throw new InputError([{ input: 'audio', message: `${over}; set split-audio: true to send it in parts` }]);
  if (format === DIARIZED)
    throw new InputError([
      {
        input: 'audio',
        message: `${over}; a diarized transcript cannot be made in parts, as speakers cannot be matched across them: make the file smaller (e.g. mp3 or opus) or use another response-format`,
      },
    ]);
  // Parts are guided by the end of the one before, where the model takes a prompt.
  const guided = !audioModel(ctx)?.unsupportedFields?.includes('prompt');
  if (!(await hasFfmpeg(ctx.signal)))
    throw new InputError([
      {
        input: 'audio',
        message: `${over}; splitting it needs ffmpeg and ffprobe on the PATH, which were not found (GitHub's Ubuntu runners have them; elsewhere install ffmpeg, e.g. sudo apt-get install -y ffmpeg)`,
      },
    ]);
  const { parts, durationSeconds, cleanup } = await splitAudio(full, limit, ctx.out.stagingDir, ctx.signal);
  try {
    io.info(
      `${over}: sending it in ${parts.length} parts of about ${(durationSeconds / parts.length).toFixed(0)} s`,
    );
    const done: PartTranscript[] = [];
    for (const [i, part] of parts.entries()) {
      // Each part is a paid request: say which were sent if a later one fails.
      try {
        const previous = done.at(-1)?.text.slice(-200) ?? '';
        const result = await send(
          ctx,
          kind,
          part.file,
          `${path.basename(full, path.extname(full))}-part${i + 1}${path.extname(full)}`,
          // Without a prompt of its own, a part is guided by the end of the one before.
          ctx.prompt || (guided ? previous : ''),
        );
        done.push({ text: result.text, raw: result.raw, offsetSeconds: part.offsetSeconds });
        io.info(`Part ${i + 1} of ${parts.length} (from ${part.offsetSeconds.toFixed(1)} s) transcribed`);
      } catch (error) {
        ctx.result.failureContext = `at audio part ${i + 1} of ${parts.length}${done.length > 0 ? `; parts 1-${done.length} were sent and may be billed` : ''}; no transcript was written`;
        throw error;
      }
    }
    ctx.result.notes.push(
      `Audio: ${durationSeconds.toFixed(1)} s, above the size limit, sent in ${parts.length} parts; timestamps run on across parts.`,
    );
    return joinTranscripts(format, done, durationSeconds);
  } finally {
    await cleanup();
  }
}

/** The spoken words of an SRT or WebVTT document, without cue numbers and timings. */
export function subtitleText(doc: string): string {
  return doc
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && line !== 'WEBVTT' && !/^\d+$/.test(line) && !line.includes('-->'))
    .join(' ');
}
