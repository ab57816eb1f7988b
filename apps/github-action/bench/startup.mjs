/* global process, console, Buffer */
// The bundle's size, and its start-up cost: Node 24 running dist/index.js up to its first exit (no
// inputs, so it stops after checking them) against Node 24 running `node -e ''`. Prints medians and
// the ratio.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { recorder } from '../../../scripts/bench-json.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const node24 = path.join(root, 'node_modules/node/bin/node');
const bundle = path.join(root, 'dist/index.js');
const runs = Number(process.env.RUNS ?? 25);
const record = recorder('@aoai-media/github-action');

function time(args) {
  const start = process.hrtime.bigint();
  try {
    execFileSync(node24, args, { env: { PATH: process.env.PATH }, stdio: 'ignore' });
  } catch {
    // The action exits 1 without inputs; only the time matters here.
  }
  return Number(process.hrtime.bigint() - start) / 1e6;
}

// Alternate the two so both see the same machine conditions; report medians.
const bareSamples = [];
const actionSamples = [];
time(['-e', '']);
time([bundle]);
for (let i = 0; i < runs; i++) {
  bareSamples.push(time(['-e', '']));
  actionSamples.push(time([bundle]));
}
const median = (samples) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)];
const bare = median(bareSamples);
const action = median(actionSamples);

// What a step loads at start-up: the entry and the chunks beside it, except the one for uploads.
const chunks = path.join(root, 'dist/chunks');
const startup = [
  bundle,
  ...readdirSync(chunks)
    .filter((f) => f.endsWith('.js') && !f.startsWith('artifact-'))
    .map((f) => path.join(chunks, f)),
];
const bytes = Buffer.concat(startup.map((f) => readFileSync(f)));
const kb = bytes.length / 1024;
const gzKb = gzipSync(bytes, { level: 9 }).length / 1024;
const nodeVersion = execFileSync(node24, ['--version'], { encoding: 'utf8' }).trim();

console.log(
  `start-up code:   ${kb.toFixed(1)} KiB (${gzKb.toFixed(1)} KiB gzipped), ${startup.length} files`,
);
console.log(`node -e '':      ${bare.toFixed(1)} ms (median of ${runs}, Node ${nodeVersion})`);
console.log(`dist/index.js:   ${action.toFixed(1)} ms (median of ${runs})`);
console.log(`ratio ${(action / bare).toFixed(2)}, the bundle adds ${(action - bare).toFixed(1)} ms`);

record({ name: 'bundle size, code loaded at start-up', value: kb, unit: 'KiB' });
record({ name: 'bundle size, gzipped', value: gzKb, unit: 'KiB' });
record({
  name: `start-up to first exit (Node ${nodeVersion}, median of ${runs})`,
  value: action,
  unit: 'ms',
  baseline: "node -e ''",
  baselineValue: bare,
});
