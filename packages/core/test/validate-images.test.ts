import { describe, expect, it } from 'vitest';
import { getModel, validate, type ModelSpec } from '../src/index.js';
import { GIF_HEAD, JPEG_HEAD, makePng, WEBP_HEAD } from './fixtures.js';

const GPT_IMAGE = ['gpt-image-1', 'gpt-image-1-mini', 'gpt-image-1.5'];
const model = (name: string): ModelSpec => getModel(name)!;

type Row = [string, Record<string, unknown>];
type Rejected = [string, Record<string, unknown>, string, string]; // label, fields, path, message part

const gptAccepted: Row[] = [
  ['minimal', {}],
  ['n 1', { n: 1 }],
  ['n 10', { n: 10 }],
  ...['auto', '1024x1024', '1536x1024', '1024x1536'].map((size): Row => [`size ${size}`, { size }]),
  ...['low', 'medium', 'high', 'auto'].map((quality): Row => [`quality ${quality}`, { quality }]),
  ...['png', 'jpeg', 'webp'].map((f): Row => [`output_format ${f}`, { output_format: f }]),
  ['compression 0 jpeg', { output_format: 'jpeg', output_compression: 0 }],
  ['compression 100 webp', { output_format: 'webp', output_compression: 100 }],
  ...['low', 'auto'].map((m): Row => [`moderation ${m}`, { moderation: m }]),
  ['background opaque jpeg', { background: 'opaque', output_format: 'jpeg' }],
  ['background auto', { background: 'auto' }],
  ['transparent default png', { background: 'transparent' }],
  ['transparent png', { background: 'transparent', output_format: 'png' }],
  ['transparent webp', { background: 'transparent', output_format: 'webp' }],
  ['user', { user: 'u-1' }],
  ['prompt 32000', { prompt: 'a'.repeat(32000) }],
];

const gptRejected: Rejected[] = [
  ['n 0', { n: 0 }, 'n', 'n 0 is out of range for M; use 1 to 10'],
  ['n 11', { n: 11 }, 'n', 'n 11 is out of range for M; use 1 to 10'],
  ['n 1.5', { n: 1.5 }, 'n', 'n must be an integer (got 1.5)'],
  ['n string', { n: '2' }, 'n', 'n must be an integer (got "2")'],
  [
    'size 512',
    { size: '512x512' },
    'size',
    'size "512x512" is not supported by M; use auto, 1024x1024, 1536x1024 or 1024x1536',
  ],
  ['size 1792', { size: '1792x1024' }, 'size', 'size "1792x1024" is not supported by M'],
  [
    'quality hd',
    { quality: 'hd' },
    'quality',
    'quality "hd" is not supported by M; use low, medium, high or auto',
  ],
  [
    'output_format gif',
    { output_format: 'gif' },
    'output_format',
    'output_format "gif" is not supported by M; use png, jpeg or webp',
  ],
  [
    'compression 101',
    { output_format: 'jpeg', output_compression: 101 },
    'output_compression',
    'output_compression 101 is out of range for M; use 0 to 100',
  ],
  ['compression -1', { output_format: 'webp', output_compression: -1 }, 'output_compression', 'out of range'],
  [
    'compression 50.5',
    { output_format: 'webp', output_compression: 50.5 },
    'output_compression',
    'must be an integer',
  ],
  [
    'moderation high',
    { moderation: 'high' },
    'moderation',
    'moderation "high" is not supported by M; use low or auto',
  ],
  ['background clear', { background: 'clear' }, 'background', 'use transparent, opaque or auto'],
  [
    'transparent jpeg',
    { background: 'transparent', output_format: 'jpeg' },
    'background',
    'background "transparent" needs output_format png or webp',
  ],
  [
    'response_format',
    { response_format: 'b64_json' },
    'response_format',
    'response_format is not supported by M',
  ],
  ['style', { style: 'vivid' }, 'style', 'style is not supported by M'],
  [
    'prompt too long',
    { prompt: 'a'.repeat(32001) },
    'prompt',
    'prompt is 32001 characters; M accepts at most 32000',
  ],
  ['prompt empty', { prompt: '' }, 'prompt', 'prompt must not be empty'],
  ['prompt missing', { prompt: undefined }, 'prompt', 'prompt is required'],
  ['prompt number', { prompt: 5 }, 'prompt', 'prompt must be a string (got 5)'],
  ['unknown field', { seed: 1 }, 'seed', 'unknown field "seed"'],
  ['user number', { user: 7 }, 'user', 'user must be a string'],
];

