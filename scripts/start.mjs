#!/usr/bin/env node
// `npm start` (or `pnpm start`) on a fresh machine: make sure the pinned pnpm and the workspace's
// dependencies are installed, build what the stack needs (showing each package as it builds), then
// start the stack in this process (emulator, private Redis, service on :3000; see
// apps/service/scripts/start-stack.mjs). Ctrl+C stops everything and exits 0.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pinned = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];

// In a terminal, Ctrl+C is read as a key instead of raising SIGINT in every process of the
// terminal's group: npm or pnpm, which started this script, would otherwise die of the signal (and
// pnpm print an error) however cleanly the stack stops. The key is turned into this process's own
// SIGINT event; outside a terminal the real signal does the same.
if (process.stdin.isTTY) {
  process.stdin.setRawMode(true);
  process.stdin.on('data', (keys) => {
    if (keys.includes(0x03)) process.emit('SIGINT', 'SIGINT');
  });
}

// Until the stack takes over, Ctrl+C ends quietly (stopping the step under way).
let interrupted = false;
let current;
const quit = () => {
  interrupted = true;
  current?.kill('SIGINT');
};
process.on('SIGINT', quit);
process.on('SIGTERM', quit);

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    current = child;
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      current = undefined;
      resolve(interrupted ? 'interrupted' : (code ?? (signal ? 1 : 0)));
    });
  });
}

async function step(command, args, failure) {
  const status = await run(command, args);
  if (status === 'interrupted') process.exit(0);
  if (status !== 0) {
    console.error(failure);
    process.exit(1);
  }
}

function pnpmVersion() {
  const result = spawnSync('pnpm', ['--version'], { cwd: root, encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

if (pnpmVersion() !== pinned) {
  console.log(`installing pnpm ${pinned} (npm install -g pnpm@${pinned})`);
  await step(
    'npm',
    ['install', '-g', `pnpm@${pinned}`],
    `could not install pnpm ${pinned}; install it with: npm install -g pnpm@${pinned}`,
  );
}

const modules = join(root, 'node_modules', '.modules.yaml');
const lockfile = join(root, 'pnpm-lock.yaml');
if (!existsSync(modules) || statSync(modules).mtimeMs < statSync(lockfile).mtimeMs) {
  console.log('installing the workspace (pnpm install --frozen-lockfile)');
  await step('pnpm', ['install', '--frozen-lockfile'], 'pnpm install failed; see above');
}

// A busy port is named before anything is built or started (the stack checks it again).
const port = process.env.PORT ?? '3000';
const host = process.env.HOST ?? '127.0.0.1';
const busy = await new Promise((resolve) => {
  const probe = createServer();
  probe.once('error', (e) => resolve(e.code === 'EADDRINUSE'));
  probe.listen(Number(port), host, () => probe.close(() => resolve(false)));
});
if (busy) {
  console.error(
    `\nport ${port} on ${host} is already in use (another stack, or another program).\n` +
      `Start on another port with the PORT variable, for example:  PORT=${Number(port) + 1} npm start\n`,
  );
  process.exit(1);
}

console.log('building core, the emulator and the service (the first build takes about a minute)');
await step(
  join(root, 'node_modules', '.bin', 'turbo'),
  ['run', 'build', '--filter=@aoai-media/service...', '--output-logs=new-only'],
  'the build failed; see above',
);

process.off('SIGINT', quit);
process.off('SIGTERM', quit);
await import(pathToFileURL(join(root, 'apps', 'service', 'scripts', 'start-stack.mjs')).href);
