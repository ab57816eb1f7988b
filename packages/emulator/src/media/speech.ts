/**
 * Speech the emulator can make quickly and check later: a syllable-like tone per word (its pitch
 * from the voice and the word), at a documented pace, in every format Azure returns. The text is
 * embedded in the file's metadata, so the emulator's transcription of its own speech gives the
 * original text back.
 *
 * - Length: `speechSeconds(input, speed)` = words / (SPEECH_WORDS_PER_SECOND x speed). A word is a
 *   run of non-space characters; one longer than LONGEST_WORD characters counts once per
 *   LONGEST_WORD (so unspaced scripts still take time). At least one word.
 * - Samples: 24 kHz, 16-bit, mono (OpenAI's documented `pcm` layout), for every format.
 * - The text: `aoai-emulator-speech:<base64url of the UTF-8 text>.` in the file's comment: a RIFF
 *   `LIST/INFO/ICMT` chunk after the samples (wav), a Vorbis comment (flac, opus), an ID3v2
 *   `COMM` frame (mp3, aac). Raw `pcm` has nowhere to carry it.
 * - wav, pcm and flac are written here (FLAC with verbatim subframes); mp3, aac (ADTS) and opus
 *   (Ogg) are encoded by ffmpeg from the same samples. Outputs are cached by request.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { characterCount } from '@aoai-media/core';
import { sha256 } from '../util.js';

export const SPEECH_SAMPLE_RATE = 24_000;
/** The emulator's speaking pace at speed 1: 150 words a minute, a usual reading pace. */
export const SPEECH_WORDS_PER_SECOND = 2.5;
/** Characters per word for counting very long runs (unspaced scripts, long numbers). */
export const LONGEST_WORD = 12;
/** What precedes the embedded text in a file's metadata. */
export const SPEECH_MARKER = 'aoai-emulator-speech:';

export type SpeechFileFormat = 'mp3' | 'opus' | 'aac' | 'flac' | 'wav' | 'pcm';

/** The words of a text, each with how many words of time it takes. */
export function speechWords(input: string): { word: string; units: number }[] {
  return input
    .split(/\s+/u)
    .filter((w) => w !== '')
    .map((word) => ({ word, units: Math.max(1, Math.ceil(characterCount(word) / LONGEST_WORD)) }));
}

/** Seconds of speech the emulator makes for a text at a speed. */
export function speechSeconds(input: string, speed = 1): number {
  const units = speechWords(input).reduce((sum, w) => sum + w.units, 0);
  return Math.max(1, units) / (SPEECH_WORDS_PER_SECOND * speed);
}

/** The comment that carries the text. */
export function speechComment(input: string): string {
  return `${SPEECH_MARKER}${Buffer.from(input, 'utf8').toString('base64url')}.`;
}

/** The text embedded by the emulator's speech, wherever the file's metadata put it; undefined when absent. */
export function readSpeechText(bytes: Uint8Array): string | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = b.indexOf(SPEECH_MARKER, 0, 'latin1');
  if (at < 0) return undefined;
  const start = at + SPEECH_MARKER.length;
  let end = start;
  while (end < b.length && isBase64Url(b[end]!)) end++;
  if (b[end] !== 0x2e /* . */) return undefined;
  return Buffer.from(b.toString('latin1', start, end), 'base64url').toString('utf8');
}

function isBase64Url(c: number): boolean {
  return (
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x2d ||
    c === 0x5f
  );
}

/** Base pitch of a voice in Hz: fixed for a name, in a speaking range. */
function voicePitch(voice: string): number {
  return 95 + (sha256(voice)[0]! / 255) * 150;
}

/**
 * The samples: for each word, a tone with two overtones for the first 75% of its time, shaped so it
 * starts and ends softly, then silence. The pitch follows the voice and moves a little per word.
 */
export function synthesize(input: string, voice: string, speed: number): Int16Array {
  const total = Math.max(1, Math.round(speechSeconds(input, speed) * SPEECH_SAMPLE_RATE));
  const samples = new Int16Array(total);
  const words = speechWords(input);
  const units = words.reduce((sum, w) => sum + w.units, 0) || 1;
  const base = voicePitch(voice);
  const edge = Math.round(SPEECH_SAMPLE_RATE * 0.01);
  let done = 0;
  for (const { word, units: u } of words.length > 0 ? words : [{ word: '', units: 1 }]) {
    const from = Math.round((done / units) * total);
    done += u;
    const to = Math.round((done / units) * total);
    const voiced = Math.floor((to - from) * 0.75);
    const pitch = base * (0.85 + (sha256(word)[0]! / 255) * 0.3);
    // Table lookup with a phase accumulator: long texts (20 minutes at speed 0.25) stay quick.
    const step = (pitch * WAVE_TABLE.length) / SPEECH_SAMPLE_RATE;
    let phase = 0;
    for (let i = 0; i < voiced; i++) {
      const envelope = Math.min(1, i / edge, (voiced - i) / edge);
      samples[from + i] = Math.round(WAVE_TABLE[phase | 0]! * envelope);
      phase += step;
      if (phase >= WAVE_TABLE.length) phase -= WAVE_TABLE.length;
    }
  }
  return samples;
}

