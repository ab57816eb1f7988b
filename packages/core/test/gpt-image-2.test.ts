/**
 * gpt-image-2's free sizes on their boundaries (multiples of 16, 3:1 both ways, the pixel floor and
 * ceiling, the disputed 3840 px edge), and its generate and edit calls as they reach the wire.
 */
import { describe, expect, it } from 'vitest';
import {
  AzureOpenAIMedia,
  checkFreeSize,
  checkRequest,
  getModel,
  validate,
  type ImageModel,
} from '../src/index.js';
import { capturingFetch, jsonResponse } from './capture.js';
import { formToObject } from './spec.js';
import { gptImageResponse, makePng, TEST_NOW, WEBP_HEAD } from './fixtures.js';

const model = getModel('gpt-image-2') as ImageModel;
const rule = model.freeSize!;

function sizeCheck(size: string) {
  const { errors, warnings } = checkRequest('images.generate', { model: 'd', prompt: 'p', size }, model);
  return {
    errors: errors.map((e) => e.code),
    warnings: warnings.map((w) => w.code),
  };
}

describe('gpt-image-2 size rules', () => {
  it('the rule is the one Azure documents', () => {
    expect(rule).toEqual({
      multipleOf: 16,
      maxAspectRatio: 3,
      minPixels: 655_360,
      maxPixels: 8_294_400,
      maxEdge: 3840,
      maxEdgeDisputed: true,
    });
  });

  it.each([
    ['auto'],
    ['1024x1024'],
    ['2048x1152'],
    ['1152x2048'],
    ['1024x1040'], // an edge one step of 16 off a preset
    ['3072x1024'], // exactly 3:1
    ['1024x3072'], // exactly 1:3
    ['1280x512'], // exactly 655,360 pixels (2.5:1)
    ['1024x640'], // exactly 655,360 pixels
    ['3200x2592'], // exactly 8,294,400 pixels, edges below 3840
    ['3824x1280'], // the longest edge every source allows
  ])('accepts %s without a word', (size) => {
    expect(sizeCheck(size)).toEqual({ errors: [], warnings: [] });
  });

  it.each([
    ['1024x1030', 'both edges must be multiples of 16'],
    ['1030x1024', 'both edges must be multiples of 16'],
    ['3088x1024', 'the long edge may be at most 3 times the short edge'], // 3.016:1
    ['1024x3088', 'the long edge may be at most 3 times the short edge'], // 1:3.016
    ['1264x512', 'the total pixel count (647168) must be 655360 to 8294400'], // just under the floor
    ['1008x640', 'the total pixel count (645120) must be 655360 to 8294400'],
    ['3216x2592', 'the total pixel count (8335872) must be 655360 to 8294400'], // just over the ceiling
    ['3856x1296', 'the long edge may be at most 3840 px'],
    ['2048X1152', 'it is not WIDTHxHEIGHT in pixels'],
    ['0x1024', 'it is not WIDTHxHEIGHT in pixels'],
    ['big', 'it is not WIDTHxHEIGHT in pixels'],
  ])('refuses %s: %s', (size, reason) => {
    expect(checkFreeSize(rule, size).problems).toContain(reason);
    const [issue] = validate.imageGenerate({ model: 'd', prompt: 'p', size }, model);
    expect(issue).toMatchObject({ path: 'size', code: 'invalid_size' });
    expect(issue!.message).toContain(`size "${size}" is not valid for gpt-image-2: ${reason}`);
    expect(issue!.message).toContain('Use "auto" or WIDTHxHEIGHT with both edges multiples of 16');
  });

  it('names every broken rule at once', () => {
    expect(checkFreeSize(rule, '4000x1000').problems).toEqual([
      'both edges must be multiples of 16',
      'the long edge may be at most 3 times the short edge',
      'the long edge may be at most 3840 px',
    ]);
  });

  it('a 3840 px edge is sent with a warning: the sources disagree on it', () => {
    for (const size of ['3840x2160', '2160x3840', '3840x1280']) {
      expect(sizeCheck(size)).toEqual({ errors: [], warnings: ['disputed_size'] });
    }
    const { warnings } = checkRequest(
      'images.generate',
      { model: 'd', prompt: 'p', size: '3840x2160' },
      model,
    );
    expect(warnings[0]!.message).toContain(
      "Azure's how-to allows up to 3840 px, the Azure catalog says below 3840 px",
    );
  });

  it('the fixed-size models still take only their sizes', () => {
    const [issue] = validate.imageGenerate(
      { model: 'd', prompt: 'p', size: '2048x1152' },
      getModel('gpt-image-1.5'),
    );
    expect(issue).toMatchObject({ path: 'size', code: 'not_allowed' });
  });
});

