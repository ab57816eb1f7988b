/** An emulator on a manual clock and a client whose waits move that clock, so long jobs finish at once. */
import { AzureOpenAIMedia, type ClientOptions } from '@aoai-media/core';
import { startEmulator, type Emulator, type EmulatorOptions } from '@aoai-media/emulator';
import { afterAll, beforeAll, beforeEach } from 'vitest';

export interface Harness {
  emu: Emulator;
  /** Every wait the client asked for, in emulator milliseconds. */
  sleeps: number[];
  client(extra?: Partial<ClientOptions>): AzureOpenAIMedia;
}

export async function harness(options: EmulatorOptions = {}): Promise<Harness> {
  const emu = await startEmulator({ port: 0, clock: 'manual', ...options });
  const sleeps: number[] = [];
  return {
    emu,
    sleeps,
    client: (extra = {}) =>
      new AzureOpenAIMedia({
        endpoint: emu.url,
        auth: { apiKey: emu.apiKey },
        now: () => emu.admin.now(),
        // These tests exercise calls to models Azure has since retired (Sora 1, gpt-image-1);
        // the lifecycle check itself is tested in core and in models-2026.test.ts.
        allowRetiredModels: true,
        random: () => 0,
        sleep: async (ms, signal) => {
          if (signal?.aborted) throw signal.reason;
          sleeps.push(ms);
          emu.admin.advance(ms);
        },
        ...extra,
      }),
  };
}

/**
 * One harness for a test file: started before its tests, reset (emulator state and recorded sleeps)
 * before each test, closed after them. Its members are usable inside tests and hooks.
 */
export function useHarness(options: EmulatorOptions = {}): Harness {
  let current: Harness | undefined;
  const started = (): Harness => {
    if (!current) throw new Error('the harness starts in beforeAll; use it inside tests and hooks');
    return current;
  };
  beforeAll(async () => {
    current = await harness(options);
  });
  afterAll(() => current?.emu.close());
  beforeEach(() => {
    started().emu.admin.reset();
    started().sleeps.length = 0;
  });
  return {
    get emu() {
      return started().emu;
    },
    get sleeps() {
      return started().sleeps;
    },
    client: (extra) => started().client(extra),
  };
}

/** Reads a stream to the end, returning its bytes. */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The ISO BMFF major brand box at the start of an MP4. */
export function isMp4(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(4, 8)).toString('ascii') === 'ftyp';
}

/** Width, height and duration of an MP4, read by ffprobe (which must be installed). */
export async function probeVideo(
  bytes: Uint8Array,
): Promise<{ width: number; height: number; duration: number }> {
  const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { execFile } = await import('node:child_process');
  const dir = await mkdtemp(join(tmpdir(), 'video-probe-'));
  try {
    const file = join(dir, 'v.mp4');
    await writeFile(file, bytes);
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        'ffprobe',
        ['-v', 'error', '-show_entries', 'stream=width,height:format=duration', '-of', 'json', file],
        (err, stdout) => (err ? reject(err) : resolve(stdout)),
      ),
    );
    const info = JSON.parse(out) as {
      streams: { width: number; height: number }[];
      format: { duration: string };
    };
    return {
      width: info.streams[0]!.width,
      height: info.streams[0]!.height,
      duration: Number(info.format.duration),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface AudioProbe {
  /** ffprobe's container name (`mp3`, `ogg`, `aac`, `flac`, `wav`, `s16le`). */
  format: string;
  codec: string;
  sampleRate: number;
  channels: number;
  /** Seconds: ffprobe's duration, or for ADTS AAC (which holds no length) counted from its frames. */
  duration: number;
}

/** What ffprobe (which must be installed) reads from audio bytes; `pcm` is read as 24 kHz 16-bit mono. */
export async function probeAudio(bytes: Uint8Array, format: string): Promise<AudioProbe> {
  const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { execFile } = await import('node:child_process');
  const dir = await mkdtemp(join(tmpdir(), 'audio-probe-'));
  try {
    const file = join(dir, `audio.${format}`);
    await writeFile(file, bytes);
    const raw = format === 'pcm' ? ['-f', 's16le', '-ar', '24000', '-ac', '1'] : [];
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        'ffprobe',
        [
          '-v',
          'error',
          ...raw,
          '-count_packets',
          '-show_entries',
          'format=format_name,duration:stream=codec_name,sample_rate,channels,nb_read_packets',
          '-of',
          'json',
          file,
        ],
        (err, stdout) => (err ? reject(err) : resolve(stdout)),
      ),
    );
    const info = JSON.parse(out) as {
      format: { format_name: string; duration: string };
      streams: { codec_name: string; sample_rate: string; channels: number; nb_read_packets: string }[];
    };
    const stream = info.streams[0]!;
    const sampleRate = Number(stream.sample_rate);
    return {
      format: info.format.format_name,
      codec: stream.codec_name,
      sampleRate,
      channels: stream.channels,
      duration:
        info.format.format_name === 'aac'
          ? (Number(stream.nb_read_packets) * 1024) / sampleRate
          : Number(info.format.duration),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
