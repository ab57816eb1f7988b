/**
 * Base64 decoding for image payloads. Uses the runtime's native decoder when there is one and a
 * table-driven decoder otherwise, so core still runs in any fetch runtime.
 */
import { nativeDecodeBase64 } from './platform.js';

const INVALID = 255;
const PAD = 254;
const SKIP = 253;
const LOOKUP = (() => {
  const table = new Uint8Array(256).fill(INVALID);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  // URL-safe alphabet decodes to the same bytes.
  table['-'.charCodeAt(0)] = 62;
  table['_'.charCodeAt(0)] = 63;
  table['='.charCodeAt(0)] = PAD;
  for (const ws of ' \t\r\n') table[ws.charCodeAt(0)] = SKIP;
  return table;
})();

/** Decode without any native helper. Throws on characters outside the base64 alphabets. */
export function decodeBase64Portable(input: string): Uint8Array {
  const out = new Uint8Array(Math.floor((input.length * 3) / 4) + 3);
  let written = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < input.length; i++) {
    const code = input.charCodeAt(i);
    const value = code < 256 ? LOOKUP[code]! : INVALID;
    if (value < 64) {
      acc = ((acc << 6) | value) & 0xffffff;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out[written++] = (acc >> bits) & 0xff;
      }
    } else if (value === PAD) {
      break;
    } else if (value !== SKIP) {
      throw new TypeError(`invalid base64 character ${JSON.stringify(input[i])} at offset ${i}`);
    }
  }
  return out.subarray(0, written);
}

/**
 * Decode base64 (standard or URL-safe) to bytes. The result is a plain Uint8Array view, never a
 * runtime-specific subclass, so callers see one type whatever the runtime.
 */
export function decodeBase64(input: string): Uint8Array {
  return nativeDecodeBase64(input) ?? decodeBase64Portable(input);
}
