/* global process, console */
// Start-up cost of the bundle: Node 24 running dist/index.js up to its first exit (no inputs, so it
// stops after checking them) against Node 24 running an empty script. Prints medians and the ratio.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const node24 = path.join(root, 'node_modules/node/bin/node');
const runs = Number(process.env.RUNS ?? 25);

function time(args) {
  const start = process.hrtime.bigint();
  try {
    execFileSync(node24, args, { env: { PATH: process.env.PATH }, stdio: 'ignore' });
  } catch {
    // The action exits 1 without inputs; only the time matters here.
  }
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(fn) {
  const samples = Array.from({ length: runs }, fn).sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const bare = median(() => time(['-e', '0']));
const action = median(() => time([path.join(root, 'dist/index.js')]));
console.log(`node -e 0:       ${bare.toFixed(1)} ms (median of ${runs})`);
console.log(`dist/index.js:   ${action.toFixed(1)} ms (median of ${runs})`);
console.log(`ratio ${(action / bare).toFixed(2)}, the bundle adds ${(action - bare).toFixed(1)} ms`);
