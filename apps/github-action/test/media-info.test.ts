import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { samplePng } from '@aoai-media/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeMedia, mediaInfo } from '../src/media-info.js';
import { hasFfmpeg, probeAudio, tempDir } from './support.js';

describe('mediaInfo', () => {
  it('reads a PNG header', () => {
    expect(mediaInfo(samplePng(37, 21, { gradient: true }))).toEqual({
      format: 'png',
      width: 37,
      height: 21,
    });
  });

  it('says nothing about bytes it does not know', () => {
    expect(mediaInfo(new TextEncoder().encode('hello world, not an image at all'))).toBeUndefined();
    expect(describeMedia(undefined)).toBe('');
  });

  it('does not run past a truncated file', () => {
    const png = samplePng(8, 8, { gradient: true });
    expect(mediaInfo(png.subarray(0, 20))).toBeUndefined();
    expect(mediaInfo(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00]))).toEqual({ format: 'jpeg' });
  });
});

// ffmpeg is a test prerequisite (scripts/test-tools.sh installs it): missing, these fail, not skip.
describe('mediaInfo on files made by ffmpeg', () => {
  it('has ffmpeg to make them', () => {
    expect(hasFfmpeg(), 'ffmpeg is not on the PATH; run scripts/test-tools.sh').toBe(true);
  });

  let ws: Awaited<ReturnType<typeof tempDir>>;
  const make = (name: string, args: string[]) => {
    const out = path.join(ws.dir, name);
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args, out]);
    return readFile(out);
  };
  beforeAll(async () => {
    ws = await tempDir();
  });
  afterAll(() => ws.remove());

  it('JPEG', async () => {
    const bytes = await make('a.jpg', ['-f', 'lavfi', '-i', 'testsrc=size=320x240', '-frames:v', '1']);
    expect(mediaInfo(bytes)).toEqual({ format: 'jpeg', width: 320, height: 240 });
  });

  it('WebP, lossy and lossless', async () => {
    const lossy = await make('a.webp', [
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=300x200',
      '-frames:v',
      '1',
      '-c:v',
      'libwebp',
    ]);
    expect(mediaInfo(lossy)).toEqual({ format: 'webp', width: 300, height: 200 });
    const lossless = await make('b.webp', [
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=123x45',
      '-frames:v',
      '1',
      '-c:v',
      'libwebp',
      '-lossless',
      '1',
    ]);
    expect(mediaInfo(lossless)).toEqual({ format: 'webp', width: 123, height: 45 });
  });

  it('MP4 duration and size, index at the start or the end', async () => {
    const src = [
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=640x360:rate=30',
      '-t',
      '2.5',
      '-pix_fmt',
      'yuv420p',
      '-c:v',
      'libx264',
    ];
    const atEnd = mediaInfo(await make('end.mp4', src))!;
    const atStart = mediaInfo(await make('start.mp4', [...src, '-movflags', '+faststart']))!;
    for (const info of [atEnd, atStart]) {
      expect(info.format).toBe('mp4');
      expect(info.width).toBe(640);
      expect(info.height).toBe(360);
      expect(info.durationSeconds).toBeCloseTo(2.5, 1);
    }
    expect(describeMedia(atEnd)).toBe('2.5 s, 640x360');
  });

  // Other rates and channel counts than the emulator's speech (24 kHz mono), so both MPEG versions
  // of MP3 and several ADTS rates are read; lengths agree with ffprobe.
  it.each([
    ['mp3', 44100, 2, ['-c:a', 'libmp3lame', '-b:a', '128k']],
    ['mp3', 22050, 1, ['-c:a', 'libmp3lame', '-b:a', '48k']],
    ['aac', 48000, 2, ['-c:a', 'aac', '-f', 'adts']],
    ['opus', 48000, 1, ['-c:a', 'libopus']],
    ['flac', 44100, 2, ['-c:a', 'flac']],
    ['wav', 16000, 1, ['-c:a', 'pcm_s16le']],
  ] as const)('%s at %i Hz, %i channel(s): the length ffprobe gives', async (ext, rate, channels, codec) => {
    const name = `tone-${rate}.${ext}`;
    const bytes = await make(name, [
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=330:sample_rate=${rate}:duration=3.3`,
      '-ac',
      String(channels),
      ...codec,
    ]);
    const info = mediaInfo(bytes)!;
    expect(info.format).toBe(ext);
    const probe = probeAudio(path.join(ws.dir, name));
    expect(Math.abs(info.durationSeconds! - probe.durationSeconds)).toBeLessThanOrEqual(0.05);
    expect(describeMedia(info)).toMatch(/^3\.\d s$/);
    // Cut short, the header still names the format, and nothing throws.
    expect(mediaInfo(bytes.subarray(0, 200))?.format).toBe(ext);
  });
});
