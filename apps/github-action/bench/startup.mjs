/* global process, Buffer */
// The bundle's size, and its start-up cost: Node 24 running dist/index.js up to its first exit (no
// inputs, so it stops after checking them) next to Node 24 running `node -e ''`, in alternating
// rounds. (The children's CPU time is not shown: /proc counts it in 10 ms ticks, too coarse for a
// process that lives some tens of milliseconds.)
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { compare, exact, recorder } from '@aoai-media/bench';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const node24 = path.join(root, 'node_modules/node/bin/node');
const bundle = path.join(root, 'dist/index.js');
const runs = Number(process.env.RUNS ?? 25);
const record = recorder('@aoai-media/github-action');

/** Runs Node 24 with `args` `ops` times; the action exits 1 without inputs, which is expected here. */
const side = (args) => ({
  run: (ops) => {
    for (let i = 0; i < ops; i++)
      spawnSync(node24, args, { env: { PATH: process.env.PATH }, stdio: 'ignore' });
  },
});
const result = await compare({
  sides: { action: side([bundle]), bare: side(['-e', '']) },
  rounds: runs,
  ops: 1,
  warmUp: 1,
});

// What a step loads at start-up: the entry and the chunks beside it, except the one for uploads.
const chunks = path.join(root, 'dist/chunks');
const startup = [
  bundle,
  ...readdirSync(chunks)
    .filter((f) => f.endsWith('.js') && !f.startsWith('artifact-'))
    .map((f) => path.join(chunks, f)),
];
const bytes = Buffer.concat(startup.map((f) => readFileSync(f)));
const nodeVersion = spawnSync(node24, ['--version'], { encoding: 'utf8' }).stdout.trim();
record({
  name: `bundle size, code loaded at start-up (${startup.length} files)`,
  unit: 'KiB',
  value: exact(bytes.length / 1024),
});
record({
  name: 'bundle size, gzipped',
  unit: 'KiB',
  value: exact(gzipSync(bytes, { level: 9 }).length / 1024),
});
record({
  name: `start-up to first exit (Node ${nodeVersion})`,
  unit: 'ms',
  value: result.summary('action'),
  baseline: { name: "node -e ''", value: result.summary('bare') },
  ratio: result.ratio('action', 'bare'),
  ratioMeans: 'time / baseline',
});
record.print();
