/**
 * Crash safety: the service is killed with SIGKILL while its jobs are polling Azure, or Redis
 * restarts under it. Every job must finish, none may be created twice upstream, every file must be there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '@aoai-media/emulator';
import { KEYS, call, json, serviceEnv, until } from './support/stack.js';
import { startRedis, type TestRedis } from './support/redis.js';
import { startService, type ServiceProcess } from './support/child.js';

const JOBS = 20;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
});

async function setUp() {
  const emu: Emulator = await startEmulator({
    port: 0,
    videoTimings: { preprocessing: 1500, queued: 1000, running: 2500, processing: 1000 },
  });
  cleanups.push(() => emu.close());
  const redis: TestRedis = await startRedis({ persist: true });
  cleanups.push(async () => {
    await redis.stop();
    rmSync(redis.dir, { recursive: true, force: true });
  });
  const storage = mkdtempSync(join(tmpdir(), 'aoai-crash-'));
  cleanups.push(async () => rmSync(storage, { recursive: true, force: true }));
  const env = serviceEnv(emu, redis.url, storage, {
    VIDEO_MAX_RUNNING: String(JOBS),
    VIDEO_POLL_INITIAL_MS: '200',
    VIDEO_POLL_MAX_MS: '400',
    LOG_LEVEL: 'warn',
  });
  return { emu, redis, env };
}

async function run(env: Record<string, string>): Promise<ServiceProcess> {
  const svc = await startService(env);
  cleanups.push(async () => void (await svc.kill('SIGKILL')));
  return svc;
}

async function submit(svc: ServiceProcess): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < JOBS; i++) {
    const res = await json(svc, '/openai/v1/video/generations/jobs', {
      model: 'sora',
      prompt: `crash test ${i}`,
      width: 480,
      height: 480,
      n_seconds: 1,
    });
    expect(res.status).toBe(200);
    ids.push(((await res.json()) as any).id);
  }
  return ids;
}

/** Every job has its upstream id recorded in its Bull job: the moment to pull the plug. */
async function allRecorded(svc: ServiceProcess, ids: string[]): Promise<void> {
  await until(
    'upstream ids recorded',
    async () => {
      for (const id of ids) {
        const info: any = await (await call(svc, `/admin/jobs/${id}`, { key: KEYS.admin })).json();
        if (!info.queue?.data?.upstreamId) return false;
      }
      return true;
    },
    { tries: 300, everyMs: 100 },
  );
}

async function allSucceeded(svc: ServiceProcess, ids: string[]): Promise<any[]> {
  return until(
    'every job succeeded',
    async () => {
      const jobs: any[] = [];
      for (const id of ids) {
        const res = await call(svc, `/openai/v1/video/generations/jobs/${id}`);
        if (res.status !== 200) return false;
        const job: any = await res.json();
        if (job.status === 'failed') throw new Error(`job ${id} failed: ${job.failure_reason}`);
        if (job.status !== 'succeeded') return false;
        jobs.push(job);
      }
      return jobs;
    },
    { tries: 600, everyMs: 200 },
  );
}

async function everyFileThere(svc: ServiceProcess, jobs: any[]): Promise<void> {
  for (const job of jobs) {
    expect(job.generations).toHaveLength(1);
    for (const path of ['content/video', 'content/video?quality=low', 'content/thumbnail']) {
      const res = await call(svc, `/openai/v1/video/generations/${job.generations[0].id}/${path}`, {
        method: 'HEAD',
      });
      expect(res.status, `${job.id} ${path}`).toBe(200);
      expect(Number(res.headers.get('content-length'))).toBeGreaterThan(100);
    }
  }
}

describe('crash safety', () => {
  it('SIGKILL while polling: after restart all 20 succeed, 20 upstream creates, every file present', async () => {
    const { emu, env } = await setUp();
    const first = await run(env);
    const ids = await submit(first);
    await allRecorded(first, ids);
    const polledBefore = emu.admin.requests({ operation: 'videoJobs.get' }).length;
    expect(await first.kill('SIGKILL')).toBe(null);
    // Killed mid-run: not one job had finished.
    expect(emu.admin.requests({ operation: 'generations.video' }).length).toBe(0);

    const second = await run(env);
    const jobs = await allSucceeded(second, ids);
    expect(emu.admin.counters().videoJobsCreated.sora).toBe(JOBS);
    expect(emu.admin.requests({ operation: 'videoJobs.get' }).length).toBeGreaterThan(polledBefore);
    await everyFileThere(second, jobs);
  });

  it('SIGTERM while polling: a clean exit, then the restart finishes every job without creating any again', async () => {
    const { emu, env } = await setUp();
    const first = await run(env);
    const ids = await submit(first);
    await allRecorded(first, ids);
    expect(await first.kill('SIGTERM')).toBe(0);
    expect(first.output.join('')).not.toMatch(/"level":50|Warning/); // nothing went wrong on the way down
    const second = await run(env);
    const jobs = await allSucceeded(second, ids);
    expect(emu.admin.counters().videoJobsCreated.sora).toBe(JOBS);
    await everyFileThere(second, jobs);
  });

  it('Redis restarted mid-run: nothing lost, no duplicate creates', async () => {
    const { emu, redis, env } = await setUp();
    const svc = await run(env);
    const ids = await submit(svc);
    await allRecorded(svc, ids);
    await redis.stop('SIGKILL');
    await new Promise((r) => setTimeout(r, 1500));
    await redis.start();
    const jobs = await allSucceeded(svc, ids);
    expect(emu.admin.counters().videoJobsCreated.sora).toBe(JOBS);
    await everyFileThere(svc, jobs);
    expect(svc.child.exitCode).toBe(null);
  });
});
