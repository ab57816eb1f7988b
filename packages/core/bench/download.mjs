/* global process, fetch */
// One 200 MB download to a file, in a process of its own so its memory is measured alone:
//   node download.mjs <pipe|fetch|core> <server url> <target file>
// Prints { wallMs, cpuUs, rssGrowthBytes } for the transfer alone (start-up and warm-up excluded).
import { createWriteStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { KEY, VIDEO_BYTES } from './fixtures.mjs';

const [mode, base, target] = process.argv.slice(2);
const path = '/openai/v1/video/generations/gen_bench/content/video';
const headers = { 'api-key': KEY, accept: 'video/mp4' };
const cpu = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const rssNow = () => Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
const rssPeak = () => Number(/^VmHWM:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;

const { AzureOpenAIMedia } = await import('../dist/index.js');
const client = new AzureOpenAIMedia({ endpoint: base, auth: { apiKey: KEY } });

// Load each side's HTTP stack before the clock starts.
if (mode === 'pipe') {
  await new Promise((resolve, reject) =>
    http.get(`${base}/warm-up`, (res) => res.resume().on('end', resolve)).on('error', reject),
  );
} else {
  await (await fetch(`${base}/warm-up`)).arrayBuffer();
}

writeFileSync('/proc/self/clear_refs', '5'); // the peak-RSS mark starts again from here
const rssBefore = rssNow();
const cpuBefore = cpu();
const start = performance.now();
if (mode === 'pipe') {
  const res = await new Promise((resolve, reject) =>
    http.get(`${base}${path}`, { headers }, resolve).on('error', reject),
  );
  if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
  await pipeline(res, createWriteStream(target));
} else if (mode === 'fetch') {
  const res = await fetch(`${base}${path}`, { headers });
  if (!res.ok) throw new Error(`status ${res.status}`);
  await pipeline(Readable.fromWeb(res.body), createWriteStream(target));
} else if (mode === 'core') {
  const download = await client.videos.generations.content('gen_bench');
  if (download.contentLength !== VIDEO_BYTES) throw new Error(`content length ${download.contentLength}`);
  await pipeline(Readable.fromWeb(download.stream), createWriteStream(target));
} else {
  throw new Error(`unknown mode ${mode}`);
}
const wallMs = performance.now() - start;
const cpuUs = cpu() - cpuBefore;
const rssGrowthBytes = rssPeak() - rssBefore;
if (statSync(target).size !== VIDEO_BYTES) throw new Error(`short file: ${statSync(target).size}`);
process.stdout.write(JSON.stringify({ wallMs, cpuUs, rssGrowthBytes }));
