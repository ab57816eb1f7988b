/**
 * File inputs: what callers may pass, how it becomes a multipart part, and what the bytes are.
 * Content types are recognised from magic bytes so callers need not say what they upload.
 */

export type FileInput =
  Uint8Array | Blob | { data: Uint8Array | Blob; filename?: string; contentType?: string };

/** A file ready for FormData. */
export interface Upload {
  blob: Blob;
  filename: string;
  contentType: string;
}

/** What can be known about a file without decoding it; validators read this. */
export interface FileFacts {
  size: number;
  /** The caller's content type, else the one recognised from the bytes, else the Blob's type. */
  contentType: string | undefined;
  /** What the magic bytes say, when the first bytes were available. */
  detectedType: string | undefined;
  filename: string | undefined;
  /** From the PNG header, when the file is a PNG. */
  width?: number;
  height?: number;
}

/** Bytes needed from the start of a file to recognise it and read a PNG's size. */
export const HEAD_BYTES = 64;

const EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'audio/wav': 'wav',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/ogg': 'ogg',
  'audio/flac': 'flac',
  'video/mp4': 'mp4',
  'video/webm': 'webm',
  'video/quicktime': 'mov',
};

/** The usual file extension for a content type (`bin` when unknown). */
export function extensionFor(contentType: string | undefined): string {
  if (!contentType) return 'bin';
  return EXTENSIONS[contentType.split(';')[0]!.trim().toLowerCase()] ?? 'bin';
}

function ascii(bytes: Uint8Array, offset: number, text: string): boolean {
  if (bytes.length < offset + text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[offset + i] !== text.charCodeAt(i)) return false;
  return true;
}

function contains(bytes: Uint8Array, text: string, limit: number): boolean {
  const end = Math.min(bytes.length, limit) - text.length;
  for (let i = 0; i <= end; i++) if (ascii(bytes, i, text)) return true;
  return false;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Recognise a file from its first bytes. Undefined when it is none of the media types we use. */
export function detectContentType(bytes: Uint8Array): string | undefined {
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (ascii(bytes, 0, 'GIF87a') || ascii(bytes, 0, 'GIF89a')) return 'image/gif';
  if (ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WEBP')) return 'image/webp';
  if (ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WAVE')) return 'audio/wav';
  if (ascii(bytes, 0, 'fLaC')) return 'audio/flac';
  if (ascii(bytes, 0, 'OggS')) return 'audio/ogg';
  if (ascii(bytes, 4, 'ftyp')) {
    if (ascii(bytes, 8, 'M4A ') || ascii(bytes, 8, 'M4B ') || ascii(bytes, 8, 'M4P ')) return 'audio/mp4';
    if (ascii(bytes, 8, 'qt  ')) return 'video/quicktime';
    return 'video/mp4';
  }
  if (bytes.length >= 4 && bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) {
    // Matroska and WebM share the EBML header; WebM names itself in the DocType.
    return contains(bytes, 'webm', HEAD_BYTES) ? 'video/webm' : 'video/x-matroska';
  }
  if (ascii(bytes, 0, 'ID3')) return 'audio/mpeg';
  // An MPEG audio frame starts with 11 set sync bits.
  if (bytes.length >= 2 && bytes[0] === 0xff && (bytes[1]! & 0xe0) === 0xe0) return 'audio/mpeg';
  return undefined;
}

/** Width and height from a PNG's IHDR chunk, or undefined when the bytes are not a PNG header. */
export function pngDimensions(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (bytes.length < 24 || detectContentType(bytes) !== 'image/png' || !ascii(bytes, 12, 'IHDR'))
    return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

function isBlob(value: unknown): value is Blob {
  return typeof Blob !== 'undefined' && value instanceof Blob;
}

/** Whether a value has one of the accepted FileInput shapes. */
export function isFileInput(value: unknown): value is FileInput {
  if (value instanceof Uint8Array || isBlob(value)) return true;
  if (!value || typeof value !== 'object') return false;
  const data = (value as { data?: unknown }).data;
  return data instanceof Uint8Array || isBlob(data);
}

function parts(input: FileInput): {
  data: Uint8Array | Blob;
  filename?: string | undefined;
  contentType?: string | undefined;
} {
  if (input instanceof Uint8Array || isBlob(input)) {
    const name = isBlob(input) ? (input as { name?: unknown }).name : undefined;
    return { data: input, filename: typeof name === 'string' && name !== '' ? name : undefined };
  }
  const name = isBlob(input.data) ? (input.data as { name?: unknown }).name : undefined;
  return {
    data: input.data,
    filename: input.filename ?? (typeof name === 'string' && name !== '' ? name : undefined),
    contentType: input.contentType,
  };
}

function facts(
  data: Uint8Array | Blob,
  head: Uint8Array | undefined,
  filename: string | undefined,
  declared: string | undefined,
): FileFacts {
  const detectedType = head ? detectContentType(head) : undefined;
  const blobType = isBlob(data) && data.type !== '' ? data.type : undefined;
  const result: FileFacts = {
    size: data instanceof Uint8Array ? data.byteLength : data.size,
    contentType: declared ?? detectedType ?? blobType,
    detectedType,
    filename,
  };
  const dims = head ? pngDimensions(head) : undefined;
  if (dims) {
    result.width = dims.width;
    result.height = dims.height;
  }
  return result;
}

/** What can be known synchronously: everything for bytes; size and declared type for a Blob. */
export function inspectFileSync(input: FileInput): FileFacts {
  const p = parts(input);
  return facts(
    p.data,
    p.data instanceof Uint8Array ? p.data.subarray(0, HEAD_BYTES) : undefined,
    p.filename,
    p.contentType,
  );
}

/** Like inspectFileSync, but also reads the first bytes of a Blob. */
export async function inspectFile(input: FileInput): Promise<FileFacts> {
  const p = parts(input);
  const head =
    p.data instanceof Uint8Array
      ? p.data.subarray(0, HEAD_BYTES)
      : new Uint8Array(await p.data.slice(0, HEAD_BYTES).arrayBuffer());
  return facts(p.data, head, p.filename, p.contentType);
}

/**
 * Turn any FileInput into a Blob with a filename and content type for FormData. Bytes are not
 * copied; a Blob is re-labelled only when its type is missing or different.
 */
export async function toUpload(input: FileInput, stem = 'file'): Promise<Upload> {
  return uploadWith(input, await inspectFile(input), stem);
}

/**
 * The same without reading anything: the content type comes from `facts` (read ahead with
 * inspectFile), else from what is known synchronously.
 */
export function uploadWith(input: FileInput, facts: FileFacts | undefined, stem = 'file'): Upload {
  const p = parts(input);
  const f = facts ?? inspectFileSync(input);
  const contentType = f.contentType ?? 'application/octet-stream';
  const blob =
    p.data instanceof Uint8Array
      ? new Blob([p.data as Uint8Array<ArrayBuffer>], { type: contentType })
      : p.data.type === contentType
        ? p.data
        : p.data.slice(0, p.data.size, contentType);
  return { blob, filename: p.filename ?? `${stem}.${extensionFor(contentType)}`, contentType };
}
