/* global Buffer, fetch, Response, process, console */
// Benchmarks for @aoai-media/core, run against the built package (dist/). Prints ratios measured
// side by side in one run; loops are bounded by count. Targets: the client within 10% of a bare
// fetch loop, base64 decoding within 1.2x of Buffer.from.
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { AzureOpenAIMedia, decodeBase64, decodeBase64Portable, getModel, validate } from '../dist/index.js';
import { videoBench } from './video.mjs';
import { recorder } from '../../../scripts/bench-json.mjs';

const record = recorder('@aoai-media/core');

const rows = [];
const row = (name, value, note = '') => rows.push([name, value, note]);
const fmt = (n, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const gc = () => globalThis.gc?.();

// 1. Validation throughput.
{
  const gpt = getModel('gpt-image-1');
  const dalle = getModel('dall-e-3');
  const good = {
    model: 'img',
    prompt: 'a watercolor fox in the snow',
    n: 2,
    size: '1536x1024',
    quality: 'high',
    output_format: 'webp',
    output_compression: 80,
    background: 'transparent',
  };
  const bad = { model: 'img', prompt: 'x', n: 3, size: '512x512', style: 'bold', quality: 'ultra' };
  for (const [label, req, model] of [
    ['valid gpt-image-1 request', good, gpt],
    ['invalid dall-e-3 request (4 issues)', bad, dalle],
  ]) {
    const count = 200_000;
    for (let i = 0; i < 10_000; i++) validate.imageGenerate(req, model);
    const start = performance.now();
    let issues = 0;
    for (let i = 0; i < count; i++) issues += validate.imageGenerate(req, model).length;
    const seconds = (performance.now() - start) / 1000;
    row(`validate.imageGenerate, ${label}`, `${fmt(count / seconds)} /s`, `${issues / count} issues each`);
    record({ name: `validate.imageGenerate, ${label}`, value: count / seconds, unit: 'calls/s' });
  }
}

// 2. Round trips: client vs bare fetch against the same loopback server.
{
  const png = randomBytes(2048);
  png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const answer = JSON.stringify({
    created: 1_745_000_000,
    data: [{ b64_json: png.toString('base64'), content_filter_results: {}, prompt_filter_results: {} }],
    usage: {
      total_tokens: 10,
      input_tokens: 5,
      output_tokens: 5,
      input_tokens_details: { text_tokens: 5, image_tokens: 0 },
    },
  });
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(answer),
        'apim-request-id': 'bench',
      });
      res.end(answer);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${server.address().port}`;
  const client = new AzureOpenAIMedia({ endpoint, auth: { apiKey: 'bench-key' } });
  const request = { model: 'gpt-image-1', prompt: 'a fox', size: '1024x1024', quality: 'low' };
  const url = `${endpoint}/openai/v1/images/generations?api-version=preview`;

  const viaClient = async () => {
    const result = await client.images.generate(request);
    if (result.images[0].bytes.length !== png.length) throw new Error('bad decode');
  };
  const viaFetch = async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'api-key': 'bench-key', 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(request),
    });
    if (!response.ok) throw new Error(`status ${response.status}`);
    const body = await response.json();
    if (Buffer.from(body.data[0].b64_json, 'base64').length !== png.length) throw new Error('bad decode');
  };
  const timeLoop = async (fn, count) => {
    const start = performance.now();
    for (let i = 0; i < count; i++) await fn();
    return performance.now() - start;
  };
  await timeLoop(viaClient, 200);
  await timeLoop(viaFetch, 200);
  // Many short rounds, alternating which goes first, so both see the same machine conditions;
  // the median of the per-round ratios resists noise from other processes.
  const perRound = 60;
  const rounds = 40;
  let clientMs = 0;
  let fetchMs = 0;
  const ratios = [];
  for (let r = 0; r < rounds; r++) {
    let c;
    let f;
    if (r % 2 === 0) {
      c = await timeLoop(viaClient, perRound);
      f = await timeLoop(viaFetch, perRound);
    } else {
      f = await timeLoop(viaFetch, perRound);
      c = await timeLoop(viaClient, perRound);
    }
    clientMs += c;
    fetchMs += f;
    ratios.push(f / c);
  }
  ratios.sort((a, b) => a - b);
  const total = perRound * rounds;
  const clientRate = total / (clientMs / 1000);
  const fetchRate = total / (fetchMs / 1000);
  row('images.generate round trips (client)', `${fmt(clientRate)} /s`, `${total} calls, loopback`);
  row('same request, bare fetch loop', `${fmt(fetchRate)} /s`, `${total} calls, loopback`);
  row(
    'client / bare fetch (median of rounds)',
    `${fmt(ratios[Math.floor(rounds / 2)], 3)}x`,
    `target >= 0.90x; overall ${fmt(clientRate / fetchRate, 3)}x`,
  );
  record({
    name: 'images.generate round trips, loopback stub server (median of rounds)',
    value: clientRate,
    unit: 'req/s',
    baseline: 'bare fetch',
    baselineValue: fetchRate,
    ratio: ratios[Math.floor(rounds / 2)],
    target: '>= 0.90x',
  });

  // The client's own cost per call, with a fetch that answers at once (no network).
  const stubClient = new AzureOpenAIMedia({
    endpoint,
    auth: { apiKey: 'bench-key' },
    fetch: async () => new Response(answer, { status: 200, headers: { 'content-type': 'application/json' } }),
  });
  const stubLoop = async (n) => {
    const start = performance.now();
    for (let i = 0; i < n; i++) await stubClient.images.generate(request);
    return (performance.now() - start) / n;
  };
  const parseOnly = async (n) => {
    const start = performance.now();
    for (let i = 0; i < n; i++) {
      const body = await new Response(answer, { status: 200 }).json();
      Buffer.from(body.data[0].b64_json, 'base64');
    }
    return (performance.now() - start) / n;
  };
  await stubLoop(500);
  await parseOnly(500);
  const stubMs = await stubLoop(3000);
  const parseMs = await parseOnly(3000);
  row(
    'client cost per call beyond parse + decode',
    `${fmt((stubMs - parseMs) * 1000)} us`,
    `vs ${fmt((clientMs / total) * 1000)} us per loopback call`,
  );
  record({
    name: 'client cost per call beyond JSON parse + base64 decode',
    value: (stubMs - parseMs) * 1000,
    unit: 'us',
  });
  await new Promise((resolve) => server.close(resolve));
}

// 3. Decoding a 4 MB b64_json image.
{
  const bytes = randomBytes(4 * 1024 * 1024);
  const b64 = bytes.toString('base64');
  const measure = (label, fn, count) => {
    gc();
    const base = process.memoryUsage();
    let peak = 0;
    fn(b64);
    const start = performance.now();
    for (let i = 0; i < count; i++) {
      const out = fn(b64);
      if (out.length !== bytes.length) throw new Error(`${label}: wrong length`);
      const now = process.memoryUsage();
      peak = Math.max(peak, now.rss - base.rss, now.arrayBuffers - base.arrayBuffers);
    }
    const ms = (performance.now() - start) / count;
    return { ms, peakMb: peak / (1024 * 1024) };
  };
  const count = 40;
  const native = measure('Buffer.from', (s) => Buffer.from(s, 'base64'), count);
  const ours = measure('decodeBase64', decodeBase64, count);
  const portable = measure('decodeBase64Portable', decodeBase64Portable, 10);
  row(
    'decode 4 MB: Buffer.from(..., "base64")',
    `${fmt(native.ms, 2)} ms`,
    `peak +${fmt(native.peakMb, 1)} MB`,
  );
  row('decode 4 MB: decodeBase64', `${fmt(ours.ms, 2)} ms`, `peak +${fmt(ours.peakMb, 1)} MB`);
  row('decodeBase64 / Buffer.from time', `${fmt(ours.ms / native.ms, 3)}x`, 'target <= 1.20x');
  record({
    name: 'decodeBase64, 4 MB b64_json (time)',
    value: ours.ms,
    unit: 'ms',
    baseline: 'Buffer.from(s, "base64")',
    baselineValue: native.ms,
    target: '<= 1.20x',
  });
  record({
    name: 'decodeBase64Portable, 4 MB (time, no Buffer)',
    value: portable.ms,
    unit: 'ms',
    baseline: 'Buffer.from(s, "base64")',
    baselineValue: native.ms,
  });
  row(
    'decode 4 MB: portable fallback (no Buffer)',
    `${fmt(portable.ms, 2)} ms`,
    `${fmt(portable.ms / native.ms, 2)}x Buffer.from, peak +${fmt(portable.peakMb, 1)} MB`,
  );
}

// 4. Streaming a 200 MB video to a file (child processes; see video.mjs).
rows.push(...(await videoBench()));

const widths = [0, 1, 2].map((i) =>
  Math.max(...rows.map((r) => r[i].length), ['measure', 'value', 'note'][i].length),
);
const line = (cells) =>
  cells.map((c, i) => (i === 1 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
console.log(line(['measure', 'value', 'note']));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
