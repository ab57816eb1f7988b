#!/usr/bin/env node
/* global process, console */
// `pnpm bench`: builds everything, runs each package's benchmark in turn (one at a time, so they do
// not compete for the CPU), gathers the measurements they append to AOAI_BENCH_JSON (see
// bench-json.mjs) and prints them as one table, then records the run in docs/benchmarks.md.
// Numbers are printed, never asserted.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
// Fast and self-contained first; the longest (a one-minute rate-limit window) last.
const ORDER = [
  '@aoai-media/core',
  '@aoai-media/integration-tests',
  '@aoai-media/emulator',
  '@aoai-media/github-action',
  '@aoai-media/service',
  'n8n-nodes-aoai-media',
];

function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  return result.status ?? 1;
}

/** Workspace packages that have a `bench` script, in ORDER, then any others by name. */
function benchPackages() {
  const found = [];
  for (const group of ['packages', 'apps']) {
    for (const dir of readdirSync(join(root, group))) {
      const file = join(root, group, dir, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8'));
      if (pkg.scripts?.bench) found.push(pkg.name);
    }
  }
  const rank = (name) => (ORDER.includes(name) ? ORDER.indexOf(name) : ORDER.length);
  return found.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

const num = (n) => {
  if (n === null || n === undefined) return '';
  const abs = Math.abs(n);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
};

/** "yes"/"no" for a target such as ">= 0.90x" (checked against the ratio) or "< 50 MB" (the value). */
function meets(m) {
  const match = /^(>=|<=|>|<)\s*([\d.]+)\s*(x?)/.exec(m.target ?? '');
  if (!match) return '';
  const actual = match[3] === 'x' ? m.ratio : m.value;
  if (actual === null || actual === undefined) return '';
  const limit = Number(match[2]);
  const ok = { '>=': actual >= limit, '<=': actual <= limit, '>': actual > limit, '<': actual < limit }[
    match[1]
  ];
  return ok ? 'yes' : 'no';
}

function rowsOf(measurements) {
  return measurements.map((m) => [
    m.package,
    m.name,
    `${num(m.value)} ${m.unit}`,
    m.baseline ? `${m.baseline}: ${num(m.baselineValue)} ${m.unit}` : '',
    m.ratio === null || m.ratio === undefined ? '' : `${m.ratio.toFixed(3)}x`,
    m.target ? `${m.target} (${meets(m) || '-'})` : '',
  ]);
}

const HEADER = ['package', 'measure', 'value', 'baseline', 'ratio', 'target (met)'];

function textTable(rows) {
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const right = new Set([2, 4]);
  const line = (cells) =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(HEADER), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function markdownTable(rows) {
  const cell = (c) => c.replaceAll('|', '\\|');
  return [
    `| ${HEADER.join(' | ')} |`,
    `| ${HEADER.map((_, i) => ([2, 4].includes(i) ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

function machine() {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const name = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (name) cpu = name[1].trim();
  } catch {
    // Not Linux: os.cpus() said it.
  }
  const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
  // Edits to tests and to this record do not change what is measured.
  const changes = spawnSync(
    'git',
    [
      'status',
      '--porcelain',
      '--untracked-files=no',
      '--',
      '.',
      ':(exclude)docs/benchmarks.md',
      ':(exclude,glob)**/test/**',
    ],
    { cwd: root, encoding: 'utf8' },
  );
  const dirty = changes.status === 0 && changes.stdout.trim() !== '' ? ' with uncommitted changes' : '';
  return {
    cpu,
    cores: os.availableParallelism?.() ?? os.cpus().length,
    memoryGiB: os.totalmem() / 1024 ** 3,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    commit: git.status === 0 ? `${git.stdout.trim()}${dirty}` : 'unknown',
  };
}

function writeDocs(rows, info, timings, started, loads) {
  const seconds = (ms) => `${(ms / 1000).toFixed(0)} s`;
  const doc = `# Benchmarks

The last run of \`pnpm bench\`, which builds everything, runs every package's benchmark one after the
other on the same machine, and prints one table. Each row compares a measurement with its baseline
measured side by side in the same run, so the ratios say more than the absolute numbers, which depend
on the machine. Benchmarks print; nothing here is asserted by the tests.

## Machine

| | |
| --- | --- |
| CPU | ${info.cpu} |
| Cores | ${info.cores} |
| Memory | ${info.memoryGiB.toFixed(1)} GiB |
| OS | ${info.os} |
| Node.js | ${info.node} |
| Date | ${started.toISOString().replace(/\.\d+Z$/, 'Z')} |
| Load average (1 min) | ${loads.map((l) => l.toFixed(2)).join(' at the start, ')} at the end (other work on the machine shows here) |
| Commit | ${info.commit} |

## Results

\`ratio\` is value / baseline. For rates (req/s, MB/s, items/s) above 1 is faster than the baseline;
for times, latencies and memory below 1 is better. Where a row has a median of per-round ratios,
that is the ratio shown (it resists noise better than the ratio of the totals).

${markdownTable(rows)}

Time each benchmark took: ${timings.map((t) => `${t.name} ${seconds(t.ms)}`).join(', ')}.

## What each row measures

- **@aoai-media/core**: \`validate.imageGenerate\` calls per second; \`images.generate\` round trips
  against a loopback server that answers a fixed 2 KB image, next to a bare \`fetch\` loop sending the
  same request; the client's own cost per call with a \`fetch\` that answers at once; decoding a 4 MB
  \`b64_json\` image (\`decodeBase64\` and the fallback for runtimes without \`Buffer\`) next to
  \`Buffer.from(s, 'base64')\`; streaming a 200 MB video to a file with
  \`videos.generations.content()\` next to a bare \`fetch\` piped to a file, each in its own process, with
  its peak resident memory growth.
- **@aoai-media/integration-tests**: the same image requests through core, a bare \`fetch\` and the
  official \`openai\` SDK (6.49.0, \`new OpenAI({ baseURL: <endpoint>/openai/v1, defaultQuery:
  { 'api-version': 'preview' } })\`), against the emulator started in the same process; all three reach
  the same route and decode the image to bytes.
- **@aoai-media/emulator**: requests per second of the emulator's image fast path (32 concurrent, the
  emulator in a child process) next to a bare \`node:http\` server answering the same bytes, also per
  CPU-second of the server.
- **@aoai-media/github-action**: the size of the bundled \`dist/index.js\`, and its start-up time to the
  first exit (no inputs) under Node 24 next to \`node -e ''\`.
- **@aoai-media/service**: image generation through the service next to the same requests sent straight
  to the emulator (throughput, p50 and p99 latency, 1 and 8 at a time); 1,000 Sora video jobs through
  the queue with the emulator's clock at 20x (time until all are finished, polls per job). The
  emulator, Redis and the service each run as their own process.
- **n8n-nodes-aoai-media**: the built node's \`execute()\` generating one image per input item, with
  "Items in Parallel" at 1 and at 8, against an emulator that takes 100 ms per request and allows 600
  requests per minute. At 1 the node stays under the limit; at 8 it reaches it and waits out the
  retry-after the emulator sends, so the gain is far from 8x.

## Reproduce

\`\`\`sh
pnpm install
pnpm bench
\`\`\`

Needs Node.js 20 or later, pnpm, \`redis-server\` on the PATH (for the service) and about 4 minutes on
2 cores, most of it the n8n node's two runs, each of which spans the rate limit's one-minute window.
It rewrites this file. One package alone: \`pnpm --filter <package> bench\` (after \`pnpm build\`). Knobs:
\`AOAI_BENCH_IMAGES\` and \`AOAI_BENCH_VIDEOS\` (service), \`AOAI_BENCH_MS\` and
\`AOAI_BENCH_CONCURRENCY\` (emulator), \`AOAI_BENCH_N8N_ITEMS\`, \`AOAI_BENCH_N8N_RPM\` and
\`AOAI_BENCH_N8N_LATENCY_MS\` (n8n node), \`RUNS\` (Action start-up).
`;
  mkdirSync(join(root, 'docs'), { recursive: true });
  writeFileSync(join(root, 'docs/benchmarks.md'), doc);
  // Keep the recorded run in the workspace's formatting, so the format check stays green.
  spawnSync('pnpm', ['exec', 'prettier', '--write', 'docs/benchmarks.md'], { cwd: root, stdio: 'ignore' });
}

const started = new Date();
const loadAtStart = os.loadavg()[0];
console.log('Building every package first (turbo run build)...');
if (run('pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only']) !== 0) {
  console.error('The build failed; no benchmark was run.');
  process.exit(1);
}

const dir = mkdtempSync(join(os.tmpdir(), 'aoai-bench-'));
const jsonFile = join(dir, 'measurements.jsonl');
const env = { ...process.env, AOAI_BENCH_JSON: jsonFile };
const timings = [];
const failed = [];
try {
  for (const name of benchPackages()) {
    console.log(`\n=== ${name} ===`);
    const t0 = Date.now();
    const status = run('pnpm', ['--filter', name, '--silent', 'run', 'bench'], env);
    timings.push({ name, ms: Date.now() - t0 });
    if (status !== 0) failed.push(name);
  }
  const measurements = existsSync(jsonFile)
    ? readFileSync(jsonFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line))
    : [];
  const rows = rowsOf(measurements);
  console.log(`\n=== All benchmarks, one run (${started.toISOString()}) ===\n`);
  console.log(textTable(rows));
  if (failed.length > 0) {
    console.error(`\nThese benchmarks failed: ${failed.join(', ')}. docs/benchmarks.md was left as it was.`);
    process.exitCode = 1;
  } else {
    writeDocs(rows, machine(), timings, started, [loadAtStart, os.loadavg()[0]]);
    console.log('\nRecorded in docs/benchmarks.md');
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
