#!/usr/bin/env node
/**
 * Drive a running stack (pnpm start) like a user would: generate an image, edit it with a mask,
 * submit a video job and follow its progress, download everything into ./out.
 *   AOAI_SERVICE_URL  default http://127.0.0.1:3000
 *   AOAI_SERVICE_KEY  default: the development key pnpm start made (.data/dev-keys.json)
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const base = (process.env.AOAI_SERVICE_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
const out = resolve(process.env.INIT_CWD ?? process.cwd(), 'out');
const written = [];

function serviceKey() {
  if (process.env.AOAI_SERVICE_KEY) return process.env.AOAI_SERVICE_KEY;
  const file = join(process.env.AOAI_DATA_DIR ?? join(root, '.data'), 'dev-keys.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')).serviceKey;
  throw new Error('no service key: set AOAI_SERVICE_KEY, or start the stack with pnpm start first');
}
const key = serviceKey();

async function api(path, init = {}) {
  const res = await fetch(`${base}${path}`, {
    ...init,
    headers: { 'api-key': key, ...(init.headers ?? {}) },
  });
  if (!res.ok) {
    const text = await res.text();
    throw new Error(`${init.method ?? 'GET'} ${path} answered ${res.status}: ${text.slice(0, 400)}`);
  }
  return res;
}

function save(name, bytes) {
  mkdirSync(out, { recursive: true });
  const file = join(out, name);
  writeFileSync(file, bytes);
  written.push(file);
  return file;
}

// A PNG mask: transparent (editable) top half, opaque bottom half.
function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function maskPng(width, height) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 6; // RGBA
  const rows = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 4 + 1);
    for (let x = 0; x < width; x++) rows[row + 1 + x * 4 + 3] = y < height / 2 ? 0 : 255;
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function main() {
  console.log(`aoai-media demo against ${base}\n`);

  console.log('1. generate an image (gpt-image-1, 1024x1024)');
  const gen = await (
    await api('/openai/v1/images/generations', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-image-1',
        prompt: 'a lighthouse on a cliff at dawn',
        size: '1024x1024',
        quality: 'low',
      }),
    })
  ).json();
  const image = Buffer.from(gen.data[0].b64_json, 'base64');
  save('image.png', image);

  console.log('2. edit it with a mask (the top half may change)');
  const mask = maskPng(1024, 1024);
  save('mask.png', mask);
  const form = new FormData();
  form.append('model', 'gpt-image-1');
  form.append('prompt', 'add a flock of birds in the sky');
  form.append('image', new Blob([image], { type: 'image/png' }), 'image.png');
  form.append('mask', new Blob([mask], { type: 'image/png' }), 'mask.png');
  const edit = await (await api('/openai/v1/images/edits', { method: 'POST', body: form })).json();
  save('edited.png', Buffer.from(edit.data[0].b64_json, 'base64'));

  console.log('3. submit a video job (sora, 480x480, 2 s)');
  let job = await (
    await api('/openai/v1/video/generations/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'sora',
        prompt: 'waves rolling onto a beach at sunset',
        width: 480,
        height: 480,
        n_seconds: 2,
        metadata: { source: 'demo' },
      }),
    })
  ).json();
  console.log(`   job ${job.id}: ${job.status}`);
  const started = Date.now();
  let last = job.status;
  while (!['succeeded', 'failed', 'cancelled'].includes(job.status)) {
    if (Date.now() - started > 10 * 60_000) throw new Error('the video job did not finish within 10 minutes');
    await new Promise((r) => setTimeout(r, 1000));
    job = await (await api(`/openai/v1/video/generations/jobs/${job.id}`)).json();
    if (job.status !== last) {
      console.log(`   job ${job.id}: ${job.status} (${Math.round((Date.now() - started) / 1000)} s)`);
      last = job.status;
    }
  }
  if (job.status !== 'succeeded')
    throw new Error(`the video job ended ${job.status}: ${job.failure_reason ?? 'no reason given'}`);

  console.log("4. download the video and its thumbnail from the service's storage");
  const generation = job.generations[0].id;
  save(
    'video.mp4',
    Buffer.from(await (await api(`/openai/v1/video/generations/${generation}/content/video`)).arrayBuffer()),
  );
  save(
    'thumbnail.jpg',
    Buffer.from(
      await (await api(`/openai/v1/video/generations/${generation}/content/thumbnail`)).arrayBuffer(),
    ),
  );

  console.log('\nwrote:');
  for (const file of written)
    console.log(`  ${relative(process.cwd(), file) || file}  ${statSync(file).size} bytes`);
}

main().catch((e) => {
  console.error(`\ndemo failed: ${e.message}`);
  if (/fetch failed|ECONNREFUSED/.test(String(e.cause?.code ?? e.message)))
    console.error(`is the stack running? start it with: pnpm start`);
  process.exit(1);
});
