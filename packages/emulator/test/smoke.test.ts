import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64, harness, type Harness } from './helpers.js';

describe('emulator smoke', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(() => h.emu.close());

  it('generates a dall-e-2 PNG of the requested size', async () => {
    const r = await h.post('/openai/v1/images/generations', { model: 'dall-e-2', prompt: 'a cat', size: '256x256', response_format: 'b64_json' });
    expect(r.status).toBe(200);
    const meta = await sharp(b64(r.json.data[0].b64_json)).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 256, 256]);
  });
});
