import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/** Sizes for people: "60.0 MB (62914560 bytes)"; MB is 1024 * 1024 bytes, as Azure's limit is stated. */
export function formatSize(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB (${bytes} bytes)`;
}

function run(
  command: string,
  args: string[],
  signal: AbortSignal,
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { signal, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stderr }));
      else resolve({ stdout, stderr });
    });
  });
}

/** Whether ffmpeg and ffprobe can be started (they come with ffmpeg on GitHub's hosted runners). */
export async function hasFfmpeg(signal: AbortSignal): Promise<boolean> {
  try {
    await run('ffmpeg', ['-hide_banner', '-version'], signal);
    await run('ffprobe', ['-hide_banner', '-version'], signal);
    return true;
  } catch {
    return false;
  }
}

export interface AudioPart {
  file: string;
  /** Where the part starts in the whole recording, in seconds. */
  offsetSeconds: number;
}

/** The container ffmpeg's segment muxer writes for each extension the audio models take. */
const SEGMENT_FORMATS: Record<string, string> = {
  '.wav': 'wav',
  '.mp3': 'mp3',
  '.mpga': 'mp3',
  '.mpeg': 'mp3',
  '.m4a': 'mp4',
  '.mp4': 'mp4',
  '.webm': 'webm',
  '.ogg': 'ogg',
  '.flac': 'flac',
};

/**
 * Splits audio into consecutive parts each at most `maxBytes`, without re-encoding (stream copy,
 * so nothing is lost), in a new folder under `tempDir`. Parts are cut by time, sized from the
 * file's average bit rate; a part that still comes out too large means more, shorter parts.
 * `cleanup` removes the folder.
 */
export async function splitAudio(
  file: string,
  maxBytes: number,
  tempDir: string,
  signal: AbortSignal,
): Promise<{ parts: AudioPart[]; durationSeconds: number; cleanup: () => Promise<void> }> {
  const ext = path.extname(file).toLowerCase();
  const format = SEGMENT_FORMATS[ext];
  if (!format) throw new Error(`cannot split ${ext || 'extension-less'} audio`);
  const probe = await run(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=nw=1:nk=1', file],
    signal,
  );
  const durationSeconds = Number(probe.stdout.trim());
  if (!(durationSeconds > 0)) throw new Error(`ffprobe could not tell the length of ${path.basename(file)}`);
  const { size } = await stat(file);
  await mkdir(tempDir, { recursive: true });
  const dir = await mkdtemp(path.join(tempDir, 'audio-parts-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    // A tenth below the limit leaves room for headers and uneven bit rates.
    let count = Math.ceil(size / (maxBytes * 0.9));
    for (let round = 0; round < 4; round++, count = Math.ceil(count * 1.5)) {
      const attempt = path.join(dir, `try-${round}`);
      await mkdir(attempt);
      const seconds = Math.max(1, durationSeconds / count);
      const list = path.join(attempt, 'parts.csv');
      await run(
        'ffmpeg',
        [
          '-hide_banner',
          '-loglevel',
          'error',
          '-i',
          file,
          '-map',
          '0:a:0',
          '-c',
          'copy',
          '-f',
          'segment',
          '-segment_time',
          seconds.toFixed(3),
          '-segment_format',
          format,
          '-segment_list',
          list,
          '-segment_list_type',
          'csv',
          '-reset_timestamps',
          '1',
          path.join(attempt, `part-%03d${ext}`),
        ],
        signal,
      );
      // Each line: file name, start time, end time.
      const parts = (await readFile(list, 'utf8'))
        .split(/\r?\n/)
        .filter((line) => line.trim() !== '')
        .map((line) => {
          const [name, start] = line.split(',');
          return { file: path.join(attempt, name!), offsetSeconds: Number(start) };
        });
      const sizes = await Promise.all(parts.map((p) => stat(p.file).then((s) => s.size)));
      if (parts.length > 0 && sizes.every((s) => s <= maxBytes)) return { parts, durationSeconds, cleanup };
    }
    throw new Error(`could not cut ${path.basename(file)} into parts of at most ${formatSize(maxBytes)}`);
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** One part's transcript in the format asked for. */
export interface PartTranscript {
  text: string;
  /** The parsed JSON answer (json, verbose_json) or the document (text, srt, vtt). */
  raw: unknown;
  offsetSeconds: number;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/**
 * Joins the parts' transcripts into one, timestamps shifted by each part's start so they run on
 * continuously: verbose_json segments and words, SRT and WebVTT cues. json and text join the text.
 */
export function joinTranscripts(
  format: string,
  parts: readonly PartTranscript[],
  durationSeconds: number,
): { text: string; raw: unknown } {
  const text = parts
    .map((p) => p.text.trim())
    .filter(Boolean)
    .join(' ');
  if (format === 'verbose_json') {
    const first = (parts[0]?.raw ?? {}) as Record<string, unknown>;
    let id = 0;
    const segments: unknown[] = [];
    const words: unknown[] = [];
    for (const part of parts) {
      const raw = part.raw as { segments?: Record<string, unknown>[]; words?: Record<string, unknown>[] };
      for (const s of raw.segments ?? [])
        segments.push({
          ...s,
          id: id++,
          start: round3(Number(s.start) + part.offsetSeconds),
          end: round3(Number(s.end) + part.offsetSeconds),
        });
      for (const w of raw.words ?? [])
        words.push({
          ...w,
          start: round3(Number(w.start) + part.offsetSeconds),
          end: round3(Number(w.end) + part.offsetSeconds),
        });
    }
    const joined: Record<string, unknown> = { ...first, text, duration: round3(durationSeconds) };
    if (segments.length > 0) joined.segments = segments;
    if (words.length > 0) joined.words = words;
    return { text, raw: joined };
  }
  if (format === 'srt' || format === 'vtt') {
    const cues = parts.flatMap((part) =>
      parseCues(String(part.raw)).map((c) => ({
        start: c.start + part.offsetSeconds,
        end: c.end + part.offsetSeconds,
        text: c.text,
      })),
    );
    const stamp = (s: number) => timestamp(s, format === 'srt' ? ',' : '.');
    const body = cues
      .map((c, i) =>
        format === 'srt'
          ? `${i + 1}\n${stamp(c.start)} --> ${stamp(c.end)}\n${c.text}\n`
          : `${stamp(c.start)} --> ${stamp(c.end)}\n${c.text}\n`,
      )
      .join('\n');
    return { text, raw: format === 'srt' ? body : `WEBVTT\n\n${body}` };
  }
  if (format === 'json') return { text, raw: { ...((parts[0]?.raw as object) ?? {}), text } };
  return { text, raw: `${text}\n` };
}

/** Cues of an SRT or WebVTT document: times in seconds and their text lines. */
export function parseCues(doc: string): { start: number; end: number; text: string }[] {
  const cues: { start: number; end: number; text: string }[] = [];
  for (const block of doc.replace(/\r\n/g, '\n').split(/\n\s*\n/)) {
    const lines = block.split('\n');
    const timing = lines.findIndex((l) => l.includes('-->'));
    if (timing === -1) continue;
    const [a, b] = lines[timing]!.split('-->').map((t) => seconds(t.trim().split(/\s+/)[0]!));
    if (a === undefined || b === undefined) continue;
    cues.push({
      start: a,
      end: b,
      text: lines
        .slice(timing + 1)
        .join('\n')
        .trim(),
    });
  }
  return cues;
}

function seconds(stamp: string): number | undefined {
  const m = /^(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})$/.exec(stamp);
  if (!m) return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]!.padEnd(3, '0')) / 1000;
}

function timestamp(total: number, separator: string): string {
  const ms = Math.round(total * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}${separator}${pad(ms % 1000, 3)}`;
}
