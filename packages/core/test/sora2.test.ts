import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import {
  AzureOpenAIMedia,
  ContentFilterError,
  JobFailedError,
  ValidationError,
  type Video,
} from '../src/index.js';
import { startServer, json, type Recorded, type TestServer } from './server.js';
import { makePng } from './fixtures.js';

/** Each video walks through its script, one step per GET. */
const scripts = new Map<string, { steps: Partial<Video>[]; polls: number }>();
const content = {
  video: Buffer.alloc(4096, 5),
  thumbnail: Buffer.from(makePng(4, 4)),
  spritesheet: Buffer.from(makePng(8, 4)),
};

function video(id: string, extra: Partial<Video> = {}): Video {
  return {
    object: 'video',
    id,
    status: 'queued',
    model: 'sora-2',
    progress: 0,
    created_at: 1,
    seconds: '4',
    size: '1280x720',
    ...extra,
  };
}

async function handle(req: Recorded, res: ServerResponse): Promise<void> {
  const path = req.path.replace(/^\/openai\/v1\//, '');
  let m: RegExpMatchArray | null;
  if (req.method === 'POST' && path === 'videos') {
    const form = await new Response(new Uint8Array(req.body), {
      headers: { 'content-type': String(req.headers['content-type']) },
    }).formData();
    return json(
      res,
      200,
      video('video_1', {
        seconds: String(form.get('seconds') ?? '4'),
        size: String(form.get('size') ?? '720x1280'),
      }),
    );
  }
  if (req.method === 'GET' && path === 'videos') {
    const all = ['v4', 'v3', 'v2', 'v1'].map((id) => video(id, { status: 'completed' }));
    const limit = Number(req.query.get('limit') ?? 20);
    const after = req.query.get('after');
    const start = after ? all.findIndex((v) => v.id === after) + 1 : 0;
    const data = all.slice(start, start + limit);
    return json(res, 200, {
      object: 'list',
      data,
      has_more: start + limit < all.length,
      first_id: data[0]?.id,
      last_id: data.at(-1)?.id,
    });
  }
  if ((m = path.match(/^videos\/([^/]+)\/remix$/))) {
    return json(
      res,
      200,
      video('video_2', { remixed_from_video_id: m[1]!, prompt: JSON.parse(req.body.toString()).prompt }),
    );
  }
  if ((m = path.match(/^videos\/([^/]+)\/content$/))) {
    const variant = (req.query.get('variant') ?? 'video') as keyof typeof content;
    const type = variant === 'video' ? 'video/mp4' : 'image/png';
    res.writeHead(200, { 'content-type': type, 'content-length': content[variant].length });
    return void res.end(content[variant]);
  }
  if ((m = path.match(/^videos\/([^/]+)$/))) {
    if (req.method === 'DELETE') return json(res, 200, { id: m[1], object: 'video.deleted', deleted: true });
    const script = scripts.get(m[1]!);
    if (!script) return json(res, 404, { error: { code: 'not_found', message: 'Video not found' } });
    const step = script.steps[Math.min(script.polls++, script.steps.length - 1)]!;
    return json(res, 200, video(m[1]!, step));
  }
  json(res, 404, { error: { code: 'not_found', message: 'no route' } });
}

let server: TestServer;
beforeAll(async () => {
  server = await startServer(handle);
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  scripts.clear();
});

function client() {
  const sleeps: number[] = [];
  const c = new AzureOpenAIMedia({
    endpoint: server.url,
    auth: { apiKey: 'k2' },
    allowRetiredModels: true,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { client: c, sleeps };
}

async function form(index = 0): Promise<FormData> {
  const req = server.requests[index]!;
  return new Response(new Uint8Array(req.body), {
    headers: { 'content-type': String(req.headers['content-type']) },
  }).formData();
}

describe('Sora 2 videos', () => {
  it('creates with multipart, seconds as a string and an input reference', async () => {
    const { client: c } = client();
    const png = makePng(1280, 720);
    const v = await c.videos.sora2.create({
      model: 'sora-2',
      prompt: 'a lighthouse',
      seconds: 8,
      size: '1280x720',
      input_reference: png,
    });
    expect(v.seconds).toBe('8');
    expect(server.requests[0]!.url).toBe('/openai/v1/videos');
    const f = await form();
    expect(f.get('seconds')).toBe('8');
    expect(f.get('model')).toBe('sora-2');
    expect(f.get('size')).toBe('1280x720');
    const ref = f.get('input_reference') as File;
    expect(ref.type).toBe('image/png');
    expect(new Uint8Array(await ref.arrayBuffer())).toEqual(png);
  });

  it('validates seconds and size from the table, and the family', async () => {
    const { client: c } = client();
    const error = (await c.videos.sora2
      .create({ model: 'sora-2', prompt: 'x', seconds: '5', size: '1920x1080' })
      .catch((e: unknown) => e)) as ValidationError;
    expect(error.issues.map((i) => i.message)).toEqual([
      'seconds "5" is not supported by sora-2; use 4, 8 or 12',
      'size "1920x1080" is not supported by sora-2; use 720x1280 or 1280x720',
    ]);
    const wrong = (await c.videos.sora2
      .create({ model: 'sora', prompt: 'x' })
      .catch((e: unknown) => e)) as ValidationError;
    expect(wrong.issues[0]!.message).toBe(
      'sora uses the video jobs API; call client.videos.create (any video model) or client.videos.jobs.create for it',
    );
    const back = (await c.videos.jobs
      .create({ model: 'sora-2', prompt: 'x', width: 1280, height: 720 })
      .catch((e: unknown) => e)) as ValidationError;
    expect(back.issues[0]!.message).toBe(
      'sora-2 uses the /videos API; call client.videos.create (any video model) or client.videos.sora2.create for it',
    );
    expect(server.requests).toHaveLength(0);
  });

  it('waits through queued and in_progress, reporting progress changes', async () => {
    const { client: c, sleeps } = client();
    scripts.set('v9', {
      steps: [
        { status: 'queued' },
        { status: 'in_progress', progress: 10 },
        { status: 'in_progress', progress: 10 },
        { status: 'in_progress', progress: 60 },
        { status: 'completed', progress: 100 },
      ],
      polls: 0,
    });
    const seen: string[] = [];
    const done = await c.videos.sora2.wait('v9', {
      pollIntervalMs: 100,
      onProgress: (v) => seen.push(`${v.status}:${v.progress}`),
    });
    expect(done.status).toBe('completed');
    expect(seen).toEqual(['queued:0', 'in_progress:10', 'in_progress:60', 'completed:100']);
    expect(sleeps).toHaveLength(4);
  });

  it('a failed video is JobFailedError; moderation is ContentFilterError', async () => {
    const { client: c } = client();
    scripts.set('bad', {
      steps: [{ status: 'failed', error: { code: 'internal_error', message: 'boom' } }],
      polls: 0,
    });
    scripts.set('mod', {
      steps: [{ status: 'failed', error: { code: 'moderation_blocked', message: 'blocked' } }],
      polls: 0,
    });
    const failed = (await c.videos.sora2.wait('bad').catch((e: unknown) => e)) as JobFailedError;
    expect(failed).toBeInstanceOf(JobFailedError);
    expect(failed.failureReason).toBe('internal_error');
    await expect(c.videos.sora2.wait('mod')).rejects.toBeInstanceOf(ContentFilterError);
  });

  it('downloads each variant as a stream of the right type', async () => {
    const { client: c } = client();
    for (const variant of ['video', 'thumbnail', 'spritesheet'] as const) {
      const d = await c.videos.sora2.content('v1', { variant });
      const bytes = new Uint8Array(await new Response(d.stream).arrayBuffer());
      expect(bytes).toEqual(new Uint8Array(content[variant]));
      expect(d.contentLength).toBe(content[variant].length);
      expect(d.contentType).toBe(variant === 'video' ? 'video/mp4' : 'image/png');
      expect(server.requests.at(-1)!.query.get('variant')).toBe(variant);
    }
    await expect(c.videos.sora2.content('v1', { variant: 'gif' as never })).rejects.toThrow(
      'variant "gif" is not supported',
    );
  });

  it('remixes, lists across pages, gets and deletes', async () => {
    const { client: c } = client();
    const remix = await c.videos.sora2.remix('video_1', { prompt: 'now at night' });
    expect(remix.remixed_from_video_id).toBe('video_1');
    expect(JSON.parse(server.requests[0]!.body.toString())).toEqual({ prompt: 'now at night' });
    await expect(c.videos.sora2.remix('video_1', { prompt: '' })).rejects.toBeInstanceOf(ValidationError);

    const ids: string[] = [];
    for await (const v of c.videos.sora2.listAll({ limit: 3 })) ids.push(v.id);
    expect(ids).toEqual(['v4', 'v3', 'v2', 'v1']);

    scripts.set('v1', { steps: [{ status: 'completed' }], polls: 0 });
    expect((await c.videos.sora2.get('v1')).status).toBe('completed');
    expect(await c.videos.sora2.delete('v1')).toEqual({ id: 'v1', object: 'video.deleted', deleted: true });
  });
});