/** One period of a tone with two overtones, scaled to leave headroom. */
const WAVE_TABLE = (() => {
  const table = new Float64Array(2048);
  for (let i = 0; i < table.length; i++) {
    const phase = (2 * Math.PI * i) / table.length;
    table[i] = (Math.sin(phase) + 0.5 * Math.sin(2 * phase) + 0.25 * Math.sin(3 * phase)) * 6000;
  }
  return table;
})();

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The samples as 16-bit little-endian bytes (a view of them where the machine is little-endian). */
function pcmBytes(samples: Int16Array): Buffer {
  if (LITTLE_ENDIAN) return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const out = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i]!, i * 2);
  return out;
}

/** RIFF/WAVE, 16-bit mono PCM, with the comment in a LIST/INFO chunk after the samples. */
export function encodeWav(samples: Int16Array, comment: string): Buffer {
  const data = pcmBytes(samples);
  const text = Buffer.from(`${comment}\0`, 'utf8');
  const textPadded = text.length + (text.length % 2);
  const list = Buffer.alloc(12 + 8 + textPadded);
  list.write('LIST', 0, 'ascii');
  list.writeUInt32LE(4 + 8 + textPadded, 4);
  list.write('INFO', 8, 'ascii');
  list.write('ICMT', 12, 'ascii');
  list.writeUInt32LE(text.length, 16);
  text.copy(list, 20);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length + list.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(SPEECH_SAMPLE_RATE, 24);
  header.writeUInt32LE(SPEECH_SAMPLE_RATE * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data, list]);
}

// ---- FLAC ------------------------------------------------------------------------------------

const FLAC_BLOCK = 4096;

const CRC8 = (() => {
  const table = new Uint8Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
    table[i] = c;
  }
  return table;
})();

const CRC16 = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x8005) & 0xffff : (c << 1) & 0xffff;
    table[i] = c;
  }
  return table;
})();

function crc8(bytes: Uint8Array): number {
  let c = 0;
  for (const b of bytes) c = CRC8[c ^ b]!;
  return c;
}

function crc16(bytes: Uint8Array): number {
  let c = 0;
  for (const b of bytes) c = ((c << 8) & 0xffff) ^ CRC16[(c >> 8) ^ b]!;
  return c;
}

/** FLAC's UTF-8-like coding of a frame number. */
function flacNumber(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  let bytes = 2;
  while (n >= 2 ** (5 * bytes + 1)) bytes++;
  for (let i = bytes - 1; i > 0; i--) {
    out.unshift(0x80 | (n & 0x3f));
    n = Math.floor(n / 64);
  }
  out.unshift(((0xff << (8 - bytes)) & 0xff) | n);
  return out;
}

