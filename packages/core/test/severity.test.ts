/**
 * Two severities: an error for what Azure refuses (nothing is sent), a warning for what Azure
 * accepts but ignores or what the sources disagree on (the request is sent as given, the warning
 * comes back with the result and is logged). And `null` means "not set" where Azure's spec says
 * nullable.
 */
import { describe, expect, it } from 'vitest';
import {
  AzureOpenAIMedia,
  checkRequest,
  getModel,
  validate,
  ValidationError,
  type Logger,
} from '../src/index.js';
import { capturingFetch, jsonResponse } from './capture.js';
import { formToObject } from './spec.js';
import { GIF_HEAD, gptImageResponse, makePng, TEST_NOW } from './fixtures.js';

function setup(extra: Partial<ConstructorParameters<typeof AzureOpenAIMedia>[0]> = {}) {
  const { fetch, calls } = capturingFetch(() => jsonResponse(200, gptImageResponse()));
  const logged: { message: string; fields?: Record<string, unknown> }[] = [];
  const logger: Logger = { warn: (message, fields) => void logged.push({ message, fields }) };
  const client = new AzureOpenAIMedia({
    endpoint: 'https://r.openai.azure.com',
    auth: { apiKey: 'k' },
    fetch,
    logger,
    now: () => TEST_NOW,
    ...extra,
  });
  return { client, calls, logged };
}

const bigBlob = (bytes: number) => new Blob([makePng(8, 8), new Uint8Array(bytes - makePng(8, 8).length)]);

describe('output_compression with png: accepted by Azure and ignored, so a warning', () => {
  it.each([
    ['output_format png', { output_format: 'png' as const, output_compression: 100 }, 'output_format "png"'],
    ['the default png', { output_compression: 50 }, 'the default output_format "png"'],
  ])('%s: sent as given, warned, logged', async (_label, fields, text) => {
    const { client, calls, logged } = setup();
    const result = await client.images.generate({ model: 'gpt-image-1.5', prompt: 'a fox', ...fields });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.body).toMatchObject(fields);
    expect(result.warnings).toEqual([
      expect.objectContaining({ path: 'output_compression', code: 'ignored', severity: 'warning' }),
    ]);
    expect(result.warnings[0]!.message).toContain(`with ${text} Azure ignores it`);
    expect(logged).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('output_compression applies only to output_format jpeg or webp'),
        fields: expect.objectContaining({ path: 'output_compression', code: 'ignored' }),
      }),
    ]);
  });

  it('validate.* returns the errors only; checkRequest keeps the two apart', () => {
    const request = { model: 'd', prompt: 'p', output_format: 'png', output_compression: 100 };
    const model = getModel('gpt-image-1.5');
    expect(validate.imageGenerate(request, model)).toEqual([]);
    const { errors, warnings } = checkRequest('images.generate', request, model);
    expect(errors).toEqual([]);
    expect(warnings.map((w) => w.code)).toEqual(['ignored']);
  });

  it('an out-of-range compression is still an error, and nothing is sent', async () => {
    const { client, calls } = setup();
    const error = await client.images
      .generate({ model: 'gpt-image-1.5', prompt: 'x', output_format: 'jpeg', output_compression: 101 })
      .catch((e: unknown) => e);
    expect((error as ValidationError).issues.map((i) => i.code)).toEqual(['out_of_range']);
    expect(calls).toHaveLength(0);
  });
});