describe('gpt-image-2 calls', () => {
  function client() {
    const capture = capturingFetch(() => jsonResponse(200, gptImageResponse()));
    const c = new AzureOpenAIMedia({
      endpoint: 'https://r.openai.azure.com',
      auth: { apiKey: 'k' },
      fetch: capture.fetch,
      now: () => TEST_NOW,
    });
    return { client: c, calls: capture.calls };
  }

  it('generates a free size on the v1 path without api-version', async () => {
    const { client: c, calls } = client();
    const result = await c.images.generate({ model: 'gpt-image-2', prompt: 'a skyline', size: '2048x1152' });
    expect(result.warnings).toEqual([]);
    expect(calls[0]!.url).toBe('https://r.openai.azure.com/openai/v1/images/generations');
    expect(calls[0]!.body).toEqual({ model: 'gpt-image-2', prompt: 'a skyline', size: '2048x1152' });
  });

  it('refuses an invalid size before sending', async () => {
    const { client: c, calls } = client();
    await expect(c.images.generate({ model: 'gpt-image-2', prompt: 'x', size: '1000x1000' })).rejects.toThrow(
      'both edges must be multiples of 16',
    );
    expect(calls).toHaveLength(0);
  });

  it('edits up to 16 images with a mask on the first; 17 are refused', async () => {
    const { client: c, calls } = client();
    const images = Array.from({ length: 16 }, () => makePng(64, 64));
    await c.images.edit({
      model: 'gpt-image-2',
      prompt: 'blend',
      image: images,
      mask: makePng(64, 64),
      size: '1536x1024',
      input_fidelity: 'high',
    });
    const form = formToObject(calls[0]!.rawBody as FormData);
    expect((form.image as string[]).length).toBe(16);
    expect(form).toMatchObject({
      model: 'gpt-image-2',
      mask: expect.stringContaining('binary'),
      size: '1536x1024',
    });
    await expect(
      c.images.edit({ model: 'gpt-image-2', prompt: 'x', image: [...images, makePng(64, 64)] }),
    ).rejects.toThrow('image has 17 files; gpt-image-2 accepts at most 16');
    expect(calls).toHaveLength(1);
  });

  it('input_fidelity and webp inputs go with warnings saying why', async () => {
    const { client: c, calls } = client();
    const result = await c.images.edit({
      model: 'gpt-image-2',
      prompt: 'x',
      image: [makePng(8, 8), WEBP_HEAD],
      input_fidelity: 'low',
    });
    expect(calls).toHaveLength(1);
    expect(result.warnings.map((w) => `${w.path}:${w.code}`)).toEqual([
      'input_fidelity:disputed',
      'image[1]:unconfirmed_type',
    ]);
  });

  it('streams with a warning: the Responses tool with gpt-image-2 is unconfirmed on Azure', () => {
    const { warnings, errors } = checkRequest(
      'images.stream',
      { model: 'd', prompt: 'p', size: '2048x1152', partial_images: 2 },
      model,
    );
    expect(errors).toEqual([]);
    expect(warnings.map((w) => `${w.path}:${w.code}`)).toEqual(['model:disputed']);
  });
});