/** FLAC with a STREAMINFO (exact length), a Vorbis comment and verbatim frames of 4096 samples. */
export function encodeFlac(samples: Int16Array, comment: string): Buffer {
  const total = samples.length;
  const block = Math.min(FLAC_BLOCK, Math.max(16, total));
  const info = Buffer.alloc(4 + 34);
  info.writeUInt32BE(34, 0); // not last, type 0 (STREAMINFO), length 34
  info.writeUInt16BE(block, 4);
  info.writeUInt16BE(block, 6);
  // Frame sizes 0 (unknown); then 20 bits rate, 3 bits channels-1, 5 bits bps-1, 36 bits samples.
  const high = (SPEECH_SAMPLE_RATE << 12) | (0 << 9) | (15 << 4) | Math.floor(total / 2 ** 32);
  info.writeUInt32BE(high >>> 0, 14);
  info.writeUInt32BE(total >>> 0, 18);
  // MD5 left as zeros: "unknown", which decoders accept.
  const vendor = Buffer.from('aoai-emulator', 'utf8');
  const entry = Buffer.from(`COMMENT=${comment}`, 'utf8');
  const vorbis = Buffer.alloc(4 + 4 + vendor.length + 4 + 4 + entry.length);
  vorbis.writeUInt32BE((0x80 | 4) * 2 ** 24 + (vorbis.length - 4), 0); // last block, type 4
  let at = 4;
  vorbis.writeUInt32LE(vendor.length, at);
  vendor.copy(vorbis, (at += 4));
  vorbis.writeUInt32LE(1, (at += vendor.length));
  vorbis.writeUInt32LE(entry.length, (at += 4));
  entry.copy(vorbis, at + 4);

  const frames: Buffer[] = [];
  for (let start = 0, frame = 0; start < total; start += block, frame++) {
    const size = Math.min(block, total - start);
    const head = Buffer.from([
      0xff,
      0xf8,
      0x77,
      0x08,
      ...flacNumber(frame),
      (size - 1) >> 8,
      (size - 1) & 0xff,
    ]);
    const body = Buffer.alloc(head.length + 1 + 1 + size * 2 + 2);
    head.copy(body, 0);
    body[head.length] = crc8(head);
    body[head.length + 1] = 0x02; // verbatim subframe, no wasted bits
    let p = head.length + 2;
    for (let i = 0; i < size; i++, p += 2) {
      const v = samples[start + i]!;
      body[p] = (v >> 8) & 0xff;
      body[p + 1] = v & 0xff;
    }
    body.writeUInt16BE(crc16(body.subarray(0, p)), p);
    frames.push(body);
  }
  return Buffer.concat([Buffer.from('fLaC', 'ascii'), info, vorbis, ...frames]);
}

// ---- ffmpeg formats --------------------------------------------------------------------------

const FFMPEG_CODECS: Record<'mp3' | 'aac' | 'opus', string[]> = {
  mp3: ['-c:a', 'libmp3lame', '-b:a', '48k', '-f', 'mp3'],
  aac: ['-c:a', 'aac', '-b:a', '48k', '-f', 'adts', '-write_id3v2', '1'],
  opus: ['-c:a', 'libopus', '-b:a', '32k', '-f', 'opus'],
};

/** Outputs kept, each at most CACHE_ENTRY_BYTES: tests ask for the same short texts often. */
const CACHE_ENTRIES = 128;
const CACHE_ENTRY_BYTES = 1024 * 1024;

export interface SpeechSpec {
  input: string;
  voice: string;
  speed: number;
  format: SpeechFileFormat;
}

export class SpeechRenderer {
  private readonly cache = new Map<string, Buffer>();
  private readonly running = new Set<ChildProcess>();

  constructor(readonly ffmpegPath: string) {}

  async render(spec: SpeechSpec): Promise<Buffer> {
    const key = sha256(spec.format, spec.voice, String(spec.speed), spec.input).toString('hex');
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const samples = synthesize(spec.input, spec.voice, spec.speed);
    const comment = speechComment(spec.input);
    const bytes =
      spec.format === 'wav'
        ? encodeWav(samples, comment)
        : spec.format === 'pcm'
          ? pcmBytes(samples)
          : spec.format === 'flac'
            ? encodeFlac(samples, comment)
            : await this.encode(samples, comment, FFMPEG_CODECS[spec.format]);
    if (bytes.length <= CACHE_ENTRY_BYTES) {
      this.cache.set(key, bytes);
      for (const old of this.cache.keys()) {
        if (this.cache.size <= CACHE_ENTRIES) break;
        this.cache.delete(old);
      }
    }
    return bytes;
  }

  /** PCM in on stdin, the encoded file out on stdout: no temporary files. */
  private encode(samples: Int16Array, comment: string, codec: string[]): Promise<Buffer> {
    const args = [
      '-hide_banner',
      '-loglevel',
      'error',
      '-nostdin',
      '-f',
      's16le',
      '-ar',
      String(SPEECH_SAMPLE_RATE),
      '-ac',
      '1',
      '-i',
      'pipe:0',
      '-metadata',
      `comment=${comment}`,
      ...codec,
      'pipe:1',
    ];
    return new Promise((resolve, reject) => {
      const child = spawn(this.ffmpegPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      this.running.add(child);
      const out: Buffer[] = [];
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      // ffmpeg exiting early closes stdin; its exit code says what went wrong.
      child.stdin.on('error', () => undefined);
      child.on('error', (err) => {
        this.running.delete(child);
        reject(err);
      });
      child.on('close', (code) => {
        this.running.delete(child);
        if (code === 0) resolve(Buffer.concat(out));
        else reject(new Error(`ffmpeg exited with ${code}: ${stderr.trim().slice(0, 500)}`));
      });
      child.stdin.end(pcmBytes(samples));
    });
  }

  /** Stop any encoding still running (on close). */
  stop(): void {
    for (const child of this.running) child.kill('SIGKILL');
    this.running.clear();
  }
}
