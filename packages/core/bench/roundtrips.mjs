/* global Buffer, fetch, AbortController, process */
// images.generate round trips against the stub server (its own process), one at a time, in
// interleaved rounds: core; a bare fetch (no timeout, nothing can cancel it); the same bare fetch
// given a fresh AbortSignal per call, as every cancellable call needs (core gives fetch one whenever a
// timeout or the caller's signal can end the call); and the official openai SDK. Run from run.mjs on
// this Node, and as a script on another one:
//   node roundtrips.mjs <server url>     (rows labelled with that Node's version)
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { compare, recorder, summarize } from '@aoai-media/bench';
import { AzureOpenAIMedia } from '../dist/index.js';
import { IMAGE_BYTES, IMAGE_REQUEST, KEY } from './fixtures.mjs';

const ROUNDS = Number(process.env.AOAI_BENCH_ROUNDS ?? 30);
const perSecond = (msPerOp) => summarize(msPerOp.map((ms) => 1000 / ms));

export async function roundTripBench(record, serverUrl, { withSdk = true } = {}) {
  const version = process.version;
  const client = new AzureOpenAIMedia({ endpoint: serverUrl, auth: { apiKey: KEY } });
  const sdk = new OpenAI({
    baseURL: `${serverUrl}/openai/v1`,
    apiKey: KEY,
    defaultHeaders: { 'api-key': KEY },
  });
  const url = `${serverUrl}/openai/v1/images/generations`;
  const check = (n) => {
    if (n !== IMAGE_BYTES) throw new Error(`decoded ${n} bytes, expected ${IMAGE_BYTES}`);
  };
  const sequential = (call) => async (ops) => {
    for (let i = 0; i < ops; i++) await call();
  };
  const bareFetch = (signal) => async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'api-key': KEY, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(IMAGE_REQUEST),
      ...(signal ? { signal: signal() } : {}),
    });
    if (!response.ok) throw new Error(`status ${response.status}`);
    const body = await response.json();
    check(Buffer.from(body.data[0].b64_json, 'base64').length);
  };
  const sides = {
    core: {
      run: sequential(async () =>
        check((await client.images.generate(IMAGE_REQUEST)).images[0].bytes.length),
      ),
    },
    fetch: { run: sequential(bareFetch()) },
    fetchSignal: { run: sequential(bareFetch(() => new AbortController().signal)) },
  };
  if (withSdk) {
    sides.sdk = {
      run: sequential(async () =>
        check(Buffer.from((await sdk.images.generate(IMAGE_REQUEST)).data[0].b64_json, 'base64').length),
      ),
    };
  }
  const result = await compare({ sides, rounds: ROUNDS, ops: 50, warmUp: 200 });
  const cpu = (name) => result.summary(name, 'cpu');
  const baselines = [
    ['fetch', 'bare fetch', '>= 0.90x'],
    ['fetchSignal', 'bare fetch with a per-call AbortSignal', null],
  ];
  if (withSdk) baselines.push(['sdk', 'openai 6.49.0 SDK', null]);
  for (const [base, label, target] of baselines) {
    record({
      name: `images.generate, 1 at a time, stub server in its own process, ${version}: core vs ${label}`,
      unit: 'req/s',
      value: perSecond(result.sides.core.wallMs),
      baseline: { name: label, value: perSecond(result.sides[base].wallMs) },
      ratio: result.ratio(base, 'core', 'wall'),
      ratioMeans: 'throughput / baseline',
      cpu: { value: cpu('core'), baseline: cpu(base), of: 'client' },
      target,
    });
  }
  for (const [base, label] of [
    ['fetch', 'a bare fetch'],
    ['fetchSignal', 'a bare fetch with a per-call AbortSignal'],
  ]) {
    record({
      name: `images.generate, ${version}: client CPU per call beyond ${label} (same rounds)`,
      unit: 'us',
      value: summarize(result.sides.core.cpuUs.map((us, i) => us - result.sides[base].cpuUs[i])),
    });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const record = recorder('@aoai-media/core');
  await roundTripBench(record, process.argv[2], { withSdk: false });
  record.print();
}
