/**
 * The crash sweep: the built service as its own process, a real redis-server with its append-only
 * file (fsync on every write), the emulator counting what reaches "Azure", and a webhook receiver.
 * The service is killed (SIGKILL, or SIGTERM for a graceful stop) at each moment of a job's life:
 * - before-send: the create's intent is stored, nothing sent;
 * - during-send: the create is at Azure (the emulator holds it), no answer yet;
 * - after-answer: Azure answered the create, its id not yet stored;
 * - mid-poll: a poll answered;
 * - mid-download: the first bytes of a result are stored.
 * The kills land at those exact moments: a test-only crash point in the service (armed once every
 * job is submitted), or, for during-send, the emulator's list of requests it holds. After the
 * restart every job succeeds, the emulator saw exactly one create per job, every stored file is
 * byte for byte Azure's, and every job's webhook arrived once, signed.
 * 20 jobs per moment and signal; then 100 jobs with fewer workers than jobs and fewer slots than
 * jobs, killed at every moment in turn in one run. Then Redis restarted mid-run, and Redis down at
 * submit (503s; nothing refused then is ever carried out).
 */
import { createHash } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { Redis } from 'ioredis';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '@aoai-media/emulator';
import { KEYS, WEBHOOK_SECRET, azureError, call, json, serviceEnv, until } from './support/stack.js';
import { startRedis, type TestRedis } from './support/redis.js';
import { startService, type ServiceProcess } from './support/child.js';
import { ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verify } from '../src/webhooks/signing.js';

type Moment = 'before-send' | 'during-send' | 'after-answer' | 'mid-poll' | 'mid-download';
const MOMENTS: Moment[] = ['before-send', 'during-send', 'after-answer', 'mid-poll', 'mid-download'];
const POINT: Record<Exclude<Moment, 'during-send'>, string> = {
  'before-send': 'create:before-send',
  'after-answer': 'create:answered',
  'mid-poll': 'poll',
  'mid-download': 'download',
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
});

/** Figures the sweep prints at the end of each case, for the record. */
const figures: string[] = [];

interface Rig {
  emu: Emulator;
  redis: TestRedis;
  env: Record<string, string>;
  armFile: string;
  arrivals: Map<string, { count: number; valid: boolean; event: string }>;
  /** Deliveries the receiver holds unanswered while a kill from outside is lined up (see quiesceWebhooks). */
  held: { hold: boolean; parked: ServerResponse[] };
  kills: number;
}

