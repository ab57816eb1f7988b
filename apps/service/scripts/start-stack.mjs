#!/usr/bin/env node
/**
 * Start a working stack with nothing configured (run by `npm start` / `pnpm start` at the
 * repository root, after the build):
 *   - the emulator, unless AZURE_OPENAI_ENDPOINT is set (EMULATOR_PORT picks its port);
 *   - a private redis-server on a free loopback port with its data under .data/redis, unless REDIS_URL is set;
 *   - the service on http://127.0.0.1:3000 (PORT and HOST change it).
 * Development keys are made on first start and kept in .data/dev-keys.json; the running stack's
 * address is written to .data/stack.json for `pnpm demo`. The service's log goes to
 * .data/logs/service.log; the terminal shows its warnings and errors, and the banner last.
 * Ctrl+C stops everything and exits 0.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, createConnection } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const serviceDir = resolve(here, '..');
const root = resolve(serviceDir, '../..');
const dataDir = resolve(process.env.AOAI_DATA_DIR ?? join(root, '.data'));
const stackFile = join(dataDir, 'stack.json');
const logFile = join(dataDir, 'logs', 'service.log');
const entry = join(serviceDir, 'dist', 'main.js');
const sha = (s) => createHash('sha256').update(s).digest('hex');
const tty = process.stdout.isTTY;
const bold = (s) => (tty ? `\x1b[1m${s}\x1b[22m` : s);
const children = [];
let emulator;

/** A problem the user can fix: said plainly, no stack trace, everything started so far stopped. */
function fail(message) {
  process.stderr.write(`\n${message}\n\n`);
  void shutdown(1);
}

