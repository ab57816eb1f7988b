import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmulator, type Emulator, type EmulatorOptions } from '@aoai-media/emulator';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { ActionIO } from '../src/io.js';

export interface LogLine {
  level: 'debug' | 'info' | 'warning' | 'error' | 'secret' | 'failed';
  message: string;
  title?: string;
}

export interface Recorded {
  io: ActionIO;
  outputs: Record<string, string>;
  secrets: string[];
  /** Every call in order, secrets included, so tests can check what came first. */
  log: LogLine[];
  failed: string | undefined;
  summary: string;
  annotations(level: 'error' | 'warning'): LogLine[];
  /** Everything that would reach the log, outputs and summary, for secret checks. */
  everything(): string;
}

/**
 * The day the tests' clock reads. Model lifecycles in tests are as of this day whatever the
 * calendar says, so a model retiring does not change what a test sees; lifecycle tests set their own.
 */
export const TEST_DAY = '2026-12-06T09:00:00Z';

/** A clock that reads `at` when made and moves on at the real pace (waits and time-outs work). */
export function clockAt(at: string = TEST_DAY): () => number {
  const offset = Date.parse(at) - Date.now();
  return () => Date.now() + offset;
}

/**
 * Both Sora models are retired on Azure's schedule; tests of the video path call them as a
 * deployment Azure has extended would be called.
 */
export const EXTENDED_VIDEO = { 'allow-retired-models': 'sora, sora-2' } as const;

/**
 * End-to-end tests run the bundle on the real clock. The models they use that retire (or have
 * retired) are called as deployments Azure has extended, so the tests do not change with the
 * calendar; lifecycles themselves are tested with an injected clock.
 */
export const EXTENDED_MODELS = {
  'allow-retired-models': 'sora, sora-2, whisper, gpt-4o-mini-tts',
} as const;

/** An ActionIO that takes injected inputs and records what the action does (its clock: `clockAt()`). */
export function recordingIO(
  inputs: Record<string, string>,
  workspace: string,
  clock: () => number = clockAt(),
): Recorded {
  const rec: Recorded = {
    outputs: {},
    secrets: [],
    log: [],
    failed: undefined,
    summary: '',
    annotations: (level) => rec.log.filter((l) => l.level === level),
    everything: () =>
      [
        ...rec.log.filter((l) => l.level !== 'secret').map((l) => `${l.title ?? ''} ${l.message}`),
        ...Object.values(rec.outputs),
        rec.summary,
      ].join('\n'),
    io: {
      getInput: (name) => (inputs[name] ?? '').trim(),
      setOutput: (name, value) => {
        rec.outputs[name] = value;
      },
      setSecret: (secret) => {
        rec.secrets.push(secret);
        rec.log.push({ level: 'secret', message: '***' });
      },
      debug: (message) => rec.log.push({ level: 'debug', message }),
      info: (message) => rec.log.push({ level: 'info', message }),
      warning: (message, title) => rec.log.push({ level: 'warning', message, title }),
      error: (message, title) => rec.log.push({ level: 'error', message, title }),
      setFailed: (message) => {
        rec.failed = message;
        rec.log.push({ level: 'failed', message });
      },
      writeSummary: async (markdown) => {
        rec.summary += markdown;
      },
      workspace,
      // Beside the workspace, as RUNNER_TEMP is on a runner; tests' folders are removed after them.
      tempDir: path.join(workspace, '..', `${path.basename(workspace)}.tmp`),
      env: {},
      now: clock,
    },
  };
  return rec;
}

/**
 * One emulator for the tests of a file (or describe block): started before them, reset before each
 * test, closed after them. Read its members inside tests and hooks.
 */
export function useEmulator(options: EmulatorOptions = {}): Emulator {
  let current: Emulator | undefined;
  const started = (): Emulator => {
    if (!current) throw new Error('the emulator starts in beforeAll; use it inside tests and hooks');
    return current;
  };
  beforeAll(async () => {
    current = await startEmulator({ port: 0, ...options });
  });
  afterAll(() => current?.close());
  beforeEach(() => started().admin.reset());
  return {
    get url() {
      return started().url;
    },
    get apiKey() {
      return started().apiKey;
    },
    get port() {
      return started().port;
    },
    get admin() {
      return started().admin;
    },
    close: () => started().close(),
  };
}

/** A fresh temporary folder for each test, removed after it. */
export function useTempDir(prefix?: string): { readonly dir: string } {
  let current: Awaited<ReturnType<typeof tempDir>> | undefined;
  beforeEach(async () => {
    current = await tempDir(prefix);
  });
  afterEach(async () => {
    await current?.remove();
    current = undefined;
  });
  return {
    get dir() {
      if (!current) throw new Error('the folder is made in beforeEach; use it inside tests');
      return current.dir;
    },
  };
}

/** A temporary workspace; `remove()` also removes what runs put beside it (RUNNER_TEMP, file commands). */
export async function tempDir(prefix = 'aoai-action-'): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  const beside = ['', '.tmp', '.output', '.summary'].map((suffix) => `${dir}${suffix}`);
  return {
    dir,
    remove: async () => {
      await Promise.all(beside.map((p) => rm(p, { recursive: true, force: true })));
    },
  };
}

export function hasFfmpeg(): boolean {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface AudioProbe {
  /** ffprobe's container name (mp3, ogg, aac, flac, wav, s16le). */
  format: string;
  codec: string;
  durationSeconds: number;
}

/**
 * What ffprobe makes of an audio file. Raw `pcm` is read as 24 kHz 16-bit mono; an ADTS stream's
 * length is its packets times 1024 samples (ffprobe only estimates it from the bit rate).
 */
export function probeAudio(file: string): AudioProbe {
  const raw = file.endsWith('.pcm') ? ['-f', 's16le', '-ar', '24000', '-ac', '1'] : [];
  const out = execFileSync(
    'ffprobe',
    [
      '-v',
      'error',
      ...raw,
      '-count_packets',
      '-show_entries',
      'format=format_name,duration:stream=codec_name,sample_rate,nb_read_packets',
      '-of',
      'json',
      file,
    ],
    { encoding: 'utf8' },
  );
  const info = JSON.parse(out) as {
    format: { format_name: string; duration: string };
    streams: { codec_name: string; sample_rate: string; nb_read_packets: string }[];
  };
  const stream = info.streams[0]!;
  const durationSeconds =
    info.format.format_name === 'aac'
      ? (Number(stream.nb_read_packets) * 1024) / Number(stream.sample_rate)
      : Number(info.format.duration);
  return { format: info.format.format_name, codec: stream.codec_name, durationSeconds };
}
