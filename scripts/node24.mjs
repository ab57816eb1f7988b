#!/usr/bin/env node
// Runs a package's bin under Node 24 (the npm `node` package in tools/node24), so a package's tests
// also run on the runtime GitHub's runners and most users have. Usage: node scripts/node24.mjs vitest run
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const node24 = fileURLToPath(new URL('../tools/node24/node_modules/node/bin/node', import.meta.url));
if (!existsSync(node24)) {
  console.error('Node 24 is missing from tools/node24; run "pnpm install" at the repository root');
  process.exit(1);
}
const [bin, ...args] = process.argv.slice(2);
if (!bin) {
  console.error('usage: node scripts/node24.mjs <package bin> [args...]');
  process.exit(2);
}
// The bin as the calling package resolves it (its own dependency, else the workspace root's).
const require = createRequire(path.join(process.cwd(), 'package.json'));
const manifestPath = require.resolve(`${bin}/package.json`);
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const entry = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.[bin];
if (!entry) {
  console.error(`${bin} declares no "${bin}" bin`);
  process.exit(2);
}
// Tests check this, so a run that silently fell back to another Node fails.
const env = { ...process.env, AOAI_EXPECT_NODE_MAJOR: '24' };
const result = spawnSync(node24, [path.join(path.dirname(manifestPath), entry), ...args], {
  stdio: 'inherit',
  env,
});
if (result.error) throw result.error;
process.exit(result.status ?? 1);
