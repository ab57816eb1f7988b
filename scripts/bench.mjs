#!/usr/bin/env node
/* global process, console */
// `pnpm bench [--record] [--only <package>]...`: builds everything, runs each package's benchmark in
// turn (one at a time, so they do not compete for the CPU), gathers the rows they append to
// AOAI_BENCH_JSON (see tools/bench) and prints them as one table. The table is also written to a file
// under the OS temp directory; only `--record` rewrites docs/benchmarks.md. Numbers are printed,
// never asserted.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdownTable, textTable, toCells } from '../tools/bench/index.mjs';

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

function parseArgs(argv) {
  const options = { record: false, only: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--record') options.record = true;
    else if (argv[i] === '--only' && argv[i + 1]) options.only.push(argv[++i]);
    else if (argv[i] === '--') continue;
    else {
      console.error(`unknown argument ${argv[i]}; usage: pnpm bench [--record] [--only <package>]...`);
      process.exit(2);
    }
  }
  return options;
}

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

function version(command, args, pattern) {
  const out = spawnSync(command, args, { encoding: 'utf8' });
  if (out.status !== 0) return 'not installed';
  return pattern.exec(`${out.stdout}${out.stderr}`)?.[1] ?? 'unknown';
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
  // Edits to tests and to the record do not change what is measured.
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
    curl: version('curl', ['--version'], /^curl (\S+)/),
    redis: version('redis-server', ['--version'], /v=(\S+)/),
  };
}

function document(rows, info, timings, started, loads) {
  const seconds = (ms) => `${(ms / 1000).toFixed(0)} s`;
  return `# Benchmarks

The last recorded run of \`pnpm bench --record\`, which builds everything, runs every package's
benchmark one after the other on the same machine, and prints one table. Benchmarks print; nothing
here is asserted by the tests.

## Machine

| | |
| --- | --- |
| CPU | ${info.cpu} |
| Cores | ${info.cores} |
| Memory | ${info.memoryGiB.toFixed(1)} GiB |
| OS | ${info.os} |
| Node.js | ${info.node} |
| curl | ${info.curl} |
| redis-server | ${info.redis} |
| Date | ${started.toISOString().replace(/\.\d+Z$/, 'Z')} |
| Load average (1 min) | ${loads.map((l) => l.toFixed(2)).join(' at the start, ')} at the end (other work on the machine shows here) |
| Commit | ${info.commit} |

## How to read the table

- Every comparison runs its sides in interleaved rounds, alternating which goes first, on the same
  machine in the same minute. A figure is the **median of its rounds, followed by the smallest and
  largest round** in brackets; "(1 run)" marks a figure measured once.
- **ratio** is the median of the per-round ratios (not the ratio of two medians), with the smallest and
  largest round; the words after it say what is divided by what. For throughput above 1 is better;
  for time, CPU and memory below 1 is better.
- **CPU per op** is the CPU time per operation of the process named before the colon (the client, the
  server, the downloader), subject vs baseline. On a shared machine it is steadier than wall time:
  other work delays a process but does not add to its CPU time.
- **met**: "yes" when every round meets the target, "median only" when the median does and some round
  does not, "no" when the median does not. Rows without a target describe; they do not judge.
- Servers run in their own processes, never in the load generator's.

## Results

${markdownTable(rows)}

Time each benchmark took: ${timings.map((t) => `${t.name} ${seconds(t.ms)}${t.failed ? ' (failed)' : ''}`).join(', ')}.

## What each row measures

- **@aoai-media/core**: \`validate.imageGenerate\` calls per CPU-second; \`images.generate\` round trips,
  one at a time, against a stub server in its own process that answers a fixed 2 KB image, next to a
  bare \`fetch\` (no timeout, nothing can cancel it), the same bare \`fetch\` given a fresh
  \`AbortSignal\` per call (as any cancellable call needs) and the official \`openai\` SDK, sending the
  same request and decoding the same bytes (client CPU per call beside the throughput), on this Node
  and on Node 24; core's own CPU per call with an injected \`fetch\` that answers at once, next to
  parsing and decoding the same answer by hand; the portable base64 decoder (for runtimes without
  \`Buffer\`) next to \`Buffer.from\`; a 200 MB video written to a file by
  \`videos.generations.content()\`, with \`pipeTo(fileSink)\` over \`nodeDownloadFetch\` (Node 20 and 24)
  and through its web stream over the platform's fetch, next to curl, \`node:http\` piped to a file
  with default and with 1 MiB write buffers, and a bare \`fetch\` (each download in a fresh process
  that first downloads a small video the same way, then times its own transfer), with the growth of
  each Node process's peak resident memory during the transfer and curl's whole peak.
- **@aoai-media/integration-tests**: the same image requests through core, a bare \`fetch\` and the
  \`openai\` SDK (\`new OpenAI({ baseURL: <endpoint>/openai/v1, defaultQuery: { 'api-version':
  'preview' } })\`) against the emulator in its own process; all three reach the same route (checked
  in the emulator's request log) and decode the image to bytes.
- **@aoai-media/emulator**: the emulator's image fast path at 32 requests in flight next to a
  canned-bytes floor: a bare \`node:http\` server in its own process answering the emulator's own
  answer, byte for byte, to every request. The floor does none of an emulator's work, so it is the most
  any server could do here, not a target. Also per CPU-second of each server.
- **@aoai-media/github-action**: the size of the bundled \`dist/index.js\`, and its start-up time to the
  first exit (no inputs) under Node 24 next to \`node -e ''\`, alternating.
- **@aoai-media/service**: the emulator, a private Redis, the service and the load generator each in
  their own process. Image generation through the service next to the same requests sent straight to
  the emulator at 1, 8 and 32 in flight (throughput; CPU per request of the service process next to the
  emulator's own; at 1 in flight the p50 the service adds). A 25 MB WAV transcription through the
  service next to direct (time; CPU of the service next to the emulator's); the growth of the peak
  resident memory of a fresh service instance (after one small upload and a full garbage collection)
  against the bytes in flight, for 1 upload and for 4 at once. Sora 1 video jobs through the queue, each lasting 60 s upstream on
  an emulator clock running 20x, with the service's polling at its defaults scaled by the same factor
  (2 s growing 1.5x to 20 s): status polls per job and how long after the upstream finish the service
  saw it (from the emulator's request log, in real-clock seconds: wall-clock jitter is multiplied by
  20 too), Redis commands per job counted with \`MONITOR\` on the private Redis (sent by clients, where
  a Lua script counts once; and executed, counting the commands scripts run), without the bench's own
  status checks, and the service's CPU per job. One instance and two instances (each serving the API
  and running the worker, on one Redis and one storage directory) alternate run by run.
- **n8n-nodes-aoai-media**: the built node's \`execute()\` generating one image per input item, with
  "Items in Parallel" at 1 and at 8, against an emulator that takes 100 ms per request and allows 600
  requests per minute. At 1 the node stays under the limit; at 8 it reaches it and waits out the
  retry-after the emulator sends, so the gain is far from 8x. One run each: the limit's one-minute
  window makes a run take a minute or more.

## Reproduce

\`\`\`sh
pnpm install
pnpm bench            # prints the table and writes it under the OS temp directory
pnpm bench --record   # also rewrites this file
\`\`\`

Needs Linux (memory and CPU readings come from \`/proc\`), Node.js 20 or later, pnpm, \`curl\` and
\`redis-server\` on the PATH, and about 10 minutes on 2 cores. One package alone:
\`pnpm bench --only <package>\`, or \`pnpm --filter <package> bench\` after \`pnpm build\`. Knobs:
\`AOAI_BENCH_ROUNDS\` (rounds of most comparisons), \`AOAI_BENCH_DOWNLOAD_ROUNDS\` (core),
\`AOAI_BENCH_REQUESTS\` and \`AOAI_BENCH_CONCURRENCY\` (emulator), \`AOAI_BENCH_VIDEOS\` and
\`AOAI_BENCH_VIDEO_ROUNDS\` (service), \`AOAI_BENCH_N8N_ITEMS\`, \`AOAI_BENCH_N8N_RPM\` and
\`AOAI_BENCH_N8N_LATENCY_MS\` (n8n node), \`RUNS\` (Action start-up).
`;
}

