/* global process, setInterval, clearInterval, URL */
// A 200 MB video from the stub server (its own process) to a file, in interleaved rounds, each
// download in a fresh process of its own: curl (the limit); node:http piped to a file, with default
// and with 1 MiB write buffers (the plain Node floor); a bare fetch through a web stream; core's
// videos.generations.content() written by pipeTo(fileSink) over nodeDownloadFetch (the fast path),
// and through its web stream over the platform's fetch (the portable path). Core's fast path and
// the tuned pipe also on Node 24. Each process times its own transfer, so start-up is left out.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compare, memoryOf, reapedChildrenCpuMicros, summarize } from '@aoai-media/bench';
import { KEY, VIDEO_BYTES } from './fixtures.mjs';

const ROUNDS = Number(process.env.AOAI_BENCH_DOWNLOAD_ROUNDS ?? 7);
const MB = 1024 * 1024;
const child = fileURLToPath(new URL('./download.mjs', import.meta.url));
const node24 = fileURLToPath(new URL('../../../tools/node24/node_modules/node/bin/node', import.meta.url));
const path = '/openai/v1/video/generations/gen_bench/content/video';

function runNode(execPath, mode, base, target) {
  return new Promise((resolve, reject) => {
    const proc = spawn(execPath, [child, mode, base, target], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.once('error', reject);
    proc.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${mode} download exited ${code}`)),
    );
  });
}

/** curl's own transfer time (-w), its peak RSS (polled), and its CPU (charged to us once reaped). */
function runCurl(base, target) {
  return new Promise((resolve, reject) => {
    const cpuBefore = reapedChildrenCpuMicros();
    const proc = spawn(
      'curl',
      [
        '-sS',
        '-o',
        target,
        '-w',
        '%{time_total} %{size_download}',
        '-H',
        `api-key: ${KEY}`,
        `${base}${path}`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    let peak = 0;
    const poll = setInterval(() => {
      try {
        const now = memoryOf(proc.pid).peak;
        if (now > peak) peak = now;
      } catch {
        // Exited between two polls.
      }
    }, 2);
    proc.stdout.on('data', (d) => (out += d));
    proc.once('error', reject);
    proc.once('exit', (code) => {
      clearInterval(poll);
      if (code !== 0) return reject(new Error(`curl exited ${code}`));
      const [seconds, size] = out.trim().split(' ').map(Number);
      if (size !== VIDEO_BYTES) return reject(new Error(`curl downloaded ${size} bytes`));
      resolve({ wallMs: seconds * 1000, cpuUs: reapedChildrenCpuMicros() - cpuBefore, peakRssBytes: peak });
    });
  });
}

/** Records the download rows; `server` is the stub's process handle. */
export async function downloadBench(record, server) {
  const curl = spawnSync('curl', ['--version'], { encoding: 'utf8' });
  if (curl.status !== 0) {
    record.skip(
      'video 200 MB to a file vs curl',
      'curl is not installed (Debian: apt-get install -y curl; scripts/test-tools.sh installs it)',
    );
  }
  const hasNode24 = existsSync(node24);
  if (!hasNode24) record.skip('video 200 MB to a file on Node 24', 'Node 24 is missing from tools/node24');
  const dir = mkdtempSync(join(tmpdir(), 'aoai-bench-video-'));
  const extra = {}; // per side: peak RSS of each round
  const side = (name, download) => {
    extra[name] = [];
    return {
      run: async (_ops, round) => {
        const target = join(dir, `${name}-${round}.mp4`);
        try {
          const r = await download(target);
          extra[name].push(r.rssGrowthBytes ?? r.peakRssBytes);
          if (statSync(target).size !== VIDEO_BYTES) throw new Error(`${name}: short file`);
          return { wallMs: r.wallMs, cpuUs: r.cpuUs };
        } finally {
          rmSync(target, { force: true });
        }
      },
    };
  };
  const sides = {};
  if (curl.status === 0) sides.curl = side('curl', (t) => runCurl(server.url, t));
  for (const [name, mode] of [
    ['pipe20', 'pipe'],
    ['pipeTuned20', 'pipe-tuned'],
    ['fetch20', 'fetch'],
    ['core20', 'core'],
    ['coreWeb20', 'core-web'],
  ]) {
    sides[name] = side(name, (t) => runNode(process.execPath, mode, server.url, t));
  }
  if (hasNode24) {
    sides.pipeTuned24 = side('pipeTuned24', (t) => runNode(node24, 'pipe-tuned', server.url, t));
    sides.core24 = side('core24', (t) => runNode(node24, 'core', server.url, t));
  }
  let result;
  try {
    result = await compare({ sides, rounds: ROUNDS, ops: 1 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const mbps = (name) => summarize(result.sides[name].wallMs.map((ms) => VIDEO_BYTES / MB / (ms / 1000)));
  const cpuPerMb = (name) => summarize(result.sides[name].cpuUs.map((us) => us / (VIDEO_BYTES / MB)));
  const rssMb = (name) => summarize(extra[name].map((b) => b / MB));
  const v20 = process.version;
  const row = (name, subject, base, label, target) =>
    record({
      name,
      unit: 'MB/s',
      value: mbps(subject),
      baseline: { name: label, value: mbps(base) },
      ratio: result.ratio(base, subject, 'wall'),
      ratioMeans: 'throughput / baseline',
      cpu: { value: cpuPerMb(subject), baseline: cpuPerMb(base), unit: 'us/MB', of: 'downloader' },
      target,
    });
  const v24 = hasNode24 ? spawnSync(node24, ['--version'], { encoding: 'utf8' }).stdout.trim() : 'Node 24';
  const label = (name) =>
    ({
      curl: 'curl',
      pipe20: `node:http pipe (${v20})`,
      pipeTuned20: `node:http pipe, 1 MiB write buffers (${v20})`,
      fetch20: `bare fetch, web stream (${v20})`,
      pipeTuned24: `node:http pipe, 1 MiB write buffers (${v24})`,
    })[name];
  const fast = 'core content().pipeTo(fileSink) on nodeDownloadFetch';

  for (const [subject, version] of [
    ['core20', v20],
    ['core24', v24],
  ]) {
    if (!sides[subject]) continue;
    if (sides.curl)
      row(`video 200 MB to a file: ${fast}, ${version}, vs curl`, subject, 'curl', label('curl'), '>= 0.90x');
    const pipe = subject === 'core20' ? 'pipeTuned20' : 'pipeTuned24';
    row(`video 200 MB to a file: ${fast}, ${version}, vs tuned node:http pipe`, subject, pipe, label(pipe));
  }
  row(
    `video 200 MB to a file: core content().stream (web stream, platform fetch), ${v20}, vs bare fetch`,
    'coreWeb20',
    'fetch20',
    label('fetch20'),
  );
  if (sides.curl) {
    row(`video 200 MB to a file: node:http pipe, ${v20}, vs curl`, 'pipe20', 'curl', label('curl'));
    row(
      `video 200 MB to a file: node:http pipe, 1 MiB write buffers, ${v20}, vs curl`,
      'pipeTuned20',
      'curl',
      label('curl'),
    );
  }
  for (const [name, base, version] of [
    ['core20', 'pipe20', v20],
    ['core24', 'pipeTuned24', v24],
    ['coreWeb20', 'fetch20', v20],
  ]) {
    if (!sides[name]) continue;
    record({
      name: `video 200 MB to a file: ${name === 'coreWeb20' ? 'core content().stream' : fast} peak RSS growth, ${version}`,
      unit: 'MB',
      value: rssMb(name),
      baseline: { name: `${label(base)} growth`, value: rssMb(base) },
      target: name === 'coreWeb20' ? undefined : '< 32 MB',
    });
  }
  if (sides.curl) {
    record({
      name: 'video 200 MB to a file: curl peak RSS (whole process)',
      unit: 'MB',
      value: rssMb('curl'),
    });
  }
}
