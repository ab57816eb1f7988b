/**
 * Just enough of the PNG, JPEG, WebP and MP4 formats, and of the audio formats speech comes in
 * (WAV, FLAC, MP3, AAC in ADTS, Opus in Ogg), to describe a written file in the job summary, read
 * from its bytes, so the bundle needs no media library.
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
function u16le(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8);
}
function u32le(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
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

/** WAV: the data chunk's length over the byte rate in the fmt chunk. */
function wav(b: Uint8Array): MediaInfo | undefined {
  if (b.length < 12 || ascii(b, 0, 4) !== 'RIFF' || ascii(b, 8, 4) !== 'WAVE') return undefined;
  let byteRate = 0;
  for (let o = 12; o + 8 <= b.length;) {
    const id = ascii(b, o, 4);
    const size = u32le(b, o + 4);
    if (id === 'fmt ' && o + 20 <= b.length) byteRate = u32le(b, o + 16);
    if (id === 'data') {
      // A stream written before its length was known says 0 or 0xFFFFFFFF: the rest is data.
      const bytes = size === 0 || size === 0xffffffff ? b.length - o - 8 : size;
      return byteRate > 0 ? { format: 'wav', durationSeconds: bytes / byteRate } : { format: 'wav' };
    }
    o += 8 + size + (size & 1);
  }
  return { format: 'wav' };
}

/** FLAC: sample rate and total samples from STREAMINFO, the first metadata block. */
function flac(b: Uint8Array): MediaInfo | undefined {
  if (b.length < 4 || ascii(b, 0, 4) !== 'fLaC') return undefined;
  if (b.length < 26 || (b[4]! & 0x7f) !== 0) return { format: 'flac' };
  const rate = (b[18]! << 12) | (b[19]! << 4) | (b[20]! >> 4);
  const samples = (b[21]! & 0x0f) * 2 ** 32 + u32be(b, 22);
  return rate > 0 && samples > 0 ? { format: 'flac', durationSeconds: samples / rate } : { format: 'flac' };
}

/** Ogg: an Opus stream's last granule position (always 48 kHz) less its pre-skip. */
function ogg(b: Uint8Array): MediaInfo | undefined {
  if (b.length < 4 || ascii(b, 0, 4) !== 'OggS') return undefined;
  const segments = b[26] ?? 0;
  const body = 27 + segments;
  if (b.length < body + 12 || ascii(b, body, 8) !== 'OpusHead') return { format: 'ogg' };
  const preSkip = u16le(b, body + 10);
  for (let o = b.length - 27; o >= 0; o--) {
    if (b[o] !== 0x4f || ascii(b, o, 4) !== 'OggS') continue;
    const granule = u32le(b, o + 6) + u32le(b, o + 10) * 2 ** 32;
    return { format: 'opus', durationSeconds: Math.max(0, granule - preSkip) / 48_000 };
  }
  return { format: 'opus' };
}

const ADTS_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

/** Where the audio starts: after an ID3v2 tag (MP3 and ADTS files may begin with one). */
function afterId3(b: Uint8Array): number {
  if (b.length < 10 || ascii(b, 0, 3) !== 'ID3') return 0;
  const size = ((b[6]! & 0x7f) << 21) | ((b[7]! & 0x7f) << 14) | ((b[8]! & 0x7f) << 7) | (b[9]! & 0x7f);
  // A footer flag adds ten more bytes.
  return 10 + size + (b[5]! & 0x10 ? 10 : 0);
}

/** AAC in ADTS frames (12-bit sync, layer 0): 1024 samples per raw data block, frames counted. */
function adts(b: Uint8Array): MediaInfo | undefined {
  const isFrame = (o: number) => o + 7 <= b.length && b[o] === 0xff && (b[o + 1]! & 0xf6) === 0xf0;
  const start = afterId3(b);
  if (!isFrame(start)) return undefined;
  const rate = ADTS_RATES[(b[start + 2]! >> 2) & 0x0f];
  let samples = 0;
  let o = start;
  while (isFrame(o)) {
    const length = ((b[o + 3]! & 0x03) << 11) | (b[o + 4]! << 3) | (b[o + 5]! >> 5);
    if (length < 7) break;
    samples += 1024 * ((b[o + 6]! & 0x03) + 1);
    o += length;
  }
  return rate ? { format: 'aac', durationSeconds: samples / rate } : { format: 'aac' };
}

// MPEG audio layer III: kbit/s by bitrate index (MPEG-1; MPEG-2 and 2.5) and sample rates by version.
const MP3_KBPS = [
  [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
];
const MP3_RATES: Record<number, number[]> = {
  3: [44100, 48000, 32000],
  2: [22050, 24000, 16000],
  0: [11025, 12000, 8000],
};

/** MP3: layer III frames, each 1152 (MPEG-1) or 576 samples, counted. */
function mp3(b: Uint8Array): MediaInfo | undefined {
  let o = afterId3(b);
  let samples = 0;
  let rate = 0;
  let frames = 0;
  while (o + 4 <= b.length && b[o] === 0xff && (b[o + 1]! & 0xe0) === 0xe0) {
    const version = (b[o + 1]! >> 3) & 0x03;
    const layer = (b[o + 1]! >> 1) & 0x03;
    const kbps = MP3_KBPS[version === 3 ? 0 : 1]![b[o + 2]! >> 4];
    const frameRate = MP3_RATES[version]?.[(b[o + 2]! >> 2) & 0x03];
    if (layer !== 1 || !kbps || !frameRate) break;
    const perFrame = version === 3 ? 1152 : 576;
    const length = Math.floor(((perFrame / 8) * kbps * 1000) / frameRate) + ((b[o + 2]! >> 1) & 0x01);
    samples += perFrame;
    rate = frameRate;
    frames++;
    o += length;
  }
  return frames > 0 ? { format: 'mp3', durationSeconds: samples / rate } : undefined;
}

/** What a file is and its size in pixels or length in seconds, when its bytes say. */
export function mediaInfo(bytes: Uint8Array): MediaInfo | undefined {
  return (
    png(bytes) ??
    jpeg(bytes) ??
    webp(bytes) ??
    mp4(bytes) ??
    wav(bytes) ??
    flac(bytes) ??
    ogg(bytes) ??
    adts(bytes) ??
    mp3(bytes)
  );
}

/** "1024x1024", "5.0 s, 1280x720", or '' */
export function describeMedia(info: MediaInfo | undefined): string {
  if (!info) return '';
  const parts: string[] = [];
  if (info.durationSeconds !== undefined) parts.push(`${info.durationSeconds.toFixed(1)} s`);
  if (info.width && info.height) parts.push(`${info.width}x${info.height}`);
  return parts.join(', ');
}
