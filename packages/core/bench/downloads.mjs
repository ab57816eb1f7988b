/* global process, setInterval, clearInterval, URL */
// A 200 MB video from the stub server (its own process) to a file, six ways in interleaved rounds,
// each download in a fresh process of its own: curl (the limit), a plain node:http pipe, a bare fetch
// piped through a web stream, and core's videos.generations.content(); the Node pipe and core also on
// Node 24. Each process times its own transfer, so process start-up is left out on every side.
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
  sides.pipe20 = side('pipe20', (t) => runNode(process.execPath, 'pipe', server.url, t));
  sides.fetch20 = side('fetch20', (t) => runNode(process.execPath, 'fetch', server.url, t));
  sides.core20 = side('core20', (t) => runNode(process.execPath, 'core', server.url, t));
  if (hasNode24) {
    sides.pipe24 = side('pipe24', (t) => runNode(node24, 'pipe', server.url, t));
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
  const label = (name) =>
    ({
      curl: 'curl',
      pipe20: `node:http pipe (${v20})`,
      fetch20: `bare fetch (${v20})`,
      pipe24: 'node:http pipe (Node 24)',
    })[name];

  if (sides.curl) {
    row(
      `video 200 MB to a file: core content(), ${v20}, vs curl`,
      'core20',
      'curl',
      label('curl'),
      '>= 0.90x',
    );
  }
  row(
    `video 200 MB to a file: core content(), ${v20}, vs node:http pipe`,
    'core20',
    'pipe20',
    label('pipe20'),
    '>= 0.90x',
  );
  row(`video 200 MB to a file: core content(), ${v20}, vs bare fetch`, 'core20', 'fetch20', label('fetch20'));
  if (sides.curl)
    row(`video 200 MB to a file: node:http pipe, ${v20}, vs curl`, 'pipe20', 'curl', label('curl'));
  if (sides.core24) {
    const v24 = spawnSync(node24, ['--version'], { encoding: 'utf8' }).stdout.trim();
    if (sides.curl) {
      row(
        `video 200 MB to a file: core content(), ${v24}, vs curl`,
        'core24',
        'curl',
        label('curl'),
        '>= 0.90x',
      );
    }
    row(
      `video 200 MB to a file: core content(), ${v24}, vs node:http pipe`,
      'core24',
      'pipe24',
      label('pipe24'),
      '>= 0.90x',
    );
  }
  for (const [name, base] of [
    ['core20', 'pipe20'],
    ['core24', 'pipe24'],
  ]) {
    if (!sides[name]) continue;
    record({
      name: `video 200 MB to a file: core content() peak RSS growth, ${name === 'core20' ? v20 : 'Node 24'}`,
      unit: 'MB',
      value: rssMb(name),
      baseline: { name: `${label(base)} growth`, value: rssMb(base) },
      target: '< 32 MB',
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