describe('where the sources disagree: warnings that say which sources', () => {
  it.each([
    [
      'webp output',
      'gpt-image-1.5',
      { output_format: 'webp' },
      'output_format',
      "WEBP output isn't supported",
    ],
    [
      'transparency on gpt-image-2',
      'gpt-image-2',
      { background: 'transparent' },
      'background',
      'unconfirmed on Azure',
    ],
  ])('%s', (_label, name, fields, path, text) => {
    const { errors, warnings } = checkRequest(
      'images.generate',
      { model: 'd', prompt: 'p', ...fields },
      getModel(name),
    );
    expect(errors).toEqual([]);
    expect(warnings).toEqual([expect.objectContaining({ path, code: 'disputed', severity: 'warning' })]);
    expect(warnings[0]!.message).toContain(text);
  });

  it('input_fidelity on gpt-image-1-mini: Azure says unsupported, so it is sent with a warning', () => {
    const { errors, warnings } = checkRequest(
      'images.edit',
      { model: 'd', prompt: 'p', image: makePng(8, 8), input_fidelity: 'high' },
      getModel('gpt-image-1-mini'),
    );
    expect(errors).toEqual([]);
    expect(warnings[0]!.message).toContain("doesn't support input fidelity");
  });

  it('edit inputs: the spec says png/jpg under 25 MB, the how-to under 50 MB', () => {
    const model = getModel('gpt-image-1.5');
    const check = (image: Blob | Uint8Array) =>
      checkRequest('images.edit', { model: 'd', prompt: 'p', image }, model, {
        files: {
          image: [
            {
              size: image instanceof Blob ? image.size : image.length,
              contentType: 'image/png',
              detectedType: 'image/png',
              filename: undefined,
            },
          ],
        },
      });
    const mid = check(bigBlob(30 * 1024 * 1024));
    expect([mid.errors, mid.warnings.map((w) => w.code)]).toEqual([[], ['unconfirmed_size']]);
    expect(mid.warnings[0]!.message).toContain("Azure's spec says under 25 MB, its how-to under 50 MB");
    const huge = check(bigBlob(51 * 1024 * 1024));
    expect(huge.errors.map((e) => e.code)).toEqual(['too_large']);
    const gif = checkRequest('images.edit', { model: 'd', prompt: 'p', image: GIF_HEAD }, model);
    expect(gif.errors.map((e) => `${e.code}: ${e.message}`)).toEqual([
      'not_allowed: image is image/gif; gpt-image-1.5 accepts image/png, image/jpeg or image/webp',
    ]);
  });

  it('a rule every source states stays an error: transparent needs png or webp', () => {
    const { errors } = checkRequest(
      'images.generate',
      { model: 'd', prompt: 'p', background: 'transparent', output_format: 'jpeg' },
      getModel('gpt-image-1.5'),
    );
    expect(errors.map((e) => e.code)).toEqual(['needs_format']);
  });

  it('quality standard on DALL-E 2 edits is accepted and sent', async () => {
    const { client, calls } = setup({ allowRetiredModels: ['dall-e-2'] });
    await client.images.edit({ model: 'dall-e-2', prompt: 'x', image: makePng(8, 8), quality: 'standard' });
    expect(formToObject(calls[0]!.rawBody as FormData)).toMatchObject({ quality: 'standard' });
  });
});

describe('null means "not set" where the spec says nullable', () => {
  const nulls = {
    n: null,
    size: null,
    quality: null,
    output_format: null,
    output_compression: null,
    background: null,
    moderation: null,
  };

  it.each(['v1', '2025-04-01-preview'])(
    'generate on %s: accepted, and left out of the body',
    async (apiVersion) => {
      const { client, calls } = setup({ apiVersion });
      const result = await client.images.generate({ model: 'gpt-image-1.5', prompt: 'a fox', ...nulls });
      expect(result.warnings).toEqual([]);
      const body = calls[0]!.body as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(apiVersion === 'v1' ? ['model', 'prompt'] : ['prompt']);
    },
  );

  it('edit: null fields are not sent as the text "null"', async () => {
    const { client, calls } = setup();
    await client.images.edit({
      model: 'gpt-image-1.5',
      prompt: 'x',
      image: makePng(8, 8),
      size: null,
      n: null,
    });
    const form = formToObject(calls[0]!.rawBody as FormData);
    expect(Object.keys(form).sort()).toEqual(['image', 'model', 'prompt']);
  });

  it('fields the spec does not mark nullable still need a value', () => {
    const model = getModel('gpt-image-1.5');
    const issues = validate.imageGenerate({ model: 'd', prompt: null, user: null }, model);
    expect(issues.map((i) => `${i.path}:${i.code}`).sort()).toEqual(['prompt:required', 'user:invalid_type']);
    // The Responses tool's schema has no nullable fields.
    const stream = validate.imageStream({ model: 'd', prompt: 'p', size: null }, model);
    expect(stream.map((i) => `${i.path}:${i.code}`)).toEqual(['size:invalid_type']);
  });
});
