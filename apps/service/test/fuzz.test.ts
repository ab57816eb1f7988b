/**
 * 10,000 generated hostile requests against the built service running as its own process: every
 * answer is a 4xx (or a harmless 2xx read) in Azure's error shape, never a 5xx; the process is alive
 * after every batch; nothing reaches Azure. Seeded: FUZZ_SEED=<n> replays a run (the seed is printed
 * with every failure), FUZZ_COUNT=<n> changes its length.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '@aoai-media/emulator';
import { KEYS, azureError, serviceEnv } from './support/stack.js';
import { startRedis, type TestRedis } from './support/redis.js';
import { startService, type ServiceProcess } from './support/child.js';
import { rawRequest, type RawOutcome } from './support/raw-http.js';
import { Rng, hostileCase, type HostileCase } from './support/hostile.js';

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const COUNT = Number(process.env.FUZZ_COUNT ?? 10_000);
const BATCH = 250;
const PARALLEL = 8;
/** Count crashes instead of stopping at the first (restarting the service): to measure an older build. */
const KEEP_GOING = process.env.FUZZ_KEEP_GOING === '1';

let emu: Emulator;
let redis: TestRedis;
let storage: string;
let svc: ServiceProcess;
let env: Record<string, string>;

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  redis = await startRedis();
  storage = mkdtempSync(join(tmpdir(), 'aoai-fuzz-'));
  env = serviceEnv(emu, redis.url, storage, {
    LOG_LEVEL: 'info',
    // Short enough that a request cut short cannot hold the run up for long.
    HTTP_BODY_IDLE_TIMEOUT_MS: '2000',
    HTTP_REQUEST_TIMEOUT_MS: '10000',
    MAX_UPLOAD_BYTES: String(4 * 1024 * 1024),
  });
  svc = await startService(env);
});
afterAll(async () => {
  await svc?.kill('SIGKILL');
  await emu?.close();
  await redis?.stop();
  if (redis) rmSync(redis.dir, { recursive: true, force: true });
  if (storage) rmSync(storage, { recursive: true, force: true });
});

/** What is wrong with an outcome, or undefined when it is what a hostile request should get. */
function problem(c: HostileCase, outcome: RawOutcome): string | undefined {
  if (c.hangsUp) return undefined;
  if (outcome.kind !== 'answer')
    return `no answer (${outcome.kind}${'error' in outcome && outcome.error ? `: ${outcome.error}` : ''}) ${outcome.partial.slice(0, 120)}`;
  if (outcome.status >= 500) return `status ${outcome.status}: ${outcome.body.toString().slice(0, 200)}`;
  if (outcome.status < 400) {
    const method = c.request.raw ? 'RAW' : c.request.method;
    // Reads of lists, health and docs may succeed; nothing else may.
    return ['GET', 'HEAD'].includes(method) ? undefined : `${method} answered ${outcome.status}`;
  }
  if (c.request.method === 'HEAD') return undefined;
  let body: unknown;
  try {
    body = JSON.parse(outcome.body.toString('utf8'));
  } catch {
    return `status ${outcome.status} with a body that is not JSON: ${outcome.body.toString().slice(0, 120)}`;
  }
  if (!azureError(body))
    return `status ${outcome.status} not in Azure's error shape: ${outcome.body.toString().slice(0, 200)}`;
  if (!/json/.test(outcome.headers['content-type'] ?? ''))
    return `content-type ${outcome.headers['content-type']}`;
  return undefined;
}

async function alive(): Promise<boolean> {
  if (svc.child.exitCode !== null || svc.child.signalCode !== null) return false;
  const res = await fetch(`${svc.url}/health/live`).catch(() => undefined);
  return res?.status === 200;
}

describe('hostile requests', () => {
  it(`${COUNT} generated requests: no crash, no 5xx, every refusal in Azure's shape, nothing sent to Azure`, async () => {
    let port = Number(new URL(svc.url).port);
    let crashes = 0;
    const rng = new Rng(SEED);
    const failures: string[] = [];
    const kinds = new Map<string, number>();
    const statuses = new Map<number | string, number>();
    const upstreamBefore = emu.admin.requests().filter((r) => r.path !== '/openai/v1/models').length;
    let sent = 0;
    let problems = 0;
    for (let start = 0; start < COUNT; start += BATCH) {
      const cases = Array.from({ length: Math.min(BATCH, COUNT - start) }, () => hostileCase(rng, KEYS.acme));
      let next = 0;
      await Promise.all(
        Array.from({ length: PARALLEL }, async () => {
          while (next < cases.length) {
            const index = next++;
            const c = cases[index]!;
            const outcome = await rawRequest(port, c.request, 15_000);
            sent++;
            kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
            const key = c.hangsUp ? 'hung up' : outcome.kind === 'answer' ? outcome.status : outcome.kind;
            statuses.set(key, (statuses.get(key) ?? 0) + 1);
            const why = problem(c, outcome);
            if (why) problems++;
            if (why && failures.length < 50)
              failures.push(
                `seed ${SEED} case ${start + index} (${c.kind} ${c.request.method} ${c.request.path.slice(0, 80)}): ${why}`,
              );
          }
        }),
      );
      if (!(await alive())) {
        crashes++;
        failures.push(
          `seed ${SEED}: the service died during the batch starting at case ${start}:\n${svc.output.join('').slice(-3000)}`,
        );
        if (!KEEP_GOING) break;
        svc = await startService(env);
        port = Number(new URL(svc.url).port);
      }
    }
    const upstream = emu.admin.requests().filter((r) => r.path !== '/openai/v1/models');
    const unhandled = svc.output
      .join('')
      .split('\n')
      .filter((l) => /unhandled error|Unexpected end of form/i.test(l));
    console.log(
      `fuzz seed ${SEED}: ${sent} requests; answers ${JSON.stringify(Object.fromEntries([...statuses].sort()))}; kinds ${JSON.stringify(Object.fromEntries([...kinds].sort()))}; reached Azure ${upstream.length - upstreamBefore}; unhandled errors logged ${unhandled.length}; crashes ${crashes}; wrong answers ${problems}`,
    );
    expect(failures, `seed ${SEED}`).toEqual([]);
    expect(sent).toBe(COUNT);
    expect(upstream.length - upstreamBefore, `seed ${SEED}: ${JSON.stringify(upstream.slice(0, 3))}`).toBe(0);
    expect(unhandled, `seed ${SEED}`).toEqual([]);
    expect(await alive()).toBe(true);
  }, 600_000);
});
