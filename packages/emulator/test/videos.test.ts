import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { blob, harness, probeVideo, useHarness } from './support.js';

const JOBS = '/openai/v1/video/generations/jobs?api-version=preview';
const job = (id: string) => `/openai/v1/video/generations/jobs/${id}?api-version=preview`;
const gen = (id: string, rest = '') => `/openai/v1/video/generations/${id}${rest}`;
const TOTAL_MS = 250 + 250 + 1000 + 500;

describe('Sora video generation jobs', () => {
  const h = useHarness();

  async function create(body: Record<string, unknown> = {}) {
    const r = await h.post(JOBS, {
      model: 'sora',
      prompt: 'waves at dusk',
      width: 480,
      height: 480,
      n_seconds: 2,
      ...body,
    });
    expect(r.status).toBe(200);
    return r.json;
  }

  it('moves preprocessing -> queued -> running -> processing -> succeeded on the manual clock', async () => {
    const created = await create();
    expect(created.object).toBe('video.generation.job');
    expect(created.status).toBe('preprocessing');
    expect(created.generations).toEqual([]);
    expect(created.finished_at).toBeUndefined();
    const seen = [created.status];
    for (const step of [250, 250, 1000, 500]) {
      h.emu.admin.advance(step);
      seen.push((await h.get(job(created.id))).json.status);
    }
    expect(seen).toEqual(['preprocessing', 'queued', 'running', 'processing', 'succeeded']);
    const done = (await h.get(job(created.id))).json;
    expect(done.generations).toHaveLength(1);
    expect(done.finished_at).toBeGreaterThanOrEqual(done.created_at);
    expect(done.expires_at - done.finished_at).toBe(24 * 3600);
    expect(done.generations[0]).toMatchObject({
      object: 'video.generation',
      job_id: created.id,
      width: 480,
      height: 480,
      n_seconds: 2,
      prompt: 'waves at dusk',
    });
  });

  it('serves an H.264 MP4 of the exact size and duration, a smaller low variant, a JPEG thumbnail, HEAD and ranges', async () => {
    const created = await create({ width: 854, height: 480, n_seconds: 3, n_variants: 2 });
    h.emu.admin.advance(TOTAL_MS);
    const done = (await h.get(job(created.id))).json;
    expect(done.generations).toHaveLength(2);
    const g = done.generations[0].id;

    const meta = await h.get(gen(g));
    expect(meta.json.id).toBe(g);

    const high = await h.get(gen(g, '/content/video?api-version=preview'));
    expect(high.status).toBe(200);
    expect(high.headers.get('content-type')).toBe('video/mp4');
    expect(high.headers.get('accept-ranges')).toBe('bytes');
    expect(high.headers.get('last-modified')).toBeTruthy();
    expect(Number(high.headers.get('content-length'))).toBe(high.bytes.length);
    const info = await probeVideo(high.bytes);
    expect(info.codec).toBe('h264');
    expect([info.width, info.height]).toEqual([854, 480]);
    expect(info.duration).toBeCloseTo(3, 1);

    const low = await h.get(gen(g, '/content/video?quality=low'));
    expect(low.status).toBe(200);
    expect(low.bytes.length).toBeLessThan(high.bytes.length);
    expect((await probeVideo(low.bytes)).duration).toBeCloseTo(3, 1);

    const head = await h.call(gen(g, '/content/video?quality=high'), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBe(high.bytes.length);
    expect(head.bytes.length).toBe(0);

    const part = await h.call(gen(g, '/content/video'), { headers: { range: 'bytes=0-99' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-99/${high.bytes.length}`);
    expect(Buffer.from(part.bytes).equals(Buffer.from(high.bytes.subarray(0, 100)))).toBe(true);

    const thumb = await h.get(gen(g, '/content/thumbnail'));
    expect(thumb.headers.get('content-type')).toBe('image/jpg');
    const m = await sharp(thumb.bytes).metadata();
    expect([m.format, m.width, m.height]).toEqual(['jpeg', 854, 480]);

    const bad = await h.get(gen(g, '/content/video?quality=medium'));
    expect(bad.status).toBe(400);
    expect(bad.json.param).toBe('quality');
  });

  it('content is 404 (unwrapped) before the job succeeds', async () => {
    const created = await create();
    h.emu.admin.advance(TOTAL_MS);
    const g = (await h.get(job(created.id))).json.generations[0].id;
    const second = await create();
    const r = await h.get(gen('gen_unknown', '/content/video'));
    expect(r.status).toBe(404);
    expect(r.json.code).toBe('NotFound');
    expect(r.json.error).toBeUndefined();
    expect(second.status).toBe('preprocessing');
    expect((await h.get(gen(g))).status).toBe(200);
  });

  it('lists newest first with limit, after, before, statuses, has_more, first_id and last_id', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await create({ prompt: `p${i}` })).id);
      h.emu.admin.advance(10);
    }
    const newest = [...ids].reverse();
    const p1 = (await h.get('/openai/v1/video/generations/jobs?limit=2')).json;
    expect(p1.object).toBe('list');
    expect(p1.data.map((j: { id: string }) => j.id)).toEqual(newest.slice(0, 2));
    expect([p1.has_more, p1.first_id, p1.last_id]).toEqual([true, newest[0], newest[1]]);
    const p2 = (await h.get(`/openai/v1/video/generations/jobs?limit=2&after=${p1.last_id}`)).json;
    expect(p2.data.map((j: { id: string }) => j.id)).toEqual(newest.slice(2, 4));
    const p3 = (await h.get(`/openai/v1/video/generations/jobs?limit=2&after=${p2.last_id}`)).json;
    expect(p3.data.map((j: { id: string }) => j.id)).toEqual(newest.slice(4));
    expect(p3.has_more).toBe(false);
    const back = (await h.get(`/openai/v1/video/generations/jobs?limit=2&before=${p3.first_id}`)).json;
    expect(back.data.map((j: { id: string }) => j.id)).toEqual(newest.slice(2, 4));

    h.emu.admin.advance(TOTAL_MS - 40); // the oldest ones succeed first
    const succeeded = (await h.get('/openai/v1/video/generations/jobs?limit=10&statuses=succeeded')).json;
    expect(succeeded.data.length).toBeGreaterThan(0);
    expect(succeeded.data.every((j: { status: string }) => j.status === 'succeeded')).toBe(true);
    const both = (await h.get('/openai/v1/video/generations/jobs?limit=10&statuses=succeeded,processing'))
      .json;
    expect(both.data).toHaveLength(5);
    const bad = await h.get('/openai/v1/video/generations/jobs?statuses=done');
    expect(bad.status).toBe(400);
    expect(bad.json.param).toBe('statuses');
  });

  it('DELETE answers 204 and the job is gone', async () => {
    const created = await create();
    const del = await h.call(job(created.id), { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    const again = await h.get(job(created.id));
    expect(again.status).toBe(404);
    expect(again.json.code).toBe('NotFound');
  });

  it('expired jobs and their content disappear', async () => {
    const created = await create();
    h.emu.admin.advance(TOTAL_MS);
    const g = (await h.get(job(created.id))).json.generations[0].id;
    h.emu.admin.advance(24 * 3600 * 1000);
    expect((await h.get(job(created.id))).status).toBe(404);
    expect((await h.get(gen(g, '/content/video'))).status).toBe(404);
    expect((await h.get('/openai/v1/video/generations/jobs?limit=10')).json.data).toEqual([]);
  });

  it('multipart create with files and inpaint_items', async () => {
    const png = new Uint8Array(
      await sharp({ create: { width: 64, height: 64, channels: 3, background: '#123456' } })
        .png()
        .toBuffer(),
    );
    const form = new FormData();
    form.append('model', 'sora');
    form.append('prompt', 'animate this');
    form.append('width', '1280');
    form.append('height', '720');
    form.append('n_seconds', '4');
    form.append('files', blob(png, 'image/png'), 'start.png');
    form.append(
      'inpaint_items',
      JSON.stringify([
        {
          frame_index: 0,
          type: 'image',
          file_name: 'start.png',
          crop_bounds: { left_fraction: 0.1, top_fraction: 0.1, right_fraction: 0.9, bottom_fraction: 0.9 },
        },
      ]),
    );
    const r = await h.form(JOBS, form);
    expect(r.status).toBe(200);
    expect(r.json.inpaint_items[0]).toMatchObject({ file_name: 'start.png', frame_index: 0, type: 'image' });
    expect(h.emu.admin.requests({ operation: 'videoJobs.create' })[0]!.files).toEqual([
      { field: 'files', filename: 'start.png', contentType: 'image/png', size: png.length },
    ]);
  });

  it.each([
    [{ file_name: 'other.png', frame_index: 0, type: 'image' }, 'inpaint_items[0].file_name'],
    [{ file_name: 'start.png', frame_index: 4 * 30, type: 'image' }, 'inpaint_items[0].frame_index'],
    [
      {
        file_name: 'start.png',
        frame_index: 0,
        type: 'image',
        crop_bounds: { left_fraction: 0.8, right_fraction: 0.2 },
      },
      'inpaint_items[0].crop_bounds',
    ],
    [
      { file_name: 'start.png', frame_index: 0, type: 'image', crop_bounds: { left_fraction: 1.5 } },
      'inpaint_items[0].crop_bounds.left_fraction',
    ],
  ])('rejects inpaint item %j', async (item, param) => {
    const form = new FormData();
    for (const [k, v] of Object.entries({
      model: 'sora',
      prompt: 'x',
      width: '480',
      height: '480',
      n_seconds: '4',
    }))
      form.append(k, v);
    form.append('files', blob(new Uint8Array([137, 80, 78, 71]), 'image/png'), 'start.png');
    form.append('inpaint_items', JSON.stringify([item]));
    const r = await h.form(JOBS, form);
    expect(r.status).toBe(400);
    expect(r.json.param).toBe(param);
  });

  it('multipart without files and with an unsupported file type is rejected', async () => {
    const form = new FormData();
    for (const [k, v] of Object.entries({ model: 'sora', prompt: 'x', width: '480', height: '480' }))
      form.append(k, v);
    const r = await h.form(JOBS, form);
    expect(r.status).toBe(400);
    expect(r.json.param).toBe('files');
    form.append('files', blob(new Uint8Array([1, 2, 3]), 'application/pdf'), 'doc.pdf');
    const t = await h.form(JOBS, form);
    expect(t.status).toBe(400);
    expect(t.json.message).toContain('video/mp4');
  });

  it.each([
    [{ width: 1000, height: 480 }, 'width'],
    [{ width: 1920, height: 1080, n_seconds: 15 }, 'n_seconds'],
    [{ n_seconds: 21 }, 'n_seconds'],
    [{ width: 1920, height: 1080, n_variants: 2 }, 'n_variants'],
    [{ n_variants: 6 }, 'n_variants'],
    [{ prompt: undefined }, 'prompt'],
    [{ height: undefined }, 'height'],
    [{ model: 'sora-2' }, 'model'],
    [{ fps: 24 }, 'fps'],
  ])('rejects %j with the unwrapped video error shape', async (body, param) => {
    const r = await h.post(JOBS, { model: 'sora', prompt: 'x', width: 480, height: 480, ...body });
    expect(r.status).toBe(400);
    expect(r.json.error).toBeUndefined();
    expect(r.json.param).toBe(param);
    expect(typeof r.json.message).toBe('string');
  });

  it('1080p accepts 10 s and one variant; portrait sizes are accepted', async () => {
    await create({ width: 1920, height: 1080, n_seconds: 10 });
    await create({ width: 720, height: 1280 });
  });

  it('blocked prompt, mode fail: the job ends failed with input_moderation', async () => {
    h.emu.admin.setBlockedTerms(['explosion']);
    const created = await create({ prompt: 'an explosion' });
    expect(created.status).toBe('preprocessing');
    h.emu.admin.advance(250);
    const failed = (await h.get(job(created.id))).json;
    expect(failed.status).toBe('failed');
    expect(failed.failure_reason).toBe('input_moderation');
    expect(failed.generations).toEqual([]);
  });

  it('blocked prompt, mode reject: create answers 400 with inner ResponsibleAIPolicyViolation', async () => {
    h.emu.admin.setBlockedTerms(['explosion'], { videoModeration: 'reject' });
    const r = await h.post(JOBS, { model: 'sora', prompt: 'an EXPLOSION', width: 480, height: 480 });
    expect(r.status).toBe(400);
    expect(r.json.code).toBe('content_policy_violation');
    expect(r.json.inner_error.code).toBe('ResponsibleAIPolicyViolation');
    expect(r.json.inner_error.revised_prompt).toBe('an EXPLOSION');
    expect(r.json.inner_error.error_details.violence.filtered).toBe(true);
  });

  it('planned failures end the next jobs failed with internal_error while running', async () => {
    h.emu.admin.failVideoJobs({ count: 1, deployment: 'sora' });
    const failing = await create();
    const fine = await create();
    const seen: string[] = [];
    for (const step of [250, 250, 1000]) {
      seen.push((await h.get(job(failing.id))).json.status);
      h.emu.admin.advance(step);
    }
    const failed = (await h.get(job(failing.id))).json;
    expect([...seen, failed.status]).toEqual(['preprocessing', 'queued', 'running', 'failed']);
    expect(failed.failure_reason).toBe('internal_error');
    expect(failed.finished_at).toBeDefined();
    h.emu.admin.advance(500);
    expect((await h.get(job(fine.id))).json.status).toBe('succeeded');
    expect(() => h.emu.admin.failVideoJobs({ count: 0 })).toThrow(/count must be a positive integer/);
  });

  it('caps running jobs per deployment with 429 and counts creations', async () => {
    h.emu.admin.setLimits({ deployments: { sora: { maxRunningVideoJobs: 2 } } });
    await create();
    await create();
    const third = await h.post(JOBS, { model: 'sora', prompt: 'x', width: 480, height: 480 });
    expect(third.status).toBe(429);
    expect(third.json.code).toBe('too_many_running_jobs');
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(third.headers.get('retry-after-ms')).toBeTruthy();
    h.emu.admin.advance(TOTAL_MS);
    await create();
    const c = h.emu.admin.counters();
    expect(c.videoJobsCreated.sora).toBe(3);
    expect(c.peakRunningVideoJobs.sora).toBe(2);
  });
});

describe('Sora jobs on the real clock', () => {
  it('a default job completes on its own with a fast time scale', async () => {
    const h = await harness({ clock: 'real', timeScale: 50 });
    try {
      const r = await h.post(JOBS, { model: 'sora', prompt: 'x', width: 480, height: 480, n_seconds: 1 });
      let status = r.json.status;
      for (let i = 0; i < 100 && status !== 'succeeded'; i++) {
        await new Promise((res) => setTimeout(res, 20));
        status = (await h.get(job(r.json.id))).json.status;
      }
      expect(status).toBe('succeeded');
    } finally {
      await h.emu.close();
    }
  });
});
