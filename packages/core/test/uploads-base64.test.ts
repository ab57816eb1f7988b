import { describe, expect, it } from 'vitest';
import {
  decodeBase64,
  decodeBase64Portable,
  detectContentType,
  extensionFor,
  inspectFile,
  inspectFileSync,
  isFileInput,
  pngDimensions,
  toUpload,
} from '../src/index.js';
import { makePng } from './fixtures.js';

const ascii = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

describe('detectContentType', () => {
  it.each([
    ['PNG', makePng(3, 2), 'image/png'],
    ['JPEG', new Uint8Array([0xff, 0xd8, 0xff, 0xe1, 0, 0]), 'image/jpeg'],
    ['WebP', ascii('RIFF\x24\0\0\0WEBPVP8L'), 'image/webp'],
    ['GIF87a', ascii('GIF87a\x01\0'), 'image/gif'],
    ['GIF89a', ascii('GIF89a\x01\0'), 'image/gif'],
    ['WAV', ascii('RIFF\x24\0\0\0WAVEfmt '), 'audio/wav'],
    ['MP3 with ID3', ascii('ID3\x04\0\0\0\0\0\0'), 'audio/mpeg'],
    ['MP3 frame', new Uint8Array([0xff, 0xfb, 0x90, 0x64]), 'audio/mpeg'],
    ['MP4', ascii('\0\0\0\x18ftypisom\0\0\0\0'), 'video/mp4'],
    ['M4A', ascii('\0\0\0\x20ftypM4A \0\0\0\0'), 'audio/mp4'],
    [
      'WebM',
      new Uint8Array([
        0x1a,
        0x45,
        0xdf,
        0xa3,
        0x9f,
        0x42,
        0x86,
        0x81,
        0x01,
        0x42,
        0x82,
        0x84,
        ...ascii('webm'),
      ]),
      'video/webm',
    ],
    [
      'Matroska',
      new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x88, ...ascii('matroska')]),
      'video/x-matroska',
    ],
    ['OGG', ascii('OggS\0\x02'), 'audio/ogg'],
    ['FLAC', ascii('fLaC\0\0\0\x22'), 'audio/flac'],
    ['text', ascii('hello world'), undefined],
    ['empty', new Uint8Array(), undefined],
    ['truncated PNG', makePng(1, 1).subarray(0, 5), undefined],
  ])('%s', (_label, bytes, type) => {
    expect(detectContentType(bytes)).toBe(type);
  });

  it('maps types to extensions', () => {
    expect(
      [
        'image/png',
        'image/jpeg',
        'image/webp',
        'audio/mpeg',
        'audio/mp4',
        'video/mp4',
        'x/unknown',
        undefined,
      ].map(extensionFor),
    ).toEqual(['png', 'jpg', 'webp', 'mp3', 'm4a', 'mp4', 'bin', 'bin']);
  });
});

describe('pngDimensions', () => {
  it.each([
    [1, 1],
    [1024, 1536],
    [70000, 3],
  ])('%ix%i from the IHDR header', (w, h) => {
    // Only the first 24 bytes matter; a tiny real PNG's header is rewritten for the big sizes.
    const png = makePng(1, 1);
    new DataView(png.buffer).setUint32(16, w);
    new DataView(png.buffer).setUint32(20, h);
    expect(pngDimensions(png)).toEqual({ width: w, height: h });
  });
  it('is undefined for non-PNG or short input', () => {
    expect(pngDimensions(new Uint8Array([0xff, 0xd8, 0xff]))).toBeUndefined();
    expect(pngDimensions(makePng(2, 2).subarray(0, 20))).toBeUndefined();
  });
});

describe('file inputs', () => {
  const png = makePng(6, 4);
  it('recognises the three shapes', () => {
    expect(
      [png, new Blob([png]), { data: png }, { data: new Blob([png]) }, 'x', {}, null, { data: 'x' }].map(
        isFileInput,
      ),
    ).toEqual([true, true, true, true, false, false, false, false]);
  });

  it('inspects bytes synchronously and Blobs asynchronously', async () => {
    expect(inspectFileSync(png)).toMatchObject({
      size: png.length,
      contentType: 'image/png',
      width: 6,
      height: 4,
    });
    expect(inspectFileSync(new Blob([png]))).toMatchObject({
      size: png.length,
      contentType: undefined,
      detectedType: undefined,
    });
    expect(await inspectFile(new Blob([png]))).toMatchObject({
      contentType: 'image/png',
      width: 6,
      height: 4,
    });
    const file = new File([png], 'photo.png', { type: 'image/png' });
    expect(await inspectFile(file)).toMatchObject({ filename: 'photo.png', contentType: 'image/png' });
  });

  it.each([
    ['bytes', () => png, 'image.png', 'image/png'],
    ['blob without type', () => new Blob([png]), 'image.png', 'image/png'],
    ['file keeps its name', () => new File([png], 'cat.png'), 'cat.png', 'image/png'],
    [
      'explicit name and type win',
      () => ({ data: png, filename: 'x.bin', contentType: 'application/x-custom' }),
      'x.bin',
      'application/x-custom',
    ],
    ['unknown bytes', () => new Uint8Array([1, 2, 3]), 'image.bin', 'application/octet-stream'],
  ])('toUpload: %s', async (_label, input, filename, type) => {
    const upload = await toUpload(input(), 'image');
    expect(upload.filename).toBe(filename);
    expect(upload.contentType).toBe(type);
    expect(upload.blob.type).toBe(type);
    const original = input();
    const bytes =
      original instanceof Uint8Array
        ? original
        : original instanceof Blob
          ? new Uint8Array(await original.arrayBuffer())
          : (original.data as Uint8Array);
    expect(new Uint8Array(await upload.blob.arrayBuffer())).toEqual(bytes);
  });
});

describe('base64', () => {
  const samples = [0, 1, 2, 3, 4, 5, 100, 4097].map(
    (n) => new Uint8Array(Array.from({ length: n }, (_, i) => (i * 37 + 11) & 255)),
  );
  it.each(samples.map((s) => [s.length, s] as const))(
    'round-trips %i bytes, native and portable',
    (_n, bytes) => {
      const b64 = Buffer.from(bytes).toString('base64');
      expect(decodeBase64(b64)).toEqual(bytes);
      expect(decodeBase64Portable(b64)).toEqual(bytes);
      expect(decodeBase64Portable(Buffer.from(bytes).toString('base64url'))).toEqual(bytes);
      expect(decodeBase64Portable(b64.replace(/(.{10})/g, '$1\n'))).toEqual(bytes);
    },
  );
  it('returns plain Uint8Arrays and rejects junk in the portable decoder', () => {
    expect(Object.getPrototypeOf(decodeBase64('AAAA'))).toBe(Uint8Array.prototype);
    expect(() => decodeBase64Portable('AA*A')).toThrow('invalid base64 character "*" at offset 2');
  });
});
