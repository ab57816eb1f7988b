#!/usr/bin/env node
/**
 * Drive a running stack (npm start) like a user would: generate an image, edit it with a mask,
 * submit a video and follow its progress, download everything into ./out.
 *   AOAI_SERVICE_URL  the service to use; default: the stack npm start runs (.data/stack.json),
 *                     else http://127.0.0.1:$PORT (PORT default 3000)
 *   AOAI_SERVICE_KEY  default: the development key npm start made (.data/dev-keys.json)
 *   AOAI_DATA_DIR     where npm start keeps its data (default .data)
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const dataDir = process.env.AOAI_DATA_DIR ?? join(root, '.data');

/** The running stack's address, as npm start recorded it. */
function stackUrl() {
  const file = join(dataDir, 'stack.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')).url;
  } catch {
    return undefined;
  }
}
const base = (
  process.env.AOAI_SERVICE_URL ??
  stackUrl() ??
  `http://127.0.0.1:${process.env.PORT ?? '3000'}`
).replace(/\/+$/, '');
const out = resolve(process.env.INIT_CWD ?? process.cwd(), 'out');
const written = [];

function serviceKey() {
  if (process.env.AOAI_SERVICE_KEY) return process.env.AOAI_SERVICE_KEY;
  const file = join(dataDir, 'dev-keys.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')).serviceKey;
  throw new Error('no service key: set AOAI_SERVICE_KEY, or start the stack with npm start first');
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

  console.log('1. generate an image (gpt-image-2, 1024x1024)');
  const gen = await (
    await api('/openai/v1/images/generations', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-image-2',
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
  form.append('model', 'gpt-image-2');
  form.append('prompt', 'add a flock of birds in the sky');
  form.append('image', new Blob([image], { type: 'image/png' }), 'image.png');
  form.append('mask', new Blob([mask], { type: 'image/png' }), 'mask.png');
  const edit = await (await api('/openai/v1/images/edits', { method: 'POST', body: form })).json();
  save('edited.png', Buffer.from(edit.data[0].b64_json, 'base64'));

  console.log('3. make a video (sora-2, 1280x720, 4 s) and follow its progress');
  let video = await (
    await api('/openai/v1/videos', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'sora-2',
        prompt: 'waves rolling onto a beach at sunset',
        size: '1280x720',
        seconds: '4',
        metadata: { source: 'demo' },
      }),
    })
  ).json();
  console.log(`   video ${video.id}: ${video.status}`);
  const started = Date.now();
  let last = `${video.status} ${video.progress}`;
  while (!['completed', 'failed'].includes(video.status)) {
    if (Date.now() - started > 10 * 60_000) throw new Error('the video did not finish within 10 minutes');
    await new Promise((r) => setTimeout(r, 1000));
    video = await (await api(`/openai/v1/videos/${video.id}`)).json();
    if (`${video.status} ${video.progress}` !== last) {
      last = `${video.status} ${video.progress}`;
      console.log(
        `   video ${video.id}: ${video.status}, ${video.progress}% (${Math.round((Date.now() - started) / 1000)} s)`,
      );
    }
  }
  if (video.status !== 'completed')
    throw new Error(`the video ended ${video.status}: ${video.error?.message ?? 'no reason given'}`);

  console.log("4. download the video and its thumbnail from the service's storage");
  save('video.mp4', Buffer.from(await (await api(`/openai/v1/videos/${video.id}/content`)).arrayBuffer()));
  const thumbnail = await api(`/openai/v1/videos/${video.id}/content?variant=thumbnail`);
  const extension = (thumbnail.headers.get('content-type') ?? 'image/webp').split('/')[1].split(';')[0];
  save(`thumbnail.${extension === 'jpeg' ? 'jpg' : extension}`, Buffer.from(await thumbnail.arrayBuffer()));

  console.log('\nwrote:');
  for (const file of written)
    console.log(
      `  ${relative(process.env.INIT_CWD ?? process.cwd(), file) || file}  ${statSync(file).size} bytes`,
    );
}

main().catch((e) => {
  if (/fetch failed|ECONNREFUSED/.test(String(e.cause?.code ?? e.message))) {
    console.error(`\nnothing answers at ${base}.`);
    console.error('Start the stack first (npm start, in another terminal), or point the demo at a running');
    console.error(
      'service with AOAI_SERVICE_URL, for example: AOAI_SERVICE_URL=http://127.0.0.1:3001 pnpm demo',
    );
  } else console.error(`\ndemo failed: ${e.message}`);
  process.exit(1);
});
