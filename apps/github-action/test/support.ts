import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
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

/** An ActionIO that takes injected inputs and records what the action does. */
export function recordingIO(
  inputs: Record<string, string>,
  workspace: string,
  clock?: () => number,
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
      now: clock ?? (() => Date.now()),
    },
  };
  return rec;
}

export async function tempDir(prefix = 'aoai-action-'): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A real RGBA PNG (a gradient; `alpha` 0 makes it fully transparent, as a mask). */
export function makePng(width: number, height: number, alpha = 255): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 4 + 1);
    for (let x = 0; x < width; x++)
      raw.set([(x * 255) / width, (y * 255) / height, 128, alpha], row + 1 + x * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array()),
  ]);
}

/** A real 16-bit mono WAV with a 440 Hz tone. */
export function makeWav(seconds: number, rate = 16000): Buffer {
  const samples = Math.round(seconds * rate);
  const out = Buffer.alloc(44 + samples * 2);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + samples * 2, 4);
  out.write('WAVEfmt ', 8, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(rate, 24);
  out.writeUInt32LE(rate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++)
    out.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * 8000), 44 + i * 2);
  return out;
}

export function hasFfmpeg(): boolean {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
