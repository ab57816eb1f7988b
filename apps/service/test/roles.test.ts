/**
 * SERVICE_ROLE: an API-only instance takes requests and queues video work without running it, and
 * stays ready while no worker moves the queue; a worker instance answers health only and runs
 * what any API instance queued, on the same Redis and storage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, json, startInstance, startStack, until, type Instance, type Stack } from './support/stack.js';

let stack: Stack;
let worker: Instance | undefined;
beforeAll(async () => {
  stack = await startStack({ env: { SERVICE_ROLE: 'api', QUEUE_STALL_MS: '1000' } });
});
afterAll(async () => {
  await worker?.close();
  await stack?.close();
});

describe('roles', () => {
  it('api: queues a video job and runs none of it; stays ready while nothing moves', async () => {
    const res = await json(stack, '/openai/v1/videos', {
      model: 'sora-2',
      prompt: 'waiting for a worker',
      size: '1280x720',
      seconds: '4',
    });
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: string };
    // Past the stall limit with work waiting: an API-only instance's readiness does not depend on it.
    await new Promise((r) => setTimeout(r, 1500));
    const ready = await fetch(`${stack.url}/health/ready`);
    expect(ready.status).toBe(200);
    const report = (await ready.json()) as { info: Record<string, unknown> };
    expect(Object.keys(report.info).sort()).toEqual(['redis', 'storage', 'upstream']);
    expect(stack.emu.admin.requests({ operation: 'videos.create' })).toHaveLength(0);
    const video: any = await (await call(stack, `/openai/v1/videos/${id}`)).json();
    expect(video.status).toBe('queued');
  });

  it('worker: answers health only, and runs what the API queued; the API serves the result', async () => {
    worker = await startInstance(stack, { SERVICE_ROLE: 'worker' });
    expect((await call(worker, '/openai/v1/videos')).status).toBe(404);
    expect((await fetch(`${worker.url}/docs/openapi.json`)).status).toBe(404);
    expect((await fetch(`${worker.url}/health/live`)).status).toBe(200);
    const list: any = await (await call(stack, '/openai/v1/videos')).json();
    const id = list.data[0].id as string;
    const done: any = await until(
      'the worker runs the job',
      async () => {
        const v: any = await (await call(stack, `/openai/v1/videos/${id}`)).json();
        return v.status === 'completed' ? v : undefined;
      },
      { tries: 400 },
    );
    expect(done.progress).toBe(100);
    expect(stack.emu.admin.requests({ operation: 'videos.create' })).toHaveLength(1);
    const video = await call(stack, `/openai/v1/videos/${id}/content`);
    expect(video.status).toBe(200);
    expect(video.headers.get('content-type')).toBe('video/mp4');
    const ready: any = await (await fetch(`${worker.url}/health/ready`)).json();
    expect(Object.keys(ready.info).sort()).toEqual(['redis', 'storage', 'upstream', 'videoQueue']);
  });
});
