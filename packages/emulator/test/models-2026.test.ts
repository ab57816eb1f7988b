/**
 * Today's Azure in the emulator: gpt-image-2 free sizes (real images, dimensions decoded; invalid
 * sizes refused with Azure's error shape), diarized transcripts with speakers and chunking enforced
 * over 30 s by the audio's real length, Sora 2 refusing what Azure refuses, v1 paths with and
 * without api-version. The facts come from core's table, which these tests read too.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { getModel, MODELS, type AudioModel, type ImageModel, type VideoModel } from '@aoai-media/core';
import { DEFAULT_DEPLOYMENTS, sampleWav } from '../src/index.js';
import { b64, blob, useHarness } from './support.js';

const V1 = '/openai/v1/images/generations';
const DEPLOYMENT = (d: string, op = 'images/generations', v = '2025-04-01-preview') =>
  `/openai/deployments/${d}/${op}?api-version=${v}`;
const gptImage2 = getModel('gpt-image-2') as ImageModel;

async function solidPng(width: number, height: number): Promise<Uint8Array> {
  return new Uint8Array(
    await sharp({ create: { width, height, channels: 3, background: { r: 20, g: 90, b: 200 } } })
      .png()
      .toBuffer(),
  );
}

describe('the emulator reads its facts from core', () => {
  it('deploys every model in the table by default', () => {
    expect(DEFAULT_DEPLOYMENTS).toEqual(MODELS.map((m) => m.name));
    expect(DEFAULT_DEPLOYMENTS).toContain('gpt-image-2');
    expect(DEFAULT_DEPLOYMENTS).toContain('gpt-4o-transcribe-diarize');
  });
});

describe('gpt-image-2', () => {
  const h = useHarness();

  it.each([
    ['2048x1152', 'png'],
    ['1152x2048', 'jpeg'],
    ['3072x1024', 'png'], // exactly 3:1
    ['1024x640', 'png'], // exactly the pixel floor
    ['3840x2160', 'jpeg'], // a 3840 px edge, exactly the pixel ceiling
  ])('generates a real %s %s image', async (size, format) => {
    const r = await h.post(V1, { model: 'gpt-image-2', prompt: 'a skyline', size, output_format: format });
    expect(r.status).toBe(200);
    expect(r.json.size).toBe(size);
    const meta = await sharp(b64(r.json.data[0].b64_json)).metadata();
    expect(`${meta.width}x${meta.height}`).toBe(size);
    expect(meta.format).toBe(format);
  });

  it('auto picks a listed size', async () => {
    const r = await h.post(V1, { model: 'gpt-image-2', prompt: 'x', size: 'auto' });
    expect(r.status).toBe(200);
    expect(gptImage2.sizes).toContain(r.json.size);
  });

  it.each([
    ['1000x1000', 'multiples of 16'],
    ['3088x1024', 'at most 3 times the short edge'],
    ['1008x640', 'total pixel count'],
    ['3216x2592', 'total pixel count'],
    ['3856x1296', 'at most 3840 px'],
    ['huge', 'not WIDTHxHEIGHT'],
  ])('refuses %s the way Azure refuses a bad value', async (size, reason) => {
    const v1 = await h.post(V1, { model: 'gpt-image-2', prompt: 'x', size });
    expect(v1.status).toBe(400);
    expect(v1.json.error).toMatchObject({ code: 'invalid_value', param: 'size', type: 'error' });
    expect(v1.json.error.message).toContain(`Invalid size '${size}'`);
    expect(v1.json.error.message).toContain(reason);
    const dated = await h.post(DEPLOYMENT('gpt-image-2'), { prompt: 'x', size });
    expect(dated.status).toBe(400);
    expect(dated.json.error).toMatchObject({
      code: 'invalid_value',
      param: 'size',
      type: 'invalid_request_error',
    });
    expect(h.emu.admin.counters().imagesGenerated['gpt-image-2'] ?? 0).toBe(0);
  });

  it('edits 16 images into a free size, the mask on the first', async () => {
    const form = new FormData();
    form.append('model', 'gpt-image-2');
    form.append('prompt', 'blend');
    form.append('size', '1536x1152');
    form.append('input_fidelity', 'high');
    const png = await solidPng(64, 48);
    for (let i = 0; i < 16; i++) form.append('image[]', blob(png, 'image/png'), `i${i}.png`);
    form.append('mask', blob(png, 'image/png'), 'mask.png');
    const r = await h.form('/openai/v1/images/edits', form);
    expect(r.status).toBe(200);
    const meta = await sharp(b64(r.json.data[0].b64_json)).metadata();
    expect([meta.width, meta.height]).toEqual([1536, 1152]);
    form.append('image[]', blob(png, 'image/png'), 'i16.png');
    const tooMany = await h.form('/openai/v1/images/edits', form);
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error.message).toContain('gpt-image-2 accepts at most 16');
  });

  it('accepts output_compression with png, as Azure does (it ignores it)', async () => {
    const r = await h.post(V1, {
      model: 'gpt-image-1.5',
      prompt: 'x',
      output_format: 'png',
      output_compression: 100,
    });
    expect(r.status).toBe(200);
    expect((await sharp(b64(r.json.data[0].b64_json)).metadata()).format).toBe('png');
  });

  it('streams a free size through the Responses tool', async () => {
    const r = await h.post(
      '/openai/v1/responses',
      {
        model: 'gpt-4.1',
        input: 'a skyline',
        tools: [{ type: 'image_generation', size: '2048x1152', partial_images: 1 }],
        stream: false,
      },
      { 'x-ms-oai-image-generation-deployment': 'gpt-image-2' },
    );
    expect(r.status).toBe(200);
    const meta = await sharp(b64(r.json.output[0].result)).metadata();
    expect([meta.width, meta.height]).toEqual([2048, 1152]);
  });
});

describe('gpt-4o-transcribe-diarize and gpt-4o-mini-transcribe', () => {
  const h = useHarness();
  const diarize = getModel('gpt-4o-transcribe-diarize') as AudioModel;
  const path = (d: string) => `/openai/deployments/${d}/audio/transcriptions?api-version=2025-04-01-preview`;
  function form(file: Uint8Array, name: string, fields: [string, string][] = []): FormData {
    const f = new FormData();
    f.append('file', blob(file, 'audio/wav'), name);
    for (const [k, v] of fields) f.append(k, v);
    return f;
  }

  it('diarized_json: segments with speakers covering the audio', async () => {
    const r = await h.form(
      path('gpt-4o-transcribe-diarize'),
      form(sampleWav(12), 'talk.wav', [['response_format', 'diarized_json']]),
    );
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ task: 'transcribe', duration: 12 });
    const segments = r.json.segments as { speaker: string; start: number; end: number; type: string }[];
    expect(segments.length).toBeGreaterThan(1);
    expect(new Set(segments.map((s) => s.speaker))).toEqual(new Set(['A', 'B']));
    expect(segments.every((s) => s.type === 'transcript.text.segment')).toBe(true);
    expect(segments.at(-1)!.end).toBe(12);
  });

  it('known speakers name the segments', async () => {
    const clip = `data:audio/wav;base64,${Buffer.from(sampleWav(3)).toString('base64')}`;
    const r = await h.form(
      path('gpt-4o-transcribe-diarize'),
      form(sampleWav(12), 'talk.wav', [
        ['response_format', 'diarized_json'],
        ['known_speaker_names[]', 'Ana'],
        ['known_speaker_references[]', clip],
        ['known_speaker_names[]', 'Ben'],
        ['known_speaker_references[]', clip],
      ]),
    );
    expect(r.status).toBe(200);
    expect(new Set(r.json.segments.map((s: { speaker: string }) => s.speaker))).toEqual(
      new Set(['Ana', 'Ben']),
    );
    const five = form(sampleWav(2), 'a.wav');
    for (const name of ['a', 'b', 'c', 'd', 'e']) {
      five.append('known_speaker_names[]', name);
      five.append('known_speaker_references[]', clip);
    }
    const refused = await h.form(path('gpt-4o-transcribe-diarize'), five);
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toContain(
      `At most ${diarize.diarization!.maxKnownSpeakers} known speakers`,
    );
  });

  it('chunking_strategy is required over 30 s, by the real length of the audio', async () => {
    const ok = await h.form(path('gpt-4o-transcribe-diarize'), form(sampleWav(30), 'a.wav'));
    expect(ok.status).toBe(200);
    const long = await h.form(path('gpt-4o-transcribe-diarize'), form(sampleWav(31), 'a.wav'));
    expect(long.status).toBe(400);
    expect(long.json.error).toMatchObject({ code: 'missing_required_parameter', param: 'chunking_strategy' });
    expect(long.json.error.message).toContain('longer than 30 seconds (this file is 31 seconds)');
    const auto = await h.form(
      path('gpt-4o-transcribe-diarize'),
      form(sampleWav(31), 'a.wav', [['chunking_strategy', 'auto']]),
    );
    expect(auto.status).toBe(200);
    const vad = await h.form(
      path('gpt-4o-transcribe-diarize'),
      form(sampleWav(31), 'a.wav', [
        ['chunking_strategy[type]', 'server_vad'],
        ['chunking_strategy[threshold]', '0.5'],
      ]),
    );
    expect(vad.status).toBe(200);
  });

  it('reads the length of an mp3 with ffmpeg for the 30 s rule', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-diarize-'));
    try {
      execFileSync('ffmpeg', [
        '-hide_banner',
        '-loglevel',
        'error',
        '-f',
        'lavfi',
        '-i',
        'sine=frequency=440:duration=35',
        '-q:a',
        '9',
        join(dir, 'a.mp3'),
      ]);
      const mp3 = new Uint8Array(readFileSync(join(dir, 'a.mp3')));
      const f = new FormData();
      f.append('file', blob(mp3, 'audio/mpeg'), 'a.mp3');
      const r = await h.form(path('gpt-4o-transcribe-diarize'), f);
      expect(r.status).toBe(400);
      expect(r.json.error.param).toBe('chunking_strategy');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses what the diarizing model does not take: prompt, include, timestamp granularities', async () => {
    for (const field of [
      ['prompt', 'names'],
      ['include[]', 'logprobs'],
      ['timestamp_granularities[]', 'word'],
    ] as [string, string][]) {
      const r = await h.form(path('gpt-4o-transcribe-diarize'), form(sampleWav(2), 'a.wav', [field]));
      expect(r.status, field[0]).toBe(400);
      expect(r.json.error.code).toBe('unknown_parameter');
    }
  });

  it('mini: json with log probabilities; diarized_json is not its format', async () => {
    const r = await h.form(
      path('gpt-4o-mini-transcribe'),
      form(sampleWav(3), 'a.wav', [['include[]', 'logprobs']]),
    );
    expect(r.status).toBe(200);
    expect(r.json.logprobs.length).toBeGreaterThan(0);
    expect(r.json.logprobs[0]).toMatchObject({ token: expect.any(String), logprob: expect.any(Number) });
    const d = await h.form(
      path('gpt-4o-mini-transcribe'),
      form(sampleWav(3), 'a.wav', [['response_format', 'diarized_json']]),
    );
    expect(d.status).toBe(400);
  });
});

describe('Sora 2 as Azure has it', () => {
  const h = useHarness();
  const sora2 = getModel('sora-2') as VideoModel;
  const create = (fields: Record<string, string>, reference?: Uint8Array, type = 'image/png') => {
    const f = new FormData();
    f.append('model', 'sora-2');
    f.append('prompt', 'waves');
    for (const [k, v] of Object.entries(fields)) f.append(k, v);
    if (reference) f.append('input_reference', blob(reference, type), 'ref');
    return h.form('/openai/v1/videos', f);
  };

  it.each(sora2.sizes)('accepts %s', async (size) => {
    const r = await create({ size, seconds: '12' });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ size, seconds: '12', status: 'queued' });
  });

  it.each(['1024x1792', '1792x1024', '1920x1080', '480x480'])('refuses %s', async (size) => {
    const r = await create({ size });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ code: 'invalid_value', param: 'size' });
    expect(r.json.error.message).toContain("Supported values are: '720x1280', '1280x720'");
  });

  it('refuses seconds outside 4, 8, 12', async () => {
    expect((await create({ seconds: '10' })).status).toBe(400);
  });

  it('one input_reference image that matches the size; a video or a mismatch is refused', async () => {
    expect((await create({ size: '1280x720' }, await solidPng(1280, 720))).status).toBe(200);
    expect((await create({}, await solidPng(720, 1280))).status).toBe(200); // the default size
    const mismatch = await create({ size: '1280x720' }, await solidPng(720, 1280));
    expect(mismatch.status).toBe(400);
    expect(mismatch.json.error.message).toContain('must match size 1280x720');
    const video = await create({}, new Uint8Array(64), 'video/mp4');
    expect(video.status).toBe(400);
    expect(video.json.error.param).toBe('input_reference');
  });
});

describe('v1 paths with and without api-version', () => {
  const h = useHarness();

  it.each([
    ['no api-version (v1 GA)', ''],
    ['api-version=v1', '?api-version=v1'],
    ['api-version=preview', '?api-version=preview'],
  ])('%s is accepted', async (_label, query) => {
    const r = await h.post(`${V1}${query}`, { model: 'gpt-image-1.5', prompt: 'x' });
    expect(r.status).toBe(200);
    const log = h.emu.admin.requests();
    expect(log.at(-1)!.query).toEqual(query ? { 'api-version': query.split('=')[1] } : {});
  });

  it('a dated version on a v1 path, or no version on a deployment path, is an unknown resource', async () => {
    expect(
      (await h.post(`${V1}?api-version=2024-10-21`, { model: 'gpt-image-1.5', prompt: 'x' })).status,
    ).toBe(404);
    expect(
      (await h.post('/openai/deployments/gpt-image-1.5/images/generations', { prompt: 'x' })).status,
    ).toBe(404);
  });
});
