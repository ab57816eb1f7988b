/**
 * Core against the emulator for today's Azure: gpt-image-2 free sizes end to end (dimensions read
 * from the bytes), the severity split (a warning from core, a 200 from the emulator), what core
 * refuses reaching nothing, Azure's own 400 coming through when validation is off, diarized
 * transcripts, Sora 2, the v1 GA path without api-version (also from the official openai SDK), and
 * a retirement date crossed on the emulator's clock.
 */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { BadRequestError, pngDimensions, ValidationError } from '@aoai-media/core';
import { sampleWav, samplePng } from '@aoai-media/emulator';
import { useHarness } from './harness.js';

describe('gpt-image-2 and the severity split', () => {
  const h = useHarness();

  it('generates 2048x1152 through core on the v1 GA path (no api-version)', async () => {
    const result = await h
      .client()
      .images.generate({ model: 'gpt-image-2', prompt: 'a skyline', size: '2048x1152' });
    expect(result.warnings).toEqual([]);
    expect(pngDimensions(result.images[0]!.bytes!)).toEqual({ width: 2048, height: 1152 });
    const [logged] = h.emu.admin.requests({ operation: 'images.generate' });
    expect(logged!.path).toBe('/openai/v1/images/generations');
    expect(logged!.query).toEqual({});
  });

  it('an invalid size reaches nothing; with validation off, Azure-shaped 400 comes through with its message', async () => {
    await expect(
      h.client().images.generate({ model: 'gpt-image-2', prompt: 'x', size: '1000x1000' }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(h.emu.admin.requests()).toHaveLength(0);
    const error = await h
      .client({ validation: 'off' })
      .images.generate({ model: 'gpt-image-2', prompt: 'x', size: '1000x1000' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).param).toBe('size');
    expect((error as BadRequestError).message).toContain("Invalid size '1000x1000'");
    expect(h.emu.admin.requests()).toHaveLength(1);
  });

  it('output_compression with png: a warning from core, accepted by the emulator, the field sent as given', async () => {
    const result = await h.client().images.generate({
      model: 'gpt-image-1.5',
      prompt: 'x',
      output_format: 'png',
      output_compression: 100,
    });
    expect(result.warnings.map((w) => w.code)).toEqual(['ignored']);
    expect(result.images[0]!.mimeType).toBe('image/png');
    expect(h.emu.admin.requests()[0]!.fields).toMatchObject({ output_compression: 100 });
  });

  it('the official openai SDK generates a gpt-image-2 image on the v1 path without api-version', async () => {
    const sdk = new OpenAI({
      baseURL: `${h.emu.url}/openai/v1`,
      apiKey: h.emu.apiKey,
      defaultHeaders: { 'api-key': h.emu.apiKey },
    });
    const answer = await sdk.images.generate({
      model: 'gpt-image-2',
      prompt: 'a skyline',
      size: '1536x1152' as never,
    });
    const bytes = new Uint8Array(Buffer.from(answer.data![0]!.b64_json!, 'base64'));
    expect(pngDimensions(bytes)).toEqual({ width: 1536, height: 1152 });
    expect(h.emu.admin.requests()[0]!.query).toEqual({});
  });

  it('edits with gpt-image-2 into a free size', async () => {
    const result = await h.client().images.edit({
      model: 'gpt-image-2',
      prompt: 'add a moon',
      image: [samplePng(64, 48), samplePng(64, 48)],
      size: '1152x2048',
    });
    expect(pngDimensions(result.images[0]!.bytes!)).toEqual({ width: 1152, height: 2048 });
  });
});

describe('diarized transcripts', () => {
  const h = useHarness();

  it('diarized_json comes back with speakers; known speakers name them', async () => {
    const clip = `data:audio/wav;base64,${Buffer.from(sampleWav(3)).toString('base64')}`;
    const result = await h.client().audio.transcribe({
      model: 'gpt-4o-transcribe-diarize',
      file: sampleWav(20),
      response_format: 'diarized_json',
      known_speaker_names: ['Ana', 'Ben'],
      known_speaker_references: [clip, clip],
    });
    expect(result.speakers).toEqual(['Ana', 'Ben']);
    expect(result.segments.at(-1)!.end).toBe(20);
  });

  it('audio over 30 s without chunking: refused by core before sending, by the emulator when validation is off', async () => {
    const long = sampleWav(31);
    await expect(
      h.client().audio.transcribe({ model: 'gpt-4o-transcribe-diarize', file: long }),
    ).rejects.toThrow('needs it for audio over 30 s');
    expect(h.emu.admin.requests()).toHaveLength(0);
    const error = await h
      .client({ validation: 'off' })
      .audio.transcribe({ model: 'gpt-4o-transcribe-diarize', file: long })
      .catch((e: unknown) => e);
    expect((error as BadRequestError).param).toBe('chunking_strategy');
    const ok = await h.client().audio.transcribe({
      model: 'gpt-4o-transcribe-diarize',
      file: long,
      chunking_strategy: { type: 'server_vad' },
      response_format: 'diarized_json',
    });
    expect(ok.speakers?.length).toBeGreaterThan(0);
  });
});

describe('Sora 2 as Azure has it', () => {
  const h = useHarness();

  it('a size Azure refuses: refused by core, and by the emulator when validation is off', async () => {
    await expect(
      h.client().videos.create({ model: 'sora-2', prompt: 'x', size: '1792x1024' }),
    ).rejects.toThrow('size "1792x1024" is not supported by sora-2; use 720x1280 or 1280x720');
    expect(h.emu.admin.requests()).toHaveLength(0);
    const error = await h
      .client({ validation: 'off' })
      .videos.create({ model: 'sora-2', prompt: 'x', size: '1792x1024' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).param).toBe('size');
  });

  it('a matching reference image is accepted', async () => {
    const task = await h.client().videos.create({
      model: 'sora-2',
      prompt: 'waves',
      size: '1280x720',
      seconds: 8,
      media: [{ file: samplePng(1280, 720) }],
    });
    expect(task).toMatchObject({ api: 'videos', size: '1280x720', seconds: 8 });
    const [logged] = h.emu.admin.requests({ operation: 'videos.create' });
    expect(logged!.files?.map((f) => f.field)).toEqual(['input_reference']);
    // A reference of another size is refused before sending.
    await expect(
      h.client().videos.create({
        model: 'sora-2',
        prompt: 'x',
        size: '1280x720',
        media: [{ file: samplePng(720, 1280) }],
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(h.emu.admin.requests({ operation: 'videos.create' })).toHaveLength(1);
  });
});

describe('a retirement date crossed on the emulator clock', () => {
  const h = useHarness({ startTime: '2026-10-22T23:59:00Z' });

  it('gpt-image-1 is sent (with a warning) before 2026-10-23 and refused from then on', async () => {
    const client = h.client({ allowRetiredModels: false });
    const before = await client.images.generate({ model: 'gpt-image-1', prompt: 'x' });
    expect(before.warnings.map((w) => w.code)).toEqual(['model_retiring']);
    h.emu.admin.advance(60_000);
    await expect(client.images.generate({ model: 'gpt-image-1', prompt: 'x' })).rejects.toThrow(
      'gpt-image-1 was retired on Azure on 2026-10-23',
    );
    expect(h.emu.admin.requests({ operation: 'images.generate' })).toHaveLength(1);
  });
});
