/**
 * The unified video interface (`client.videos`) over the emulator, for both video APIs, with the
 * same test body: the deployment's model decides Sora 1 jobs or Sora 2 videos, and what differs is
 * asked of core (`capabilities`), never decided here. Then reconciling video creates that failed
 * ambiguously, counted in the emulator's request log and counters.
 */
import { describe, expect, it } from 'vitest';
import {
  AmbiguousVideoMatchError,
  AzureOpenAIMedia,
  ContentFilterError,
  MaybeProcessedError,
  NotFoundError,
  ValidationError,
  VIDEO_TASK_STATUSES,
  detectContentType,
  type VideoTask,
} from '@aoai-media/core';
import { isMp4, probeVideo, readAll, useHarness } from './harness.js';

const DEPLOYMENTS = { 'video-eu': 'sora', 'clips-prod': 'sora-2' };
const h = useHarness({ deployments: DEPLOYMENTS });
const client = () => h.client({ deployments: DEPLOYMENTS });

const families = [
  {
    label: 'Sora 1 jobs',
    deployment: 'video-eu',
    request: { size: '854x480', seconds: 1, variants: 2 },
    createOp: 'videoJobs.create',
    listOp: 'videoJobs.list',
    counter: 'videoJobsCreated' as const,
  },
  {
    label: 'Sora 2 videos',
    deployment: 'clips-prod',
    request: { size: '1280x720', seconds: 4, variants: 1 },
    createOp: 'videos.create',
    listOp: 'videos.list',
    counter: 'videosCreated' as const,
  },
];

/** How many tasks the emulator made for a deployment. */
const created = (counter: 'videoJobsCreated' | 'videosCreated', deployment: string) =>
  h.emu.admin.counters()[counter][deployment] ?? 0;