const options = parseArgs(process.argv.slice(2));
const started = new Date();
const loadAtStart = os.loadavg()[0];
console.log('Building every package first (turbo run build)...');
if (run('pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only']) !== 0) {
  console.error('The build failed; no benchmark was run.');
  process.exit(1);
}

const outDir = join(os.tmpdir(), 'aoai-media-bench');
mkdirSync(outDir, { recursive: true });
const stamp = started.toISOString().replace(/[:.]/g, '-');
const jsonFile = join(outDir, `bench-${stamp}.jsonl`);
const env = { ...process.env, AOAI_BENCH_JSON: jsonFile };
const timings = [];
const failed = [];
const packages = benchPackages().filter((name) => options.only.length === 0 || options.only.includes(name));
if (packages.length === 0) {
  console.error(`no package with a bench script matches ${options.only.join(', ')}`);
  process.exit(2);
}
for (const name of packages) {
  console.log(`\n=== ${name} ===`);
  const t0 = Date.now();
  const status = run('pnpm', ['--filter', name, '--silent', 'run', 'bench'], env);
  timings.push({ name, ms: Date.now() - t0, failed: status !== 0 });
  if (status !== 0) failed.push(name);
}
const rows = existsSync(jsonFile)
  ? readFileSync(jsonFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
  : [];
const cells = rows.map(toCells);
console.log(`\n=== All benchmarks, one run (${started.toISOString()}) ===\n`);
console.log(textTable(cells));

const doc = document(cells, machine(), timings, started, [loadAtStart, os.loadavg()[0]]);
const outFile = join(outDir, `bench-${stamp}.md`);
writeFileSync(outFile, doc);
console.log(`\nWritten to ${outFile} (rows as JSON lines: ${jsonFile})`);
if (failed.length > 0) {
  console.error(`\nThese benchmarks failed: ${failed.join(', ')}.`);
  process.exitCode = 1;
}
if (options.record) {
  if (failed.length > 0 || options.only.length > 0) {
    console.error('docs/benchmarks.md was left as it was: --record needs a complete run with no failure.');
    process.exitCode = 1;
  } else {
    mkdirSync(join(root, 'docs'), { recursive: true });
    writeFileSync(join(root, 'docs/benchmarks.md'), doc);
    // Keep the record in the workspace's formatting, so the format check stays green.
    spawnSync('pnpm', ['exec', 'prettier', '--write', 'docs/benchmarks.md'], { cwd: root, stdio: 'ignore' });
    console.log('Recorded in docs/benchmarks.md');
  }
}
