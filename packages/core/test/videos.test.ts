import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AbortError,
  AzureOpenAIMedia,
  ConnectionError,
  ContentFilterError,
  JobFailedError,
  NotFoundError,
  RateLimitError,
  TimeoutError,
  ValidationError,
  type VideoJob,
} from '../src/index.js';
import { startServer, json, type TestServer, type Recorded } from './server.js';
import { makePng, JPEG_HEAD } from './fixtures.js';
import type { ServerResponse } from 'node:http';

/** A scripted Sora service: each job walks through `script` one status per GET. */
interface FakeJob {
  job: VideoJob;
  script: { status: VideoJob['status']; failure_reason?: string; headers?: Record<string, string> }[];
  polls: number;
}

const jobs = new Map<string, FakeJob>();
/** Answers queued for the next matching requests, before the normal route runs. */
const queued: { match: RegExp; status: number; body: unknown; headers?: Record<string, string> }[] = [];
let videoBytes = Buffer.alloc(0);
/** When set, the video route writes this many bytes and then holds the connection open. */
let stallAfter: number | undefined;
let truncateTo: number | undefined;

function makeJob(id: string, overrides: Partial<VideoJob> = {}): VideoJob {
  return {
    object: 'video.generation.job',
    id,
    status: 'queued',
    created_at: 1_700_000_000,
    finished_at: null,
    expires_at: null,
    generations: [],
    prompt: 'a cat',
    model: 'sora',
    n_variants: 1,
    n_seconds: 5,
    height: 480,
    width: 480,
    ...overrides,
  };
}

function addJob(id: string, script: FakeJob['script']): void {
  jobs.set(id, { job: makeJob(id), script, polls: 0 });
}

