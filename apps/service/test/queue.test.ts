/**
 * The video queue without crashes: a create whose answer is lost is found upstream and adopted (one
 * create), a create that failed before anything was made is sent again (one create), readiness
 * reports a queue that makes no progress, and a job's status never moves backwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, call, json, startStack, until, type Stack } from './support/stack.js';
import { advance, type JobStatus } from '../src/jobs/job-record.js';

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
    const seen: JobStatus[] = ['queued', 'running', 'queued', 'running', 'succeeded', 'running'];
    const path: JobStatus[] = [];
    let status: JobStatus = 'queued';
    for (const next of seen) path.push((status = advance(status, next)));
    expect(path).toEqual(['queued', 'running', 'running', 'running', 'succeeded', 'succeeded']);
    expect(advance('succeeded', 'failed')).toBe('succeeded');
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
});
