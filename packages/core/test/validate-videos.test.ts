import { describe, expect, it } from 'vitest';
import { checkRequest, getModel, validate, videoSizeLimit, type VideoModel } from '../src/index.js';
import { makePng, JPEG_HEAD } from './fixtures.js';

const sora = getModel('sora') as VideoModel;
const sora2 = getModel('sora-2') as VideoModel;
const base = { model: 'sora', prompt: 'a fox in snow', width: 480, height: 480 };

function codes(request: unknown, model = sora as unknown) {
  return validate.videoJob(request, model as VideoModel).map((i) => `${i.path}:${i.code}`);
}

describe('validate.videoJob (Sora 1)', () => {
  it.each(sora.sizes)('accepts size %s', (size) => {
    const [width, height] = size.split('x').map(Number);
    expect(validate.videoJob({ ...base, width, height }, sora)).toEqual([]);
  });

  it.each([
    [1000, 480],
    [480, 720],
    [1920, 1920],
    [1024, 1024],
  ])('rejects %ix%i naming every allowed size', (width, height) => {
    const [issue] = validate.videoJob({ ...base, width, height }, sora);
    expect(issue!.message).toBe(
      `width x height ${width}x${height} is not supported by sora; use ${sora.sizes.slice(0, -1).join(', ')} or ${sora.sizes.at(-1)}`,
    );
  });

  it('n_seconds: the whole range at small sizes, errors outside it', () => {
    const range = sora.seconds as { min: number; max: number };
    expect(validate.videoJob({ ...base, n_seconds: range.min }, sora)).toEqual([]);
    expect(validate.videoJob({ ...base, n_seconds: range.max }, sora)).toEqual([]);
    expect(codes({ ...base, n_seconds: range.max + 1 })).toEqual(['n_seconds:out_of_range']);
    expect(codes({ ...base, n_seconds: 0 })).toEqual(['n_seconds:out_of_range']);
    expect(codes({ ...base, n_seconds: 2.5 })).toEqual(['n_seconds:not_integer']);
    expect(codes({ ...base, n_seconds: '5' })).toEqual(['n_seconds:invalid_type']);
  });

  it('n_seconds and n_variants at 1080p follow the size limit in the table', () => {
    const limit = videoSizeLimit(sora, '1920x1080')!;
    expect(limit.source).toMatch(/Azure/);
    const hd = { ...base, width: 1920, height: 1080 };
    expect(
      validate.videoJob({ ...hd, n_seconds: limit.maxSeconds, n_variants: limit.maxVariants }, sora),
    ).toEqual([]);
    const issues = validate.videoJob(
      { ...hd, n_seconds: limit.maxSeconds + 1, n_variants: limit.maxVariants + 1 },
      sora,
    );
    expect(issues.map((i) => i.message)).toEqual([
      `n_seconds ${limit.maxSeconds + 1} is out of range for sora at 1920x1080; use 1 to ${limit.maxSeconds}`,
      `n_variants ${limit.maxVariants + 1} is out of range for sora at 1920x1080; use ${limit.maxVariants === 1 ? '1' : `1 to ${limit.maxVariants}`}`,
    ]);
    // The portrait form has the same limits.
    expect(codes({ ...base, width: 1080, height: 1920, n_seconds: limit.maxSeconds + 1 })).toEqual([
      'n_seconds:out_of_range',
    ]);
  });

  it('n_variants: fewer at 1080x1080 than at small sizes', () => {
    const limit = videoSizeLimit(sora, '1080x1080')!;
    expect(validate.videoJob({ ...base, n_variants: sora.variants.max }, sora)).toEqual([]);
    expect(codes({ ...base, n_variants: sora.variants.max + 1 })).toEqual(['n_variants:out_of_range']);
    expect(codes({ ...base, width: 1080, height: 1080, n_variants: limit.maxVariants + 1 })).toEqual([
      'n_variants:out_of_range',
    ]);
    expect(
      validate.videoJob({ ...base, width: 1080, height: 1080, n_variants: limit.maxVariants }, sora),
    ).toEqual([]);
  });

  it('requires model, prompt, width and height; reports unknown fields; caps the prompt', () => {
    expect(codes({ prompt: ' ', foo: 1 })).toEqual([
      'foo:unknown_field',
      'model:required',
      'prompt:empty',
      'width:required',
      'height:required',
    ]);
    expect(codes({ ...base, prompt: 'x'.repeat(sora.promptMaxLength + 1) })).toEqual(['prompt:too_long']);
    expect(codes('not an object')).toEqual(['request:invalid_type']);
  });

  it('without a model, only the generic checks run', () => {
    expect(validate.videoJob({ ...base, width: 1000, n_seconds: 99 })).toEqual([]);
    expect(validate.videoJob({ ...base, n_seconds: 0 }).map((i) => i.path)).toEqual(['n_seconds']);
  });

  describe('media and inpaint items', () => {
    const png = makePng(8, 8);
    const withMedia = (extra: Record<string, unknown>) => ({ ...base, files: [png], ...extra });

    it('accepts items that name attached files inside the video', () => {
      const frames = sora.defaultSeconds * sora.framesPerSecond;
      expect(
        validate.videoJob(
          withMedia({
            files: [png, { data: JPEG_HEAD, filename: 'b.jpg' }],
            inpaint_items: [
              { frame_index: 0, type: 'image', file_name: 'file-0.png' },
              {
                frame_index: frames - 1,
                type: 'image',
                file_name: 'b.jpg',
                crop_bounds: {
                  left_fraction: 0,
                  top_fraction: 0.25,
                  right_fraction: 1,
                  bottom_fraction: 0.75,
                },
              },
            ],
          }),
          sora,
        ),
      ).toEqual([]);
    });

    it.each([
      [
        { frame_index: 1.5, type: 'image', file_name: 'file-0.png' },
        'inpaint_items[0].frame_index:invalid_frame',
      ],
      [{ frame_index: 0, type: 'audio', file_name: 'file-0.png' }, 'inpaint_items[0].type:not_allowed'],
      [{ frame_index: 0, type: 'video', file_name: 'file-0.png' }, 'inpaint_items[0].type:type_mismatch'],
      [{ frame_index: 0, type: 'image', file_name: 'x.png' }, 'inpaint_items[0].file_name:no_such_file'],
      [{ frame_index: 0, type: 'image' }, 'inpaint_items[0].file_name:required'],
      [
        { frame_index: 0, type: 'image', file_name: 'file-0.png', extra: true },
        'inpaint_items[0].extra:unknown_field',
      ],
      [
        { frame_index: 0, type: 'image', file_name: 'file-0.png', crop_bounds: { left_fraction: -0.1 } },
        'inpaint_items[0].crop_bounds.left_fraction:out_of_range',
      ],
      [
        {
          frame_index: 0,
          type: 'image',
          file_name: 'file-0.png',
          crop_bounds: { top_fraction: 0.5, bottom_fraction: 0.5 },
        },
        'inpaint_items[0].crop_bounds.top_fraction:empty_crop',
      ],
      [
        { frame_index: 0, type: 'image', file_name: 'file-0.png', crop_bounds: { right_fraction: 0 } },
        'inpaint_items[0].crop_bounds.left_fraction:empty_crop',
      ],
      [
        { frame_index: 0, type: 'image', file_name: 'file-0.png', crop_bounds: { right_fraction: '1' } },
        'inpaint_items[0].crop_bounds.right_fraction:invalid_type',
      ],
    ])('rejects %j', (item, expected) => {
      expect(codes(withMedia({ inpaint_items: [item] }))).toEqual([expected]);
    });

    it('frame limits follow n_seconds, as a warning (the frame rate is an assumption, not an Azure fact)', () => {
      const frames = 2 * sora.framesPerSecond;
      const late = withMedia({
        n_seconds: 2,
        inpaint_items: [{ frame_index: frames, type: 'image', file_name: 'file-0.png' }],
      });
      expect(codes(late)).toEqual([]);
      const { errors, warnings } = checkRequest('videos.create', late, sora);
      expect(errors).toEqual([]);
      expect(warnings.map((i) => `${i.path}:${i.code}:${i.severity}`)).toEqual([
        'inpaint_items[0].frame_index:out_of_range:warning',
      ]);
      expect(warnings[0]!.message).toContain(`use 0 to ${frames - 1}`);
      expect(sora.sources.framesPerSecond).toEqual(['project-assumption']);
    });

    it('checks media types and sizes from the table, and duplicate names', () => {
      const gif = new Uint8Array(Buffer.from('GIF89a\x01\x00\x01\x00'));
      expect(codes(withMedia({ files: [gif] }))).toEqual(['files[0].contentType:not_allowed']);
      const huge = new Blob([new Uint8Array(sora.maxMediaBytes! + 1)], { type: 'video/mp4' });
      expect(codes(withMedia({ files: [huge] }))).toEqual(['files[0]:too_large']);
      expect(codes(withMedia({ files: [new Blob([new Uint8Array(3)])] }))).toEqual(['files[0]:unknown_type']);
      expect(
        codes(
          withMedia({
            files: [
              { data: png, filename: 'a.png' },
              { data: png, filename: 'a.png' },
            ],
          }),
        ),
      ).toEqual(['files[1].filename:duplicate']);
      expect(codes(withMedia({ files: [] }))).toEqual(['files:empty']);
      expect(codes(withMedia({ files: ['nope'] }))).toEqual(['files[0]:invalid_type']);
      expect(codes({ ...base, inpaint_items: [] })).toEqual(['files:required']);
    });
  });
});

