#!/usr/bin/env node
// `npm start` (or `pnpm start`) on a fresh machine: make sure the pinned pnpm and the workspace's
// dependencies are installed, then start the stack (emulator, private Redis, service on :3000).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pinned = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function pnpmVersion() {
  const result = spawnSync('pnpm', ['--version'], { cwd: root, encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

if (pnpmVersion() !== pinned) {
  console.log(`installing pnpm ${pinned} (npm install -g pnpm@${pinned})`);
  if (run('npm', ['install', '-g', `pnpm@${pinned}`]) !== 0) {
    console.error(`could not install pnpm ${pinned}; install it with: npm install -g pnpm@${pinned}`);
    process.exit(1);
  }
}

const modules = join(root, 'node_modules', '.modules.yaml');
const lockfile = join(root, 'pnpm-lock.yaml');
if (!existsSync(modules) || statSync(modules).mtimeMs < statSync(lockfile).mtimeMs) {
  if (run('pnpm', ['install', '--frozen-lockfile']) !== 0) process.exit(1);
}

process.exit(run('pnpm', ['--filter', '@aoai-media/service', 'run', 'start:stack']));
