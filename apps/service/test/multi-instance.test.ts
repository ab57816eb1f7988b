/**
 * The service beyond one machine: two API processes and two worker processes (each the built
 * service, SERVICE_ROLE api or worker), one Redis, one Blob Storage account (Azurite). Fifty video
 * jobs with a reference image are sent round-robin to the two API instances; one worker is killed
 * with SIGKILL while jobs run. Every job succeeds, Azure got exactly one create per job (each with
 * its image, read back from the shared store by whichever worker sent it), and every video
 * downloads byte for byte Azure's from either API instance, whole, by range and by HEAD.
 */
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { samplePng, startEmulator, type Emulator } from '@aoai-media/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type TestAzurite } from './support/azurite.js';
import { startService, type ServiceProcess } from './support/child.js';
import { startRedis, type TestRedis } from './support/redis.js';
import { KEYS, call, serviceEnv, until } from './support/stack.js';

const JOBS = 50;
const sha = (b: ArrayBuffer | Buffer) =>
  createHash('sha256')
    .update(Buffer.from(b as ArrayBuffer))
    .digest('hex');

let emu: Emulator;
let redis: TestRedis;
let azurite: TestAzurite;
const apis: ServiceProcess[] = [];
const workers: ServiceProcess[] = [];

beforeAll(async () => {
  emu = await startEmulator({
    port: 0,
    videoTimings: { preprocessing: 300, queued: 300, running: 900, processing: 300 },
  });
  redis = await startRedis();
  azurite = await startAzurite();
  const env = (role: string) =>
    serviceEnv(emu, redis.url, 'unused-with-blob-storage', {
      SERVICE_ROLE: role,
      STORAGE_BACKEND: 'azure-blob',
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      AZURE_STORAGE_CONTAINER: 'media',
      AZURE_STORAGE_PREFIX: 'shared/',
      VIDEO_MAX_RUNNING: '20',
      VIDEO_WORKER_CONCURRENCY: '20',
      VIDEO_POLL_INITIAL_MS: '200',
      VIDEO_POLL_MAX_MS: '400',
      QUEUE_LOCK_MS: '2000',
      QUEUE_STALLED_CHECK_MS: '500',
      VIDEO_RECONCILE_WAIT_MS: '3000',
    });
  const started = await Promise.all([
    startService(env('api')),
    startService(env('api')),
    startService(env('worker')),
    startService(env('worker')),
  ]);
  apis.push(started[0]!, started[1]!);
  workers.push(started[2]!, started[3]!);
}, 90_000);

afterAll(async () => {
  for (const s of [...apis, ...workers]) await s.kill('SIGTERM');
  await emu?.close();
  await redis?.stop();
  if (redis) rmSync(redis.dir, { recursive: true, force: true });
  await azurite?.stop();
});

describe('two API instances, two workers, one Redis, one Blob Storage', () => {
  it('fifty video jobs with media, a worker killed mid-run: all succeed, one create each, every video the same from either API', async () => {
    const reference = samplePng(1280, 720);
    const ids: string[] = [];
    for (let i = 0; i < JOBS; i++) {
      const form = new FormData();
      form.append('model', 'sora-2');
      form.append('prompt', `harbour at dawn, take ${i}`);
      form.append('size', '1280x720');
      form.append('seconds', '4');
      form.append('input_reference', new Blob([reference], { type: 'image/png' }), `frame-${i}.png`);
      const res = await call(apis[i % 2]!, '/openai/v1/videos', { method: 'POST', body: form });
      expect(res.status, await res.clone().text()).toBe(200);
      ids.push(((await res.json()) as { id: string }).id);
    }

    // Kill one worker while jobs are running upstream and others are still waiting.
    await until(
      'jobs running upstream',
      async () => (emu.admin.counters().videosCreated['sora-2'] ?? 0) >= 10,
      { tries: 600, everyMs: 50 },
    );
    const createdAtKill = emu.admin.counters().videosCreated['sora-2'] ?? 0;
    expect(createdAtKill).toBeLessThan(JOBS);
    await workers[0]!.kill('SIGKILL');
    // The API instances stay ready: they run no worker, so the lost one does not concern them.
    for (const api of apis) expect((await fetch(`${api.url}/health/ready`)).status).toBe(200);

    await until(
      'every job completed',
      async () => {
        for (const [i, id] of ids.entries()) {
          const video: any = await (await call(apis[(i + 1) % 2]!, `/openai/v1/videos/${id}`)).json();
          if (video.status === 'failed') throw new Error(`${id} failed: ${JSON.stringify(video.error)}`);
          if (video.status !== 'completed') return false;
        }
        return true;
      },
      { tries: 240, everyMs: 500 },
    );

    // Exactly one upstream create per job, each carrying its reference image.
    const creates = emu.admin.requests({ operation: 'videos.create' }).filter((r) => r.status < 300);
    expect(creates).toHaveLength(JOBS);
    expect(emu.admin.counters().videosCreated['sora-2']).toBe(JOBS);
    for (const c of creates) {
      expect(c.files).toEqual([
        expect.objectContaining({
          field: 'input_reference',
          contentType: 'image/png',
          size: reference.length,
        }),
      ]);
    }
    expect(new Set(creates.map((c) => c.fields?.prompt)).size).toBe(JOBS);

    // Every video, from either API instance: whole, by range and by HEAD, byte for byte Azure's.
    for (const id of ids) {
      const { record }: any = await (await call(apis[0]!, `/admin/jobs/${id}`, { key: KEYS.admin })).json();
      const azure = Buffer.from(
        await (
          await fetch(`${emu.url}/openai/v1/videos/${record.upstream_id}/content`, {
            headers: { 'api-key': emu.apiKey },
          })
        ).arrayBuffer(),
      );
      expect(azure.length).toBeGreaterThan(1000);
      for (const api of apis) {
        const whole = await call(api, `/openai/v1/videos/${id}/content`);
        expect(whole.status).toBe(200);
        expect(sha(await whole.arrayBuffer())).toBe(sha(azure));
        const part = await call(api, `/openai/v1/videos/${id}/content`, {
          headers: { range: 'bytes=100-1099' },
        });
        expect(part.status).toBe(206);
        expect(part.headers.get('content-range')).toBe(`bytes 100-1099/${azure.length}`);
        expect(Buffer.from(await part.arrayBuffer()).equals(azure.subarray(100, 1100))).toBe(true);
        const head = await call(api, `/openai/v1/videos/${id}/content`, { method: 'HEAD' });
        expect(head.status).toBe(200);
        expect(head.headers.get('content-length')).toBe(String(azure.length));
      }
    }
    console.log(
      `${JOBS} jobs, 2 API + 2 worker processes, worker killed after ${createdAtKill} creates: upstream creates ${creates.length}, videos identical from both APIs (whole, range, HEAD)`,
    );
  }, 240_000);
});
