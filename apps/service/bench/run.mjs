#!/usr/bin/env node
/* global process, console, fetch, performance, setTimeout, clearTimeout */
/**
 * Service benchmark, measured side by side in one run (numbers are printed, never asserted):
 *   1. image generation: requests/s and p50/p99 latency through the service vs straight to the
 *      emulator, and the ratio / added latency;
 *   2. 1,000 video jobs through the queue with the emulator's fast clock: wall time, polls, creates.
 * Everything runs as separate processes on loopback: emulator (CLI), redis-server, the built service.
 *   AOAI_BENCH_IMAGES (requests per round, default 400), AOAI_BENCH_VIDEOS (default 1000)
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { recorder } from '../../../scripts/bench-json.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const serviceMain = resolve(here, '../dist/main.js');
const require = createRequire(import.meta.url);
const emulatorCli = join(
  dirname(require.resolve('@aoai-media/emulator/package.json')),
  'bin/aoai-emulator.js',
);
const IMAGES = Number(process.env.AOAI_BENCH_IMAGES ?? 400);
const VIDEOS = Number(process.env.AOAI_BENCH_VIDEOS ?? 1000);
const KEY = 'bench-service-key';
const ADMIN = 'bench-admin-key';
const sha = (s) => createHash('sha256').update(s).digest('hex');
const record = recorder('@aoai-media/service');
const children = [];
const temps = [];

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

function start(cmd, args, env, readyPattern) {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`${cmd} did not start:\n${out}`)), 30_000);
    const onData = (d) => {
      out += d.toString();
      if (out.length > 100_000) out = out.slice(-50_000);
      const m = readyPattern?.exec(out);
      if (m) {
        clearTimeout(timer);
        res(m);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => rej(new Error(`${cmd} exited with ${code}:\n${out}`)));
  });
}

async function redisUp(port) {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((res) => {
      const s = createConnection({ port, host: '127.0.0.1' }, () => s.write('PING\r\n'));
      s.once('data', (d) => {
        s.destroy();
        res(d.toString().includes('PONG'));
      });
      s.once('error', () => res(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('redis-server did not start');
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function load(url, headers, body, total, concurrency) {
  const latencies = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      next++;
      const t = performance.now();
      const res = await fetch(url, { method: 'POST', headers, body });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { rps: total / seconds, p50: pct(latencies, 50), p99: pct(latencies, 99) };
}

function merge(runs) {
  const avg = (k) => runs.reduce((s, r) => s + r[k], 0) / runs.length;
  return { rps: avg('rps'), p50: avg('p50'), p99: avg('p99') };
}

async function main() {
  const emuPort = await freePort();
  await start(
    process.execPath,
    [emulatorCli, '--port', String(emuPort), '--time-scale', '20'],
    {},
    /listening|127\.0\.0\.1:\d+/,
  );
  const emulator = `http://127.0.0.1:${emuPort}`;
  const redisPort = await freePort();
  const redisDir = mkdtempSync(join(tmpdir(), 'aoai-bench-redis-'));
  temps.push(redisDir);
  const redis = spawn(
    'redis-server',
    [
      '--port',
      String(redisPort),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      redisDir,
    ],
    { stdio: 'ignore' },
  );
  children.push(redis);
  await redisUp(redisPort);
  const storage = mkdtempSync(join(tmpdir(), 'aoai-bench-storage-'));
  temps.push(storage);
  const [, port] = await start(
    process.execPath,
    [serviceMain],
    {
      PORT: '0',
      AZURE_OPENAI_ENDPOINT: emulator,
      AZURE_OPENAI_API_KEY: 'emulator-key',
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      SERVICE_KEYS: `bench:${sha(KEY)}`,
      ADMIN_KEY_SHA256: sha(ADMIN),
      STORAGE_DIR: storage,
      LOG_LEVEL: 'warn',
      VIDEO_MAX_RUNNING: '200',
      VIDEO_WORKER_CONCURRENCY: '200',
      VIDEO_POLL_INITIAL_MS: '100',
      VIDEO_POLL_MAX_MS: '400',
    },
    /"msg":"ready","port":(\d+)/,
  );
  const service = `http://127.0.0.1:${port}`;

  // 1. Images, interleaved rounds so both sides see the same machine state.
  const body = JSON.stringify({
    model: 'gpt-image-1',
    prompt: 'a benchmark lighthouse',
    size: '1024x1024',
    quality: 'low',
  });
  const direct = {
    url: `${emulator}/openai/v1/images/generations?api-version=preview`,
    headers: { 'api-key': 'emulator-key', 'content-type': 'application/json' },
  };
  const viaService = {
    url: `${service}/openai/v1/images/generations`,
    headers: { 'api-key': KEY, 'content-type': 'application/json' },
  };
  await load(direct.url, direct.headers, body, 40, 4);
  await load(viaService.url, viaService.headers, body, 40, 4);
  const f = (n) => n.toFixed(2).padStart(8);
  for (const concurrency of [1, 8]) {
    const d = [];
    const s = [];
    for (let round = 0; round < 2; round++) {
      d.push(await load(direct.url, direct.headers, body, IMAGES / 2, concurrency));
      s.push(await load(viaService.url, viaService.headers, body, IMAGES / 2, concurrency));
    }
    const D = merge(d);
    const S = merge(s);
    console.log(
      `\nimage generation, ${IMAGES} requests each side, ${concurrency} at a time (gpt-image-1, 1024x1024)`,
    );
    console.log('                     req/s     p50 ms    p99 ms');
    console.log(`emulator direct   ${f(D.rps)}  ${f(D.p50)}  ${f(D.p99)}`);
    console.log(`through service   ${f(S.rps)}  ${f(S.p50)}  ${f(S.p99)}`);
    console.log(
      `ratio (service/direct): throughput ${(S.rps / D.rps).toFixed(3)}, p50 ${(S.p50 / D.p50).toFixed(3)}, p99 ${(S.p99 / D.p99).toFixed(3)}; added p50 ${(S.p50 - D.p50).toFixed(2)} ms`,
    );
    const side = `image generation, ${concurrency} at a time`;
    record({
      name: `${side}: throughput`,
      value: S.rps,
      unit: 'req/s',
      baseline: 'emulator direct',
      baselineValue: D.rps,
    });
    record({
      name: `${side}: p50 latency`,
      value: S.p50,
      unit: 'ms',
      baseline: 'emulator direct',
      baselineValue: D.p50,
    });
    record({
      name: `${side}: p99 latency`,
      value: S.p99,
      unit: 'ms',
      baseline: 'emulator direct',
      baselineValue: D.p99,
    });
  }

  // 2. Video jobs through the queue.
  const t0 = performance.now();
  const ids = [];
  let submitted = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (submitted < VIDEOS) {
        submitted++;
        const res = await fetch(`${service}/openai/v1/video/generations/jobs`, {
          method: 'POST',
          headers: { 'api-key': KEY, 'content-type': 'application/json' },
          body: JSON.stringify({
            model: 'sora',
            prompt: 'benchmark waves',
            width: 480,
            height: 480,
            n_seconds: 1,
          }),
        });
        if (res.status !== 200) throw new Error(`create answered ${res.status}`);
        ids.push((await res.json()).id);
      }
    }),
  );
  const submittedMs = performance.now() - t0;
  let stats;
  for (let i = 0; ; i++) {
    stats = await (await fetch(`${service}/admin/stats`, { headers: { 'api-key': ADMIN } })).json();
    // Every job created upstream ends in the track queue.
    const done = stats.queues.videoTrack.completed + stats.queues.videoTrack.failed;
    if (done >= VIDEOS) break;
    if (i > 6000) throw new Error(`video jobs did not finish: ${JSON.stringify(stats.queues)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const totalMs = performance.now() - t0;
  const counters = await (await fetch(`${emulator}/_emulator/counters`)).json();
  console.log(`\n${VIDEOS} video jobs (sora 480x480, 1 s; emulator clock x20, default stage timings)`);
  console.log(
    `submitted in ${(submittedMs / 1000).toFixed(1)} s, all terminal after ${(totalMs / 1000).toFixed(1)} s (${(VIDEOS / (totalMs / 1000)).toFixed(1)} jobs/s)`,
  );
  console.log(`finished ${stats.queues.videoTrack.completed}, failed ${stats.queues.videoTrack.failed}`);
  console.log(
    `polls ${stats.counters.polls} (${(stats.counters.polls / VIDEOS).toFixed(2)} per job), upstream creates ${counters.videoJobsCreated?.sora ?? 0}, 429s seen ${stats.counters.rate_limited}`,
  );
  const jobs = `${VIDEOS} video jobs through the queue`;
  record({ name: `${jobs}: all terminal after`, value: totalMs / 1000, unit: 's' });
  record({ name: `${jobs}: throughput`, value: VIDEOS / (totalMs / 1000), unit: 'jobs/s' });
  record({ name: `${jobs}: status polls per job`, value: stats.counters.polls / VIDEOS, unit: 'polls/job' });
  record({ name: `${jobs}: succeeded`, value: stats.queues.videoTrack.completed, unit: 'jobs' });
}

async function stop() {
  for (const c of children.reverse()) {
    if (c.exitCode === null && c.signalCode === null) {
      await new Promise((r) => {
        c.once('exit', r);
        c.kill('SIGTERM');
        setTimeout(() => c.kill('SIGKILL'), 10_000).unref();
      });
    }
  }
  for (const t of temps) rmSync(t, { recursive: true, force: true });
}

main()
  .then(stop)
  .catch(async (e) => {
    console.error(e);
    await stop();
    process.exit(1);
  });
