import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { blob, probeVideo, useHarness } from './support.js';

const VIDEOS = '/openai/v1/videos?api-version=preview';
const video = (id: string, rest = '') => `/openai/v1/videos/${id}${rest}`;

function createForm(fields: Record<string, string>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries({ model: 'sora-2', prompt: 'a paper boat', ...fields })) f.append(k, v);
  return f;
}

describe('Sora 2 videos', () => {
  const h = useHarness();

  it('create (multipart), queued -> in_progress with progress -> completed, then content variants', async () => {
    const r = await h.form(VIDEOS, createForm({ seconds: '4', size: '1280x720' }));
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      object: 'video',
      status: 'queued',
      progress: 0,
      seconds: '4',
      size: '1280x720',
      model: 'sora-2',
      error: null,
    });
    const id = r.json.id as string;
    h.emu.admin.advance(500 + 500);
    const mid = (await h.get(video(id))).json;
    expect(mid.status).toBe('in_progress');
    expect(mid.progress).toBeGreaterThan(0);
    expect(mid.progress).toBeLessThan(100);
    h.emu.admin.advance(1000);
    const done = (await h.get(video(id))).json;
    expect(done.status).toBe('completed');
    expect(done.progress).toBe(100);
    expect(done.completed_at).toBeGreaterThanOrEqual(done.created_at);
    expect(done.expires_at).toBeGreaterThan(done.completed_at);

    const mp4 = await h.get(video(id, '/content'));
    expect(mp4.headers.get('content-type')).toBe('video/mp4');
    const info = await probeVideo(mp4.bytes);
    expect([info.width, info.height, info.codec]).toEqual([1280, 720, 'h264']);
    expect(info.duration).toBeCloseTo(4, 1);

    const thumb = await h.get(video(id, '/content?variant=thumbnail'));
    const tm = await sharp(thumb.bytes).metadata();
    expect([thumb.headers.get('content-type'), tm.format, tm.width, tm.height]).toEqual([
      'image/webp',
      'webp',
      1280,
      720,
    ]);
    const sprite = await h.get(video(id, '/content?variant=spritesheet'));
    const sm = await sharp(sprite.bytes).metadata();
    expect(sm.format).toBe('jpeg');
    expect(sm.width).toBeGreaterThan(sm.height!);
    expect((await h.get(video(id, '/content?variant=gif'))).status).toBe(400);
  });

  it('accepts JSON, defaults seconds and size from the model table', async () => {
    const r = await h.post(VIDEOS, { model: 'sora-2', prompt: 'x' });
    expect(r.status).toBe(200);
    expect(r.json.seconds).toBe('4');
    expect(r.json.size).toBe('720x1280');
  });

  it('content before completion answers 404 in the wrapped shape', async () => {
    const r = await h.post(VIDEOS, { model: 'sora-2', prompt: 'x' });
    const c = await h.get(video(r.json.id, '/content'));
    expect(c.status).toBe(404);
    expect(c.json.error.code).toBe('video_not_ready');
  });

  it.each([
    [{ seconds: '5' }, 'seconds'],
    [{ size: '1920x1080' }, 'size'],
    [{ n_variants: '2' }, 'n_variants'],
  ])('rejects %j', async (fields, param) => {
    const r = await h.form(VIDEOS, createForm(fields));
    expect(r.status).toBe(400);
    expect(r.json.error.param).toBe(param);
  });

  it('rejects seconds sent as a number', async () => {
    const r = await h.post(VIDEOS, { model: 'sora-2', prompt: 'x', seconds: 8 });
    expect(r.status).toBe(400);
    expect(r.json.error.message).toContain('strings');
  });

  it('the Sora 1 deployment is not a videos deployment', async () => {
    const r = await h.post(VIDEOS, { model: 'sora', prompt: 'x' });
    expect(r.status).toBe(400);
    expect(r.json.error.param).toBe('model');
  });

  it('input_reference must be an image of the requested size', async () => {
    const right = new Uint8Array(
      await sharp({ create: { width: 720, height: 1280, channels: 3, background: '#abcdef' } })
        .png()
        .toBuffer(),
    );
    const wrong = new Uint8Array(
      await sharp({ create: { width: 100, height: 100, channels: 3, background: '#abcdef' } })
        .png()
        .toBuffer(),
    );
    const ok = createForm({ size: '720x1280' });
    ok.append('input_reference', blob(right, 'image/png'), 'ref.png');
    expect((await h.form(VIDEOS, ok)).status).toBe(200);
    const bad = createForm({ size: '720x1280' });
    bad.append('input_reference', blob(wrong, 'image/png'), 'ref.png');
    const r = await h.form(VIDEOS, bad);
    expect(r.status).toBe(400);
    expect(r.json.error.param).toBe('input_reference');
  });

  it('remix makes a new video from a completed one', async () => {
    const src = (await h.post(VIDEOS, { model: 'sora-2', prompt: 'x', seconds: '8', size: '1280x720' })).json;
    const early = await h.post(video(src.id, '/remix'), { prompt: 'now at night' });
    expect(early.status).toBe(404);
    h.emu.admin.advance(2000);
    const r = await h.post(video(src.id, '/remix'), { prompt: 'now at night' });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      remixed_from_video_id: src.id,
      seconds: '8',
      size: '1280x720',
      prompt: 'now at night',
      status: 'queued',
    });
    expect(h.emu.admin.counters().videosCreated['sora-2']).toBe(2);
  });

  it('list pages with limit and after; delete answers video.deleted', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await h.post(VIDEOS, { model: 'sora-2', prompt: `p${i}` })).json.id);
    const p1 = (await h.get('/openai/v1/videos?limit=2')).json;
    expect(p1.data.map((v: { id: string }) => v.id)).toEqual([ids[2], ids[1]]);
    expect(p1.has_more).toBe(true);
    const p2 = (await h.get(`/openai/v1/videos?limit=2&after=${p1.last_id}`)).json;
    expect(p2.data.map((v: { id: string }) => v.id)).toEqual([ids[0]]);
    expect(p2.has_more).toBe(false);
    const asc = (await h.get('/openai/v1/videos?order=asc&limit=5')).json;
    expect(asc.data.map((v: { id: string }) => v.id)).toEqual(ids);
    const del = await h.call(video(ids[0]!), { method: 'DELETE' });
    expect(del.json).toEqual({ id: ids[0], object: 'video.deleted', deleted: true });
    expect((await h.get(video(ids[0]!))).status).toBe(404);
  });

  it('blocked prompts: fail mode ends failed with input_moderation; reject mode answers 400', async () => {
    h.emu.admin.setBlockedTerms(['weapon']);
    const r = await h.post(VIDEOS, { model: 'sora-2', prompt: 'a weapon' });
    h.emu.admin.advance(500);
    const failed = (await h.get(video(r.json.id))).json;
    expect(failed.status).toBe('failed');
    expect(failed.error.code).toBe('input_moderation');
    h.emu.admin.setBlockedTerms(['weapon'], { videoModeration: 'reject' });
    const rejected = await h.post(VIDEOS, { model: 'sora-2', prompt: 'a weapon' });
    expect(rejected.status).toBe(400);
    expect(rejected.json.error.code).toBe('content_policy_violation');
    expect(rejected.json.error.inner_error.code).toBe('ResponsibleAIPolicyViolation');
  });

  it('planned failures end a video failed with the given reason', async () => {
    const res = await fetch(`${h.emu.url}/_emulator/video-failures`, {
      method: 'POST',
      body: JSON.stringify({ reason: 'internal_error', deployment: 'sora-2' }),
    });
    expect(res.status).toBe(200);
    const r = await h.post(VIDEOS, { model: 'sora-2', prompt: 'x' });
    h.emu.admin.advance(1499);
    expect((await h.get(video(r.json.id))).json.status).toBe('in_progress');
    h.emu.admin.advance(1);
    const failed = (await h.get(video(r.json.id))).json;
    expect(failed.status).toBe('failed');
    expect(failed.error.code).toBe('internal_error');
    expect((await h.get(video(r.json.id, '/content'))).status).toBe(404);
  });

  it('running limit applies to Sora 2 too', async () => {
    h.emu.admin.setLimits({ maxRunningVideoJobs: 1 });
    expect((await h.post(VIDEOS, { model: 'sora-2', prompt: 'a' })).status).toBe(200);
    const second = await h.post(VIDEOS, { model: 'sora-2', prompt: 'b' });
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBeTruthy();
  });
});
