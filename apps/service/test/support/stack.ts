/** The service on a real Redis and the emulator, over real HTTP on loopback. */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startEmulator, type Emulator, type EmulatorOptions } from '@aoai-media/emulator';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/common/logger.js';
import { startRedis, type TestRedis } from './redis.js';

export const KEYS = {
  acme: 'acme-test-key-0001',
  globex: 'globex-test-key-0002',
  admin: 'admin-test-key-0003',
};
export const WEBHOOK_SECRET = 'test-webhook-secret-0123456789';

export const sha = (s: string) => createHash('sha256').update(s).digest('hex');

export function serviceEnv(
  emu: { url: string; apiKey: string },
  redisUrl: string,
  storageDir: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    AZURE_OPENAI_ENDPOINT: emu.url,
    AZURE_OPENAI_API_KEY: emu.apiKey,
    REDIS_URL: redisUrl,
    SERVICE_KEYS: `acme:${sha(KEYS.acme)},globex:${sha(KEYS.globex)}`,
    ADMIN_KEY_SHA256: sha(KEYS.admin),
    STORAGE_DIR: storageDir,
    WEBHOOK_SECRET,
    WEBHOOK_ALLOW_LOOPBACK: 'true',
    WEBHOOK_BACKOFF_MS: '100',
    VIDEO_POLL_INITIAL_MS: '50',
    VIDEO_POLL_MAX_MS: '200',
    VIDEO_MAX_RUNNING: '5',
    QUEUE_LOCK_MS: '3000',
    QUEUE_STALLED_CHECK_MS: '1000',
    VIDEO_RECONCILE_WAIT_MS: '1500',
    AZURE_OPENAI_MAX_RETRIES: '2',
    // The suites drive retired models on purpose; current-models.test.ts checks the default refusal.
    AZURE_OPENAI_ALLOW_RETIRED_MODELS: 'true',
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

export interface Stack {
  url: string;
  emu: Emulator;
  redis: TestRedis;
  app: NestExpressApplication;
  storageDir: string;
  logs: string[];
  close(): Promise<void>;
}

export interface Instance {
  url: string;
  app: NestExpressApplication;
  logs: string[];
  close(): Promise<void>;
}

/** One more service instance (in this process) on a stack's emulator, Redis and storage. */
export async function startInstance(
  base: { emu: Emulator; redis: TestRedis; storageDir: string },
  env: Record<string, string> = {},
): Promise<Instance> {
  const config = loadConfig(serviceEnv(base.emu, base.redis.url, base.storageDir, { PORT: '0', ...env }));
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const app = await createApp(config, createLogger(config.logLevel, sink));
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    logs,
    close: () => app.close().catch(() => undefined),
  };
}

/** Everything a test needs; `close` stops what it started. */
export async function startStack(
  options: { env?: Record<string, string>; emulator?: EmulatorOptions } = {},
): Promise<Stack> {
  const emu = await startEmulator({ port: 0, timeScale: 20, ...options.emulator });
  const redis = await startRedis();
  const storageDir = mkdtempSync(join(tmpdir(), 'aoai-storage-'));
  const instance = await startInstance({ emu, redis, storageDir }, options.env);
  return {
    url: instance.url,
    emu,
    redis,
    app: instance.app,
    storageDir,
    logs: instance.logs,
    async close() {
      await instance.close();
      await emu.close();
      await redis.stop();
      rmSync(storageDir, { recursive: true, force: true });
      rmSync(redis.dir, { recursive: true, force: true });
    },
  };
}

/** fetch with a service key. */
export function call(
  stack: { url: string },
  path: string,
  init: RequestInit & { key?: string } = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.key !== '' && !headers.has('api-key') && !headers.has('authorization'))
    headers.set('api-key', init.key ?? KEYS.acme);
  return fetch(`${stack.url}${path}`, { ...init, headers });
}

export function json(
  stack: { url: string },
  path: string,
  body: unknown,
  init: RequestInit & { key?: string } = {},
): Promise<Response> {
  return call(stack, path, {
    method: 'POST',
    ...init,
    headers: { 'content-type': 'application/json', ...(init.headers ?? {}) },
    body: JSON.stringify(body),
  });
}

/** Poll until `check` returns a value, bounded in count. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  { tries = 400, everyMs = 50 } = {},
): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await check();
    if (v) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** A well-formed Azure error in either shape: `{ error: {...} }` or Azure's unwrapped video form. */
export function azureError(body: any): { code: string; message: string; param?: string | null } | undefined {
  const e = body && typeof body === 'object' ? (body.error ?? body) : undefined;
  return e && typeof e.code === 'string' && typeof e.message === 'string' ? e : undefined;
}
