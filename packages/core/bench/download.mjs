/* global process, fetch */
// One 200 MB download to a file, in a process of its own so its memory is measured alone:
//   node download.mjs <mode> <server url> <target file>
// Modes: pipe (node:http piped to fs.createWriteStream), pipe-tuned (the same with 1 MiB write
// buffers), fetch (a bare fetch through Readable.fromWeb), core (videos.generations.content() with
// nodeDownloadFetch, piped into fileSink), core-web (content() with the platform's fetch, its web
// stream through Readable.fromWeb). Each first downloads a small video the same way, so code loading
// and compilation are left out, then prints { wallMs, cpuUs, rssGrowthBytes } for the 200 MB alone.
import { createWriteStream, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { KEY, SMALL_VIDEO_BYTES, VIDEO_BYTES } from './fixtures.mjs';

const [mode, base, target] = process.argv.slice(2);
const pathOf = (id) => `/openai/v1/video/generations/${id}/content/video`;
const headers = { 'api-key': KEY, accept: 'video/mp4' };
const cpu = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const rssNow = () => Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
const rssPeak = () => Number(/^VmHWM:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;

const { AzureOpenAIMedia } = await import('../dist/index.js');
const { fileSink, nodeDownloadFetch } = await import('../dist/node/index.js');
const client = new AzureOpenAIMedia({
  endpoint: base,
  auth: { apiKey: KEY },
  ...(mode === 'core' ? { downloadFetch: nodeDownloadFetch() } : {}),
});

function get(path) {
  return new Promise((resolve, reject) =>
    http.get(`${base}${path}`, { headers }, resolve).on('error', reject),
  );
}

const downloads = {
  async pipe(id, file) {
    await pipeline(await get(pathOf(id)), createWriteStream(file));
  },
  async 'pipe-tuned'(id, file) {
    await pipeline(await get(pathOf(id)), createWriteStream(file, { highWaterMark: 1024 * 1024 }));
  },
  async fetch(id, file) {
    const res = await fetch(`${base}${pathOf(id)}`, { headers });
    if (!res.ok) throw new Error(`status ${res.status}`);
    await pipeline(Readable.fromWeb(res.body), createWriteStream(file));
  },
  async core(id, file, bytes) {
    const download = await client.videos.generations.content(id);
    if (download.contentLength !== bytes) throw new Error(`content length ${download.contentLength}`);
    await download.pipeTo(fileSink(file));
  },
  async 'core-web'(id, file, bytes) {
    const download = await client.videos.generations.content(id);
    if (download.contentLength !== bytes) throw new Error(`content length ${download.contentLength}`);
    await pipeline(Readable.fromWeb(download.stream), createWriteStream(file));
  },
};
const download = downloads[mode];
if (!download) throw new Error(`unknown mode ${mode}`);

// The same path once on a small video: code loaded and compiled before the clock starts.
await download('gen_small', `${target}.warm-up`, SMALL_VIDEO_BYTES);
rmSync(`${target}.warm-up`);

writeFileSync('/proc/self/clear_refs', '5'); // the peak-RSS mark starts again from here
const rssBefore = rssNow();
const cpuBefore = cpu();
const start = performance.now();
await download('gen_bench', target, VIDEO_BYTES);
const wallMs = performance.now() - start;
const cpuUs = cpu() - cpuBefore;
const rssGrowthBytes = rssPeak() - rssBefore;
if (statSync(target).size !== VIDEO_BYTES) throw new Error(`short file: ${statSync(target).size}`);
process.stdout.write(JSON.stringify({ wallMs, cpuUs, rssGrowthBytes }));
