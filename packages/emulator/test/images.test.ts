import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { b64, blob, useHarness } from './support.js';

const V1 = '/openai/v1/images/generations?api-version=preview';
const dep = (name: string, op = 'generations', version = '2025-04-01-preview') =>
  `/openai/deployments/${name}/images/${op}?api-version=${version}`;

async function meta(bytes: Uint8Array) {
  return sharp(bytes).metadata();
}

async function solidPng(width: number, height: number, rgb: [number, number, number]): Promise<Uint8Array> {
  return new Uint8Array(
    await sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
      .png()
      .toBuffer(),
  );
}

describe('images/generations', () => {
  const h = useHarness();

  it.each([
    ['png', 'png'],
    ['jpeg', 'jpeg'],
    ['webp', 'webp'],
  ])('gpt-image-1 answers %s of the exact size (v1 path)', async (format, sharpFormat) => {
    const r = await h.post(V1, {
      model: 'gpt-image-1',
      prompt: 'a red fox',
      size: '1536x1024',
      output_format: format,
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('apim-request-id')).toBeTruthy();
    expect(r.json.output_format).toBe(format);
    expect(r.json.size).toBe('1536x1024');
    expect(r.json.usage.output_tokens).toBeGreaterThan(0);
    const m = await meta(b64(r.json.data[0].b64_json));
    expect([m.format, m.width, m.height, m.hasAlpha]).toEqual([sharpFormat, 1536, 1024, false]);
  });

  it('transparent background gives an alpha channel with transparent pixels (deployment path)', async () => {
    const r = await h.post(dep('gpt-image-1'), {
      prompt: 'a logo',
      background: 'transparent',
      output_format: 'png',
      size: '1024x1024',
    });
    expect(r.status).toBe(200);
    expect(r.json.background).toBe('transparent');
    const bytes = b64(r.json.data[0].b64_json);
    const m = await meta(bytes);
    expect(m.hasAlpha).toBe(true);
    const { data } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
    expect(data[3]).toBe(0); // top-left corner transparent
    const centre = (512 * 1024 + 512) * 4 + 3;
    expect(data[centre]).toBe(255);
  });

  it('transparent webp keeps alpha; auto size is 1024x1024', async () => {
    const r = await h.post(V1, {
      model: 'gpt-image-1-mini',
      prompt: 'a logo',
      background: 'transparent',
      output_format: 'webp',
      size: 'auto',
    });
    const m = await meta(b64(r.json.data[0].b64_json));
    expect([m.format, m.width, m.height, m.hasAlpha]).toEqual(['webp', 1024, 1024, true]);
  });

  it('output_compression makes jpeg and webp smaller', async () => {
    for (const format of ['jpeg', 'webp']) {
      const hi = await h.post(V1, {
        model: 'gpt-image-1',
        prompt: 'texture',
        output_format: format,
        output_compression: 100,
      });
      const lo = await h.post(V1, {
        model: 'gpt-image-1',
        prompt: 'texture',
        output_format: format,
        output_compression: 5,
      });
      expect(b64(lo.json.data[0].b64_json).length).toBeLessThan(b64(hi.json.data[0].b64_json).length);
    }
  });

  it('is deterministic and varies with the prompt', async () => {
    const body = { model: 'gpt-image-1', prompt: 'same prompt', size: '1024x1024' };
    const a = await h.post(V1, body);
    const b = await h.post(V1, body);
    const c = await h.post(V1, { ...body, prompt: 'other prompt' });
    expect(a.json.data[0].b64_json).toBe(b.json.data[0].b64_json);
    expect(c.json.data[0].b64_json).not.toBe(a.json.data[0].b64_json);
  });

  it('n images, each with filter results', async () => {
    const r = await h.post(V1, { model: 'gpt-image-1', prompt: 'birds', n: 3, quality: 'low' });
    expect(r.json.data).toHaveLength(3);
    expect(r.json.quality).toBe('low');
    for (const d of r.json.data) {
      expect(d.content_filter_results.violence).toEqual({ filtered: false, severity: 'safe' });
      expect(d.prompt_filter_results.jailbreak).toEqual({ filtered: false, detected: false });
    }
    expect(new Set(r.json.data.map((d: { b64_json: string }) => d.b64_json)).size).toBe(3);
    expect(h.emu.admin.counters().imagesGenerated['gpt-image-1']).toBe(3);
  });

  it('dall-e-3 returns a url served by the emulator, a revised_prompt, and no gpt-image fields', async () => {
    const r = await h.post(dep('dall-e-3', 'generations', '2024-10-21'), {
      prompt: 'a lighthouse',
      size: '1792x1024',
      quality: 'hd',
      style: 'natural',
    });
    expect(r.status).toBe(200);
    const d = r.json.data[0];
    expect(d.revised_prompt).toContain('a lighthouse');
    expect(r.json.usage).toBeUndefined();
    expect(d.url).toMatch(new RegExp(`^${h.emu.url}/_emulator/files/`));
    const img = await fetch(d.url);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/png');
    const m = await meta(new Uint8Array(await img.arrayBuffer()));
    expect([m.width, m.height]).toEqual([1792, 1024]);
  });

  it('url results expire after 60 minutes of emulator time', async () => {
    const r = await h.post(V1, { model: 'dall-e-2', prompt: 'a boat', size: '256x256' });
    const url = r.json.data[0].url as string;
    h.emu.admin.advance(59 * 60_000);
    expect((await fetch(url)).status).toBe(200);
    h.emu.admin.advance(61_000);
    const gone = await fetch(url);
    expect(gone.status).toBe(404);
    expect(await gone.text()).toContain('BlobNotFound');
  });

  it('dall-e-2 b64_json at 256x256', async () => {
    const r = await h.post(V1, {
      model: 'dall-e-2',
      prompt: 'a boat',
      size: '256x256',
      response_format: 'b64_json',
      n: 2,
    });
    expect(r.json.data).toHaveLength(2);
    const m = await meta(b64(r.json.data[1].b64_json));
    expect([m.format, m.width, m.height]).toEqual(['png', 256, 256]);
  });

  describe('rejects what Azure rejects, per model', () => {
    it.each([
      [{ model: 'gpt-image-1', prompt: 'x', size: '256x256' }, 'size', 'invalid_value'],
      [{ model: 'gpt-image-1', prompt: 'x', response_format: 'url' }, 'response_format', 'unknown_parameter'],
      [{ model: 'gpt-image-1', prompt: 'x', style: 'vivid' }, 'style', 'unknown_parameter'],
      [{ model: 'gpt-image-1', prompt: 'x', n: 11 }, 'n', 'integer_above_max_value'],
      [{ model: 'gpt-image-1', prompt: 'x', quality: 'hd' }, 'quality', 'invalid_value'],
      [
        { model: 'gpt-image-1', prompt: 'x', output_compression: 101 },
        'output_compression',
        'integer_above_max_value',
      ],
      [
        { model: 'gpt-image-1', prompt: 'x', background: 'transparent', output_format: 'jpeg' },
        'background',
        'invalid_value',
      ],
      [{ model: 'dall-e-3', prompt: 'x', n: 2 }, 'n', 'integer_above_max_value'],
      [{ model: 'dall-e-3', prompt: 'x', size: '1024x1536' }, 'size', 'invalid_value'],
      [{ model: 'dall-e-3', prompt: 'x', output_format: 'png' }, 'output_format', 'unknown_parameter'],
      [{ model: 'dall-e-2', prompt: 'x'.repeat(1001) }, 'prompt', 'string_above_max_length'],
      [{ model: 'dall-e-2', prompt: 'x', quality: 'hd' }, 'quality', 'invalid_value'],
      [{ model: 'dall-e-2' }, 'prompt', 'missing_required_parameter'],
      [{ prompt: 'x' }, 'model', 'missing_required_parameter'],
    ])('%j -> 400 on %s', async (body, param, code) => {
      const r = await h.post(V1, body);
      expect(r.status).toBe(400);
      expect(r.json.error.param).toBe(param);
      expect(r.json.error.code).toBe(code);
      expect(r.json.error.message).toContain(param);
    });

    it('names the allowed values', async () => {
      const r = await h.post(V1, { model: 'gpt-image-1', prompt: 'x', size: '999x999' });
      expect(r.json.error.message).toContain("'999x999'");
      expect(r.json.error.message).toContain("'1536x1024'");
    });

    it('an image deployment does not do audio, and whisper does not do images', async () => {
      const r = await h.post(dep('whisper'), { prompt: 'x' });
      expect(r.status).toBe(400);
      expect(r.json.error.code).toBe('OperationNotSupported');
    });

    it('unknown deployment -> 404 DeploymentNotFound', async () => {
      const r = await h.post(V1, { model: 'nope', prompt: 'x' });
      expect(r.status).toBe(404);
      expect(r.json.error.code).toBe('DeploymentNotFound');
      const d = await h.post(dep('nope'), { prompt: 'x' });
      expect(d.status).toBe(404);
    });

    it('invalid JSON -> 400', async () => {
      const r = await h.call(V1, {
        method: 'POST',
        body: '{nope',
        headers: { 'content-type': 'application/json' },
      });
      expect(r.status).toBe(400);
      expect(r.json.error.message).toContain('JSON');
    });
  });

  describe('content filter', () => {
    it('blocked terms answer content_policy_violation with inner ResponsibleAIPolicyViolation', async () => {
      h.emu.admin.setBlockedTerms([{ term: 'forbidden', category: 'hate' }]);
      const r = await h.post(V1, { model: 'dall-e-3', prompt: 'a FORBIDDEN thing' });
      expect(r.status).toBe(400);
      expect(r.json.error.code).toBe('content_policy_violation');
      expect(r.json.error.inner_error.code).toBe('ResponsibleAIPolicyViolation');
      expect(r.json.error.inner_error.revised_prompt).toBe('a FORBIDDEN thing');
      expect(r.json.error.inner_error.content_filter_results.hate).toEqual({
        filtered: true,
        severity: 'high',
      });
      expect(r.json.error.inner_error.content_filter_results.violence.filtered).toBe(false);
      expect(h.emu.admin.counters().contentFiltered['dall-e-3']).toBe(1);
    });

    it('custom blocklist category reports the blocklist', async () => {
      h.emu.admin.setBlockedTerms([{ term: 'secretword', category: 'custom_blocklists' }]);
      const r = await h.post(V1, { model: 'gpt-image-1', prompt: 'secretword' });
      expect(r.json.error.inner_error.content_filter_results.custom_blocklists.filtered).toBe(true);
    });
  });
});

describe('images/edits', () => {
  const h = useHarness();

  function editForm(fields: Record<string, string>, files: [string, Uint8Array, string, string][]): FormData {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    for (const [field, bytes, name, type] of files) form.append(field, blob(bytes, type), name);
    return form;
  }

  it('keeps the input pixels where the mask is opaque and repaints where it is transparent', async () => {
    const input = await solidPng(1024, 1024, [200, 10, 10]);
    // Mask: left half opaque (keep), right half transparent (edit).
    const maskRaw = Buffer.alloc(1024 * 1024 * 4);
    for (let y = 0; y < 1024; y++)
      for (let x = 0; x < 1024; x++) maskRaw[(y * 1024 + x) * 4 + 3] = x < 512 ? 255 : 0;
    const mask = new Uint8Array(
      await sharp(maskRaw, { raw: { width: 1024, height: 1024, channels: 4 } })
        .png()
        .toBuffer(),
    );
    const r = await h.form(
      dep('gpt-image-1', 'edits'),
      editForm({ prompt: 'add a hat' }, [
        ['image', input, 'in.png', 'image/png'],
        ['mask', mask, 'mask.png', 'image/png'],
      ]),
    );
    expect(r.status).toBe(200);
    const out = b64(r.json.data[0].b64_json);
    const m = await meta(out);
    expect([m.width, m.height, m.format]).toEqual([1024, 1024, 'png']);
    const { data, info } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    const px = (x: number, y: number) =>
      Array.from(data.subarray((y * 1024 + x) * info.channels, (y * 1024 + x) * info.channels + 3));
    expect(px(100, 300)).toEqual([200, 10, 10]);
    expect(px(400, 900)).toEqual([200, 10, 10]);
    expect(px(900, 300)).not.toEqual([200, 10, 10]);
    expect(r.json.usage.input_tokens_details.image_tokens).toBeGreaterThan(0);
  });

  it('accepts image[] with several images on the v1 path and picks a size from the input shape', async () => {
    const a = await solidPng(300, 200, [0, 0, 255]);
    const b = await solidPng(64, 64, [0, 255, 0]);
    const r = await h.form(
      '/openai/v1/images/edits?api-version=preview',
      editForm({ model: 'gpt-image-1', prompt: 'combine', output_format: 'jpeg' }, [
        ['image[]', a, 'a.png', 'image/png'],
        ['image[]', b, 'b.png', 'image/png'],
      ]),
    );
    expect(r.status).toBe(200);
    expect(r.json.size).toBe('1536x1024');
    const m = await meta(b64(r.json.data[0].b64_json));
    expect([m.format, m.width, m.height]).toEqual(['jpeg', 1536, 1024]);
  });

  it('dall-e-2 edits a square PNG and answers a url', async () => {
    const input = await solidPng(256, 256, [10, 10, 10]);
    const r = await h.form(
      dep('dall-e-2', 'edits'),
      editForm({ prompt: 'x', size: '512x512' }, [['image', input, 'in.png', 'image/png']]),
    );
    expect(r.status).toBe(200);
    const img = await fetch(r.json.data[0].url);
    const m = await meta(new Uint8Array(await img.arrayBuffer()));
    expect([m.width, m.height]).toEqual([512, 512]);
  });

  it('dall-e-2 rejects a non-square image and a JPEG', async () => {
    const rect = await solidPng(300, 200, [1, 2, 3]);
    const r = await h.form(
      dep('dall-e-2', 'edits'),
      editForm({ prompt: 'x' }, [['image', rect, 'in.png', 'image/png']]),
    );
    expect(r.status).toBe(400);
    expect(r.json.error.message).toContain('square');
    const jpeg = new Uint8Array(
      await sharp({ create: { width: 64, height: 64, channels: 3, background: '#000' } })
        .jpeg()
        .toBuffer(),
    );
    const j = await h.form(
      dep('dall-e-2', 'edits'),
      editForm({ prompt: 'x' }, [['image', jpeg, 'in.jpg', 'image/jpeg']]),
    );
    expect(j.status).toBe(400);
    expect(j.json.error.code).toBe('invalid_image_format');
  });

  it('rejects a mask of another size, a missing image, too many images, and dall-e-3', async () => {
    const input = await solidPng(64, 64, [1, 2, 3]);
    const mask = await solidPng(32, 32, [0, 0, 0]);
    const r = await h.form(
      dep('gpt-image-1', 'edits'),
      editForm({ prompt: 'x' }, [
        ['image', input, 'in.png', 'image/png'],
        ['mask', mask, 'm.png', 'image/png'],
      ]),
    );
    expect(r.status).toBe(400);
    expect(r.json.error.param).toBe('mask');
    const none = await h.form(dep('gpt-image-1', 'edits'), editForm({ prompt: 'x' }, []));
    expect(none.status).toBe(400);
    expect(none.json.error.param).toBe('image');
    const many = await h.form(
      dep('gpt-image-1', 'edits'),
      editForm(
        { prompt: 'x' },
        Array.from(
          { length: 17 },
          (_, i) => ['image[]', input, `i${i}.png`, 'image/png'] as [string, Uint8Array, string, string],
        ),
      ),
    );
    expect(many.status).toBe(400);
    expect(many.json.error.message).toContain('16');
    const d3 = await h.form(
      dep('dall-e-3', 'edits'),
      editForm({ prompt: 'x' }, [['image', input, 'in.png', 'image/png']]),
    );
    expect(d3.status).toBe(400);
    expect(d3.json.error.code).toBe('OperationNotSupported');
  });

  it('JSON to edits is rejected', async () => {
    const r = await h.post(dep('gpt-image-1', 'edits'), { prompt: 'x' });
    expect(r.status).toBe(400);
    expect(r.json.error.message).toContain('multipart');
  });
});
