/**
 * Test media and Azure answers. The answers follow the shapes of Azure's OpenAPI specs; the
 * conformance test checks each one against the response schema of its operation.
 */
import { deflateSync } from 'node:zlib';

function crc32(bytes: Uint8Array): number {
  let crc = ~0;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), Buffer.from(data)]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([len, typed, crc]);
}

/** A real, decodable RGBA PNG of the given size (one flat colour). */
export function makePng(
  width: number,
  height: number,
  rgba: [number, number, number, number] = [200, 40, 40, 255],
): Uint8Array<ArrayBuffer> {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const row = Buffer.alloc(1 + width * 4);
  for (let x = 0; x < width; x++) row.set(rgba, 1 + x * 4);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array()),
  ]);
  return new Uint8Array(png);
}

/** A real PCM WAV file: `seconds` of silence, 8 kHz mono 16-bit. */
export function makeWav(seconds: number): Uint8Array<ArrayBuffer> {
  const rate = 8000;
  const dataBytes = rate * 2 * seconds;
  const b = Buffer.alloc(44 + dataBytes);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + dataBytes, 4);
  b.write('WAVE', 8, 'ascii');
  b.write('fmt ', 12, 'ascii');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(dataBytes, 40);
  return new Uint8Array(b);
}

/** The first bytes of a JPEG (SOI + APP0 JFIF); enough for type detection. */
export const JPEG_HEAD = new Uint8Array([
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01,
]);
export const WEBP_HEAD = new Uint8Array([...Buffer.from('RIFF'), 0x24, 0, 0, 0, ...Buffer.from('WEBPVP8 ')]);
export const GIF_HEAD = new Uint8Array(Buffer.from('GIF89a\x01\x00\x01\x00'));

export const SMALL_PNG = makePng(4, 4);
export const SMALL_PNG_B64 = Buffer.from(SMALL_PNG).toString('base64');

const safe = { filtered: false, severity: 'safe' };
export const CONTENT_FILTER_SAFE = { hate: safe, self_harm: safe, sexual: safe, violence: safe };
export const PROMPT_FILTER_SAFE = {
  ...CONTENT_FILTER_SAFE,
  jailbreak: { filtered: false, detected: false },
  profanity: { filtered: false, detected: false },
};

/** gpt-image-1 answer: base64 images with usage. */
export function gptImageResponse(n = 1, b64 = SMALL_PNG_B64) {
  return {
    created: 1_745_000_000,
    data: Array.from({ length: n }, () => ({
      b64_json: b64,
      content_filter_results: CONTENT_FILTER_SAFE,
      prompt_filter_results: PROMPT_FILTER_SAFE,
    })),
    usage: {
      total_tokens: 4_210,
      input_tokens: 50,
      output_tokens: 4_160,
      input_tokens_details: { text_tokens: 50, image_tokens: 0 },
    },
  };
}

/** DALL-E 3 answer with a URL and a revised prompt. */
export function dalleUrlResponse(url: string) {
  return {
    created: 1_698_116_662,
    data: [
      {
        url,
        revised_prompt: 'A watercolor painting of a lighthouse at dawn, soft light.',
        content_filter_results: CONTENT_FILTER_SAFE,
        prompt_filter_results: PROMPT_FILTER_SAFE,
      },
    ],
  };
}

/** Image error wrapped in `error`, with an inner ResponsibleAIPolicyViolation (content filter). */
export const IMAGE_CONTENT_POLICY_ERROR = {
  error: {
    code: 'content_policy_violation',
    message: 'Your request was rejected as a result of our safety system.',
    param: 'prompt',
    type: 'invalid_request_error',
    inner_error: {
      code: 'ResponsibleAIPolicyViolation',
      content_filter_results: {
        hate: { filtered: false, severity: 'safe' },
        self_harm: { filtered: false, severity: 'safe' },
        sexual: { filtered: false, severity: 'safe' },
        violence: { filtered: true, severity: 'high' },
        jailbreak: { filtered: false, detected: false },
        profanity: { filtered: false, detected: false },
      },
      revised_prompt: 'A dramatic scene of a battle.',
    },
  },
};

/** Top-level `content_filter` code without an inner error. */
export const IMAGE_CONTENT_FILTER_ERROR = {
  error: {
    code: 'content_filter',
    message: 'The response was filtered due to the prompt triggering content management policy.',
    param: 'prompt',
    type: 'invalid_request_error',
  },
};

/** Only the inner code says it was a policy violation. */
export const IMAGE_INNER_ONLY_ERROR = {
  error: {
    code: 'BadRequest',
    message: 'The prompt was blocked.',
    inner_error: {
      code: 'ResponsibleAIPolicyViolation',
      content_filter_results: { sexual: { filtered: true, severity: 'medium' } },
    },
  },
};

/** Video errors are NOT wrapped. */
export const VIDEO_UNWRAPPED_ERROR = {
  code: 'contentFilter',
  message: 'Your prompt was blocked by the content filter.',
  param: 'prompt',
  type: 'invalid_request_error',
  inner_error: {
    code: 'ResponsibleAIPolicyViolation',
    revised_prompt: 'a calmer prompt',
    error_details: { violence: { filtered: true, severity: 'high' } },
  },
};

export const VIDEO_PLAIN_ERROR = {
  code: 'InvalidRequest',
  message: 'n_seconds must be between 1 and 20.',
  param: 'n_seconds',
  type: 'invalid_request_error',
};

/** Azure's answer when the resource is blocked: 403, not a content filter. */
export const RESOURCE_BLOCKED_ERROR = {
  error: {
    code: 'content_filter',
    message: 'This resource has been blocked because of repeated content policy violations.',
    type: 'invalid_request_error',
  },
};

export const BAD_REQUEST_ERROR = {
  error: {
    code: 'invalid_value',
    message:
      "Invalid value: '640x480'. Supported values are: '1024x1024', '1024x1536', '1536x1024', and 'auto'.",
    param: 'size',
    type: 'invalid_request_error',
  },
};

export const UNAUTHORIZED_ERROR = {
  error: {
    code: '401',
    message: 'Access denied due to invalid subscription key or wrong API endpoint.',
  },
};

export const RATE_LIMIT_ERROR = {
  error: {
    code: '429',
    message: 'Requests to the Images_Generations Operation have exceeded call rate limit.',
  },
};

export const NOT_FOUND_ERROR = {
  error: {
    code: 'DeploymentNotFound',
    message: 'The API deployment for this resource does not exist.',
  },
};

/**
 * A fixed clock for tests that call models through the client: 2026-09-01, when whisper,
 * gpt-image-1.5 and gpt-image-2 are current. Lifecycle tests set their own dates.
 */
export const TEST_NOW = Date.parse('2026-09-01T00:00:00Z');
