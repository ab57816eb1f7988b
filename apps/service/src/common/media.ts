/**
 * What an uploaded file really is, read from its bytes: the service never sends Azure a file whose
 * bytes are not what an image field needs (junk labelled `image/png` is refused here with a 400
 * naming the field, not relayed as Azure's failure). Images must carry a PNG, JPEG or WebP header
 * whose width and height can be read; the facts are handed to core's validators, which judge the
 * model's rules (allowed types, square images, mask sizes) from the model table.
 */
import { detectContentType, type FileFacts, type Issue } from '@aoai-media/core';
import type { UploadedFile } from './body.js';

export interface ImageInfo {
  type: 'image/png' | 'image/jpeg' | 'image/webp';
  width: number;
  height: number;
}

function u16be(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}
function u24le(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16);
}
function u32be(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) >>> 0) + (b[at + 1]! << 16) + (b[at + 2]! << 8) + b[at + 3]!;
}
function ascii(b: Uint8Array, at: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (b[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

function png(b: Uint8Array): ImageInfo | undefined {
  // Signature, then the IHDR chunk first: length 13, type, width, height.
  if (b.length < 33 || u32be(b, 8) !== 13 || !ascii(b, 12, 'IHDR')) return undefined;
  return { type: 'image/png', width: u32be(b, 16), height: u32be(b, 20) };
}

/** JPEG: walk the marker segments to the first frame header (SOF0-SOF15 but not DHT/JPG/DAC). */
function jpeg(b: Uint8Array): ImageInfo | undefined {
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return undefined;
    const marker = b[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2; // markers without a length
      continue;
    }
    const length = u16be(b, at + 2);
    if (length < 2) return undefined;
    const isFrame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (isFrame) {
      // A whole frame header: precision 8 or 12 bits, 1 to 4 components of 3 bytes each.
      const components = b[at + 9];
      if (at + 2 + length > b.length || components === undefined) return undefined;
      if (![8, 12].includes(b[at + 4]!) || components < 1 || components > 4) return undefined;
      if (length !== 8 + 3 * components) return undefined;
      return { type: 'image/jpeg', height: u16be(b, at + 5), width: u16be(b, at + 7) };
    }
    if (marker === 0xda || marker === 0xd9) return undefined; // image data before any frame header
    at += 2 + length;
  }
  return undefined;
}

/** WebP: lossy (VP8), lossless (VP8L) or extended (VP8X) header. */
function webp(b: Uint8Array): ImageInfo | undefined {
  if (b.length < 30) return undefined;
  if (ascii(b, 12, 'VP8 ')) {
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return undefined;
    return {
      type: 'image/webp',
      width: (b[26]! | (b[27]! << 8)) & 0x3fff,
      height: (b[28]! | (b[29]! << 8)) & 0x3fff,
    };
  }
  if (ascii(b, 12, 'VP8L')) {
    if (b[20] !== 0x2f) return undefined;
    const bits = b[21]! | (b[22]! << 8) | (b[23]! << 16) | (b[24]! << 24);
    return { type: 'image/webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (ascii(b, 12, 'VP8X')) {
    return { type: 'image/webp', width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
  }
  return undefined;
}

/** The image a file holds, when its bytes start like a PNG, JPEG or WebP whose size can be read. */
export function inspectImage(bytes: Uint8Array): ImageInfo | undefined {
  const type = detectContentType(bytes.subarray(0, 64));
  const info =
    type === 'image/png'
      ? png(bytes)
      : type === 'image/jpeg'
        ? jpeg(bytes)
        : type === 'image/webp'
          ? webp(bytes)
          : undefined;
  return info && info.width > 0 && info.height > 0 ? info : undefined;
}

/** What a file must be. `image`: PNG, JPEG or WebP; `media`: such an image, or a video. */
export type Expect = 'image' | 'media';

/**
 * What core's validators read about a file (the type from the bytes, never the label alone, and an
 * image's width and height), and the problem when the bytes are not what the field needs.
 */
export function fileFacts(
  file: UploadedFile,
  field: string,
  expect: Expect,
): { facts: FileFacts; issue?: Issue } {
  const image = inspectImage(file.head);
  const detected = image?.type ?? detectContentType(file.head.subarray(0, 64));
  const facts: FileFacts = {
    size: file.size,
    contentType: detected ?? file.contentType,
    detectedType: detected,
    filename: file.filename,
    ...(image ? { width: image.width, height: image.height } : {}),
  };
  const isVideo = detected?.startsWith('video/') === true;
  if (image || (expect === 'media' && isVideo)) return { facts };
  const wanted = expect === 'image' ? 'a PNG, JPEG or WebP image' : 'a PNG, JPEG or WebP image or a video';
  const seen =
    file.size === 0
      ? 'it is empty'
      : detected
        ? `its bytes are ${detected} with a header that cannot be read`
        : `its bytes are not ${wanted}`;
  return {
    facts,
    issue: {
      path: field,
      code: 'invalid_file',
      message: `${field} (${JSON.stringify(file.filename.slice(0, 100))}, sent as ${file.contentType.slice(0, 100)}) must be ${wanted}; ${seen}`,
    },
  };
}

/** Facts for each file of a field (`name` or `name[i]` when there are several), and their problems. */
export function filesFacts(
  files: readonly UploadedFile[],
  field: string,
  expect: Expect,
  indexed = files.length > 1,
): { facts: FileFacts[]; issues: Issue[] } {
  const out = files.map((f, i) => fileFacts(f, indexed ? `${field}[${i}]` : field, expect));
  return { facts: out.map((o) => o.facts), issues: out.flatMap((o) => (o.issue ? [o.issue] : [])) };
}
