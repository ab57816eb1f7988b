/* global Buffer, fetch, console */
// The same image requests three ways against the emulator on loopback: core's images.generate(), a
// bare fetch, and the official `openai` SDK pointed at Azure's v1 path. All three send the same
// request and decode the returned image to bytes, so the ratios show what each client costs on top
// of the same server. Rounds are short and rotate which side goes first; the median of the
// per-round ratios resists noise from other processes. Loops are bounded by count.
import { performance } from 'node:perf_hooks';
import { AzureOpenAIMedia } from '@aoai-media/core';
import { startEmulator } from '@aoai-media/emulator';
import OpenAI from 'openai';
import { recorder } from '../../../scripts/bench-json.mjs';

const ROUNDS = 30;
const PER_ROUND = 40;
const WARM_UP = 100;
const record = recorder('@aoai-media/integration-tests');

const cases = [
  [
    'gpt-image-1 1024x1024 png',
    { model: 'gpt-image-1', prompt: 'a lighthouse at dawn', size: '1024x1024', quality: 'low' },
  ],
  [
    'dall-e-2 256x256 b64_json',
    { model: 'dall-e-2', prompt: 'a lighthouse at dawn', size: '256x256', response_format: 'b64_json' },
  ],
];

const emu = await startEmulator({ port: 0, requestLogLimit: 100 });
const rows = [];
try {
  const core = new AzureOpenAIMedia({ endpoint: emu.url, auth: { apiKey: emu.apiKey } });
  const sdk = new OpenAI({
    baseURL: `${emu.url}/openai/v1`,
    apiKey: emu.apiKey,
    defaultQuery: { 'api-version': 'preview' },
    defaultHeaders: { 'api-key': emu.apiKey },
  });
  const url = `${emu.url}/openai/v1/images/generations?api-version=preview`;

  for (const [label, request] of cases) {
    let expected = 0;
    const check = (length) => {
      if (length === 0 || (expected && length !== expected))
        throw new Error(`${label}: decoded ${length} bytes, expected ${expected}`);
      expected = length;
    };
    const sides = {
      core: async () => check((await core.images.generate(request)).images[0].bytes.length),
      fetch: async () => {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'api-key': emu.apiKey, 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(request),
        });
        if (!response.ok) throw new Error(`${label}: status ${response.status}`);
        const body = await response.json();
        check(Buffer.from(body.data[0].b64_json, 'base64').length);
      },
      sdk: async () =>
        check(Buffer.from((await sdk.images.generate(request)).data[0].b64_json, 'base64').length),
    };

    // The three reach the same route: compare what the emulator logged for one call of each.
    emu.admin.clearRequests();
    for (const fn of Object.values(sides)) await fn();
    const seen = emu.admin
      .requests()
      .map((r) => `${r.method} ${r.path} ${r.status} ${r.query['api-version']}`);
    if (seen.length !== 3 || new Set(seen).size !== 1)
      throw new Error(`${label}: the clients sent different requests: ${seen.join(' | ')}`);

    const timeLoop = async (fn, count) => {
      const start = performance.now();
      for (let i = 0; i < count; i++) await fn();
      return performance.now() - start;
    };
    for (const fn of Object.values(sides)) await timeLoop(fn, WARM_UP);

    const names = Object.keys(sides);
    const totals = { core: 0, fetch: 0, sdk: 0 };
    const vsFetch = [];
    const vsSdk = [];
    for (let r = 0; r < ROUNDS; r++) {
      const ms = {};
      for (let k = 0; k < names.length; k++) {
        const name = names[(r + k) % names.length];
        ms[name] = await timeLoop(sides[name], PER_ROUND);
        totals[name] += ms[name];
      }
      vsFetch.push(ms.fetch / ms.core);
      vsSdk.push(ms.sdk / ms.core);
    }
    const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
    const calls = ROUNDS * PER_ROUND;
    const rate = (name) => calls / (totals[name] / 1000);
    const name = `images.generate, ${label}, emulator in-process`;
    rows.push(
      record({
        name: `${name}: core vs bare fetch`,
        value: rate('core'),
        unit: 'req/s',
        baseline: 'bare fetch',
        baselineValue: rate('fetch'),
        ratio: median(vsFetch),
        target: '>= 0.90x',
      }),
      record({
        name: `${name}: core vs openai SDK`,
        value: rate('core'),
        unit: 'req/s',
        baseline: 'openai 6.49.0 SDK',
        baselineValue: rate('sdk'),
        ratio: median(vsSdk),
      }),
    );
    console.log(`${label} (${expected} bytes per image, ${calls} calls each side, sequential)`);
    console.log(`  core images.generate():  ${rate('core').toFixed(0).padStart(6)} req/s`);
    console.log(`  bare fetch:              ${rate('fetch').toFixed(0).padStart(6)} req/s`);
    console.log(`  openai SDK:              ${rate('sdk').toFixed(0).padStart(6)} req/s`);
    console.log(
      `  core / fetch ${median(vsFetch).toFixed(3)}x, core / SDK ${median(vsSdk).toFixed(3)}x (throughput, median of ${ROUNDS} rounds)`,
    );
  }
} finally {
  await emu.close();
}