async function rig(options: { slots: number; workers: number }): Promise<Rig> {
  const emu = await startEmulator({
    port: 0,
    videoTimings: { preprocessing: 300, queued: 300, running: 700, processing: 300 },
  });
  cleanups.push(() => emu.close());
  const redis = await startRedis({ persist: true });
  cleanups.push(async () => {
    await redis.stop();
    rmSync(redis.dir, { recursive: true, force: true });
  });
  const dir = mkdtempSync(join(tmpdir(), 'aoai-sweep-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));

  const arrivals: Rig['arrivals'] = new Map();
  const held: Rig['held'] = { hold: false, parked: [] };
  const receiver: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      // Parked deliveries are answered 503 after the kill: not received, so delivered again later.
      if (held.hold) {
        held.parked.push(res);
        return;
      }
      const id = String(req.headers[ID_HEADER]);
      const check = verify(
        WEBHOOK_SECRET,
        {
          signature: req.headers[SIGNATURE_HEADER] as string | undefined,
          timestamp: req.headers[TIMESTAMP_HEADER] as string | undefined,
        },
        body,
      );
      const seen = arrivals.get(id);
      arrivals.set(id, {
        count: (seen?.count ?? 0) + 1,
        valid: (seen?.valid ?? true) && check.ok,
        event: JSON.parse(body).type,
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => receiver.close(() => r())));

  const env = serviceEnv(emu, redis.url, join(dir, 'media'), {
    VIDEO_MAX_RUNNING: String(options.slots),
    VIDEO_WORKER_CONCURRENCY: String(options.workers),
    VIDEO_POLL_INITIAL_MS: '150',
    VIDEO_POLL_MAX_MS: '300',
    QUEUE_LOCK_MS: '2000',
    QUEUE_STALLED_CHECK_MS: '500',
    // Longer than the emulator holds a create in during-send: the held create is found, not resent.
    VIDEO_RECONCILE_WAIT_MS: '4000',
    WEBHOOK_BACKOFF_MS: '100',
    SHUTDOWN_GRACE_MS: '8000',
    LOG_LEVEL: 'warn',
  });
  const hook = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
  return {
    emu,
    redis,
    env: { ...env, HOOK: hook },
    armFile: join(dir, 'armed'),
    arrivals,
    held,
    kills: 0,
  };
}

async function run(r: Rig, extra: Record<string, string> = {}): Promise<ServiceProcess> {
  const { HOOK: _hook, ...env } = r.env;
  const svc = await startService({ ...env, ...extra });
  cleanups.push(async () => void (await svc.kill('SIGKILL')));
  return svc;
}

async function submit(r: Rig, svc: ServiceProcess, count: number, tag: string): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < count; start += 10) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(10, count - start) }, async (_, k) => {
        const res = await json(svc, '/openai/v1/video/generations/jobs', {
          model: 'sora',
          prompt: `${tag} job ${start + k}`,
          width: 480,
          height: 480,
          n_seconds: 1,
          callback_url: r.env.HOOK,
        });
        expect(res.status).toBe(200);
        return ((await res.json()) as { id: string }).id;
      }),
    );
    ids.push(...batch);
  }
  return ids;
}