const dalle3Accepted: Row[] = [
  ['minimal', {}],
  ['n 1', { n: 1 }],
  ...['1024x1024', '1792x1024', '1024x1792'].map((size): Row => [`size ${size}`, { size }]),
  ...['standard', 'hd'].map((quality): Row => [`quality ${quality}`, { quality }]),
  ...['vivid', 'natural'].map((style): Row => [`style ${style}`, { style }]),
  ...['url', 'b64_json'].map((f): Row => [`response_format ${f}`, { response_format: f }]),
  ['prompt 4000', { prompt: 'a'.repeat(4000) }],
];
const dalle3Rejected: Rejected[] = [
  ['n 2', { n: 2 }, 'n', 'n 2 is out of range for dall-e-3; use 1'],
  [
    'size 512',
    { size: '512x512' },
    'size',
    'size "512x512" is not supported by dall-e-3; use 1024x1024, 1792x1024 or 1024x1792',
  ],
  ['size auto', { size: 'auto' }, 'size', 'size "auto" is not supported by dall-e-3'],
  [
    'quality high',
    { quality: 'high' },
    'quality',
    'quality "high" is not supported by dall-e-3; use standard or hd',
  ],
  [
    'style bold',
    { style: 'bold' },
    'style',
    'style "bold" is not supported by dall-e-3; use vivid or natural',
  ],
  ['response_format png', { response_format: 'png' }, 'response_format', 'use url or b64_json'],
  ['output_format', { output_format: 'png' }, 'output_format', 'output_format is not supported by dall-e-3'],
  ['background', { background: 'transparent' }, 'background', 'background is not supported by dall-e-3'],
  ['moderation', { moderation: 'low' }, 'moderation', 'moderation is not supported by dall-e-3'],
  [
    'output_compression',
    { output_compression: 5 },
    'output_compression',
    'output_compression is not supported by dall-e-3',
  ],
  [
    'prompt 4001',
    { prompt: 'a'.repeat(4001) },
    'prompt',
    'prompt is 4001 characters; dall-e-3 accepts at most 4000',
  ],
];

const dalle2Accepted: Row[] = [
  ['minimal', {}],
  ['n 10', { n: 10 }],
  ...['256x256', '512x512', '1024x1024'].map((size): Row => [`size ${size}`, { size }]),
  ['quality standard', { quality: 'standard' }],
  ...['url', 'b64_json'].map((f): Row => [`response_format ${f}`, { response_format: f }]),
  ['prompt 1000', { prompt: 'a'.repeat(1000) }],
];
const dalle2Rejected: Rejected[] = [
  ['n 11', { n: 11 }, 'n', 'n 11 is out of range for dall-e-2; use 1 to 10'],
  [
    'size 1792',
    { size: '1792x1024' },
    'size',
    'size "1792x1024" is not supported by dall-e-2; use 256x256, 512x512 or 1024x1024',
  ],
  ['quality hd', { quality: 'hd' }, 'quality', 'quality "hd" is not supported by dall-e-2; use standard'],
  ['style', { style: 'vivid' }, 'style', 'style is not supported by dall-e-2'],
  [
    'prompt 1001',
    { prompt: 'a'.repeat(1001) },
    'prompt',
    'prompt is 1001 characters; dall-e-2 accepts at most 1000',
  ],
];

const generateCases: [string[], Row[], Rejected[]][] = [
  [GPT_IMAGE, gptAccepted, gptRejected],
  [['dall-e-3'], dalle3Accepted, dalle3Rejected],
  [['dall-e-2'], dalle2Accepted, dalle2Rejected],
];

describe('validate.imageGenerate', () => {
  for (const [names, accepted, rejected] of generateCases) {
    for (const name of names) {
      describe(name, () => {
        it.each(accepted)('accepts %s', (_label, fields) => {
          expect(validate.imageGenerate({ model: 'dep', prompt: 'a cat', ...fields }, model(name))).toEqual(
            [],
          );
        });
        it.each(rejected)('rejects %s', (_label, fields, path, message) => {
          const issues = validate.imageGenerate({ model: 'dep', prompt: 'a cat', ...fields }, model(name));
          expect(issues).toHaveLength(1);
          expect(issues[0]!.path).toBe(path);
          expect(issues[0]!.message).toContain(message.replace(/\bM\b/g, name));
        });
      });
    }
  }

  it('reports every issue at once with codes and allowed values', () => {
    const issues = validate.imageGenerate(
      { model: 'dep', prompt: '', n: 3, size: '1x1', quality: 'ultra', extra: true },
      model('dall-e-3'),
    );
    expect(issues.map((i) => [i.path, i.code])).toEqual([
      ['extra', 'unknown_field'],
      ['prompt', 'empty'],
      ['n', 'out_of_range'],
      ['size', 'not_allowed'],
      ['quality', 'not_allowed'],
    ]);
    expect(issues.find((i) => i.path === 'size')!.allowed).toEqual(['1024x1024', '1792x1024', '1024x1792']);
  });

  it('runs generic checks only without a model', () => {
    expect(validate.imageGenerate({ model: 'x', prompt: 'p', size: 'anything', style: 'whatever' })).toEqual(
      [],
    );
    const issues = validate.imageGenerate({ prompt: 'p', n: 2.5, bogus: 1 });
    expect(issues.map((i) => i.path).sort()).toEqual(['bogus', 'model', 'n']);
    expect(validate.imageGenerate({ model: 'x', prompt: 'p', n: 0 })[0]!.message).toContain(
      'n 0 is out of range',
    );
  });

  it('a field named like an inherited property is unknown, with or without a model', () => {
    for (const key of ['toString', 'constructor', 'hasOwnProperty']) {
      for (const m of [undefined, model('gpt-image-2')]) {
        const issues = validate.imageGenerate({ model: 'x', prompt: 'p', [key]: 'x' }, m);
        expect(issues.map((i) => [i.path, i.code])).toEqual([[key, 'unknown_field']]);
      }
    }
  });

  it('rejects a non-image model and a non-object request', () => {
    const issues = validate.imageGenerate({ model: 'x', prompt: 'p' }, model('sora'));
    expect(issues[0]).toMatchObject({ path: 'model', code: 'wrong_model' });
    expect(issues[0]!.message).toContain('sora is a video model');
    expect(validate.imageGenerate(null)[0]!.message).toBe('request must be an object (got null)');
  });
});

