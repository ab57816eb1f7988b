// What core's benchmarks send and what the stub answers, shared by the load generator and the server.
import { randomBytes } from 'node:crypto';

export const VIDEO_BYTES = 200 * 1024 * 1024;
/** A download that loads and warms a client's code before the measured one. */
export const SMALL_VIDEO_BYTES = 4 * 1024 * 1024;
export const KEY = 'bench-key';
export const IMAGE_REQUEST = { model: 'gpt-image-2', prompt: 'a fox', size: '1024x1024', quality: 'low' };
export const IMAGE_BYTES = 2048;

const png = randomBytes(IMAGE_BYTES);
png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
export const IMAGE_ANSWER = JSON.stringify({
  created: 1_745_000_000,
  data: [{ b64_json: png.toString('base64'), content_filter_results: {}, prompt_filter_results: {} }],
  usage: {
    total_tokens: 10,
    input_tokens: 5,
    output_tokens: 5,
    input_tokens_details: { text_tokens: 5, image_tokens: 0 },
  },
});
