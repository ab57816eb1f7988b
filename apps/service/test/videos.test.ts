import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePng } from '@aoai-media/emulator';
import {
  KEYS,
  WEBHOOK_SECRET,
  azureError,
  call,
  json,
  startStack,
  until,
  type Stack,
} from './support/stack.js';
import { verify, SIGNATURE_HEADER, TIMESTAMP_HEADER, ID_HEADER } from '../src/webhooks/signing.js';

let stack: Stack;
let hooks: Server;
let hookUrl: string;
const received: { headers: IncomingMessage['headers']; body: string }[] = [];
let failNext = 0;

beforeAll(async () => {
  stack = await startStack();
  hooks = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      if (failNext > 0) {
        failNext--;
        res.writeHead(503).end();
      } else res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(hooks.address() as { port: number }).port}/hook`;
});
afterAll(async () => {
  await new Promise((r) => hooks?.close(r));
  await stack?.close();
});

async function waitJob(id: string, key = KEYS.acme): Promise<any> {
  return until(`job ${id}`, async () => {
    const job: any = await (await call(stack, `/openai/v1/video/generations/jobs/${id}`, { key })).json();
    return ['succeeded', 'failed', 'cancelled'].includes(job.status) ? job : undefined;
  });
}

describe('Sora video jobs', () => {
  let job: any;

  it('creates at once with the service id, runs, stores every file, calls back signed', async () => {
    const res = await json(stack, '/openai/v1/video/generations/jobs?api-version=preview', {
      model: 'sora',
      prompt: 'waves at dusk',
      width: 480,
      height: 480,
      n_seconds: 2,
      n_variants: 2,
      callback_url: hookUrl,
      metadata: { order: '42' },
    });
    expect(res.status).toBe(200);
    const created: any = await res.json();
    expect(created.object).toBe('video.generation.job');
    expect(created.id).toMatch(/^task_/);
    expect(created.status).toBe('queued');
    expect(created.metadata).toEqual({ order: '42' });
    job = await waitJob(created.id);
    expect(job.status).toBe('succeeded');
    expect(job.generations).toHaveLength(2);
    expect(job.metadata).toEqual({ order: '42' });
    // The upstream id is Azure's, not ours.
    const admin: any = await (await call(stack, `/admin/jobs/${created.id}`, { key: KEYS.admin })).json();
    expect(admin.record.upstream_id).toBeTruthy();
    expect(admin.record.upstream_id).not.toBe(created.id);

    const hook = await until('webhook', async () =>
      received.find((r) => JSON.parse(r.body).data?.id === created.id),
    );
    const ok = verify(
      WEBHOOK_SECRET,
      {
        signature: hook.headers[SIGNATURE_HEADER] as string,
        timestamp: hook.headers[TIMESTAMP_HEADER] as string,
      },
      hook.body,
    );
    expect(ok).toEqual({ ok: true });
    expect(hook.headers[ID_HEADER]).toBe(`${created.id}.video.job.succeeded`);
    const payload = JSON.parse(hook.body);
    expect(payload.type).toBe('video.job.succeeded');
    expect(payload.data.metadata).toEqual({ order: '42' });
    // A tampered body or an old timestamp does not verify.
    expect(
      verify(
        WEBHOOK_SECRET,
        {
          signature: hook.headers[SIGNATURE_HEADER] as string,
          timestamp: hook.headers[TIMESTAMP_HEADER] as string,
        },
        hook.body + ' ',
      ).ok,
    ).toBe(false);
    expect(
      verify(
        WEBHOOK_SECRET,
        {
          signature: hook.headers[SIGNATURE_HEADER] as string,
          timestamp: hook.headers[TIMESTAMP_HEADER] as string,
        },
        hook.body,
        Math.floor(Date.now() / 1000) + 3600,
      ).ok,
    ).toBe(false);
  });

  it('serves content from storage after Azure forgot the job: GET, HEAD, Range, quality, thumbnail', async () => {
    const gen = job.generations[0];
    stack.emu.admin.reset(); // Azure's copies are gone
    const full = await call(stack, `/openai/v1/video/generations/${gen.id}/content/video`);
    expect(full.status).toBe(200);
    expect(full.headers.get('content-type')).toBe('video/mp4');
    const bytes = Buffer.from(await full.arrayBuffer());
    expect(bytes.subarray(4, 8).toString()).toBe('ftyp');
    expect(Number(full.headers.get('content-length'))).toBe(bytes.length);
    expect(full.headers.get('accept-ranges')).toBe('bytes');

    const head = await call(stack, `/openai/v1/video/generations/${gen.id}/content/video?quality=high`, {
      method: 'HEAD',
    });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBe(bytes.length);

    const part = await call(stack, `/openai/v1/video/generations/${gen.id}/content/video`, {
      headers: { range: 'bytes=10-109' },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-109/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(10, 110))).toBe(true);

    const tail = await call(stack, `/openai/v1/video/generations/${gen.id}/content/video`, {
      headers: { range: 'bytes=-16' },
    });
    expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(bytes.length - 16))).toBe(true);

    const beyond = await call(stack, `/openai/v1/video/generations/${gen.id}/content/video`, {
      headers: { range: `bytes=${bytes.length + 5}-` },
    });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${bytes.length}`);

    const low = await call(stack, `/openai/v1/video/generations/${gen.id}/content/video?quality=low`);
    expect(low.status).toBe(200);
    expect(
      Buffer.from(await low.arrayBuffer())
        .subarray(4, 8)
        .toString(),
    ).toBe('ftyp');

    const thumb = await call(stack, `/openai/v1/video/generations/${gen.id}/content/thumbnail`);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toMatch(/^image\//);
    const t = Buffer.from(await thumb.arrayBuffer());
    expect([t[0], t[1]]).toEqual([0xff, 0xd8]);

    const bad = await call(stack, `/openai/v1/video/generations/${gen.id}/content/video?quality=ultra`);
    expect(bad.status).toBe(400);
    expect(azureError(await bad.json())?.param).toBe('quality');

    const g: any = await (await call(stack, `/openai/v1/video/generations/${gen.id}`)).json();
    expect(g).toMatchObject({ object: 'video.generation', id: gen.id, job_id: job.id });
  });

  it('keeps tenants apart: another tenant gets 404 for the job, its generations and files', async () => {
    const gen = job.generations[0];
    for (const path of [
      `/openai/v1/video/generations/jobs/${job.id}`,
      `/openai/v1/video/generations/${gen.id}`,
      `/openai/v1/video/generations/${gen.id}/content/video`,
      `/openai/v1/video/generations/${gen.id}/content/thumbnail`,
    ]) {
      const res = await call(stack, path, { key: KEYS.globex });
      expect(res.status, path).toBe(404);
      expect(azureError(await res.json()), path).toBeTruthy();
    }
    const del = await call(stack, `/openai/v1/video/generations/jobs/${job.id}`, {
      method: 'DELETE',
      key: KEYS.globex,
    });
    expect(del.status).toBe(404);
    const list: any = await (
      await call(stack, '/openai/v1/video/generations/jobs?limit=50', { key: KEYS.globex })
    ).json();
    expect(list.data.map((j: any) => j.id)).not.toContain(job.id);
  });

  it('lists with limit and paging, filters statuses', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r: any = await (
        await json(stack, '/openai/v1/video/generations/jobs', {
          model: 'sora',
          prompt: `clip ${i}`,
          width: 480,
          height: 480,
          n_seconds: 1,
        })
      ).json();
      ids.push(r.id);
    }
    const page1: any = await (await call(stack, '/openai/v1/video/generations/jobs?limit=2')).json();
    expect(page1.object).toBe('list');
    expect(page1.data).toHaveLength(2);
    expect(page1.has_more).toBe(true);
    expect(page1.first_id).toBe(page1.data[0].id);
    const page2: any = await (
      await call(stack, `/openai/v1/video/generations/jobs?limit=2&after=${page1.last_id}`)
    ).json();
    const seen = [...page1.data, ...page2.data].map((j: any) => j.id);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of ids) await waitJob(id);
    const ok: any = await (
      await call(stack, '/openai/v1/video/generations/jobs?limit=100&statuses=succeeded')
    ).json();
    expect(ok.data.every((j: any) => j.status === 'succeeded')).toBe(true);
    const bad = await call(stack, '/openai/v1/video/generations/jobs?limit=0');
    expect(bad.status).toBe(400);
    expect(azureError(await bad.json())?.param).toBe('limit');
  });

  it('deletes a job and its files', async () => {
    const created: any = await (
      await json(stack, '/openai/v1/video/generations/jobs', {
        model: 'sora',
        prompt: 'to delete',
        width: 480,
        height: 480,
        n_seconds: 1,
      })
    ).json();
    const done = await waitJob(created.id);
    const del = await call(stack, `/openai/v1/video/generations/jobs/${created.id}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect((await call(stack, `/openai/v1/video/generations/jobs/${created.id}`)).status).toBe(404);
    expect(
      (await call(stack, `/openai/v1/video/generations/${done.generations[0].id}/content/video`)).status,
    ).toBe(404);
  });

  it('validates against the model table before queueing: 400 naming the field, unwrapped like Azure video errors', async () => {
    const res = await json(stack, '/openai/v1/video/generations/jobs', {
      model: 'sora',
      prompt: 'x',
      width: 1920,
      height: 1080,
      n_seconds: 20,
    });
    expect(res.status).toBe(400);
    const body: any = await res.json();
    expect(body.error).toBeUndefined();
    expect(body.param).toBe('n_seconds');
    expect(body.message).toMatch(/10/);
  });

  it('keeps failure_reason when Azure fails the job for content; final, not retried', async () => {
    stack.emu.admin.setBlockedTerms(['forbiddenword'], { videoModeration: 'fail' });
    const created: any = await (
      await json(stack, '/openai/v1/video/generations/jobs', {
        model: 'sora',
        prompt: 'a forbiddenword scene',
        width: 480,
        height: 480,
        n_seconds: 1,
        callback_url: hookUrl,
      })
    ).json();
    const done = await waitJob(created.id);
    expect(done.status).toBe('failed');
    expect(done.failure_reason).toBe('input_moderation');
    const hook = await until('failure webhook', async () =>
      received.find((r) => JSON.parse(r.body).data?.id === created.id),
    );
    expect(JSON.parse(hook.body).type).toBe('video.job.failed');
    stack.emu.admin.setBlockedTerms([]);
  });

  it('fails on content rejected at create, with the reason', async () => {
    stack.emu.admin.setBlockedTerms(['rejectme'], { videoModeration: 'reject' });
    const created: any = await (
      await json(stack, '/openai/v1/video/generations/jobs', {
        model: 'sora',
        prompt: 'rejectme now',
        width: 480,
        height: 480,
        n_seconds: 1,
      })
    ).json();
    const done = await waitJob(created.id);
    expect(done.status).toBe('failed');
    expect(done.failure_reason).toMatch(/moderation|content/);
    stack.emu.admin.setBlockedTerms([]);
  });

  it('retries transient Azure failures and 429s without failing the job', async () => {
    const faultsBefore = stack.emu.admin.counters().faultsInjected;
    stack.emu.admin.fault({
      match: { operation: 'videoJobs.create' },
      count: 2,
      kind: 'status',
      status: 500,
    } as never);
    stack.emu.admin.fault({
      match: { operation: 'videoJobs.get' },
      count: 2,
      kind: 'status',
      status: 429,
      headers: { 'retry-after-ms': '100' },
    } as never);
    const created: any = await (
      await json(stack, '/openai/v1/video/generations/jobs', {
        model: 'sora',
        prompt: 'stormy',
        width: 480,
        height: 480,
        n_seconds: 1,
      })
    ).json();
    const done = await waitJob(created.id);
    expect(done.status).toBe('succeeded');
    expect(stack.emu.admin.counters().faultsInjected - faultsBefore).toBe(4);
    const stats: any = await (await call(stack, '/admin/stats', { key: KEYS.admin })).json();
    expect(stats.counters.rate_limited).toBeGreaterThanOrEqual(1);
  });

  it('slows down when Azure answers creates with 429 (its own running-job cap) instead of failing jobs', async () => {
    stack.emu.admin.setLimits({ deployments: { sora: { maxRunningVideoJobs: 1 } } });
    const limitedBefore = stack.emu.admin.counters().rateLimited.sora ?? 0;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r: any = await (
        await json(stack, '/openai/v1/video/generations/jobs', {
          model: 'sora',
          prompt: `busy ${i}`,
          width: 480,
          height: 480,
          n_seconds: 1,
        })
      ).json();
      ids.push(r.id);
    }
    for (const id of ids) expect((await waitJob(id)).status).toBe('succeeded');
    expect((stack.emu.admin.counters().rateLimited.sora ?? 0) - limitedBefore).toBeGreaterThan(0);
    stack.emu.admin.setLimits({});
  });

  it('retries a failing webhook through the queue until it is delivered', async () => {
    failNext = 2;
    const before = received.length;
    const created: any = await (
      await json(stack, '/openai/v1/video/generations/jobs', {
        model: 'sora',
        prompt: 'retry me',
        width: 480,
        height: 480,
        n_seconds: 1,
        callback_url: hookUrl,
      })
    ).json();
    await waitJob(created.id);
    const deliveries = await until('three attempts', async () => {
      const mine = received.slice(before).filter((r) => JSON.parse(r.body).data?.id === created.id);
      return mine.length >= 3 ? mine : undefined;
    });
    expect(new Set(deliveries.map((d) => d.headers[ID_HEADER])).size).toBe(1);
  });

  it('refuses callback targets that are not http(s) or are private', async () => {
    for (const url of [
      'ftp://example.com/x',
      'http://10.1.2.3/x',
      'http://169.254.169.254/latest',
      'http://[::ffff:192.168.1.1]/',
    ]) {
      const res = await json(stack, '/openai/v1/video/generations/jobs', {
        model: 'sora',
        prompt: 'x',
        width: 480,
        height: 480,
        callback_url: url,
      });
      expect(res.status, url).toBe(400);
      expect(((await res.json()) as any).param, url).toBe('callback_url');
    }
  });
});

describe('Sora 2 videos', () => {
  it('creates, runs and serves the video and thumbnail; another tenant sees 404', async () => {
    const res = await json(stack, '/openai/v1/videos', {
      model: 'sora-2',
      prompt: 'a paper boat',
      seconds: '4',
      size: '720x1280',
      metadata: { k: 'v' },
    });
    expect(res.status).toBe(200);
    const created: any = await res.json();
    expect(created.object).toBe('video');
    const done: any = await until('sora 2', async () => {
      const v: any = await (await call(stack, `/openai/v1/videos/${created.id}`)).json();
      return ['completed', 'failed'].includes(v.status) ? v : undefined;
    });
    expect(done.status).toBe('completed');
    expect(done.metadata).toEqual({ k: 'v' });
    const video = await call(stack, `/openai/v1/videos/${created.id}/content`);
    expect(video.status).toBe(200);
    expect(
      Buffer.from(await video.arrayBuffer())
        .subarray(4, 8)
        .toString(),
    ).toBe('ftyp');
    const thumb = await call(stack, `/openai/v1/videos/${created.id}/content?variant=thumbnail`);
    expect(thumb.status).toBe(200);
    expect((await call(stack, `/openai/v1/videos/${created.id}`, { key: KEYS.globex })).status).toBe(404);
    const list: any = await (await call(stack, '/openai/v1/videos')).json();
    expect(list.data.map((v: any) => v.id)).toContain(created.id);
    const del: any = await (
      await call(stack, `/openai/v1/videos/${created.id}`, { method: 'DELETE' })
    ).json();
    expect(del).toEqual({ id: created.id, object: 'video.deleted', deleted: true });
  });

  async function waitVideo(id: string): Promise<any> {
    return until(`video ${id}`, async () => {
      const v: any = await (await call(stack, `/openai/v1/videos/${id}`)).json();
      return ['completed', 'failed'].includes(v.status) ? v : undefined;
    });
  }

  function hookFor(id: string) {
    return until(`webhook for ${id}`, async () => received.find((r) => JSON.parse(r.body).data?.id === id));
  }

  function signedOk(hook: { headers: IncomingMessage['headers']; body: string }) {
    return verify(
      WEBHOOK_SECRET,
      {
        signature: hook.headers[SIGNATURE_HEADER] as string,
        timestamp: hook.headers[TIMESTAMP_HEADER] as string,
      },
      hook.body,
    );
  }

  function referenceForm(
    fields: Record<string, string>,
    files: { field: string; bytes: Uint8Array; type: string; name: string }[],
  ): FormData {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    for (const f of files)
      form.append(f.field, new Blob([new Uint8Array(f.bytes)], { type: f.type }), f.name);
    return form;
  }

  let referenced: any;

  it('creates from an input_reference image (multipart): stored, sent on to Azure as multipart, called back signed', async () => {
    const png = samplePng(720, 1280);
    const form = referenceForm(
      {
        model: 'sora-2',
        prompt: 'the boat sets sail',
        seconds: '4',
        size: '720x1280',
        callback_url: hookUrl,
        metadata: JSON.stringify({ ref: 'yes' }),
      },
      [{ field: 'input_reference', bytes: png, type: 'image/png', name: 'first-frame.png' }],
    );
    const res = await call(stack, '/openai/v1/videos', { method: 'POST', body: form });
    expect(res.status).toBe(200);
    const created: any = await res.json();
    expect(created).toMatchObject({
      object: 'video',
      status: 'queued',
      size: '720x1280',
      seconds: '4',
      remixed_from_video_id: null,
      metadata: { ref: 'yes' },
    });
    referenced = await waitVideo(created.id);
    expect(referenced.status).toBe('completed');
    // Azure received the reference image itself, as a file part with its name and type.
    const admin: any = await (await call(stack, `/admin/jobs/${created.id}`, { key: KEYS.admin })).json();
    const upstream = stack.emu.admin
      .requests({ operation: 'videos.create' })
      .find(
        (r) =>
          r.status === 200 && r.files?.some((f) => f.field === 'input_reference' && f.size === png.length),
      );
    expect(upstream, 'the create Azure saw').toBeTruthy();
    expect(upstream!.contentType).toBe('multipart/form-data');
    expect(upstream!.files).toEqual([
      { field: 'input_reference', filename: 'first-frame.png', contentType: 'image/png', size: png.length },
    ]);
    expect(upstream!.fields).toMatchObject({
      model: 'sora-2',
      prompt: 'the boat sets sail',
      seconds: '4',
      size: '720x1280',
    });
    expect(admin.record.upstream_id).toBeTruthy();
    const hook = await hookFor(created.id);
    expect(signedOk(hook)).toEqual({ ok: true });
    expect(JSON.parse(hook.body)).toMatchObject({
      type: 'video.completed',
      data: { id: created.id, status: 'completed', metadata: { ref: 'yes' } },
    });
    const video = await call(stack, `/openai/v1/videos/${created.id}/content`);
    expect(
      Buffer.from(await video.arrayBuffer())
        .subarray(4, 8)
        .toString(),
    ).toBe('ftyp');
  });

  it('refuses a bad input_reference with a 400 naming it, before anything reaches Azure', async () => {
    const before = stack.emu.admin.requests({ operation: 'videos.create' }).length;
    const base = { model: 'sora-2', prompt: 'x', seconds: '4', size: '720x1280' };
    const png = samplePng(720, 1280);
    const cases: { form: FormData; param: RegExp; message: RegExp }[] = [
      {
        form: referenceForm(base, [
          {
            field: 'input_reference',
            bytes: Buffer.from('plain text, not an image'),
            type: 'text/plain',
            name: 'a.txt',
          },
        ]),
        param: /^input_reference/,
        message: /text\/plain/,
      },
      {
        form: referenceForm(base, [
          { field: 'input_reference', bytes: samplePng(1280, 720), type: 'image/png', name: 'wide.png' },
        ]),
        param: /^input_reference$/,
        message: /1280x720.*720x1280/,
      },
      {
        form: referenceForm(base, [{ field: 'image', bytes: png, type: 'image/png', name: 'a.png' }]),
        param: /^image$/,
        message: /input_reference/,
      },
      {
        form: referenceForm(base, [
          { field: 'input_reference', bytes: png, type: 'image/png', name: 'a.png' },
          { field: 'input_reference', bytes: png, type: 'image/png', name: 'b.png' },
        ]),
        param: /^input_reference$/,
        message: /at most 1/,
      },
      {
        form: referenceForm({ ...base, input_reference: 'https://example.com/a.png' }, []),
        param: /^input_reference$/,
        message: /file/,
      },
      {
        form: referenceForm({ ...base, seconds: '5' }, [
          { field: 'input_reference', bytes: png, type: 'image/png', name: 'a.png' },
        ]),
        param: /^seconds$/,
        message: /"?5"?/,
      },
    ];
    for (const [i, c] of cases.entries()) {
      const res = await call(stack, '/openai/v1/videos', { method: 'POST', body: c.form });
      expect(res.status, `case ${i}`).toBe(400);
      const error = azureError(await res.json());
      expect(error?.param, `case ${i}`).toMatch(c.param);
      expect(error?.message, `case ${i}`).toMatch(c.message);
    }
    const json1 = await json(stack, '/openai/v1/videos', { ...base, input_reference: 'aGVsbG8=' });
    expect(json1.status).toBe(400);
    expect(azureError(await json1.json())?.param).toBe('input_reference');
    expect(stack.emu.admin.requests({ operation: 'videos.create' }).length).toBe(before);
  });

  it('refuses a malformed multipart video job (Sora 1 shape) with a 400 naming the field, before anything reaches Azure', async () => {
    const before = stack.emu.admin.requests().length;
    const base = { model: 'sora', prompt: 'x', width: '480', height: '480', n_seconds: '5' };
    const png = samplePng(480, 480);
    const cases: { form: FormData; param: string; message: RegExp }[] = [
      { form: referenceForm(base, []), param: 'files', message: /at least one image or video/ },
      {
        form: referenceForm({ ...base, inpaint_items: '[{not json' }, [
          { field: 'files', bytes: png, type: 'image/png', name: 'a.png' },
        ]),
        param: 'inpaint_items',
        message: /JSON text/,
      },
      {
        form: referenceForm(base, [{ field: 'image', bytes: png, type: 'image/png', name: 'a.png' }]),
        param: 'image',
        message: /attach media as files/,
      },
    ];
    for (const [i, c] of cases.entries()) {
      const res = await call(stack, '/openai/v1/video/generations/jobs', { method: 'POST', body: c.form });
      expect(res.status, `case ${i}`).toBe(400);
      const error = azureError(await res.json());
      expect(error?.param, `case ${i}`).toBe(c.param);
      expect(error?.message, `case ${i}`).toMatch(c.message);
    }
    expect(stack.emu.admin.requests()).toHaveLength(before);
  });

  it('remixes a completed video through the queue: Azure remixes its copy, the result is stored, called back signed', async () => {
    const source = referenced;
    const res = await json(stack, `/openai/v1/videos/${source.id}/remix`, {
      prompt: 'the boat sails at night',
      callback_url: hookUrl,
      metadata: { take: '2' },
    });
    expect(res.status).toBe(200);
    const created: any = await res.json();
    expect(created.id).toMatch(/^video_/);
    expect(created.id).not.toBe(source.id);
    expect(created).toMatchObject({
      object: 'video',
      status: 'queued',
      model: 'sora-2',
      prompt: 'the boat sails at night',
      size: source.size,
      seconds: source.seconds,
      remixed_from_video_id: source.id,
      metadata: { take: '2' },
    });
    const done = await waitVideo(created.id);
    expect(done.status).toBe('completed');
    expect(done.remixed_from_video_id).toBe(source.id);
    const sourceRecord: any = await (
      await call(stack, `/admin/jobs/${source.id}`, { key: KEYS.admin })
    ).json();
    const remixRecord: any = await (
      await call(stack, `/admin/jobs/${created.id}`, { key: KEYS.admin })
    ).json();
    // Azure was asked to remix its own copy of the source, with only the new prompt.
    const upstream = stack.emu.admin.requests({ operation: 'videos.remix' }).filter((r) => r.status === 200);
    const mine = upstream.find((r) => r.path.includes(`/videos/${sourceRecord.record.upstream_id}/remix`));
    expect(mine, 'the remix Azure saw').toBeTruthy();
    expect(mine!.fields).toEqual({ prompt: 'the boat sails at night' });
    expect(remixRecord.record.upstream_id).toBeTruthy();
    expect(remixRecord.record.upstream_id).not.toBe(sourceRecord.record.upstream_id);
    const hook = await hookFor(created.id);
    expect(signedOk(hook)).toEqual({ ok: true });
    expect(JSON.parse(hook.body)).toMatchObject({
      type: 'video.completed',
      data: { id: created.id, remixed_from_video_id: source.id },
    });
    stack.emu.admin.reset(); // Azure's copies are gone; ours remain
    const video = await call(stack, `/openai/v1/videos/${created.id}/content`);
    expect(video.status).toBe(200);
    expect(
      Buffer.from(await video.arrayBuffer())
        .subarray(4, 8)
        .toString(),
    ).toBe('ftyp');
    expect((await call(stack, `/openai/v1/videos/${created.id}/content?variant=thumbnail`)).status).toBe(200);
    // The other tenant can neither see the remix nor remix the source.
    expect((await call(stack, `/openai/v1/videos/${created.id}`, { key: KEYS.globex })).status).toBe(404);
    const foreign = await json(
      stack,
      `/openai/v1/videos/${source.id}/remix`,
      { prompt: 'mine now' },
      { key: KEYS.globex },
    );
    expect(foreign.status).toBe(404);
    expect(azureError(await foreign.json())).toBeTruthy();
  });

  it('fails a remix with the reason when Azure no longer has the source, and calls back', async () => {
    const first: any = await (
      await json(stack, '/openai/v1/videos', {
        model: 'sora-2',
        prompt: 'a short-lived clip',
        seconds: '4',
        size: '1280x720',
      })
    ).json();
    expect((await waitVideo(first.id)).status).toBe('completed');
    stack.emu.admin.reset(); // Azure forgot it (its copies expire long before ours)
    const res = await json(stack, `/openai/v1/videos/${first.id}/remix`, {
      prompt: 'again',
      callback_url: hookUrl,
    });
    expect(res.status).toBe(200);
    const created: any = await res.json();
    const done = await waitVideo(created.id);
    expect(done.status).toBe('failed');
    expect(done.error.code).toBe('not_found');
    expect(JSON.parse((await hookFor(created.id)).body).type).toBe('video.failed');
  });

  it('refuses bad remixes with a 400 naming the field, and unfinished or unknown sources, before anything is queued', async () => {
    const before = stack.emu.admin.requests({ operation: 'videos.remix' }).length;
    const pending: any = await (
      await json(stack, '/openai/v1/videos', {
        model: 'sora-2',
        prompt: 'not yet',
        seconds: '12',
        size: '1280x720',
      })
    ).json();
    const notReady = await json(stack, `/openai/v1/videos/${pending.id}/remix`, { prompt: 'too early' });
    expect(notReady.status).toBe(400);
    const notReadyError = azureError(await notReady.json());
    expect(notReadyError?.param).toBe('video_id');
    expect(notReadyError?.message).toMatch(/completed/);
    const src = referenced.id;
    for (const [body, param] of [
      [{}, 'prompt'],
      [{ prompt: 42 }, 'prompt'],
      [{ prompt: 'x', size: '1280x720' }, 'size'],
      [{ prompt: 'x'.repeat(32_001) }, 'prompt'],
      [{ prompt: 'x', callback_url: 'http://10.0.0.1/hook' }, 'callback_url'],
    ] as const) {
      const res = await json(stack, `/openai/v1/videos/${src}/remix`, body);
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(azureError(await res.json())?.param, JSON.stringify(body).slice(0, 60)).toBe(param);
    }
    const missing = await json(stack, '/openai/v1/videos/video_doesnotexist/remix', { prompt: 'x' });
    expect(missing.status).toBe(404);
    const list: any = await (await call(stack, '/openai/v1/videos?limit=100')).json();
    expect(list.data.filter((v: any) => v.prompt === 'too early' || v.prompt === 'x')).toHaveLength(0);
    expect(stack.emu.admin.requests({ operation: 'videos.remix' }).length).toBe(before);
  });

  it('refuses seconds the model does not take', async () => {
    const res = await json(stack, '/openai/v1/videos', {
      model: 'sora-2',
      prompt: 'x',
      seconds: '5',
      size: '720x1280',
    });
    expect(res.status).toBe(400);
    expect(azureError(await res.json())?.param).toBe('seconds');
  });
});
