/** The official openai package and our core client, pointed at the service with a service key. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI, { AzureOpenAI, toFile } from 'openai';
import { AzureOpenAIMedia } from '@aoai-media/core';
import { samplePng, sampleWav } from '@aoai-media/emulator';
import { KEYS, call, json, startStack, type Stack } from './support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

describe('official openai package', () => {
  it('OpenAI with baseURL generates and edits images', async () => {
    const openai = new OpenAI({ apiKey: KEYS.acme, baseURL: `${stack.url}/openai/v1`, maxRetries: 0 });
    const gen = await openai.images.generate({
      model: 'gpt-image-1',
      prompt: 'a green kite',
      size: '1024x1024',
      quality: 'low',
    });
    expect(gen.data?.[0]?.b64_json?.length).toBeGreaterThan(100);
    const png = Buffer.from(gen.data![0]!.b64_json!, 'base64');
    const edit = await openai.images.edit({
      model: 'gpt-image-1',
      prompt: 'make it blue',
      image: await toFile(png, 'kite.png', { type: 'image/png' }),
      mask: await toFile(png, 'mask.png', { type: 'image/png' }),
    });
    expect(Buffer.from(edit.data![0]!.b64_json!, 'base64').subarray(1, 4).toString()).toBe('PNG');
  });

  it('AzureOpenAI (deployment paths, api-key header) generates and edits', async () => {
    const azure = new AzureOpenAI({
      endpoint: stack.url,
      apiKey: KEYS.globex,
      apiVersion: '2025-04-01-preview',
      deployment: 'gpt-image-1',
      maxRetries: 0,
    });
    const gen = await azure.images.generate({
      model: 'gpt-image-1',
      prompt: 'a quiet harbour',
      quality: 'low',
    });
    const png = Buffer.from(gen.data![0]!.b64_json!, 'base64');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const edit = await azure.images.edit({
      model: 'gpt-image-1',
      prompt: 'add boats',
      image: await toFile(png, 'h.png', { type: 'image/png' }),
    });
    expect(edit.data).toHaveLength(1);
  });

  it('surfaces the service validation error as a 400 naming the field', async () => {
    const openai = new OpenAI({ apiKey: KEYS.acme, baseURL: `${stack.url}/openai/v1`, maxRetries: 0 });
    const err = await openai.images.generate({ model: 'dall-e-3', prompt: 'x', n: 3 }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.param).toBe('n');
  });

  it('OpenAI remixes a Sora 2 video through the service', async () => {
    const openai = new OpenAI({ apiKey: KEYS.acme, baseURL: `${stack.url}/openai/v1`, maxRetries: 0 });
    const source: any = await (
      await json(stack, '/openai/v1/videos', {
        model: 'sora-2',
        prompt: 'a red door',
        seconds: '4',
        size: '720x1280',
      })
    ).json();
    for (let i = 0; i < 200 && (await openai.videos.retrieve(source.id)).status !== 'completed'; i++)
      await new Promise((r) => setTimeout(r, 50));
    const remix = await openai.videos.remix(source.id, { prompt: 'a blue door' });
    expect(remix.remixed_from_video_id).toBe(source.id);
    expect(remix.status).toBe('queued');
  });
});

describe('core client through the service', () => {
  const client = () =>
    new AzureOpenAIMedia({
      endpoint: stack.url,
      auth: { apiKey: KEYS.acme },
      maxRetries: 0,
      allowRetiredModels: true,
    });

  it('transcribes and translates audio on deployment paths', async () => {
    const c = client();
    const t = await c.audio.transcribe({
      model: 'whisper',
      file: { data: sampleWav(1), filename: 'tone.wav', contentType: 'audio/wav' },
      response_format: 'verbose_json',
    });
    expect(typeof t.text).toBe('string');
    expect(t.format).toBe('verbose_json');
    const srt = await c.audio.transcribe({
      model: 'whisper',
      file: { data: sampleWav(1), filename: 'tone.wav' },
      response_format: 'srt',
    });
    expect(srt.text).toMatch(/-->/);
    const tr = await c.audio.translate({
      model: 'whisper',
      file: { data: sampleWav(1), filename: 'tone.wav' },
    });
    expect(typeof tr.text).toBe('string');
  });

  it('runs Sora video jobs: create, wait with progress, generation, content stream, HEAD, thumbnail, list, delete', async () => {
    const c = client();
    const created = await c.videos.jobs.create({
      model: 'sora',
      prompt: 'a kite over dunes',
      width: 480,
      height: 480,
      n_seconds: 1,
    });
    const seen: string[] = [];
    const done = await c.videos.jobs.wait(created.id, {
      pollIntervalMs: 50,
      onProgress: (j) => void seen.push(j.status),
    });
    expect(done.status).toBe('succeeded');
    expect(seen.length).toBeGreaterThan(0);
    const gen = await c.videos.generations.get(done.generations[0]!.id);
    expect(gen.job_id).toBe(created.id);
    const content = await c.videos.generations.content(gen.id, { quality: 'high' });
    const bytes = Buffer.from(await new Response(content.stream).arrayBuffer());
    expect(content.contentType).toBe('video/mp4');
    expect(bytes.length).toBe(content.contentLength);
    expect(bytes.subarray(4, 8).toString()).toBe('ftyp');
    expect(await c.videos.generations.head(gen.id, { quality: 'low' })).toMatchObject({ ready: true });
    const thumb = await c.videos.generations.thumbnail(gen.id);
    expect(thumb.bytes.length).toBeGreaterThan(100);
    const list = await c.videos.jobs.list({ limit: 50 });
    expect(list.data.map((j) => j.id)).toContain(created.id);
    await c.videos.jobs.delete(created.id);
    await expect(c.videos.jobs.get(created.id)).rejects.toMatchObject({ status: 404 });
  });

  it('creates a Sora job with media (multipart, inpaint item) that the worker sends on', async () => {
    const c = client();
    const image = await c.images.generate({
      model: 'gpt-image-1',
      prompt: 'a first frame',
      size: '1024x1024',
      quality: 'low',
    });
    const png = image.images[0]!.bytes!;
    const created = await c.videos.jobs.createWithMedia({
      model: 'sora',
      prompt: 'bring it to life',
      width: 480,
      height: 480,
      n_seconds: 1,
      files: [{ data: png, filename: 'first.png', contentType: 'image/png' }],
      inpaint_items: [{ frame_index: 0, type: 'image', file_name: 'first.png' }],
    } as never);
    expect(created.inpaint_items?.[0]).toMatchObject({ file_name: 'first.png' });
    const done = await c.videos.jobs.wait(created.id, { pollIntervalMs: 50 });
    expect(done.status).toBe('succeeded');
    const upstream = stack.emu.admin.requests({ operation: 'videoJobs.create' }).at(-1) as any;
    expect(JSON.stringify(upstream)).toMatch(/multipart/);
    const bad = new FormData();
    bad.append('model', 'sora');
    bad.append('prompt', 'x');
    bad.append('width', '480');
    bad.append('height', '480');
    bad.append('files', new Blob([Buffer.from('plain text, not media')], { type: 'text/plain' }), 'a.txt');
    const res = await call(stack, '/openai/v1/video/generations/jobs', { method: 'POST', body: bad });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).param).toMatch(/^files\[0\]/);
  });

  it('runs Sora 2 videos (multipart create) through the queue and downloads every variant', async () => {
    const c = client();
    const created = await c.videos.sora2.create({
      model: 'sora-2',
      prompt: 'a paper plane',
      seconds: '4',
      size: '1280x720',
    });
    const done = await c.videos.sora2.wait(created.id, { pollIntervalMs: 50 });
    expect(done.status).toBe('completed');
    for (const variant of ['video', 'thumbnail', 'spritesheet'] as const) {
      const d = await c.videos.sora2.content(created.id, { variant });
      const bytes = Buffer.from(await new Response(d.stream).arrayBuffer());
      expect(bytes.length, variant).toBeGreaterThan(100);
    }
  });

  it('creates a Sora 2 video from an input_reference and remixes it (client.videos.create / remix / wait / content)', async () => {
    const c = client();
    const png = samplePng(1280, 720);
    const created = await c.videos.sora2.create({
      model: 'sora-2',
      prompt: 'a lighthouse wakes up',
      seconds: '4',
      size: '1280x720',
      input_reference: { data: png, filename: 'lighthouse.png', contentType: 'image/png' },
    });
    expect(created).toMatchObject({ object: 'video', status: 'queued', size: '1280x720', seconds: '4' });
    const done = await c.videos.sora2.wait(created.id, { pollIntervalMs: 50 });
    expect(done.status).toBe('completed');
    const sent = stack.emu.admin
      .requests({ operation: 'videos.create' })
      .find((r) => r.status === 200 && r.files?.[0]?.filename === 'lighthouse.png');
    expect(sent?.files?.[0]).toMatchObject({
      field: 'input_reference',
      contentType: 'image/png',
      size: png.length,
    });

    const remix = await c.videos.sora2.remix(created.id, { prompt: 'the lighthouse in a storm' });
    expect(remix.id).not.toBe(created.id);
    expect(remix.remixed_from_video_id).toBe(created.id);
    const remixed = await c.videos.sora2.wait(remix.id, { pollIntervalMs: 50 });
    expect(remixed).toMatchObject({
      status: 'completed',
      prompt: 'the lighthouse in a storm',
      size: '1280x720',
      remixed_from_video_id: created.id,
    });
    const d = await c.videos.sora2.content(remix.id);
    const bytes = Buffer.from(await new Response(d.stream).arrayBuffer());
    expect(bytes.subarray(4, 8).toString()).toBe('ftyp');
    expect(bytes.length).toBe(d.contentLength);

    // A reference of the wrong size is refused by the service itself (with the client's checks off).
    const unchecked = new AzureOpenAIMedia({
      endpoint: stack.url,
      auth: { apiKey: KEYS.acme },
      maxRetries: 0,
      validation: 'off',
    });
    const wrong = await unchecked.videos.sora2
      .create({
        model: 'sora-2',
        prompt: 'x',
        size: '1280x720',
        input_reference: { data: samplePng(720, 1280), contentType: 'image/png' },
      })
      .catch((e) => e);
    expect(wrong).toMatchObject({ status: 400, param: 'input_reference' });
  });

  it('streams partial images through the Responses image tool', async () => {
    const events: string[] = [];
    for await (const event of client().images.stream({
      model: 'gpt-image-1',
      prompt: 'a comet',
      partial_images: 2,
      size: '1024x1024',
      quality: 'low',
    })) {
      events.push(event.type);
      if (event.type === 'completed') expect(event.image.bytes?.length).toBeGreaterThan(100);
    }
    expect(events.filter((e) => e === 'partial_image')).toHaveLength(2);
    expect(events[events.length - 1]).toBe('completed');
  });

  it('relays the event stream as it arrives (server-sent events)', async () => {
    const res = await json(
      stack,
      '/openai/v1/responses',
      {
        model: 'gpt-4o',
        input: 'draw a comet',
        stream: true,
        tools: [{ type: 'image_generation', partial_images: 1, quality: 'low' }],
      },
      { headers: { 'x-ms-oai-image-generation-deployment': 'gpt-image-1' } },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const text = await res.text();
    expect(text).toMatch(/response\.image_generation_call\.partial_image/);
    expect(text).toMatch(/response\.completed/);
  });

  it('refuses a bad image tool setting before streaming', async () => {
    const res = await json(
      stack,
      '/openai/v1/responses',
      {
        model: 'gpt-4o',
        input: 'x',
        stream: true,
        tools: [{ type: 'image_generation', partial_images: 9, size: '3x3' }],
      },
      { headers: { 'x-ms-oai-image-generation-deployment': 'gpt-image-1' } },
    );
    expect(res.status).toBe(400);
    const body: any = await res.json();
    const params = body.error.details.map((d: any) => d.param);
    expect(params).toContain('tools[0].partial_images');
    expect(params).toContain('tools[0].size');
  });

  it('refuses audio that is not audio, naming file', async () => {
    const form = new FormData();
    form.append('file', new Blob([Buffer.from('hello')], { type: 'text/plain' }), 'notes.txt');
    const res = await call(stack, '/openai/deployments/whisper/audio/transcriptions?api-version=2024-10-21', {
      method: 'POST',
      body: form,
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.param).toBe('file');
  });
});