describe.each(families)('client.videos over $label', (family) => {
  const make = (prompt: string) => ({ model: family.deployment, prompt, ...family.request });

  it('create, list pages, wait, download every output and content, remix where supported, delete', async () => {
    const c = client();
    const caps = c.videos.capabilities(family.deployment)!;
    expect(caps.api).toBe(c.videos.apiFor(family.deployment));

    const first = await c.videos.create(make('a paper boat on a pond'));
    expect(first).toMatchObject({ api: caps.api, status: 'queued', prompt: 'a paper boat on a pond' });
    expect(first.size).toBe(family.request.size);
    h.emu.admin.advance(1);
    const second = await c.videos.create(make('a lighthouse at dusk'));

    // Pages of one, newest first; `for await` walks them all.
    const page = await c.videos.list({ deployment: family.deployment, limit: 1 });
    expect(page.data.map((t) => t.id)).toEqual([second.id]);
    expect((await page.nextPage())?.data.map((t) => t.id)).toEqual([first.id]);
    const all: string[] = [];
    for await (const task of page) all.push(task.id);
    expect(all).toEqual([second.id, first.id]);

    const seen: string[] = [];
    const done = await c.videos.wait(first, { pollIntervalMs: 100, onProgress: (t) => seen.push(t.status) });
    expect(done.status).toBe('succeeded');
    expect(seen.every((s) => VIDEO_TASK_STATUSES.includes(s as never))).toBe(true);
    expect(seen.at(-1)).toBe('succeeded');
    expect(done.outputs).toHaveLength(family.request.variants);

    const [width, height] = family.request.size.split('x').map(Number);
    for (const output of done.outputs) {
      expect(output.contents).toEqual(caps.contents);
      const video = await c.videos.downloadContent(done, { output: output.index });
      expect(video.contentType).toBe('video/mp4');
      const bytes = await readAll(video.stream);
      expect(bytes.byteLength).toBe(video.contentLength);
      expect(await probeVideo(bytes)).toMatchObject({ width, height });
      expect((await probeVideo(bytes)).duration).toBeCloseTo(family.request.seconds, 0);
      for (const content of caps.contents.filter((x) => x !== 'video')) {
        const image = await c.videos.downloadContent(done, { output: output.index, content });
        const imageBytes = await readAll(image.stream);
        expect(detectContentType(imageBytes)).toMatch(/^image\//);
        expect(image.contentType).toBe(detectContentType(imageBytes));
      }
      for (const quality of caps.qualities) {
        const rendition = await c.videos.downloadContent(done, { output: output.index, quality });
        expect(isMp4(await readAll(rendition.stream))).toBe(true);
      }
    }
    expect(caps.thumbnail).toBe(caps.contents.includes('thumbnail'));

    // By id: with the deployment, or with the API; both find the same task.
    expect((await c.videos.retrieve({ id: done.id, deployment: family.deployment })).status).toBe(
      'succeeded',
    );
    expect((await c.videos.retrieve({ id: done.id, api: caps.api })).outputs).toEqual(done.outputs);

    const remixing = c.videos.remix(done, { prompt: 'the same scene at night' });
    if (caps.remix) {
      const remix = await remixing;
      expect(remix.remixedFrom).toBe(done.id);
    } else {
      await expect(remixing).rejects.toBeInstanceOf(ValidationError);
    }

    await expect(c.videos.delete(done)).resolves.toEqual({ id: done.id, deleted: true });
    await expect(c.videos.retrieve(done)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('bad input names the unified field and sends nothing', async () => {
    const c = client();
    const caps = c.videos.capabilities(family.deployment)!;
    const error = (await c.videos
      .create({ model: family.deployment, prompt: 'x', size: '1x1', seconds: 999 })
      .catch((e: unknown) => e)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.issues.map((i) => i.path).sort()).toEqual(['seconds', 'size']);
    expect(error.issues.find((i) => i.path === 'size')!.message).toContain(caps.sizes[0]);
    expect(h.emu.admin.requests({ operation: family.createOp })).toHaveLength(0);
  });

  it('a task refused by moderation is a ContentFilterError from wait', async () => {
    h.emu.admin.setBlockedTerms(['explosion'], { videoModeration: 'fail' });
    const c = client();
    const task = await c.videos.create(make('a huge explosion'));
    const error = await c.videos.wait(task, { pollIntervalMs: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContentFilterError);
  });

  describe('reconciling an ambiguous create', () => {
    it('the create landed but its answer was cut: the task is adopted, one task made, nothing resent', async () => {
      const c = client();
      h.emu.admin.fault({ match: { operation: family.createOp }, kind: 'truncate' });
      const task = await c.videos.create(make('a fox in the snow'));
      expect(h.emu.admin.requests({ operation: family.createOp })).toHaveLength(1);
      expect(h.emu.admin.requests({ operation: family.listOp }).length).toBeGreaterThanOrEqual(1);
      expect(created(family.counter, family.deployment)).toBe(1);
      expect((await c.videos.retrieve(task)).prompt).toBe('a fox in the snow');
    });

    it('the create never landed (502 before processing): sent once more, one task made', async () => {
      const c = client();
      h.emu.admin.fault({ match: { operation: family.createOp }, kind: 'status', status: 502 });
      const task = await c.videos.create(make('a fox in the rain'));
      const creates = h.emu.admin.requests({ operation: family.createOp });
      expect(creates.map((r) => r.status)).toEqual([502, 200]);
      expect(created(family.counter, family.deployment)).toBe(1);
      expect(task.prompt).toBe('a fox in the rain');
    });

    it('several recent tasks match: AmbiguousVideoMatchError naming them, nothing resent', async () => {
      const other = client();
      const a = await other.videos.create(make('a fox in the fog'));
      const b = await other.videos.create(make('a fox in the fog'));
      h.emu.admin.fault({ match: { operation: family.createOp }, kind: 'truncate' });
      const error = (await client()
        .videos.create(make('a fox in the fog'))
        .catch((e: unknown) => e)) as AmbiguousVideoMatchError;
      expect(error).toBeInstanceOf(AmbiguousVideoMatchError);
      expect(error).toBeInstanceOf(MaybeProcessedError);
      expect(error.candidateIds).toHaveLength(3);
      expect(error.candidateIds).toEqual(expect.arrayContaining([a.id, b.id]));
      expect(h.emu.admin.requests({ operation: family.createOp })).toHaveLength(3);
      expect(created(family.counter, family.deployment)).toBe(3);
    });

    it('a task this client made earlier is not mistaken for the lost one', async () => {
      const c = client();
      const earlier = await c.videos.create(make('a fox at dawn'));
      h.emu.admin.fault({ match: { operation: family.createOp }, kind: 'status', status: 504 });
      const task = await c.videos.create(make('a fox at dawn'));
      expect(task.id).not.toBe(earlier.id);
      expect(created(family.counter, family.deployment)).toBe(2);
    });

    it('findCreated finds a create sent by a process that is gone, and nothing when none was made', async () => {
      const since = h.emu.admin.now();
      const request = make('a heron on one leg');
      // A previous process sent the create and died before reading the answer.
      await client().videos.create(request);
      const fresh = new AzureOpenAIMedia({
        endpoint: h.emu.url,
        auth: { apiKey: h.emu.apiKey },
        deployments: DEPLOYMENTS,
        now: () => h.emu.admin.now(),
      });
      const found = (await fresh.videos.findCreated(request, { since })) as VideoTask;
      expect(found).toMatchObject({
        prompt: 'a heron on one leg',
        api: fresh.videos.apiFor(family.deployment),
      });
      expect(await fresh.videos.findCreated(make('a heron in flight'), { since })).toBeUndefined();
      // Tasks from before the window do not count.
      h.emu.admin.advance(10 * 60_000);
      expect(await fresh.videos.findCreated(request, { since: h.emu.admin.now() })).toBeUndefined();
    });
  });
});

describe('remix reconciles too', () => {
  it('a remix whose answer was cut is adopted, not sent twice', async () => {
    const c = client();
    const source = await c.videos.wait(await c.videos.create({ model: 'clips-prod', prompt: 'a bridge' }), {
      pollIntervalMs: 200,
    });
    h.emu.admin.fault({ match: { operation: 'videos.remix' }, kind: 'truncate' });
    const remix = await c.videos.remix(source, { prompt: 'a bridge in snow' });
    expect(remix.remixedFrom).toBe(source.id);
    expect(h.emu.admin.requests({ operation: 'videos.remix' })).toHaveLength(1);
    expect(created('videosCreated', 'clips-prod')).toBe(2);
  });
});