/** Whether host:port can be listened on now (checked before anything starts, so a busy port is named). */
function portFree(port, host) {
  return new Promise((res) => {
    const srv = createServer();
    srv.once('error', () => res(false));
    srv.listen(port, host, () => srv.close(() => res(true)));
  });
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

/** A child in its own process group: Ctrl+C reaches this script only, which stops children in order. */
function startChild(command, args, options) {
  const child = spawn(command, args, { ...options, detached: true });
  children.push(child);
  return child;
}

async function startRedis() {
  const bin = findRedis();
  if (!bin) {
    fail(
      'redis-server is not installed and could not be installed automatically.\n' +
        'Install it, then run this again:\n' +
        '  Debian/Ubuntu: sudo apt-get install -y redis-server\n' +
        '  macOS:         brew install redis\n' +
        'or point the service at an existing Redis: REDIS_URL=redis://host:6379 npm start',
    );
    return undefined;
  }
  const port = await freePort();
  const dir = join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  startChild(
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
  if (code === 0) process.stdout.write('\nstopping the stack...\n');
  // The service first (it finishes its steps while Redis is still there), then Redis.
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
  rmSync(stackFile, { force: true });
  if (code === 0) process.stdout.write('stopped.\n');
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
// Should this script end some other way, its children end with it.
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

/** A service log line for the terminal: warnings and errors only, as one readable line. */
function terminalLine(line) {
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return line.trim() ? line : undefined;
  }
  if (typeof entry.level !== 'number' || entry.level < 40) return undefined;
  const level = entry.level >= 50 ? 'error' : 'warn';
  const detail = entry.error ?? entry.err?.message ?? entry.reason;
  return `service ${level}: ${entry.msg ?? ''}${detail ? ` (${detail})` : ''}`;
}

function banner(url, keys, usesDevKey) {
  const key = usesDevKey ? keys.serviceKey : '<your service key>';
  const rule = '─'.repeat(72);
  return `
${rule}
 ${bold(`aoai-media service is running at ${url}`)}

   API docs        ${url}/docs
   health          ${url}/health
   queues (admin)  ${url}/admin/queues   admin key: ${usesDevKey ? keys.adminKey : '<your admin key>'}
   service key     ${key}
                   (kept in ${relative(process.cwd(), join(dataDir, 'dev-keys.json')) || 'dev-keys.json'})
   service log     ${relative(process.cwd(), logFile) || logFile}

 Try it:
   curl -s ${url}/openai/v1/images/generations \\
     -H "api-key: ${key}" -H "content-type: application/json" \\
     -d '{"model":"gpt-image-2","prompt":"a lighthouse at dawn","size":"1024x1024","quality":"low"}' | head -c 300; echo

 Or, in another terminal: pnpm demo   (it finds this stack through ${relative(process.cwd(), stackFile) || stackFile})

 Stop with Ctrl+C.
${rule}
`;
}

async function main() {
  if (!existsSync(entry))
    return fail(`${entry} is missing: build first (pnpm build), or start the stack with npm start.`);
  const env = { ...process.env };
  env.PORT ??= '3000';
  env.HOST ??= '127.0.0.1';
  if (!/^\d+$/.test(env.PORT) || Number(env.PORT) > 65535)
    return fail(`PORT="${env.PORT}" is not a port number; use one from 1 to 65535, for example PORT=3001`);
  if (!(await portFree(Number(env.PORT), env.HOST)))
    return fail(
      `port ${env.PORT} on ${env.HOST} is already in use (another stack, or another program).\n` +
        `Start on another port with the PORT variable, for example:  PORT=${Number(env.PORT) + 1} npm start`,
    );
  const keys = devKeys();
  if (!env.AZURE_OPENAI_ENDPOINT) {
    const emulatorPort = Number(env.EMULATOR_PORT ?? 0);
    if (emulatorPort !== 0 && !(await portFree(emulatorPort, '127.0.0.1')))
      return fail(
        `port ${emulatorPort} (EMULATOR_PORT) is already in use; set EMULATOR_PORT to a free port, or leave it unset for any free one`,
      );
    const { startEmulator } = await import('@aoai-media/emulator');
    emulator = await startEmulator({ port: emulatorPort });
    env.AZURE_OPENAI_ENDPOINT = emulator.url;
    env.AZURE_OPENAI_API_KEY = emulator.apiKey;
    // The emulator serves every model in core's table, retired ones too (Sora 2 is the demo's video model).
    env.AZURE_OPENAI_ALLOW_RETIRED_MODELS ??= 'true';
    console.log(
      `emulator   ${emulator.url} (stands in for Azure OpenAI; set AZURE_OPENAI_ENDPOINT to use Azure)`,
    );
  }
  if (!env.REDIS_URL) {
    const url = await startRedis();
    if (!url) return;
    env.REDIS_URL = url;
    console.log(`redis      ${url} (data in ${relative(process.cwd(), join(dataDir, 'redis')) || '.'})`);
  }
  env.SERVICE_KEYS ??= `dev:${sha(keys.serviceKey)}`;
  env.ADMIN_KEY_SHA256 ??= sha(keys.adminKey);
  env.WEBHOOK_SECRET ??= keys.webhookSecret;
  env.STORAGE_DIR ??= join(dataDir, 'media');

  mkdirSync(dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile, { flags: 'a' });
  console.log(
    `service    starting on http://${env.HOST}:${env.PORT} (log: ${relative(process.cwd(), logFile)})`,
  );
  const service = startChild(process.execPath, [entry], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  service.on('exit', (code) => {
    if (!stopping) {
      process.stderr.write(
        `\nthe service stopped (exit code ${code}); see ${relative(process.cwd(), logFile)}\n`,
      );
      void shutdown(code || 1);
    }
  });
  service.stderr.on('data', (chunk) => {
    log.write(chunk);
    process.stderr.write(chunk);
  });
  let announced = false;
  createInterface({ input: service.stdout }).on('line', (line) => {
    log.write(`${line}\n`);
    const ready = /"msg":"ready","port":(\d+)/.exec(line);
    if (ready && !announced) {
      announced = true;
      const url = `http://${env.HOST}:${ready[1]}`;
      const usesDevKey = env.SERVICE_KEYS === `dev:${sha(keys.serviceKey)}`;
      writeFileSync(
        stackFile,
        `${JSON.stringify({ url, pid: process.pid, ...(usesDevKey ? { serviceKey: keys.serviceKey } : {}) }, null, 2)}\n`,
        { mode: 0o600 },
      );
      console.log(banner(url, keys, usesDevKey));
      return;
    }
    const shown = terminalLine(line);
    if (shown) console.log(shown);
  });
}

main().catch((e) => fail(`failed to start: ${e.stack ?? e.message}`));
