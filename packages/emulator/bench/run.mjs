/* global process, Buffer, performance, console */
// Requests per second for the small-image fast path, next to a bare node:http server answering
// the same bytes in the same way (the ratio shows how much the emulator itself costs).
// The server runs in a child process so the load generator does not share its event loop; each
// server also reports the CPU time it spent, so "requests per second of one core" stays
// meaningful on a busy machine.
import { fork } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { recorder } from '../../../scripts/bench-json.mjs';

const DURATION_MS = Number(process.env.AOAI_BENCH_MS ?? 3000);
const CONCURRENCY = Number(process.env.AOAI_BENCH_CONCURRENCY ?? 32);
const here = fileURLToPath(import.meta.url);
const record = recorder('@aoai-media/emulator');

if (process.argv[2] === 'serve-emulator') {
  const { startEmulator } = await import('../dist/index.js');
  const emu = await startEmulator({ port: 0, requestLogLimit: 1000 });
  process.send({ url: emu.url, key: emu.apiKey });
  reportCpu();
} else if (process.argv[2] === 'serve-bare') {
  const body = Buffer.from(process.argv[3], 'base64');
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
    });
  });
  server.listen(0, '127.0.0.1', () =>
    process.send({ url: `http://127.0.0.1:${server.address().port}`, key: '' }),
  );
  reportCpu();
} else {
  await main();
}

/** Child side: answer 'cpu' messages with the CPU microseconds used so far. */
function reportCpu() {
  process.on('message', (m) => {
    if (m === 'cpu') {
      const u = process.cpuUsage();
      process.send({ cpu: u.user + u.system });
    }
  });
}

function cpuOf(child) {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m.cpu));
    child.send('cpu');
  });
}

function start(args) {
  const child = fork(here, args, { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('message', (info) => resolve({ child, ...info }));
    child.once('error', reject);
  });
}

function once(pool, url, key, payload) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent: pool,
        headers: { 'content-type': 'application/json', 'content-length': payload.length, 'api-key': key },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(Buffer.concat(chunks))
            : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function load(server, url, key, payload) {
  const pool = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  await once(pool, url, key, payload); // warm the cache
  const cpuBefore = await cpuOf(server.child);
  let done = 0;
  const started = performance.now();
  const deadline = started + DURATION_MS;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        await once(pool, url, key, payload);
        done++;
      }
    }),
  );
  const secs = (performance.now() - started) / 1000;
  const cpuUs = (await cpuOf(server.child)) - cpuBefore;
  pool.destroy();
  return { rps: done / secs, perCore: done / (cpuUs / 1e6) };
}

async function main() {
  const path = '/openai/v1/images/generations';
  const cases = [
    [
      'dall-e-2 256x256 b64_json',
      { model: 'dall-e-2', prompt: 'a small lighthouse', size: '256x256', response_format: 'b64_json' },
    ],
    [
      'dall-e-2 256x256 url',
      { model: 'dall-e-2', prompt: 'a small lighthouse', size: '256x256', response_format: 'url' },
    ],
    [
      'gpt-image-1 1024x1024 png',
      { model: 'gpt-image-1', prompt: 'a small lighthouse', size: '1024x1024', quality: 'low' },
    ],
  ];
  const emu = await start(['serve-emulator']);
  try {
    console.log(`emulator small-image fast path (${CONCURRENCY} concurrent, ${DURATION_MS} ms each)`);
    for (const [name, body] of cases) {
      const payload = Buffer.from(JSON.stringify(body));
      const sample = await once(new http.Agent(), `${emu.url}${path}`, emu.key, payload);
      const e = await load(emu, `${emu.url}${path}`, emu.key, payload);
      const bare = await start(['serve-bare', sample.toString('base64')]);
      let b;
      try {
        b = await load(bare, `${bare.url}${path}`, '', payload);
      } finally {
        bare.child.kill();
      }
      console.log(`${name} (${sample.length} bytes per answer)`);
      console.log(
        `  emulator:       ${e.rps.toFixed(0).padStart(6)} req/s, ${e.perCore.toFixed(0).padStart(6)} req per CPU-second`,
      );
      console.log(
        `  bare node:http: ${b.rps.toFixed(0).padStart(6)} req/s, ${b.perCore.toFixed(0).padStart(6)} req per CPU-second`,
      );
      console.log(
        `  ratio emulator/bare: ${(e.rps / b.rps).toFixed(2)} (throughput), ${(e.perCore / b.perCore).toFixed(2)} (per CPU-second)`,
      );
      record({
        name: `${name}: requests per second`,
        value: e.rps,
        unit: 'req/s',
        baseline: 'bare node:http, same bytes',
        baselineValue: b.rps,
      });
      record({
        name: `${name}: requests per CPU-second`,
        value: e.perCore,
        unit: 'req/cpu-s',
        baseline: 'bare node:http, same bytes',
        baselineValue: b.perCore,
      });
    }
  } finally {
    emu.child.kill();
  }
}
