/* global fetch, setTimeout, URL */
// The processes the service bench measures, each its own: a private redis-server, the emulator (its
// CLI) and one or more service instances (dist/main.js), all on loopback ports the OS or Redis chose.
// The load generator is the process that imports this module.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNode, startRedis, stopAll } from '@aoai-media/bench';

export const KEY = 'bench-service-key';
export const ADMIN = 'bench-admin-key';
export const EMULATOR_KEY = 'emulator-key';
/** Emulator milliseconds per wall millisecond, so a one-minute video job takes three seconds. */
export const TIME_SCALE = 20;

const sha = (s) => createHash('sha256').update(s).digest('hex');
const require = createRequire(import.meta.url);
const emulatorCli = join(
  dirname(require.resolve('@aoai-media/emulator/package.json')),
  'bin/aoai-emulator.js',
);
const serviceMain = fileURLToPath(new URL('../dist/main.js', import.meta.url));

export async function startStack() {
  const temps = [];
  const temp = (prefix) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    temps.push(dir);
    return dir;
  };
  const redis = await startRedis({ dir: temp('aoai-bench-redis-') });
  const emulator = await startNode(emulatorCli, ['--port', '0', '--time-scale', String(TIME_SCALE)], {
    ready: /listening on http:\/\/127\.0\.0\.1:(\d+)/,
  });
  const storage = temp('aoai-bench-storage-');
  const env = {
    PORT: '0',
    AZURE_OPENAI_ENDPOINT: emulator.url,
    AZURE_OPENAI_API_KEY: EMULATOR_KEY,
    REDIS_URL: redis.url,
    SERVICE_KEYS: `bench:${sha(KEY)}`,
    ADMIN_KEY_SHA256: sha(ADMIN),
    STORAGE_DIR: storage,
    LOG_LEVEL: 'warn',
    // What is measured is the service's own cost, whichever model's rules apply.
    AZURE_OPENAI_ALLOW_RETIRED_MODELS: 'true',
    // Every job may run at once, so the queue's own pace is what is measured.
    VIDEO_MAX_RUNNING: '1000',
    VIDEO_WORKER_CONCURRENCY: '1000',
    // The defaults (2 s, growing to 20 s) divided by the emulator's time scale.
    VIDEO_POLL_INITIAL_MS: String(2000 / TIME_SCALE),
    VIDEO_POLL_MAX_MS: String(20_000 / TIME_SCALE),
  };
  // --expose-gc only lets the bench settle the heap before a memory reading (see audio.mjs).
  const startService = () =>
    startNode(serviceMain, [], { env, execArgv: ['--expose-gc'], ready: /"msg":"ready","port":(\d+)/ });
  const services = [await startService()];
  return {
    redis,
    emulator,
    services,
    /** Another instance on the same Redis and storage directory. */
    addService: async () => {
      const service = await startService();
      services.push(service);
      return service;
    },
    emulatorAdmin: async (method, path, body) => {
      const response = await fetch(`${emulator.url}/_emulator/${path}`, {
        method,
        headers: body ? { 'content-type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
      if (!response.ok) throw new Error(`emulator admin ${method} ${path}: ${response.status}`);
      return response.status === 204 ? undefined : response.json();
    },
    stop: async () => {
      await stopAll();
      for (const dir of temps) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits up to `ms` for `check()` to be true, checking every `every` ms. */
export async function waitFor(check, ms, every = 500, what = 'condition') {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}
