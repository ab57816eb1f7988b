import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { samplePng, sampleWav } from '../src/index.js';
import { wavDuration } from '../src/media/audio.js';

/** Decoded RGBA pixels of a PNG, read by sharp. */
async function pixels(png: Uint8Array): Promise<Buffer> {
  return sharp(png).ensureAlpha().raw().toBuffer();
}

describe('samplePng', () => {
  it('is a PNG of the requested size with an alpha channel', async () => {
    const meta = await sharp(samplePng(37, 21)).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 37, height: 21, channels: 4, hasAlpha: true });
  });

  it('paints every pixel in the given colour', async () => {
    const raw = await pixels(samplePng(3, 2, { rgba: [10, 20, 30, 0] }));
    expect(raw).toHaveLength(3 * 2 * 4);
    for (let i = 0; i < raw.length; i += 4) expect([...raw.subarray(i, i + 4)]).toEqual([10, 20, 30, 0]);
  });

  it('draws a gradient: red follows x, green follows y, blue and alpha from rgba', async () => {
    const raw = await pixels(samplePng(4, 2, { gradient: true, rgba: [0, 0, 99, 255] }));
    const at = (x: number, y: number) => [...raw.subarray((y * 4 + x) * 4, (y * 4 + x) * 4 + 4)];
    expect(at(0, 0)).toEqual([0, 0, 99, 255]);
    expect(at(3, 1)).toEqual([191, 127, 99, 255]);
  });

  it('gives the same bytes for the same arguments', () => {
    expect(Buffer.from(samplePng(8, 8)).equals(Buffer.from(samplePng(8, 8)))).toBe(true);
    expect(Buffer.from(samplePng(8, 8)).equals(Buffer.from(samplePng(8, 8, { gradient: true })))).toBe(false);
  });

  it('rejects sizes and colours it cannot encode, naming the value', () => {
    expect(() => samplePng(0, 4)).toThrow(/width must be an integer from 1 to 16384, got 0/);
    expect(() => samplePng(4, 2.5)).toThrow(/height .* got 2\.5/);
    expect(() => samplePng(4, 4, { rgba: [0, 0, 256, 0] })).toThrow(/rgba .* got \[0, 0, 256, 0\]/);
  });
});

describe('sampleWav', () => {
  it('has the requested duration, read back by the emulator', () => {
    expect(wavDuration(sampleWav(2.5))).toBeCloseTo(2.5, 5);
    expect(wavDuration(sampleWav(1, { sampleRate: 8000 }))).toBeCloseTo(1, 5);
  });

  it('is 16-bit mono PCM at the given rate', () => {
    const b = Buffer.from(sampleWav(0.5, { sampleRate: 22_050 }));
    expect(b.toString('ascii', 0, 4)).toBe('RIFF');
    expect(b.toString('ascii', 8, 16)).toBe('WAVEfmt ');
    expect(b.readUInt16LE(20)).toBe(1); // PCM
    expect(b.readUInt16LE(22)).toBe(1); // mono
    expect(b.readUInt32LE(24)).toBe(22_050);
    expect(b.readUInt16LE(34)).toBe(16);
    expect(b.readUInt32LE(40)).toBe(Math.round(0.5 * 22_050) * 2);
    expect(b.readUInt32LE(4)).toBe(b.length - 8);
  });

  it('carries a tone by default and silence with toneHz 0', () => {
    const samples = (wav: Uint8Array) => {
      const b = Buffer.from(wav);
      return Array.from({ length: (b.length - 44) / 2 }, (_, i) => b.readInt16LE(44 + i * 2));
    };
    const tone = samples(sampleWav(0.1));
    expect(Math.max(...tone)).toBeGreaterThan(7000);
    expect(Math.min(...tone)).toBeLessThan(-7000);
    // 440 Hz over 0.1 s crosses zero upwards 44 times.
    const upward = tone.filter((v, i) => i > 0 && tone[i - 1]! < 0 && v >= 0).length;
    expect(upward).toBeGreaterThanOrEqual(43);
    expect(upward).toBeLessThanOrEqual(45);
    expect(samples(sampleWav(0.1, { toneHz: 0 })).every((v) => v === 0)).toBe(true);
  });

  it('rejects arguments it cannot encode, naming the value', () => {
    expect(() => sampleWav(-1)).toThrow(/seconds must be 0 or more, got -1/);
    expect(() => sampleWav(1, { sampleRate: 0 })).toThrow(/sampleRate .* got 0/);
    expect(() => sampleWav(1, { toneHz: Number.NaN })).toThrow(/toneHz .* got NaN/);
  });
});
