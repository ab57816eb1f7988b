/**
 * Deterministic images: an 8x8 grid of colours derived from a seed, scaled to the exact size and
 * encoded with sharp. Flat tiles keep encoding fast and files small, and the bytes are the same for
 * the same request.
 */
import sharp, { type Sharp } from 'sharp';
import { sha256 } from '../util.js';

export type ImageFormat = 'png' | 'jpeg' | 'webp';

export interface ImageSpec {
  width: number;
  height: number;
  format: ImageFormat;
  /** 0-100; quality for jpeg/webp (100 = least compressed). */
  compression: number;
  transparent: boolean;
  seed: string;
}

const GRID = 8;

export const MIME: Record<ImageFormat, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

/** Raw RGBA grid cells: transparent images have a fully transparent outer ring. */
function grid(seed: string, transparent: boolean): Buffer {
  const bytes = sha256(seed);
  const out = Buffer.alloc(GRID * GRID * 4);
  for (let y = 0; y < GRID; y++) {
    for (let x = 0; x < GRID; x++) {
      const i = (y * GRID + x) * 4;
      const h = bytes[(x + y * 3) % 32] ?? 0;
      out[i] = (h * 7 + x * 29) & 255;
      out[i + 1] = (h * 13 + y * 31) & 255;
      out[i + 2] = (h * 3 + (x ^ y) * 17) & 255;
      const edge = x === 0 || y === 0 || x === GRID - 1 || y === GRID - 1;
      out[i + 3] = transparent && edge ? 0 : 255;
    }
  }
  return out;
}

/**
 * The pattern as raw RGBA pixels at the exact size. Lossless output uses flat tiles (small, fast
 * PNGs); lossy output uses smooth gradients so that `output_compression` visibly changes the size.
 */
export function patternRaw(
  seed: string,
  width: number,
  height: number,
  transparent: boolean,
  smooth = false,
): Promise<Buffer> {
  return sharp(grid(seed, transparent), { raw: { width: GRID, height: GRID, channels: 4 } })
    .resize(width, height, { kernel: smooth ? 'cubic' : 'nearest', fit: 'fill' })
    .raw()
    .toBuffer();
}

export function encode(
  pipeline: Sharp,
  spec: Pick<ImageSpec, 'format' | 'compression' | 'transparent'>,
): Promise<Buffer> {
  const p = spec.transparent ? pipeline.ensureAlpha() : pipeline.removeAlpha();
  const quality = Math.max(1, Math.min(100, Math.round(spec.compression)));
  switch (spec.format) {
    case 'png':
      return p.png({ compressionLevel: 6 }).toBuffer();
    case 'jpeg':
      return p.jpeg({ quality }).toBuffer();
    case 'webp':
      return p.webp({ quality, alphaQuality: 100 }).toBuffer();
  }
}

export async function renderImage(spec: ImageSpec): Promise<Buffer> {
  const raw = await patternRaw(spec.seed, spec.width, spec.height, spec.transparent, spec.format !== 'png');
  return encode(sharp(raw, { raw: { width: spec.width, height: spec.height, channels: 4 } }), spec);
}

/** A blurred stand-in for a partial image of the Responses stream (index 0 is the blurriest). */
export async function renderPartial(spec: ImageSpec, index: number, total: number): Promise<Buffer> {
  const raw = await patternRaw(spec.seed, spec.width, spec.height, spec.transparent, spec.format !== 'png');
  const sigma = 4 * (total - index) + 0.3;
  return encode(
    sharp(raw, { raw: { width: spec.width, height: spec.height, channels: 4 } }).blur(sigma),
    spec,
  );
}

/**
 * An edit: the output keeps the first input's pixels where the mask is opaque and shows new
 * pattern pixels where it is transparent. Without a mask the whole image is repainted, blended
 * half-and-half with the input so the input still shows through.
 */
export async function renderEdit(
  images: Uint8Array[],
  mask: Uint8Array | undefined,
  spec: ImageSpec,
): Promise<Buffer> {
  const { width, height } = spec;
  const first = images[0];
  if (!first) throw new Error('renderEdit needs at least one image');
  const base = await sharp(first).resize(width, height, { fit: 'fill' }).ensureAlpha().raw().toBuffer();
  const pattern = await patternRaw(spec.seed, width, height, spec.transparent, spec.format !== 'png');
  const keep = mask
    ? await sharp(mask)
        .resize(width, height, { fit: 'fill', kernel: 'nearest' })
        .ensureAlpha()
        .extractChannel(3)
        .raw()
        .toBuffer()
    : undefined;
  const out = Buffer.alloc(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const k = keep ? (keep[p] ?? 0) / 255 : 0.5;
    for (let c = 0; c < 4; c++) {
      const i = p * 4 + c;
      out[i] = Math.round((base[i] ?? 0) * k + (pattern[i] ?? 0) * (1 - k));
    }
  }
  return encode(sharp(out, { raw: { width, height, channels: 4 } }), spec);
}

/** Width and height of an uploaded image, or undefined when sharp cannot read it. */
export async function probeImage(
  bytes: Uint8Array,
): Promise<{ width: number; height: number; format: string; hasAlpha: boolean } | undefined> {
  try {
    const m = await sharp(bytes).metadata();
    if (!m.width || !m.height || !m.format) return undefined;
    return { width: m.width, height: m.height, format: m.format, hasAlpha: Boolean(m.hasAlpha) };
  } catch {
    return undefined;
  }
}

/**
 * Encoded images by their full parameters, so repeated small requests skip encoding.
 * Bounded by total bytes; the oldest entries go first.
 */
export class ImageCache {
  private readonly entries = new Map<string, Promise<{ bytes: Buffer; base64: string }>>();
  /** Sizes of the entries that have finished encoding, in insertion order. */
  private readonly sizes = new Map<string, number>();
  private bytes = 0;

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  get(spec: ImageSpec): Promise<{ bytes: Buffer; base64: string }> {
    const key = `${spec.seed}|${spec.width}x${spec.height}|${spec.format}|${spec.compression}|${spec.transparent ? 1 : 0}`;
    const hit = this.entries.get(key);
    if (hit) return hit;
    const made = renderImage(spec).then((bytes) => {
      const base64 = bytes.toString('base64');
      if (this.entries.get(key) === made) {
        this.sizes.set(key, bytes.length + base64.length);
        this.bytes += bytes.length + base64.length;
        this.evict();
      }
      return { bytes, base64 };
    });
    made.catch(() => this.entries.delete(key));
    this.entries.set(key, made);
    return made;
  }

  private evict(): void {
    for (const [key, size] of this.sizes) {
      if (this.bytes <= this.maxBytes) break;
      this.sizes.delete(key);
      this.entries.delete(key);
      this.bytes -= size;
    }
  }

  clear(): void {
    this.entries.clear();
    this.sizes.clear();
    this.bytes = 0;
  }
}