function handle(req: Recorded, res: ServerResponse): void {
  const index = queued.findIndex((q) => q.match.test(`${req.method} ${req.path}`));
  if (index >= 0) {
    const [q] = queued.splice(index, 1);
    return json(res, q!.status, q!.body, q!.headers);
  }
  const path = req.path.replace(/^\/openai\/v1\//, '');
  let m: RegExpMatchArray | null;
  if (req.method === 'POST' && path === 'video/generations/jobs') {
    const job = makeJob(`task_${jobs.size + 1}`);
    jobs.set(job.id, { job, script: [{ status: 'succeeded' }], polls: 0 });
    return json(res, 200, job, { 'apim-request-id': 'req-create' });
  }
  if (req.method === 'GET' && path === 'video/generations/jobs') {
    // Three pages of jobs j1..j5, two per page, newest first.
    const all = ['j5', 'j4', 'j3', 'j2', 'j1'].map((id) => makeJob(id, { status: 'succeeded' }));
    const limit = Number(req.query.get('limit'));
    const after = req.query.get('after');
    const start = after ? all.findIndex((j) => j.id === after) + 1 : 0;
    const data = all.slice(start, start + limit);
    return json(res, 200, {
      object: 'list',
      data,
      has_more: start + limit < all.length,
      first_id: data[0]?.id,
      last_id: data.at(-1)?.id,
    });
  }
  if (path === 'video/generations/jobs/hang') return; // never answers
  if ((m = path.match(/^video\/generations\/jobs\/([^/]+)$/))) {
    const fake = jobs.get(decodeURIComponent(m[1]!));
    if (!fake) return json(res, 404, { code: 'NotFound', message: 'The specified job was not found.' });
    if (req.method === 'DELETE') {
      jobs.delete(fake.job.id);
      res.writeHead(204).end();
      return;
    }
    const step = fake.script[Math.min(fake.polls, fake.script.length - 1)]!;
    fake.polls++;
    fake.job.status = step.status;
    if (step.failure_reason) fake.job.failure_reason = step.failure_reason;
    if (step.status === 'succeeded') {
      fake.job.generations = [
        {
          object: 'video.generation',
          id: `gen_${fake.job.id}`,
          job_id: fake.job.id,
          created_at: 1,
          width: 480,
          height: 480,
          n_seconds: 5,
          prompt: 'a cat',
        },
      ];
    }
    return json(res, 200, fake.job, step.headers);
  }
  if ((m = path.match(/^video\/generations\/([^/]+)\/content\/thumbnail$/))) {
    res.writeHead(200, { 'content-type': 'image/jpg', 'content-length': JPEG_HEAD.length });
    res.end(Buffer.from(JPEG_HEAD));
    return;
  }
  if ((m = path.match(/^video\/generations\/([^/]+)\/content\/video$/))) {
    if (m[1] === 'gen_missing') return json(res, 404, { code: 'NotFound', message: 'not ready' });
    const bytes = req.query.get('quality') === 'low' ? videoBytes.subarray(0, 100) : videoBytes;
    res.writeHead(200, {
      'content-type': 'video/mp4',
      'content-length': bytes.length,
      'accept-ranges': 'bytes',
    });
    if (req.method === 'HEAD') return void res.end();
    if (stallAfter !== undefined) return void res.write(bytes.subarray(0, stallAfter));
    if (truncateTo !== undefined) {
      res.write(bytes.subarray(0, truncateTo), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    res.end(bytes);
    return;
  }
  if ((m = path.match(/^video\/generations\/([^/]+)$/))) {
    return json(res, 200, {
      object: 'video.generation',
      id: m[1],
      job_id: 'task_1',
      created_at: 1,
      width: 480,
      height: 480,
      n_seconds: 5,
      prompt: 'a cat',
    });
  }
  json(res, 404, { code: 'NotFound', message: `no route ${req.method} ${req.path}` });
}

let server: TestServer;
beforeAll(async () => {
  server = await startServer(handle);
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  jobs.clear();
  queued.length = 0;
  stallAfter = undefined;
  truncateTo = undefined;
});

/** A client whose clock and sleep are virtual: sleeps return at once and move `now` forward. */
function virtualClient(extra: Partial<ConstructorParameters<typeof AzureOpenAIMedia>[0]> = {}) {
  const sleeps: number[] = [];
  let now = 1_000_000;
  const client = new AzureOpenAIMedia({
    endpoint: server.url,
    auth: { apiKey: 'test-key-123' },
    allowRetiredModels: true,
    now: () => now,
    random: () => 0,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(ms);
      now += ms;
    },
    ...extra,
  });
  return { client, sleeps };
}

describe('videos.jobs: create, list, get, delete', () => {
  it('creates a job on the v1 path with a JSON body of wire names, whatever the client api-version', async () => {
    const { client } = virtualClient({ apiVersion: '2025-04-01-preview' });
    const job = await client.videos.jobs.create({
      model: 'sora',
      prompt: 'a cat',
      width: 1280,
      height: 720,
      n_seconds: 8,
      n_variants: 2,
    });
    expect(job.id).toBe('task_1');
    const [req] = server.requests;
    expect(req!.method).toBe('POST');
    expect(req!.url).toBe('/openai/v1/video/generations/jobs?api-version=preview');
    expect(req!.headers['api-key']).toBe('test-key-123');
    expect(req!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req!.body.toString())).toEqual({
      model: 'sora',
      prompt: 'a cat',
      width: 1280,
      height: 720,
      n_seconds: 8,
      n_variants: 2,
    });
  });

  it('rejects a bad request with every issue before sending anything', async () => {
    const { client } = virtualClient();
    const error = await client.videos.jobs
      .create({ model: 'sora', prompt: '', width: 1920, height: 1080, n_seconds: 15, n_variants: 2 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const issues = (error as ValidationError).issues;
    expect(issues.map((i) => i.path).sort()).toEqual(['n_seconds', 'n_variants', 'prompt']);
    expect(issues.find((i) => i.path === 'n_seconds')!.message).toContain(
      'n_seconds 15 is out of range for sora at 1920x1080; use 1 to 10',
    );
    expect(server.requests).toHaveLength(0);
  });

  it('sends files and inpaint items as multipart under the names the items refer to', async () => {
    const { client } = virtualClient();
    const png = makePng(8, 8);
    await client.videos.jobs.createWithMedia({
      model: 'sora',
      prompt: 'animate it',
      width: 480,
      height: 480,
      n_seconds: 5,
      files: [png, { data: new Blob([Buffer.from(JPEG_HEAD)]), filename: 'end.jpg' }],
      inpaint_items: [
        { frame_index: 0, type: 'image', file_name: 'file-0.png' },
        {
          frame_index: 149,
          type: 'image',
          file_name: 'end.jpg',
          crop_bounds: { left_fraction: 0.1, right_fraction: 0.9 },
        },
      ],
    });
    const [req] = server.requests;
    expect(req!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const form = await new Response(new Uint8Array(req!.body), {
      headers: { 'content-type': req!.headers['content-type']! },
    }).formData();
    expect(form.get('model')).toBe('sora');
    expect(form.get('width')).toBe('480');
    expect(form.get('n_seconds')).toBe('5');
    const files = form.getAll('files') as File[];
    expect(files.map((f) => [f.name, f.type])).toEqual([
      ['file-0.png', 'image/png'],
      ['end.jpg', 'image/jpeg'],
    ]);
    expect(new Uint8Array(await files[0]!.arrayBuffer())).toEqual(png);
    expect(JSON.parse(form.get('inpaint_items') as string)[1].crop_bounds).toEqual({
      left_fraction: 0.1,
      right_fraction: 0.9,
    });
  });

  it('checks inpaint items against the attached files and the video length', async () => {
    const { client } = virtualClient();
    const error = (await client.videos.jobs
      .createWithMedia({
        model: 'sora',
        prompt: 'x',
        width: 480,
        height: 480,
        n_seconds: 2,
        files: [makePng(4, 4)],
        inpaint_items: [
          { frame_index: 60, type: 'image', file_name: 'other.png' },
          {
            frame_index: -1,
            type: 'image',
            file_name: 'file-0.png',
            crop_bounds: { left_fraction: 0.6, right_fraction: 0.4, top_fraction: 1.5 },
          },
        ],
      })
      .catch((e: unknown) => e)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    const byPath = Object.fromEntries(error.issues.map((i) => [i.path, i.message]));
    // The frame count rests on an assumed frame rate, so a late frame is only a warning.
    expect(byPath['inpaint_items[0].frame_index']).toBeUndefined();
    expect(byPath['inpaint_items[0].file_name']).toBe(
      'inpaint_items[0].file_name "other.png" matches no attached file; attached files are "file-0.png"',
    );
    expect(byPath['inpaint_items[1].frame_index']).toContain('non-negative integer');
    expect(byPath['inpaint_items[1].crop_bounds.left_fraction']).toContain(
      'must be less than right_fraction',
    );
    expect(byPath['inpaint_items[1].crop_bounds.top_fraction']).toContain('out of range; use 0 to 1');
    expect(server.requests).toHaveLength(0);
  });

  it('lists one page with limit, cursor and statuses in the query', async () => {
    const { client } = virtualClient();
    const page = await client.videos.jobs.list({ limit: 2, after: 'j5', statuses: ['succeeded', 'failed'] });
    expect(page.data.map((j) => j.id)).toEqual(['j4', 'j3']);
    expect(page.has_more).toBe(true);
    const query = server.requests[0]!.query;
    expect(query.get('limit')).toBe('2');
    expect(query.get('after')).toBe('j5');
    expect(query.get('statuses')).toBe('succeeded,failed');
    await expect(client.videos.jobs.list({ statuses: ['done' as never] })).rejects.toThrow(
      'statuses[0] "done" is not a job status',
    );
  });

  it('iterates every page with listAll', async () => {
    const { client } = virtualClient();
    const ids: string[] = [];
    for await (const job of client.videos.jobs.listAll({ limit: 2 })) ids.push(job.id);
    expect(ids).toEqual(['j5', 'j4', 'j3', 'j2', 'j1']);
    expect(server.requests.map((r) => r.query.get('after'))).toEqual([null, 'j4', 'j2']);
  });

  it('gets and deletes a job; a missing job is NotFoundError', async () => {
    const { client } = virtualClient();
    addJob('task_9', [{ status: 'running' }]);
    expect((await client.videos.jobs.get('task_9')).status).toBe('running');
    await client.videos.jobs.delete('task_9');
    expect(server.requests.at(-1)!.method).toBe('DELETE');
    await expect(client.videos.jobs.get('task_9')).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.videos.jobs.get('')).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('videos.jobs.wait', () => {
  it('reports each status change once and resolves with the succeeded job', async () => {
    const { client, sleeps } = virtualClient();
    addJob('t1', [
      { status: 'preprocessing' },
      { status: 'queued' },
      { status: 'queued' },
      { status: 'running' },
      { status: 'processing' },
      { status: 'succeeded' },
    ]);
    const seen: string[] = [];
    const job = await client.videos.jobs.wait('t1', {
      pollIntervalMs: 1000,
      maxPollIntervalMs: 3000,
      onProgress: (j) => seen.push(j.status),
    });
    expect(job.status).toBe('succeeded');
    expect(job.generations[0]!.id).toBe('gen_t1');
    expect(seen).toEqual(['preprocessing', 'queued', 'running', 'processing', 'succeeded']);
    // Backoff from 1 s growing by half each poll, capped at 3 s.
    expect(sleeps).toEqual([1000, 1500, 2250, 3000, 3000]);
  });

  it('waits at least as long as retry-after asks', async () => {
    const { client, sleeps } = virtualClient();
    addJob('t2', [{ status: 'running', headers: { 'retry-after': '7' } }, { status: 'succeeded' }]);
    await client.videos.jobs.wait('t2', { pollIntervalMs: 1000 });
    expect(sleeps).toEqual([7000]);
  });

  it('waits out 429s during polling, beyond the per-request retries', async () => {
    const { client, sleeps } = virtualClient({ maxRetries: 1 });
    addJob('t3', [{ status: 'running' }, { status: 'succeeded' }]);
    for (let i = 0; i < 3; i++) {
      queued.push({
        match: /GET .*jobs\/t3$/,
        status: 429,
        body: { code: '429', message: 'Rate limit' },
        headers: { 'retry-after': '4' },
      });
    }
    const job = await client.videos.jobs.wait('t3', { pollIntervalMs: 1000 });
    expect(job.status).toBe('succeeded');
    // In-request retry (4 s), then the wait's own pause (4 s), in-request retry again (4 s), then polling resumes.
    expect(sleeps.filter((s) => s === 4000)).toHaveLength(3);
    expect(server.requests.filter((r) => r.path.endsWith('/t3'))).toHaveLength(5);
  });

  it('throws JobFailedError with the failure reason', async () => {
    const { client } = virtualClient();
    addJob('t4', [{ status: 'running' }, { status: 'failed', failure_reason: 'internal_error' }]);
    const error = (await client.videos.jobs
      .wait('t4', { pollIntervalMs: 10 })
      .catch((e: unknown) => e)) as JobFailedError;
    expect(error).toBeInstanceOf(JobFailedError);
    expect(error.failureReason).toBe('internal_error');
    expect(error.jobId).toBe('t4');
    expect(error.message).toBe('video job t4 ended failed: internal_error');
  });

  it('throws ContentFilterError when the job failed input moderation', async () => {
    const { client } = virtualClient();
    addJob('t5', [{ status: 'failed', failure_reason: 'input_moderation' }]);
    const error = (await client.videos.jobs.wait('t5').catch((e: unknown) => e)) as ContentFilterError;
    expect(error).toBeInstanceOf(ContentFilterError);
    expect(error.code).toBe('input_moderation');
  });

  it('surfaces an expired (deleted) job as NotFoundError', async () => {
    const { client } = virtualClient();
    await expect(client.videos.jobs.wait('gone')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('times out on the injected clock', async () => {
    const { client, sleeps } = virtualClient();
    addJob('t6', [{ status: 'running' }]);
    const error = await client.videos.jobs
      .wait('t6', { pollIntervalMs: 1000, maxPollIntervalMs: 1000, timeoutMs: 4500 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(sleeps).toEqual([1000, 1000, 1000, 1000, 500]);
  });

  it('stops at once when aborted mid-wait', async () => {
    const client = new AzureOpenAIMedia({
      endpoint: server.url,
      auth: { apiKey: 'k' },
      allowRetiredModels: true,
    });
    addJob('t7', [{ status: 'running' }]);
    const controller = new AbortController();
    const waiting = client.videos.jobs.wait('t7', {
      pollIntervalMs: 600_000,
      signal: controller.signal,
      onProgress: () => setImmediate(() => controller.abort()),
    });
    const error = await waiting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(jobs.get('t7')!.polls).toBe(1);
  });

  it('times out promptly while a poll hangs (real clock)', async () => {
    const client = new AzureOpenAIMedia({
      endpoint: server.url,
      auth: { apiKey: 'k' },
      allowRetiredModels: true,
      maxRetries: 0,
    });
    const error = await client.videos.jobs.wait('hang', { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toContain('300 ms');
  });

  it('rejects bad wait options', async () => {
    const { client } = virtualClient();
    await expect(client.videos.jobs.wait('x', { pollIntervalMs: -5 })).rejects.toThrow(
      'pollIntervalMs -5 is not valid',
    );
  });
});

describe('videos.generations', () => {
  it('gets a generation and its thumbnail', async () => {
    const { client } = virtualClient();
    expect((await client.videos.generations.get('gen_1')).id).toBe('gen_1');
    const thumb = await client.videos.generations.thumbnail('gen_1');
    expect(thumb.contentType).toBe('image/jpeg');
    expect(thumb.bytes).toEqual(JPEG_HEAD);
  });

  it('streams content with its length and type', async () => {
    const { client } = virtualClient();
    videoBytes = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    const download = await client.videos.generations.content('gen_1');
    expect(download.contentLength).toBe(videoBytes.length);
    expect(download.contentType).toBe('video/mp4');
    let total = 0;
    let chunks = 0;
    for await (const chunk of download.stream as unknown as AsyncIterable<Uint8Array>) {
      total += chunk.byteLength;
      chunks++;
    }
    expect(total).toBe(videoBytes.length);
    expect(chunks).toBeGreaterThan(1);
    const low = await client.videos.generations.content('gen_1', { quality: 'low' });
    expect(low.contentLength).toBe(100);
    expect(server.requests.at(-1)!.query.get('quality')).toBe('low');
    await low.stream.cancel();
  });

  it('ends the stream with AbortError when aborted mid-download', async () => {
    const { client } = virtualClient();
    videoBytes = Buffer.alloc(1024 * 1024, 1);
    stallAfter = 64 * 1024;
    const controller = new AbortController();
    const download = await client.videos.generations.content('gen_1', { signal: controller.signal });
    const reader = download.stream.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    controller.abort();
    let error: unknown;
    for (let i = 0; i < 1000 && !error; i++) {
      try {
        const { done } = await reader.read();
        if (done) break;
      } catch (e) {
        error = e;
      }
    }
    expect(error).toBeInstanceOf(AbortError);
  });

  it('ends the stream with ConnectionError when the body is cut short', async () => {
    const { client } = virtualClient();
    videoBytes = Buffer.alloc(512 * 1024, 2);
    truncateTo = 1000;
    const download = await client.videos.generations.content('gen_1');
    const error = await new Response(download.stream).arrayBuffer().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
  });

  it('head says whether content is ready, and its size', async () => {
    const { client } = virtualClient();
    videoBytes = Buffer.alloc(5000, 3);
    expect(await client.videos.generations.head('gen_1')).toEqual({ ready: true, contentLength: 5000 });
    expect(server.requests.at(-1)!.method).toBe('HEAD');
    expect(await client.videos.generations.head('gen_missing')).toEqual({ ready: false });
    await expect(client.videos.generations.head('gen_1', { quality: 'best' as never })).rejects.toThrow(
      'quality "best" is not supported',
    );
  });

  it('rate limits that outlast the retries are RateLimitError with the wait asked for', async () => {
    const { client } = virtualClient({ maxRetries: 0 });
    queued.push({
      match: /GET .*gen_1$/,
      status: 429,
      body: { code: '429', message: 'slow down' },
      headers: { 'retry-after-ms': '1500' },
    });
    const error = (await client.videos.generations.get('gen_1').catch((e: unknown) => e)) as RateLimitError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfterMs).toBe(1500);
  });
});