/** Stop the service at `moment` with `signal`; returns once it has exited. */
async function killAt(r: Rig, svc: ServiceProcess, moment: Moment, signal: NodeJS.Signals): Promise<void> {
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    svc.child.once('exit', (code, sig) => resolve({ code, signal: sig })),
  );
  if (moment === 'during-send') {
    // The next create is held at "Azure" for 2.5 s: kill while it is there.
    r.emu.admin.fault({ kind: 'delay', delayMs: 2500, count: 1, match: { operation: 'videoJobs.create' } });
    await until(
      'a create held at Azure',
      async () => r.emu.admin.inFlight({ operation: 'videoJobs.create' }).length > 0,
      {
        tries: 600,
        everyMs: 10,
      },
    );
    await quiesceWebhooks(r);
    svc.child.kill(signal);
  } else {
    writeFileSync(r.armFile, '');
  }
  const how = await Promise.race([
    exited,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no crash at ${moment}`)), 60_000).unref(),
    ),
  ]);
  if (moment === 'during-send') {
    r.held.hold = false;
    for (const res of r.held.parked.splice(0)) res.writeHead(503).end();
  }
  if (moment !== 'during-send') {
    unlinkSync(r.armFile);
    expect(svc.output.join('')).toContain(`"point":"${POINT[moment]}"`);
  }
  if (signal === 'SIGKILL') expect(how.signal).toBe('SIGKILL');
  else expect(how.code).toBe(0);
  r.kills++;
}

/**
 * Before a kill from outside the service: webhook deliveries are delivered at least once, so a kill
 * between a receiver's 2xx and Bull's record of it repeats one (documented). Crash points inside the
 * service wait that window out; a kill from outside is lined up the same way: new deliveries are
 * held unanswered, and the kill waits until every delivery still active in Bull is one of those.
 */
async function quiesceWebhooks(r: Rig): Promise<void> {
  r.held.hold = true;
  const redis = new Redis(r.redis.url);
  try {
    await until(
      'no webhook delivery between its answer and its record',
      async () =>
        (await redis.llen(`${r.env.QUEUE_PREFIX ?? 'aoai-media'}:webhooks:active`)) === r.held.parked.length,
      { tries: 400, everyMs: 5 },
    );
  } finally {
    redis.disconnect();
  }
}

function armed(moment: Moment, signal: NodeJS.Signals): Record<string, string> {
  return moment === 'during-send' ? {} : { AOAI_TEST_CRASH_AT: `${POINT[moment]}:1:${signal}` };
}

const sha = (b: ArrayBuffer) => createHash('sha256').update(Buffer.from(b)).digest('hex');

/** Every job succeeded, one create each upstream, every file Azure's bytes, one signed webhook each. */
async function verifyAll(r: Rig, svc: ServiceProcess, ids: string[]): Promise<void> {
  const pending = new Set(ids);
  await until(
    `all ${ids.length} jobs succeeded`,
    async () => {
      for (const id of [...pending]) {
        const job: any = await (await call(svc, `/openai/v1/video/generations/jobs/${id}`)).json();
        if (job.status === 'failed') throw new Error(`job ${id} failed: ${job.failure_reason}`);
        if (job.status === 'succeeded') pending.delete(id);
      }
      return pending.size === 0;
    },
    { tries: 600, everyMs: 200 },
  );
  expect(r.emu.admin.counters().videoJobsCreated.sora).toBe(ids.length);

  const upstream = (path: string) =>
    fetch(`${r.emu.url}/openai/v1/${path}${path.includes('?') ? '&' : '?'}api-version=preview`, {
      headers: { 'api-key': r.emu.apiKey },
    });
  let files = 0;
  for (const id of ids) {
    const { record }: any = await (await call(svc, `/admin/jobs/${id}`, { key: KEYS.admin })).json();
    expect(record.generations).toHaveLength(1);
    const g = record.generations[0];
    for (const [ours, theirs] of [
      ['content/video?quality=high', 'content/video?quality=high'],
      ['content/video?quality=low', 'content/video?quality=low'],
      ['content/thumbnail', 'content/thumbnail'],
    ] as const) {
      const mine = await call(svc, `/openai/v1/video/generations/${g.id}/${ours}`);
      const azure = await upstream(`video/generations/${g.upstream_id}/${theirs}`);
      expect(mine.status, `${id} ${ours}`).toBe(200);
      expect(azure.status).toBe(200);
      expect(sha(await mine.arrayBuffer()), `${id} ${ours}`).toBe(sha(await azure.arrayBuffer()));
      files++;
    }
  }
  await until('every webhook', async () => ids.every((id) => r.arrivals.has(`${id}.video.job.succeeded`)), {
    tries: 200,
  });
  for (const id of ids) {
    expect(r.arrivals.get(`${id}.video.job.succeeded`), id).toEqual({
      count: 1,
      valid: true,
      event: 'video.job.succeeded',
    });
  }
  expect(r.arrivals.size).toBe(ids.length);
  const stats: any = await (await call(svc, '/admin/stats', { key: KEYS.admin })).json();
  figures.push(
    `${ids.length} jobs, ${r.kills} kills: upstream creates ${r.emu.admin.counters().videoJobsCreated.sora}, adopted ${stats.counters.adopted}, resent ${stats.counters.resent}, files byte-identical ${files}, webhooks ${r.arrivals.size} (each once, signed)`,
  );
}

describe('crash sweep: 20 jobs, killed once at each moment', () => {
  for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
    for (const moment of MOMENTS) {
      it(`${signal} at ${moment}`, async () => {
        const r = await rig({ slots: 8, workers: 8 });
        const first = await run(r, { ...armed(moment, signal), AOAI_TEST_CRASH_ARM: r.armFile });
        const ids = await submit(r, first, 20, `${signal} ${moment}`);
        await killAt(r, first, moment, signal);
        const second = await run(r);
        await verifyAll(r, second, ids);
        console.log(`${signal} at ${moment}: ${figures[figures.length - 1]}`);
      }, 120_000);
    }
  }
});

describe('crash sweep: 100 jobs, fewer workers and slots than jobs, killed at every moment in turn', () => {
  // SIGTERM with fewer slots than workers: the arrangement that used to freeze the queue for good.
  for (const [signal, slots] of [
    ['SIGKILL', 20],
    ['SIGTERM', 5],
  ] as const) {
    it(`${signal} at each of the five moments, one after another (${slots} slots, 10 workers)`, async () => {
      const r = await rig({ slots, workers: 10 });
      let svc = await run(r, { ...armed(MOMENTS[0]!, signal), AOAI_TEST_CRASH_ARM: r.armFile });
      const ids = await submit(r, svc, 100, `${signal} chain`);
      for (const [i, moment] of MOMENTS.entries()) {
        await killAt(r, svc, moment, signal);
        const next = MOMENTS[i + 1];
        svc = await run(r, next ? { ...armed(next, signal), AOAI_TEST_CRASH_ARM: r.armFile } : {});
      }
      await verifyAll(r, svc, ids);
      console.log(`100 jobs, ${signal}: ${figures[figures.length - 1]}`);
    }, 300_000);
  }
});

describe('Redis under the service', () => {
  it('Redis killed and restarted mid-run: nothing lost, one create per job', async () => {
    const r = await rig({ slots: 8, workers: 8 });
    const svc = await run(r);
    const ids = await submit(r, svc, 20, 'redis restart');
    await until(
      'some jobs created upstream',
      async () => (r.emu.admin.counters().videoJobsCreated.sora ?? 0) >= 4,
    );
    await r.redis.stop('SIGKILL');
    await until(
      'the service sees Redis down',
      async () => (await fetch(`${svc.url}/health`)).status === 503,
      {
        tries: 100,
      },
    );
    await r.redis.start();
    await verifyAll(r, svc, ids);
    expect(svc.child.exitCode).toBe(null);
    console.log(`redis restart: ${figures[figures.length - 1]}`);
  }, 120_000);

  it('Redis down at submit: 503 in Azure shape within the bound, images still served, nothing carried out later', async () => {
    const r = await rig({ slots: 8, workers: 8 });
    const svc = await run(r, { REDIS_COMMAND_TIMEOUT_MS: '1000' });
    await r.redis.stop('SIGKILL');
    const slowest = { ms: 0 };
    for (let i = 0; i < 10; i++) {
      const started = Date.now();
      const res = await json(svc, '/openai/v1/video/generations/jobs', {
        model: 'sora',
        prompt: `while redis is down ${i}`,
        width: 480,
        height: 480,
        n_seconds: 1,
      });
      slowest.ms = Math.max(slowest.ms, Date.now() - started);
      expect(res.status).toBe(503);
      expect(azureError(await res.json())?.code).toBe('service_unavailable');
      expect(res.headers.get('retry-after')).toBe('5');
    }
    const list = await call(svc, '/openai/v1/video/generations/jobs');
    expect(list.status).toBe(503);
    const image = await json(svc, '/openai/v1/images/generations', {
      model: 'gpt-image-1',
      prompt: 'a kite',
      quality: 'low',
    });
    expect(image.status).toBe(200);
    expect(slowest.ms).toBeLessThan(3000);

    await r.redis.start();
    // A job submitted now waits behind anything refused earlier (first come, first served):
    // once it is done, anything that had slipped in would have been created too.
    await until(
      'job store back',
      async () => (await call(svc, '/openai/v1/video/generations/jobs')).status === 200,
      {
        tries: 200,
      },
    );
    const after = await submit(r, svc, 1, 'after redis returned');
    await verifyAll(r, svc, after);
    expect(r.emu.admin.counters().videoJobsCreated.sora).toBe(1);
    const listed: any = await (await call(svc, '/openai/v1/video/generations/jobs?limit=100')).json();
    expect(listed.data.map((j: { id: string }) => j.id)).toEqual(after);
    console.log(
      `redis down at submit: 10 creates answered 503 (slowest ${slowest.ms} ms), 0 carried out later`,
    );
  }, 120_000);
});
