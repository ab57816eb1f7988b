/* global Buffer, fetch, process, URLSearchParams */
// The same image requests three ways against the emulator, which runs in its own process: core's
// images.generate(), a bare fetch, and the official `openai` SDK pointed at Azure's v1 path. All three
// send the same request and decode the image to bytes. Sides run in interleaved rounds (see
// @aoai-media/bench); the client's CPU per call is recorded beside the throughput.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AzureOpenAIMedia } from '@aoai-media/core';
import { compare, recorder, startNode, stopAll, summarize } from '@aoai-media/bench';
import OpenAI from 'openai';

const ROUNDS = Number(process.env.AOAI_BENCH_ROUNDS ?? 30);
const PER_ROUND = 40;
const record = recorder('@aoai-media/integration-tests');
const require = createRequire(import.meta.url);
const emulatorCli = join(
  dirname(require.resolve('@aoai-media/emulator/package.json')),
  'bin/aoai-emulator.js',
);

const cases = [
  [
    'gpt-image-2 1024x1024 png',
    { model: 'gpt-image-2', prompt: 'a lighthouse at dawn', size: '1024x1024', quality: 'low' },
  ],
  [
    'gpt-image-1-mini 1024x1024 jpeg',
    {
      model: 'gpt-image-1-mini',
      prompt: 'a lighthouse at dawn',
      size: '1024x1024',
      quality: 'low',
      output_format: 'jpeg',
      output_compression: 60,
    },
  ],
];

const emu = await startNode(emulatorCli, ['--port', '0'], {
  ready: /listening on http:\/\/127\.0\.0\.1:(\d+)/,
});
try {
  const key = 'emulator-key';
  const core = new AzureOpenAIMedia({ endpoint: emu.url, auth: { apiKey: key } });
  const sdk = new OpenAI({
    baseURL: `${emu.url}/openai/v1`,
    apiKey: key,
    defaultHeaders: { 'api-key': key },
  });
  const url = `${emu.url}/openai/v1/images/generations`;
  const admin = async (method, path) => {
    const response = await fetch(`${emu.url}/_emulator/${path}`, { method });
    return response.status === 204 ? undefined : response.json();
  };

  for (const [label, request] of cases) {
    let expected = 0;
    const check = (length) => {
      if (length === 0 || (expected && length !== expected))
        throw new Error(`${label}: decoded ${length} bytes, expected ${expected}`);
      expected = length;
    };
    const calls = {
      core: async () => check((await core.images.generate(request)).images[0].bytes.length),
      fetch: async () => {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'api-key': key, 'content-type': 'application/json', accept: 'application/json' },
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
    await admin('DELETE', 'requests');
    for (const call of Object.values(calls)) await call();
    const seen = (await admin('GET', 'requests')).data.map(
      (r) => `${r.method} ${r.path}?${new URLSearchParams(r.query)} ${r.status}`,
    );
    if (seen.length !== 3 || new Set(seen).size !== 1)
      throw new Error(`${label}: the clients sent different requests: ${seen.join(' | ')}`);

    const sides = Object.fromEntries(
      Object.entries(calls).map(([name, call]) => [
        name,
        {
          run: async (ops) => {
            for (let i = 0; i < ops; i++) await call();
          },
        },
      ]),
    );
    const result = await compare({ sides, rounds: ROUNDS, ops: PER_ROUND, warmUp: 100 });
    const perSecond = (name) => summarize(result.sides[name].wallMs.map((ms) => 1000 / ms));
    for (const [base, baseLabel, target] of [
      ['fetch', 'bare fetch', '>= 0.90x'],
      ['sdk', 'openai 6.49.0 SDK', null],
    ]) {
      record({
        name: `images.generate, ${label}, 1 at a time, emulator in its own process: core vs ${baseLabel}`,
        unit: 'req/s',
        value: perSecond('core'),
        baseline: { name: baseLabel, value: perSecond(base) },
        ratio: result.ratio(base, 'core', 'wall'),
        ratioMeans: 'throughput / baseline',
        cpu: { value: result.summary('core', 'cpu'), baseline: result.summary(base, 'cpu'), of: 'client' },
        target,
      });
    }
  }
} finally {
  await stopAll();
}
record.print();
