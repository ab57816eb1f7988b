/* global Buffer, fetch, process, console, setInterval, clearInterval */
// Streaming a 200 MB video from a loopback server to a file: `videos.generations.content()` versus a
// bare `fetch` piped to the same kind of file. Each download runs in its own child process so its
// resident memory is measured alone. Prints the throughput ratio and peak RSS growth (targets:
// within 10% of bare fetch, RSS growth under 50 MB). Rounds alternate, the median is reported.
import { createServer } from 'node:http';
import { spawn } from 'node:child_process';
import { createWriteStream, statSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { recorder } from '../../../scripts/bench-json.mjs';

const SIZE = 200 * 1024 * 1024;
const CHUNK = 1024 * 1024;
const ROUNDS = 5;
const KEY = 'bench-key';

async function child(mode, endpoint, target) {
  const { AzureOpenAIMedia } = await import('../dist/index.js');
  // Warm up: load the HTTP stack before the baseline, so only the download itself is measured.
  await (await fetch(`${endpoint}/warm-up`)).arrayBuffer();
  globalThis.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  const start = performance.now();
  let stream;
  if (mode === 'client') {
    const client = new AzureOpenAIMedia({ endpoint, auth: { apiKey: KEY } });
    const download = await client.videos.generations.content('gen_bench');
    if (download.contentLength !== SIZE) throw new Error(`content length ${download.contentLength}`);
    stream = download.stream;
  } else {
    const response = await fetch(
      `${endpoint}/openai/v1/video/generations/gen_bench/content/video?api-version=preview`,
      {
        headers: { 'api-key': KEY, accept: 'video/mp4' },
      },
    );
    if (!response.ok) throw new Error(`status ${response.status}`);
    stream = response.body;
  }
  await pipeline(Readable.fromWeb(stream), createWriteStream(target));
  const seconds = (performance.now() - start) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  if (statSync(target).size !== SIZE) throw new Error('short file');
  process.stdout.write(
    JSON.stringify({
      mbPerSecond: SIZE / (1024 * 1024) / seconds,
      rssGrowthMb: (peak - base) / (1024 * 1024),
    }),
  );
}

function runChild(mode, endpoint, target) {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      ['--expose-gc', fileURLToPath(import.meta.url), '--child', mode, endpoint, target],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.on('error', reject);
    proc.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${mode} child exited ${code}`)),
    );
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Runs the comparison; returns rows of [measure, value, note]. */
export async function videoBench() {
  const chunk = Buffer.alloc(CHUNK, 0x42);
  const server = createServer((req, res) => {
    if (req.url === '/warm-up') return void res.end('ok');
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': SIZE, 'accept-ranges': 'bytes' });
    let sent = 0;
    // Honour backpressure so the server holds one chunk, not the whole video.
    const pump = () => {
      while (sent < SIZE) {
        sent += CHUNK;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${server.address().port}`;
  const dir = mkdtempSync(join(tmpdir(), 'aoai-bench-'));
  const results = { client: [], fetch: [] };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of round % 2 === 0 ? ['fetch', 'client'] : ['client', 'fetch']) {
        const target = join(dir, `${mode}.mp4`);
        results[mode].push(await runChild(mode, endpoint, target));
        rmSync(target, { force: true });
      }
    }
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const fmt = (n, d = 1) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const clientSpeed = median(results.client.map((r) => r.mbPerSecond));
  const fetchSpeed = median(results.fetch.map((r) => r.mbPerSecond));
  const clientRss = Math.max(...results.client.map((r) => r.rssGrowthMb));
  const fetchRss = Math.max(...results.fetch.map((r) => r.rssGrowthMb));
  const record = recorder('@aoai-media/core');
  record({
    name: 'video 200 MB to file: generations.content() throughput (median)',
    value: clientSpeed,
    unit: 'MB/s',
    baseline: 'bare fetch',
    baselineValue: fetchSpeed,
    target: '>= 0.90x',
  });
  record({
    name: 'video 200 MB to file: generations.content() peak RSS growth (largest)',
    value: clientRss,
    unit: 'MB',
    baseline: 'bare fetch',
    baselineValue: fetchRss,
    target: '< 50 MB',
  });
  return [
    [
      'video 200 MB to file: bare fetch',
      `${fmt(fetchSpeed)} MB/s`,
      `peak RSS +${fmt(fetchRss)} MB (largest of ${ROUNDS})`,
    ],
    [
      'video 200 MB to file: generations.content()',
      `${fmt(clientSpeed)} MB/s`,
      `peak RSS +${fmt(clientRss)} MB (largest of ${ROUNDS})`,
    ],
    ['content() / bare fetch throughput', `${fmt(clientSpeed / fetchSpeed, 3)}x`, 'target >= 0.90x'],
    ['content() peak RSS growth', `${fmt(clientRss)} MB`, 'target < 50 MB'],
    [
      'content() peak RSS growth beyond bare fetch',
      `${fmt(clientRss - fetchRss)} MB`,
      'what the client itself adds',
    ],
  ];
}

if (process.argv[2] === '--child') {
  await child(process.argv[3], process.argv[4], process.argv[5]);
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await videoBench()) console.log(r.join('  '));
}
