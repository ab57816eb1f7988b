/**
 * Small, real sample inputs for trying workflows offline: a PNG to edit or to start a video from,
 * a WAV to transcribe. Built synchronously with node:zlib, so they need neither sharp nor ffmpeg.
 */
import { deflateSync } from 'node:zlib';

export interface SamplePngOptions {
  /** The colour of every pixel; with `gradient`, only blue and alpha are used. Default [200, 40, 40, 255]. */
  rgba?: [number, number, number, number];
  /** Red rises from left to right and green from top to bottom (compresses less than a flat colour). */
  gradient?: boolean;
}

export interface SampleWavOptions {
  /** Samples per second. Default 16000. */
  sampleRate?: number;
  /** Frequency of the sine tone; 0 gives silence. Default 440. */
  toneHz?: number;
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

/** One PNG chunk: length, type, data, CRC of type and data. */
function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function checkSize(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > 16_384) {
    throw new RangeError(`samplePng: ${name} must be an integer from 1 to 16384, got ${value}`);
  }
}

/** A real 8-bit RGBA PNG of the given size: one flat colour, or a gradient. */
export function samplePng(
  width: number,
  height: number,
  options: SamplePngOptions = {},
): Uint8Array<ArrayBuffer> {
  checkSize('width', width);
  checkSize('height', height);
  const [r, g, b, a] = options.rgba ?? [200, 40, 40, 255];
  if (![r, g, b, a].every((v) => Number.isInteger(v) && v >= 0 && v <= 255)) {
    throw new RangeError(
      `samplePng: rgba must be four integers from 0 to 255, got [${options.rgba?.join(', ')}]`,
    );
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type RGBA, default compression, filter, no interlace
  const stride = 1 + width * 4; // each row starts with its filter byte (0: none)
  const raw = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const pixel = options.gradient
        ? [Math.floor((x * 255) / width), Math.floor((y * 255) / height), b, a]
        : [r, g, b, a];
      raw.set(pixel, y * stride + 1 + x * 4);
    }
  }
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array()),
  ]);
  return new Uint8Array(png);
}

/** A real PCM WAV, 16-bit mono: `seconds` of a sine tone, or of silence with `toneHz: 0`. */
export function sampleWav(seconds: number, options: SampleWavOptions = {}): Uint8Array<ArrayBuffer> {
  const rate = options.sampleRate ?? 16_000;
  const tone = options.toneHz ?? 440;
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new RangeError(`sampleWav: seconds must be 0 or more, got ${seconds}`);
  if (!Number.isInteger(rate) || rate < 1)
    throw new RangeError(`sampleWav: sampleRate must be a positive integer, got ${rate}`);
  if (!Number.isFinite(tone) || tone < 0)
    throw new RangeError(`sampleWav: toneHz must be 0 or more, got ${tone}`);
  const samples = Math.round(seconds * rate);
  const dataBytes = samples * 2;
  const out = Buffer.alloc(44 + dataBytes);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVEfmt ', 8, 'ascii');
  out.writeUInt32LE(16, 16); // fmt chunk size
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(rate, 24);
  out.writeUInt32LE(rate * 2, 28); // byte rate
  out.writeUInt16LE(2, 32); // block align
  out.writeUInt16LE(16, 34); // bits per sample
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(dataBytes, 40);
  if (tone > 0) {
    // A quarter of full scale: clearly audible, far from clipping.
    for (let i = 0; i < samples; i++)
      out.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * tone * i) / rate)), 44 + i * 2);
  }
  return new Uint8Array(out);
}
