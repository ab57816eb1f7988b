/**
 * The video queue without crashes: a create whose answer is lost is found upstream and adopted (one
 * create), a create that failed before anything was made is sent again (one create), readiness
 * reports a queue that makes no progress, and a job's status never moves backwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, call, json, startStack, until, type Stack } from './support/stack.js';
import { advance, type JobStatus } from '../src/jobs/job-record.js';
import { matchesRequest } from '../src/jobs/reconcile.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ env: { QUEUE_STALL_MS: '1500', VIDEO_RECONCILE_WAIT_MS: '1500' } });
});
afterAll(async () => {
  await stack?.close();
});

async function create(prompt: string): Promise<string> {
  const res = await json(stack, '/openai/v1/video/generations/jobs', {
    model: 'sora',
    prompt,
    width: 480,
    height: 480,
    n_seconds: 1,
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { id: string }).id;
}

async function finished(id: string): Promise<any> {
  return until(
    `job ${id}`,
    async () => {
      const job: any = await (await call(stack, `/openai/v1/video/generations/jobs/${id}`)).json();
      return ['succeeded', 'failed'].includes(job.status) ? job : undefined;
    },
    { tries: 600 },
  );
}

async function counters(): Promise<{ adopted: number; resent: number }> {
  return ((await (await call(stack, '/admin/stats', { key: KEYS.admin })).json()) as any).counters;
}

describe('exactly one create per job without a crash', () => {
  it('an answer cut off after Azure made the task: the task is found and adopted, not created again', async () => {
    const before = stack.emu.admin.counters().videoJobsCreated.sora ?? 0;
    const adopted = (await counters()).adopted;
    stack.emu.admin.fault({
      kind: 'truncate',
      truncateAt: 5,
      count: 1,
      match: { operation: 'videoJobs.create' },
    });
    const id = await create('cut off');
    expect((await finished(id)).status).toBe('succeeded');
    expect((stack.emu.admin.counters().videoJobsCreated.sora ?? 0) - before).toBe(1);
    expect((await counters()).adopted - adopted).toBe(1);
  });

  it('a 500 before anything was made: nothing is found upstream, so it is sent again once', async () => {
    const before = stack.emu.admin.counters().videoJobsCreated.sora ?? 0;
    const resent = (await counters()).resent;
    const sends = stack.emu.admin.requests({ operation: 'videoJobs.create' }).length;
    stack.emu.admin.fault({
      kind: 'status',
      status: 500,
      count: 1,
      match: { operation: 'videoJobs.create' },
    });
    const id = await create('five hundred');
    expect((await finished(id)).status).toBe('succeeded');
    expect((stack.emu.admin.counters().videoJobsCreated.sora ?? 0) - before).toBe(1);
    expect(stack.emu.admin.requests({ operation: 'videoJobs.create' }).length - sends).toBe(2);
    expect((await counters()).resent - resent).toBe(1);
  });

  it('identical requests from several jobs each end with their own upstream task', async () => {
    const before = stack.emu.admin.counters().videoJobsCreated.sora ?? 0;
    // Both answers are cut off: each job must adopt a different one of the two identical tasks.
    stack.emu.admin.fault({
      kind: 'truncate',
      truncateAt: 5,
      count: 2,
      match: { operation: 'videoJobs.create' },
    });
    const ids = [await create('twins'), await create('twins')];
    const jobs = await Promise.all(ids.map(finished));
    expect(jobs.map((j) => j.status)).toEqual(['succeeded', 'succeeded']);
    expect((stack.emu.admin.counters().videoJobsCreated.sora ?? 0) - before).toBe(2);
    const upstream = await Promise.all(
      ids.map(
        async (id) =>
          ((await (await call(stack, `/admin/jobs/${id}`, { key: KEYS.admin })).json()) as any).record
            .upstream_id,
      ),
    );
    expect(new Set(upstream).size).toBe(2);
  });
});

describe('readiness', () => {
  it('reports a queue that makes no progress, and recovers when it moves again', async () => {
    // Azure holds every create for 4 s: jobs wait and nothing moves.
    stack.emu.admin.fault({
      kind: 'delay',
      delayMs: 4000,
      count: 3,
      match: { operation: 'videoJobs.create' },
    });
    const id = await create('stuck for a while');
    const stalled = await until(
      'readiness reports the stall',
      async () => {
        const res = await fetch(`${stack.url}/health/ready`);
        return res.status === 503 ? ((await res.json()) as any) : undefined;
      },
      { tries: 200 },
    );
    expect(stalled.error.videoQueue.status).toBe('down');
    expect(stalled.error.videoQueue.message).toMatch(/none has moved/);
    expect((await finished(id)).status).toBe('succeeded');
    await until('ready again', async () => (await fetch(`${stack.url}/health/ready`)).status === 200);
  });
});

describe('status', () => {
  it('never moves backwards', () => {
    const seen: JobStatus[] = [
      'queued',
      'preprocessing',
      'queued',
      'running',
      'preprocessing',
      'processing',
      'running',
    ];
    const path: JobStatus[] = [];
    let status: JobStatus = 'queued';
    for (const next of seen) path.push((status = advance(status, next)));
    expect(path).toEqual(['queued', 'queued', 'queued', 'running', 'running', 'processing', 'processing']);
    expect(advance('processing', 'succeeded')).toBe('succeeded');
  });

  it('is reported in order while a job runs (Azure starts at preprocessing, the service at queued)', async () => {
    const id = await create('in order');
    const order = ['preprocessing', 'queued', 'running', 'processing', 'succeeded'];
    const seen: string[] = [];
    await until(
      'done',
      async () => {
        const job: any = await (await call(stack, `/openai/v1/video/generations/jobs/${id}`)).json();
        if (seen[seen.length - 1] !== job.status) seen.push(job.status);
        return job.status === 'succeeded';
      },
      { tries: 1000, everyMs: 10 },
    );
    for (let i = 1; i < seen.length; i++)
      expect(order.indexOf(seen[i]!), seen.join(' > ')).toBeGreaterThan(order.indexOf(seen[i - 1]!));
  });

  it('matches upstream tasks on what was asked', () => {
    const record: any = {
      api: 'jobs',
      request: { prompt: 'a', width: 480, height: 480, n_seconds: 1 },
    };
    expect(
      matchesRequest(record, { prompt: 'a', width: 480, height: 480, n_seconds: 1, n_variants: 1 }),
    ).toBe(true);
    expect(
      matchesRequest(record, { prompt: 'a', width: 480, height: 480, n_seconds: 2, n_variants: 1 }),
    ).toBe(false);
    expect(matchesRequest(record, { prompt: 'b', width: 480, height: 480, n_seconds: 1 })).toBe(false);
    const video: any = { api: 'videos', request: { prompt: 'a', size: '720x1280', seconds: '4' } };
    expect(
      matchesRequest(video, { prompt: 'a', size: '720x1280', seconds: '4', remixed_from_video_id: null }),
    ).toBe(true);
    expect(matchesRequest(video, { prompt: 'a', size: '1280x720', seconds: '4' })).toBe(false);
    const remix: any = {
      api: 'videos',
      request: { prompt: 'a' },
      remixed_from: { id: 'video_x', upstream_id: 'v1' },
    };
    expect(matchesRequest(remix, { prompt: 'a', remixed_from_video_id: 'v1' })).toBe(true);
    expect(matchesRequest(remix, { prompt: 'a', remixed_from_video_id: 'v2' })).toBe(false);
  });
});
