#!/usr/bin/env node
/**
 * Start a working stack with nothing configured:
 *   - the emulator, unless AZURE_OPENAI_ENDPOINT is set;
 *   - a private redis-server on a free loopback port with its data under .data/redis, unless REDIS_URL is set;
 *   - the service on http://127.0.0.1:3000 (PORT and HOST change it).
 * Development keys are made on first start and kept in .data/dev-keys.json.
 * Run after a build (the package script `start:stack` builds first).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, createConnection } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const serviceDir = resolve(here, '..');
const root = resolve(serviceDir, '../..');
const dataDir = resolve(process.env.AOAI_DATA_DIR ?? join(root, '.data'));
const entry = join(serviceDir, 'dist', 'main.js');
const sha = (s) => createHash('sha256').update(s).digest('hex');
const children = [];
let emulator;

function fail(message) {
  process.stderr.write(`\n${message}\n\n`);
  void shutdown(1);
}

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

function redisAnswers(port) {
  return new Promise((res) => {
    const s = createConnection({ port, host: '127.0.0.1' }, () => s.write('PING\r\n'));
    s.once('data', (d) => {
      s.destroy();
      res(d.toString().includes('PONG'));
    });
    s.once('error', () => res(false));
    s.setTimeout(500, () => {
      s.destroy();
      res(false);
    });
  });
}

function which(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim() || undefined;
}

/** redis-server from PATH; installed from Debian's package when we are root and apt-get exists. */
function findRedis() {
  let bin = which('redis-server');
  if (bin) return bin;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && which('apt-get')) {
    console.log("redis-server is missing; installing Debian's redis-server package...");
    spawnSync('apt-get', ['update'], { stdio: 'inherit' });
    const r = spawnSync('apt-get', ['install', '-y', 'redis-server'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (r.status === 0) bin = which('redis-server');
  }
  return bin;
}

async function startRedis() {
  const bin = findRedis();
  if (!bin) {
    fail(
      'redis-server is not installed and could not be installed automatically.\n' +
        'Install it, then run this again:\n' +
        '  Debian/Ubuntu: sudo apt-get install -y redis-server\n' +
        '  macOS:         brew install redis\n' +
        'or point the service at an existing Redis: REDIS_URL=redis://host:6379 pnpm start',
    );
    return undefined;
  }
  const port = await freePort();
  const dir = join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const child = spawn(
    bin,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--save',
      '',
      '--daemonize',
      'no',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  children.push(child);
  for (let i = 0; i < 100; i++) {
    if (await redisAnswers(port)) return `redis://127.0.0.1:${port}`;
    await new Promise((r) => setTimeout(r, 50));
  }
  fail('redis-server did not start');
  return undefined;
}

function devKeys() {
  const file = join(dataDir, 'dev-keys.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const keys = {
    serviceKey: `dev-${randomBytes(18).toString('base64url')}`,
    adminKey: `admin-${randomBytes(18).toString('base64url')}`,
    webhookSecret: randomBytes(24).toString('base64url'),
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  return keys;
}

let stopping = false;
async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of [...children].reverse()) {
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise((r) => {
        child.once('exit', r);
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
      });
    }
  }
  await emulator?.close();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

async function main() {
  if (!existsSync(entry))
    return fail(
      `${entry} is missing: build first (pnpm --filter @aoai-media/service... build), or use pnpm start from the repository root.`,
    );
  const env = { ...process.env };
  const keys = devKeys();
  if (!env.AZURE_OPENAI_ENDPOINT) {
    const { startEmulator } = await import('@aoai-media/emulator');
    emulator = await startEmulator({ port: Number(env.EMULATOR_PORT ?? 0) });
    env.AZURE_OPENAI_ENDPOINT = emulator.url;
    env.AZURE_OPENAI_API_KEY = emulator.apiKey;
    console.log(
      `emulator          ${emulator.url} (Azure OpenAI stand-in; set AZURE_OPENAI_ENDPOINT to use Azure)`,
    );
  }
  if (!env.REDIS_URL) {
    const url = await startRedis();
    if (!url) return;
    env.REDIS_URL = url;
    console.log(`redis             ${url} (data in ${join(dataDir, 'redis')})`);
  }
  env.SERVICE_KEYS ??= `dev:${sha(keys.serviceKey)}`;
  env.ADMIN_KEY_SHA256 ??= sha(keys.adminKey);
  env.WEBHOOK_SECRET ??= keys.webhookSecret;
  env.STORAGE_DIR ??= join(dataDir, 'media');
  env.PORT ??= '3000';
  env.HOST ??= '127.0.0.1';

  const service = spawn(process.execPath, [entry], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(service);
  service.on('exit', (code) => {
    if (!stopping) {
      process.stderr.write(`service exited with code ${code}\n`);
      void shutdown(code ?? 1);
    }
  });
  let announced = false;
  service.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    if (announced) return;
    const m = /"msg":"ready","port":(\d+)/.exec(chunk.toString());
    if (!m) return;
    announced = true;
    const url = `http://${env.HOST}:${m[1]}`;
    const usesDevKey = env.SERVICE_KEYS === `dev:${sha(keys.serviceKey)}`;
    const key = usesDevKey ? keys.serviceKey : '<your service key>';
    console.log(`
aoai-media service ${url}
  docs            ${url}/docs
  health          ${url}/health
  queues (admin)  ${url}/admin/queues   admin key: ${usesDevKey ? keys.adminKey : '<your admin key>'}
  service key     ${key}   (kept in ${join(dataDir, 'dev-keys.json')})

Try it:
  curl -s ${url}/openai/v1/images/generations \\
    -H "api-key: ${key}" -H "content-type: application/json" \\
    -d '{"model":"gpt-image-1","prompt":"a lighthouse at dawn","size":"1024x1024","quality":"low"}' | head -c 300; echo

Or run the demo in another terminal: pnpm demo
Stop with Ctrl+C.
`);
  });
}

main().catch((e) => fail(`failed to start: ${e.stack ?? e.message}`));
