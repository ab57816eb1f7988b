/**
 * Playable H.264 MP4s rendered by ffmpeg: a coloured frame with a moving box, of the exact size,
 * frame rate and duration. Rendered once per (width, height, seconds, fps, quality) and kept.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import sharp from 'sharp';

export type VideoQuality = 'high' | 'low';

export interface VideoSpec {
  width: number;
  height: number;
  seconds: number;
  fps: number;
  quality: VideoQuality;
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

/** ffmpeg from the option, else PATH, else the binary shipped by @ffmpeg-installer/ffmpeg. */
export function resolveFfmpeg(configured?: string): string {
  if (configured) return configured;
  const found = onPath('ffmpeg');
  if (found) return found;
  try {
    const require = createRequire(import.meta.url);
    return (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  } catch {
    throw new Error(
      'No ffmpeg found: put ffmpeg on PATH, install @ffmpeg-installer/ffmpeg, or set ffmpegPath',
    );
  }
}

/** Output dimensions: the low variant is half size (even numbers, as H.264 with 4:2:0 needs). */
export function variantSize(spec: Pick<VideoSpec, 'width' | 'height' | 'quality'>): {
  width: number;
  height: number;
} {
  if (spec.quality === 'high') return { width: spec.width, height: spec.height };
  const even = (n: number) => Math.max(2, Math.floor(n / 4) * 2);
  return { width: even(spec.width), height: even(spec.height) };
}

const COLOUR = '0x2a6f97';
/** Renderings kept in memory (each is one size, length and quality). */
const MAX_CACHED_VIDEOS = 64;

export class VideoRenderer {
  private readonly cache = new Map<string, Promise<Buffer>>();
  private readonly running = new Set<ChildProcess>();

  constructor(readonly ffmpegPath: string) {}

  render(spec: VideoSpec): Promise<Buffer> {
    const key = `${spec.width}x${spec.height}|${spec.seconds}|${spec.fps}|${spec.quality}`;
    let hit = this.cache.get(key);
    if (hit) {
      // Most recently used last, so eviction drops the stalest rendering.
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    hit = this.encode(spec);
    hit.catch(() => this.cache.delete(key));
    this.cache.set(key, hit);
    for (const old of this.cache.keys()) {
      if (this.cache.size <= MAX_CACHED_VIDEOS) break;
      this.cache.delete(old);
    }
    return hit;
  }

  private async encode(spec: VideoSpec): Promise<Buffer> {
    const { width, height } = variantSize(spec);
    const box = `${Math.max(2, Math.round(width / 8))}x${Math.max(2, Math.round(height / 8))}`;
    const d = spec.seconds;
    const dir = await mkdtemp(join(tmpdir(), 'aoai-emulator-'));
    const out = join(dir, 'video.mp4');
    try {
      await this.run([
        '-hide_banner',
        '-loglevel',
        'error',
        '-nostdin',
        '-f',
        'lavfi',
        '-i',
        `color=c=${COLOUR}:s=${width}x${height}:r=${spec.fps}:d=${d}`,
        '-f',
        'lavfi',
        '-i',
        `color=c=white:s=${box}:r=${spec.fps}:d=${d}`,
        '-filter_complex',
        `[0][1]overlay=x='mod(t*W/4,W)':y=H/3:shortest=1,format=yuv420p`,
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-crf',
        spec.quality === 'high' ? '23' : '35',
        '-movflags',
        '+faststart',
        '-y',
        out,
      ]);
      return await readFile(out);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private run(args: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.ffmpegPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      this.running.add(child);
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('error', (err) => {
        this.running.delete(child);
        reject(err);
      });
      child.on('close', (code) => {
        this.running.delete(child);
        if (code === 0) resolve();
        else reject(new Error(`ffmpeg exited with ${code}: ${stderr.trim().slice(0, 500)}`));
      });
    });
  }

  /** Stop any encoding still running (on close). */
  stop(): void {
    for (const child of this.running) child.kill('SIGKILL');
    this.running.clear();
  }
}

/** The first frame as an image: the background with the box at the left edge. */
export async function renderThumbnail(
  width: number,
  height: number,
  format: 'jpeg' | 'webp' = 'jpeg',
): Promise<Buffer> {
  const boxW = Math.max(2, Math.round(width / 8));
  const boxH = Math.max(2, Math.round(height / 8));
  const box = await sharp({ create: { width: boxW, height: boxH, channels: 3, background: '#ffffff' } })
    .png()
    .toBuffer();
  const img = sharp({ create: { width, height, channels: 3, background: `#${COLOUR.slice(2)}` } }).composite([
    { input: box, left: 0, top: Math.floor(height / 3) },
  ]);
  return format === 'jpeg' ? img.jpeg({ quality: 85 }).toBuffer() : img.webp({ quality: 80 }).toBuffer();
}

/** A strip of frames (Sora 2's `spritesheet` variant): `frames` thumbnails side by side, JPEG. */
export async function renderSpritesheet(width: number, height: number, frames = 8): Promise<Buffer> {
  const tileW = Math.max(2, Math.round(width / 4));
  const tileH = Math.max(2, Math.round(height / 4));
  const boxW = Math.max(1, Math.round(tileW / 8));
  const boxH = Math.max(1, Math.round(tileH / 8));
  const box = await sharp({ create: { width: boxW, height: boxH, channels: 3, background: '#ffffff' } })
    .png()
    .toBuffer();
  const composites = Array.from({ length: frames }, (_, i) => ({
    input: box,
    left: i * tileW + Math.min(tileW - boxW, Math.floor((i / frames) * tileW)),
    top: Math.floor(tileH / 3),
  }));
  return sharp({
    create: { width: tileW * frames, height: tileH, channels: 3, background: `#${COLOUR.slice(2)}` },
  })
    .composite(composites)
    .jpeg({ quality: 80 })
    .toBuffer();
}
