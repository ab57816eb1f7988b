/**
 * Just enough of the PNG, JPEG, WebP and MP4 formats to describe a written file in the job summary,
 * read from the file header, so the bundle needs no image library.
 */
export interface MediaInfo {
  format: string;
  width?: number;
  height?: number;
  durationSeconds?: number;
}

function u16be(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}
function u24le(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16);
}
function u32be(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}
function ascii(b: Uint8Array, o: number, n: number): string {
  return String.fromCharCode(...b.subarray(o, o + n));
}

function png(b: Uint8Array): MediaInfo | undefined {
  if (b.length < 24 || u32be(b, 0) !== 0x89504e47 || ascii(b, 12, 4) !== 'IHDR') return undefined;
  return { format: 'png', width: u32be(b, 16), height: u32be(b, 20) };
}

function jpeg(b: Uint8Array): MediaInfo | undefined {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return undefined;
  let o = 2;
  while (o + 9 < b.length) {
    if (b[o] !== 0xff) return { format: 'jpeg' };
    const marker = b[o + 1]!;
    if (marker === 0xff) {
      o++; // fill byte
      continue;
    }
    const length = u16be(b, o + 2);
    // Start-of-frame markers carry the size; C4 (huffman), C8 and CC (arithmetic coding) do not.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { format: 'jpeg', height: u16be(b, o + 5), width: u16be(b, o + 7) };
    }
    o += 2 + length;
  }
  return { format: 'jpeg' };
}

function webp(b: Uint8Array): MediaInfo | undefined {
  if (b.length < 30 || ascii(b, 0, 4) !== 'RIFF' || ascii(b, 8, 4) !== 'WEBP') return undefined;
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8 ')
    return {
      format: 'webp',
      width: (b[26]! | (b[27]! << 8)) & 0x3fff,
      height: (b[28]! | (b[29]! << 8)) & 0x3fff,
    };
  if (chunk === 'VP8L') {
    const bits = (b[21]! | (b[22]! << 8) | (b[23]! << 16) | (b[24]! << 24)) >>> 0;
    return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') return { format: 'webp', width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
  return { format: 'webp' };
}

interface Box {
  type: string;
  start: number; // of the payload
  end: number;
}

function* boxes(b: Uint8Array, from: number, to: number): Generator<Box> {
  let o = from;
  while (o + 8 <= to) {
    let size = u32be(b, o);
    const type = ascii(b, o + 4, 4);
    let header = 8;
    if (size === 1) {
      if (o + 16 > to) return;
      size = u32be(b, o + 8) * 2 ** 32 + u32be(b, o + 12);
      header = 16;
    } else if (size === 0) size = to - o;
    if (size < header || o + size > to) return;
    yield { type, start: o + header, end: o + size };
    o += size;
  }
}

function child(b: Uint8Array, parent: Box, type: string): Box | undefined {
  for (const box of boxes(b, parent.start, parent.end)) if (box.type === type) return box;
  return undefined;
}

function mp4(b: Uint8Array): MediaInfo | undefined {
  if (b.length < 12 || ascii(b, 4, 4) !== 'ftyp') return undefined;
  const info: MediaInfo = { format: 'mp4' };
  const moov = [...boxes(b, 0, b.length)].find((x) => x.type === 'moov');
  if (!moov) return info;
  const mvhd = child(b, moov, 'mvhd');
  if (mvhd) {
    const version = b[mvhd.start]!;
    const [timescale, duration] =
      version === 1
        ? [u32be(b, mvhd.start + 20), u32be(b, mvhd.start + 24) * 2 ** 32 + u32be(b, mvhd.start + 28)]
        : [u32be(b, mvhd.start + 12), u32be(b, mvhd.start + 16)];
    if (timescale > 0) info.durationSeconds = duration / timescale;
  }
  // The first track with a picture gives the size (tkhd ends with width and height in 16.16 fixed point).
  for (const trak of boxes(b, moov.start, moov.end)) {
    if (trak.type !== 'trak') continue;
    const tkhd = child(b, trak, 'tkhd');
    if (!tkhd || tkhd.end - tkhd.start < 84) continue;
    const width = u32be(b, tkhd.end - 8) / 65536;
    const height = u32be(b, tkhd.end - 4) / 65536;
    if (width > 0 && height > 0) {
      info.width = Math.round(width);
      info.height = Math.round(height);
      break;
    }
  }
  return info;
}

/** What a file is and its size in pixels or length in seconds, when the header says. */
export function mediaInfo(bytes: Uint8Array): MediaInfo | undefined {
  return png(bytes) ?? jpeg(bytes) ?? webp(bytes) ?? mp4(bytes);
}

/** "1024x1024", "5.0 s, 1280x720", or '' */
export function describeMedia(info: MediaInfo | undefined): string {
  if (!info) return '';
  const parts: string[] = [];
  if (info.durationSeconds !== undefined) parts.push(`${info.durationSeconds.toFixed(1)} s`);
  if (info.width && info.height) parts.push(`${info.width}x${info.height}`);
  return parts.join(', ');
}
