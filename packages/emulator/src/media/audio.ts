/**
 * Transcripts whose timings cover the input's real duration: read from the WAV header, or asked
 * of ffmpeg for other containers. The words are deterministic for the same bytes.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '../util.js';
import { speechWords } from './speech.js';

/** Duration in seconds of a RIFF/WAVE file, or undefined when the bytes are not one. */
export function wavDuration(bytes: Uint8Array): number | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 12 || b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE')
    return undefined;
  let byteRate: number | undefined;
  let offset = 12;
  while (offset + 8 <= b.length) {
    const id = b.toString('ascii', offset, offset + 4);
    const size = b.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ' && body + 12 <= b.length) byteRate = b.readUInt32LE(body + 8);
    if (id === 'data') {
      if (!byteRate) return undefined;
      // A streamed WAV may carry 0 or 0xffffffff as its data size: use what is actually there.
      const available = b.length - body;
      const dataSize = size === 0 || size > available ? available : size;
      return dataSize / byteRate;
    }
    offset = body + size + (size % 2);
  }
  return undefined;
}

/** Duration via `ffmpeg -i` (its banner prints `Duration: HH:MM:SS.cc`). */
export async function probeDuration(
  ffmpegPath: string,
  bytes: Uint8Array,
  extension: string,
): Promise<number | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'aoai-emulator-audio-'));
  const file = join(dir, `input.${extension.replace(/[^a-z0-9]/gi, '') || 'bin'}`);
  try {
    await writeFile(file, bytes);
    const stderr = await new Promise<string>((resolve, reject) => {
      const child = spawn(ffmpegPath, ['-hide_banner', '-nostdin', '-i', file], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let text = '';
      child.stderr.on('data', (c: Buffer) => (text += c.toString()));
      child.on('error', reject);
      child.on('close', () => resolve(text));
    });
    const m = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(stderr);
    if (!m) return undefined;
    return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const WORDS = (
  'the quick brown fox jumps over a lazy dog while morning light falls across quiet hills and ' +
  'distant rivers carry small boats toward the harbour where people gather to share news of the day'
).split(' ');

export interface Word {
  word: string;
  start: number;
  end: number;
}

export interface Segment {
  id: number;
  seek: number;
  start: number;
  end: number;
  text: string;
  tokens: number[];
  temperature: number;
  avg_logprob: number;
  compression_ratio: number;
  no_speech_prob: number;
}

export interface Transcript {
  duration: number;
  text: string;
  words: Word[];
  segments: Segment[];
}

const round = (n: number) => Math.round(n * 100) / 100;

/** About 2.5 words per second, in segments of at most 5 s, the last ending at `duration`. */
export function makeTranscript(bytes: Uint8Array, duration: number, temperature: number): Transcript {
  const seed = sha256(bytes);
  const segmentCount = Math.max(1, Math.ceil(duration / 5));
  const words: Word[] = [];
  const segments: Segment[] = [];
  for (let s = 0; s < segmentCount; s++) {
    const start = (duration * s) / segmentCount;
    const end = (duration * (s + 1)) / segmentCount;
    const count = Math.max(1, Math.round((end - start) * 2.5));
    const segWords: Word[] = [];
    for (let w = 0; w < count; w++) {
      const pick = WORDS[((seed[(s * 7 + w) % 32] ?? 0) + w + s) % WORDS.length] ?? 'word';
      const ws = start + ((end - start) * w) / count;
      const we = start + ((end - start) * (w + 1)) / count;
      segWords.push({
        word: w === 0 ? pick[0]!.toUpperCase() + pick.slice(1) : pick,
        start: round(ws),
        end: round(we),
      });
    }
    // Exact boundaries so the timings cover the whole file.
    segWords[segWords.length - 1]!.end = round(end);
    words.push(...segWords);
    const text = `${segWords.map((w) => w.word).join(' ')}.`;
    segments.push({
      id: s,
      seek: Math.round(start * 100),
      start: round(start),
      end: round(end),
      text: ` ${text}`,
      tokens: segWords.map((_, i) => 50364 + (((seed[i % 32] ?? 0) * 13 + i) % 1000)),
      temperature,
      avg_logprob: -0.25,
      compression_ratio: 1.2,
      no_speech_prob: 0.01,
    });
  }
  const last = segments[segments.length - 1]!;
  last.end = round(duration);
  return { duration: round(duration), text: segments.map((s) => s.text.trim()).join(' '), words, segments };
}

/**
 * The transcript of speech the emulator made itself: the original text, its words spread over the
 * audio's real duration in proportion to the time each took (see media/speech.ts), in segments of
 * at most about 5 s.
 */
export function transcriptOf(text: string, duration: number, temperature: number): Transcript {
  const spoken = speechWords(text);
  const units = spoken.reduce((sum, w) => sum + w.units, 0) || 1;
  const words: Word[] = [];
  let done = 0;
  for (const { word, units: u } of spoken) {
    const start = (duration * done) / units;
    done += u;
    words.push({ word, start: round(start), end: round((duration * done) / units) });
  }
  const segmentCount = Math.max(1, Math.min(words.length, Math.ceil(duration / 5)));
  const segments: Segment[] = [];
  for (let s = 0; s < segmentCount; s++) {
    const part = words.slice(
      Math.floor((words.length * s) / segmentCount),
      Math.floor((words.length * (s + 1)) / segmentCount),
    );
    const start = s === 0 ? 0 : part[0]!.start;
    const end = s === segmentCount - 1 ? round(duration) : part[part.length - 1]!.end;
    segments.push({
      id: s,
      seek: Math.round(start * 100),
      start,
      end,
      text: ` ${part.map((w) => w.word).join(' ')}`,
      tokens: part.map((_, i) => 50364 + i),
      temperature,
      avg_logprob: -0.1,
      compression_ratio: 1.2,
      no_speech_prob: 0.01,
    });
  }
  return { duration: round(duration), text, words, segments };
}

/**
 * The `diarized_json` answer: the transcript's segments, each with a speaker. Known speakers'
 * names are used in turn; otherwise speakers are labelled A, B, ... and two voices alternate.
 */
export function diarize(t: Transcript, knownSpeakers: readonly string[]): Record<string, unknown> {
  const labels = knownSpeakers.length > 0 ? knownSpeakers : ['A', 'B'];
  return {
    task: 'transcribe',
    duration: t.duration,
    text: t.text,
    segments: t.segments.map((s, i) => ({
      type: 'transcript.text.segment',
      id: `seg_${i}`,
      start: s.start,
      end: s.end,
      text: s.text.trim(),
      speaker: labels[i % labels.length],
    })),
    usage: { type: 'duration', seconds: Math.ceil(t.duration) },
  };
}

/** `include: ["logprobs"]`: one entry per word, deterministic. */
export function logprobsOf(t: Transcript): { token: string; logprob: number; bytes: number[] }[] {
  return t.words.map((w, i) => ({
    token: i === 0 ? w.word : ` ${w.word}`,
    logprob: -0.01 * ((i % 7) + 1),
    bytes: [...Buffer.from(i === 0 ? w.word : ` ${w.word}`)],
  }));
}

function timestamp(seconds: number, separator: ',' | '.'): string {
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}${separator}${pad(ms % 1000, 3)}`;
}

export function toSrt(t: Transcript): string {
  return t.segments
    .map((s, i) => `${i + 1}\n${timestamp(s.start, ',')} --> ${timestamp(s.end, ',')}\n${s.text.trim()}\n`)
    .join('\n');
}

export function toVtt(t: Transcript): string {
  return `WEBVTT\n\n${t.segments
    .map((s) => `${timestamp(s.start, '.')} --> ${timestamp(s.end, '.')}\n${s.text.trim()}\n`)
    .join('\n')}`;
}