const png = (w: number, h: number) => makePng(w, h);
const big = (bytes: number, head: Uint8Array = png(2, 2)) => {
  const out = new Uint8Array(bytes);
  out.set(head);
  return out;
};

describe('validate.imageEdit', () => {
  describe.each(GPT_IMAGE)('%s', (name) => {
    const m = () => model(name);
    it.each<Row>([
      ['one png', { image: png(8, 8) }],
      ['jpeg', { image: JPEG_HEAD }],
      ['webp', { image: WEBP_HEAD }],
      ['16 images', { image: Array.from({ length: 16 }, () => png(2, 2)) }],
      ['non-square', { image: png(16, 8) }],
      ['mask same size', { image: png(8, 8), mask: png(8, 8) }],
      ['object input', { image: { data: png(8, 8), filename: 'a.png' } }],
      [
        'declared type on opaque bytes',
        { image: { data: new Uint8Array([1, 2, 3]), contentType: 'image/png' } },
      ],
      [
        'fields',
        {
          n: 2,
          size: '1536x1024',
          quality: 'high',
          output_format: 'webp',
          output_compression: 80,
          background: 'transparent',
          user: 'u',
        },
      ],
    ])('accepts %s', (_label, fields) => {
      expect(validate.imageEdit({ model: 'dep', prompt: 'edit', image: png(4, 4), ...fields }, m())).toEqual(
        [],
      );
    });
    it.each<Rejected>([
      [
        '17 images',
        { image: Array.from({ length: 17 }, () => png(2, 2)) },
        'image',
        'image has 17 files; M accepts at most 16',
      ],
      [
        'gif',
        { image: GIF_HEAD },
        'image',
        'image is image/gif; M accepts image/png, image/jpeg or image/webp',
      ],
      ['gif in list', { image: [png(2, 2), GIF_HEAD] }, 'image[1]', 'image[1] is image/gif'],
      ['unrecognised', { image: new Uint8Array([1, 2, 3]) }, 'image', 'image is not a recognisable image'],
      [
        'bytes beat declared type',
        { image: { data: GIF_HEAD, contentType: 'image/png' } },
        'image',
        'image is image/gif',
      ],
      [
        'too large',
        { image: big(50 * 1024 * 1024 + 1) },
        'image',
        'image is 50 MB; M accepts images up to 50 MB',
      ],
      [
        'not a file',
        { image: 'cat.png' },
        'image',
        'image must be a Uint8Array, a Blob or { data, filename?, contentType? } (got "cat.png")',
      ],
      ['empty list', { image: [] }, 'image', 'image must not be empty'],
      ['mask jpeg', { mask: JPEG_HEAD }, 'mask', 'mask is image/jpeg; M needs a image/png mask'],
      [
        'mask size',
        { image: png(8, 8), mask: png(8, 4) },
        'mask',
        'mask is 8x4 but image is 8x8; the mask must have the same width and height',
      ],
      [
        'mask vs first of many',
        { image: [png(8, 8), png(4, 4)], mask: png(4, 4) },
        'mask',
        'but image[0] is 8x8',
      ],
      [
        'mask too large',
        { mask: big(4 * 1024 * 1024 + 1, png(4, 4)) },
        'mask',
        'mask is 4 MB; M accepts masks up to 4 MB',
      ],
      ['moderation', { moderation: 'low' }, 'moderation', 'unknown field "moderation"'],
      [
        'response_format',
        { response_format: 'url' },
        'response_format',
        'response_format is not supported by M',
      ],
      ['size', { size: '256x256' }, 'size', 'size "256x256" is not supported by M'],
      [
        'transparent jpeg',
        { background: 'transparent', output_format: 'jpeg' },
        'background',
        'needs output_format png or webp',
      ],
      ['n 11', { n: 11 }, 'n', 'n 11 is out of range for M'],
    ])('rejects %s', (_label, fields, path, message) => {
      const issues = validate.imageEdit({ model: 'dep', prompt: 'edit', image: png(4, 4), ...fields }, m());
      expect(issues).toHaveLength(1);
      expect(issues[0]!.path).toBe(path);
      expect(issues[0]!.message).toContain(message.replace(/\bM\b/g, name));
    });
  });

  describe('dall-e-2', () => {
    const m = () => model('dall-e-2');
    it.each<Row>([
      ['square png', { image: png(16, 16) }],
      ['with mask', { image: png(16, 16), mask: png(16, 16) }],
      ['fields', { n: 3, size: '512x512', response_format: 'b64_json', user: 'u' }],
      // Azure's edit request takes `quality`, and standard is DALL-E 2's one quality.
      ['quality standard', { quality: 'standard' }],
      ['just under 4 MB', { image: big(4 * 1024 * 1024 - 1, png(4, 4)) }],
    ])('accepts %s', (_label, fields) => {
      expect(validate.imageEdit({ model: 'dep', prompt: 'edit', image: png(4, 4), ...fields }, m())).toEqual(
        [],
      );
    });
    it.each<Rejected>([
      [
        'two images',
        { image: [png(4, 4), png(4, 4)] },
        'image',
        'image has 2 files; dall-e-2 accepts at most 1',
      ],
      ['jpeg', { image: JPEG_HEAD }, 'image', 'image is image/jpeg; dall-e-2 accepts image/png'],
      ['not square', { image: png(16, 8) }, 'image', 'image is 16x8; dall-e-2 needs a square image'],
      [
        'over 4 MB',
        { image: big(4 * 1024 * 1024 + 1, png(4, 4)) },
        'image',
        'image is 4 MB; dall-e-2 accepts images up to 4 MB',
      ],
      ['quality hd', { quality: 'hd' }, 'quality', 'quality "hd" is not supported by dall-e-2; use standard'],
      [
        'output_format',
        { output_format: 'png' },
        'output_format',
        'output_format is not supported by dall-e-2',
      ],
      ['size', { size: '1792x1024' }, 'size', 'size "1792x1024" is not supported by dall-e-2'],
    ])('rejects %s', (_label, fields, path, message) => {
      const issues = validate.imageEdit({ model: 'dep', prompt: 'edit', image: png(4, 4), ...fields }, m());
      expect(issues).toHaveLength(1);
      expect(issues[0]!.path).toBe(path);
      expect(issues[0]!.message).toContain(message);
    });
  });

  it('says dall-e-3 has no edits', () => {
    const issues = validate.imageEdit({ model: 'dep', prompt: 'edit', image: png(4, 4) }, model('dall-e-3'));
    expect(issues).toEqual([expect.objectContaining({ path: 'model', code: 'unsupported_operation' })]);
    expect(issues[0]!.message).toBe('dall-e-3 does not support image edits');
  });

  it('checks only the shape without a model, and requires image', () => {
    expect(validate.imageEdit({ model: 'dep', prompt: 'edit', image: GIF_HEAD, size: 'any' })).toEqual([]);
    expect(validate.imageEdit({ model: 'dep', prompt: 'edit' }).map((i) => i.message)).toEqual([
      'image is required',
    ]);
  });

  it('uses facts read ahead for Blobs', () => {
    const blob = new Blob([png(8, 8)]);
    const maskBlob = new Blob([png(4, 4)]);
    // Without facts a Blob's bytes are unknown, so neither its type nor its size can be judged.
    expect(
      validate.imageEdit({ model: 'd', prompt: 'p', image: blob, mask: maskBlob }, model('gpt-image-1'))[0]!
        .code,
    ).toBe('unknown_type');
    const facts = {
      image: [
        {
          size: blob.size,
          contentType: 'image/png',
          detectedType: 'image/png',
          filename: undefined,
          width: 8,
          height: 8,
        },
      ],
      mask: {
        size: maskBlob.size,
        contentType: 'image/png',
        detectedType: 'image/png',
        filename: undefined,
        width: 4,
        height: 4,
      },
    };
    const issues = validate.imageEdit(
      { model: 'd', prompt: 'p', image: blob, mask: maskBlob },
      model('gpt-image-1'),
      facts,
    );
    expect(issues.map((i) => i.code)).toEqual(['size_mismatch']);
  });
});