describe('validate.videoCreate (Sora 2)', () => {
  const ok = { model: 'sora-2', prompt: 'waves' };
  it.each(sora2.seconds as string[])('accepts seconds %s, as a string or a number', (s) => {
    expect(validate.videoCreate({ ...ok, seconds: s }, sora2)).toEqual([]);
    expect(validate.videoCreate({ ...ok, seconds: Number(s) }, sora2)).toEqual([]);
  });
  it.each(sora2.sizes)('accepts size %s', (size) => {
    expect(validate.videoCreate({ ...ok, size }, sora2)).toEqual([]);
  });
  it('rejects other values, unknown fields and unsupported references', () => {
    const issues = validate.videoCreate(
      {
        ...ok,
        seconds: '10',
        size: '480x480',
        n_variants: 2,
        input_reference: new Uint8Array(Buffer.from('GIF89a')),
      },
      sora2,
    );
    expect(issues.map((i) => `${i.path}:${i.code}`)).toEqual([
      'n_variants:unknown_field',
      'seconds:not_allowed',
      'size:not_allowed',
      'input_reference.contentType:not_allowed',
    ]);
  });

  it('takes only the sizes Azure documents: 720x1280 and 1280x720 (OpenAI also had 1024x1792 and 1792x1024)', () => {
    expect(sora2.sizes).toEqual(['720x1280', '1280x720']);
    for (const size of ['1024x1792', '1792x1024', '1920x1080']) {
      expect(validate.videoCreate({ ...ok, size }, sora2).map((i) => i.message)).toEqual([
        `size "${size}" is not supported by sora-2; use 720x1280 or 1280x720`,
      ]);
    }
  });

  it('one input_reference image that matches the size (the default size when none is given)', () => {
    expect(
      validate.videoCreate({ ...ok, size: '1280x720', input_reference: makePng(1280, 720) }, sora2),
    ).toEqual([]);
    expect(validate.videoCreate({ ...ok, input_reference: makePng(720, 1280) }, sora2)).toEqual([]);
    expect(
      validate
        .videoCreate({ ...ok, size: '1280x720', input_reference: makePng(720, 1280) }, sora2)
        .map((i) => i.message),
    ).toEqual([
      "input_reference is 720x1280 but the video is 1280x720; sora-2 needs a reference image of exactly the video's size",
    ]);
    expect(validate.videoCreate({ ...ok, input_reference: makePng(1280, 720) }, sora2)[0]!.message).toContain(
      'the video is 720x1280 (the default size)',
    );
    // A video reference is Sora 1's; Sora 2 on Azure takes one image.
    const mp4 = { data: new Uint8Array(16), contentType: 'video/mp4' };
    expect(validate.videoCreate({ ...ok, input_reference: mp4 }, sora2).map((i) => i.code)).toEqual([
      'not_allowed',
    ]);
  });
});
