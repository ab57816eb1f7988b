import { describe, expect, it } from 'vitest';
import {
  AbortError,
  ConnectionError,
  ContentFilterError,
  JobFailedError,
  NotFoundError,
  type VideoJob,
} from '@aoai-media/core';
import { isMp4, readAll, useHarness } from './harness.js';

const h = useHarness();

const small = { model: 'sora', prompt: 'a paper boat on a pond', width: 480, height: 480, n_seconds: 1 };

describe('Sora 1 jobs against the emulator', () => {
  it('create, wait through every status, then the generation, thumbnail, content and head', async () => {
    const client = h.client();
    const job = await client.videos.jobs.create({ ...small, width: 854, n_variants: 2 });
    expect(job.status).toBe('preprocessing');
    const seen: string[] = [];
    const done = await client.videos.jobs.wait(job.id, {
      pollIntervalMs: 100,
      maxPollIntervalMs: 100,
      onProgress: (j) => seen.push(j.status),
    });
    expect(seen).toEqual(['preprocessing', 'queued', 'running', 'processing', 'succeeded']);
    expect(done.generations).toHaveLength(2);

    const gen = await client.videos.generations.get(done.generations[0]!.id);
    expect(gen).toMatchObject({ job_id: job.id, width: 854, height: 480, n_seconds: 1 });

    const thumb = await client.videos.generations.thumbnail(gen.id);
    expect(thumb.contentType).toBe('image/jpeg');
    expect([...thumb.bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);

    const head = await client.videos.generations.head(gen.id);
    expect(head.ready).toBe(true);
    const download = await client.videos.generations.content(gen.id);
    expect(download.contentType).toBe('video/mp4');
    const bytes = await readAll(download.stream);
    expect(bytes.byteLength).toBe(download.contentLength);
    expect(bytes.byteLength).toBe(head.contentLength);
    expect(isMp4(bytes)).toBe(true);

    const low = await client.videos.generations.content(gen.id, { quality: 'low' });
    const lowBytes = await readAll(low.stream);
    expect(isMp4(lowBytes)).toBe(true);
    expect(lowBytes.byteLength).toBeLessThan(bytes.byteLength);
  });

  it('head is not ready before the job succeeds', async () => {
    const client = h.client();
    const job = await client.videos.jobs.create(small);
    // The generation ids are not known until the job succeeds; a made-up id is simply not ready.
    expect(await client.videos.generations.head(`gen_${job.id}`)).toEqual({ ready: false });
  });

  it('multipart create with an image and an inpaint item', async () => {
    const client = h.client();
    const png = new Uint8Array(
      Buffer.from(
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
        'base64',
      ),
    );
    const job = await client.videos.jobs.createWithMedia({
      ...small,
      files: [{ data: png, filename: 'start.png' }],
      inpaint_items: [
        {
          frame_index: 0,
          type: 'image',
          file_name: 'start.png',
          crop_bounds: { left_fraction: 0, top_fraction: 0, right_fraction: 1, bottom_fraction: 1 },
        },
      ],
    });
    expect(job.inpaint_items?.[0]?.file_name).toBe('start.png');
    const [logged] = h.emu.admin.requests({ operation: 'videoJobs.create' });
    expect(logged!.files?.map((f) => [f.field, f.filename, f.contentType])).toEqual([
      ['files', 'start.png', 'image/png'],
    ]);
  });

  it('lists more than one page, and listAll walks every page', async () => {
    const client = h.client();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.unshift((await client.videos.jobs.create(small)).id);
      h.emu.admin.advance(1);
    }
    const first = await client.videos.jobs.list({ limit: 2 });
    expect(first.data.map((j) => j.id)).toEqual(ids.slice(0, 2));
    expect(first.has_more).toBe(true);
    const all: string[] = [];
    for await (const job of client.videos.jobs.listAll({ limit: 2 })) all.push(job.id);
    expect(all).toEqual(ids);
    expect(h.emu.admin.requests({ operation: 'videoJobs.list' })).toHaveLength(4);
  });

  it('deletes a job; then it is not found', async () => {
    const client = h.client();
    const job = await client.videos.jobs.create(small);
    await client.videos.jobs.delete(job.id);
    await expect(client.videos.jobs.get(job.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('a job that fails input moderation is a ContentFilterError from wait', async () => {
    h.emu.admin.setBlockedTerms(['explosion'], { videoModeration: 'fail' });
    const client = h.client();
    const job = await client.videos.jobs.create({ ...small, prompt: 'a huge explosion' });
    const error = (await client.videos.jobs
      .wait(job.id, { pollIntervalMs: 100 })
      .catch((e: unknown) => e)) as ContentFilterError;
    expect(error).toBeInstanceOf(ContentFilterError);
    expect(error.code).toBe('input_moderation');
  });

  it('a prompt rejected at create is a ContentFilterError with the revised prompt', async () => {
    h.emu.admin.setBlockedTerms(['explosion'], { videoModeration: 'reject' });
    const error = (await h
      .client()
      .videos.jobs.create({ ...small, prompt: 'an explosion' })
      .catch((e: unknown) => e)) as ContentFilterError;
    expect(error).toBeInstanceOf(ContentFilterError);
    expect(error.status).toBe(400);
    expect(error.revisedPrompt).toBe('an explosion');
  });

  it('a job that ends failed for another reason is JobFailedError with the reason', async () => {
    const client = h.client();
    const job = await client.videos.jobs.create(small);
    const failed: VideoJob = { ...job, status: 'failed', failure_reason: 'internal_error' };
    h.emu.admin.fault({ match: { operation: 'videoJobs.get' }, kind: 'status', status: 200, body: failed });
    const error = (await client.videos.jobs.wait(job.id).catch((e: unknown) => e)) as JobFailedError;
    expect(error).toBeInstanceOf(JobFailedError);
    expect(error.failureReason).toBe('internal_error');
  });

  it('an expired job and its content disappear', async () => {
    const client = h.client();
    const job = await client.videos.jobs.create(small);
    const done = await client.videos.jobs.wait(job.id, { pollIntervalMs: 500 });
    expect(done.expires_at).toBeGreaterThan(done.finished_at!);
    h.emu.admin.advance((done.expires_at! - done.finished_at!) * 1000 + 1000);
    await expect(client.videos.jobs.get(job.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.videos.generations.content(done.generations[0]!.id)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(client.videos.jobs.wait(job.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('waits out 429s during polling, honouring retry-after', async () => {
    const client = h.client({ maxRetries: 1 });
    const job = await client.videos.jobs.create(small);
    h.emu.admin.fault({
      match: { operation: 'videoJobs.get' },
      count: 5,
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '3' },
    });
    const done = await client.videos.jobs.wait(job.id, { pollIntervalMs: 200 });
    expect(done.status).toBe('succeeded');
    expect(h.sleeps.filter((ms) => ms === 3000).length).toBeGreaterThanOrEqual(5);
    expect(h.emu.admin.counters()).toBeDefined();
    expect(h.emu.admin.requests({ operation: 'videoJobs.get' }).filter((r) => r.status === 429)).toHaveLength(
      5,
    );
  });

  it('abort mid-wait stops polling at once', async () => {
    const client = h.client();
    const job = await client.videos.jobs.create(small);
    const controller = new AbortController();
    const error = await client.videos.jobs
      .wait(job.id, { signal: controller.signal, pollIntervalMs: 50, onProgress: () => controller.abort() })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    // The first poll reported progress; no poll and no sleep after the abort.
    expect(h.emu.admin.requests({ operation: 'videoJobs.get' })).toHaveLength(1);
    expect(h.sleeps).toEqual([]);
  });

  it('abort mid-download ends the stream with AbortError; a cut body is ConnectionError', async () => {
    const client = h.client();
    const job = await client.videos.jobs.create(small);
    const done = await client.videos.jobs.wait(job.id, { pollIntervalMs: 500 });
    const genId = done.generations[0]!.id;

    h.emu.admin.fault({ match: { operation: 'generations.video' }, kind: 'truncate', truncateAt: 200 });
    const cut = await client.videos.generations.content(genId);
    await expect(readAll(cut.stream)).rejects.toBeInstanceOf(ConnectionError);

    const controller = new AbortController();
    const download = await client.videos.generations.content(genId, { signal: controller.signal });
    const reader = download.stream.getReader();
    controller.abort();
    let error: unknown;
    for (let i = 0; i < 10_000 && !error; i++) {
      try {
        if ((await reader.read()).done) break;
      } catch (e) {
        error = e;
      }
    }
    expect(error).toBeInstanceOf(AbortError);
  });
});

describe('Sora 2 videos (raw API) against the emulator', () => {
  it('create (seconds as a string), wait, download every variant, remix, list, delete', async () => {
    const client = h.client();
    const video = await client.videos.sora2.create({
      model: 'sora-2',
      prompt: 'a lighthouse at dusk',
      seconds: '4',
      size: '1280x720',
    });
    expect(video.status).toBe('queued');
    const [logged] = h.emu.admin.requests({ operation: 'videos.create' });
    expect(logged!.fields?.seconds).toBe('4');
    const seen: string[] = [];
    const done = await client.videos.sora2.wait(video.id, {
      pollIntervalMs: 200,
      onProgress: (v) => seen.push(v.status),
    });
    expect(done.status).toBe('completed');
    expect(seen[0]).toBe('queued');
    expect(seen.at(-1)).toBe('completed');

    const mp4 = await client.videos.sora2.content(video.id);
    expect(mp4.contentType).toBe('video/mp4');
    expect(isMp4(await readAll(mp4.stream))).toBe(true);
    for (const variant of ['thumbnail', 'spritesheet'] as const) {
      const d = await client.videos.sora2.content(video.id, { variant });
      expect(d.contentType).toMatch(/^image\//);
      expect((await readAll(d.stream)).byteLength).toBeGreaterThan(0);
    }

    const remix = await client.videos.sora2.remix(video.id, { prompt: 'the same lighthouse in fog' });
    expect(remix.remixed_from_video_id).toBe(video.id);

    const listed: string[] = [];
    for await (const v of client.videos.sora2.listAll({ limit: 1 })) listed.push(v.id);
    expect(listed.sort()).toEqual([video.id, remix.id].sort());

    expect((await client.videos.sora2.delete(video.id)).deleted).toBe(true);
    await expect(client.videos.sora2.get(video.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('moderation ends a Sora 2 video as a ContentFilterError', async () => {
    h.emu.admin.setBlockedTerms(['explosion'], { videoModeration: 'fail' });
    const client = h.client();
    const outcome = await client.videos.sora2
      .create({ model: 'sora-2', prompt: 'an explosion' })
      .then((v) => client.videos.sora2.wait(v.id, { pollIntervalMs: 200 }))
      .catch((e: unknown) => e);
    expect(outcome).toBeInstanceOf(ContentFilterError);
  });
});
