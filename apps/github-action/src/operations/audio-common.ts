import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { TranscriptionRequest } from '@aoai-media/core';
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
  text: 'txt',
  srt: 'srt',
  vtt: 'vtt',
};

/** Sends the `audio` file; writes the transcript in the asked format and sets the text output. */
export async function audioRequest(ctx: OperationContext, kind: 'transcribe' | 'translate'): Promise<void> {
  const { inputs, io } = ctx;
  const full = path.resolve(io.workspace, inputs.audio);
  const info = await stat(full).catch(() => undefined);
  if (!info?.isFile())
    throw new InputError([{ input: 'audio', message: `"${inputs.audio}" is not a file in the workspace` }]);
  const file = {
    data: new Uint8Array(await readFile(full)),
    filename: path.basename(full),
    contentType: AUDIO_TYPES[path.extname(full).toLowerCase()] ?? 'application/octet-stream',
  };
  const request = {
    model: inputs.deployment,
    file,
    prompt: ctx.prompt || undefined,
    // Checked by core against the model's formats before sending.
    response_format: (inputs.responseFormat || undefined) as TranscriptionRequest['response_format'],
  };
  const result =
    kind === 'transcribe'
      ? await ctx.client.audio.transcribe(
          { ...request, language: inputs.language || undefined },
          { signal: ctx.signal },
        )
      : await ctx.client.audio.translate(request, { signal: ctx.signal });

  const format = result.format || inputs.responseFormat || 'json';
  ctx.result.text = format === 'srt' || format === 'vtt' ? subtitleText(result.text) : result.text;
  const usage = (result.raw as { usage?: unknown } | null)?.usage;
  if (usage !== undefined) ctx.result.usage = usage;
  const ext = FILE_EXTENSIONS[format] ?? 'txt';
  const body =
    ext === 'json'
      ? `${JSON.stringify(result.raw, null, 2)}\n`
      : typeof result.raw === 'string'
        ? result.raw
        : result.text;
  const stem = safeName(path.basename(full, path.extname(full)));
  const written = await writeNewFile(
    ctx.outDir,
    `${stem}.${kind === 'translate' ? 'translation' : 'transcript'}.${ext}`,
    body,
  );
  addFile(ctx, written);
  const details = [
    result.language && `language ${result.language}`,
    result.duration !== undefined && `${result.duration} s of audio`,
  ];
  const said = details.filter(Boolean).join(', ');
  if (said) ctx.result.notes.push(`Audio: ${said}.`);
}

/** The spoken words of an SRT or WebVTT document, without cue numbers and timings. */
export function subtitleText(doc: string): string {
  return doc
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && line !== 'WEBVTT' && !/^\d+$/.test(line) && !line.includes('-->'))
    .join(' ');
}
