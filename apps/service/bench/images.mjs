/* global Buffer */
// Image generation through the service next to the same requests sent straight to the emulator, at
// 1, 8 and 32 in flight, in interleaved rounds. Rows: throughput, CPU per request (the service's
// process next to the emulator's own, which is what the service adds on a machine where the three
// processes share the cores), and at 1 in flight the p50 latency the service adds.
import { compare, inParallel, median, percentile, summarize } from '@aoai-media/bench';
import { ok, pool } from './client.mjs';
import { EMULATOR_KEY, KEY } from './stack.mjs';

const body = Buffer.from(
  JSON.stringify({
    model: 'gpt-image-2',
    prompt: 'a benchmark lighthouse',
    size: '1024x1024',
    quality: 'low',
  }),
);

export async function imageBench(record, stack, { rounds }) {
  const [service] = stack.services;
  const targets = {
    direct: {
      url: `${stack.emulator.url}/openai/v1/images/generations?api-version=preview`,
      headers: { 'api-key': EMULATOR_KEY, 'content-type': 'application/json' },
      cpu: stack.emulator.cpuMicros,
    },
    service: {
      url: `${service.url}/openai/v1/images/generations`,
      headers: { 'api-key': KEY, 'content-type': 'application/json' },
      cpu: service.cpuMicros,
    },
  };
  for (const concurrency of [1, 8, 32]) {
    const latencies = { direct: [], service: [] };
    const sides = {};
    for (const [name, t] of Object.entries(targets)) {
      const agent = pool(concurrency);
      sides[name] = {
        cpu: t.cpu,
        run: async (ops, round) => {
          const ms = [];
          await inParallel(ops, concurrency, async () => {
            ms.push((await ok(agent, t.url, { headers: t.headers, body })).ms);
          });
          if (round >= 0) latencies[name].push(ms);
        },
      };
    }
    const ops = concurrency === 1 ? 60 : concurrency * 10;
    const result = await compare({ sides, rounds, ops, warmUp: 40 });
    const perSecond = (name) => summarize(result.sides[name].wallMs.map((ms) => 1000 / ms));
    const cpu = {
      value: result.summary('service', 'cpu'),
      baseline: result.summary('direct', 'cpu'),
      of: 'server',
    };
    const label = `image generation, gpt-image-2 1024x1024, ${concurrency} in flight`;
    record({
      name: `${label}: throughput`,
      unit: 'req/s',
      value: perSecond('service'),
      baseline: { name: 'emulator direct', value: perSecond('direct') },
      ratio: result.ratio('direct', 'service', 'wall'),
      ratioMeans: 'throughput / direct',
      cpu,
    });
    record({
      name: `${label}: CPU per request, service process vs the emulator's own`,
      unit: 'us',
      value: result.summary('service', 'cpu'),
      baseline: { name: 'emulator, direct', value: result.summary('direct', 'cpu') },
      ratio: result.ratio('service', 'direct', 'cpu'),
      ratioMeans: 'CPU / emulator CPU',
      target: '<= 1.5x',
    });
    if (concurrency === 1) {
      const p = (name, q) => summarize(latencies[name].map((ms) => percentile(ms, q)));
      record({
        name: `${label}: p50 latency added by the service`,
        unit: 'ms',
        value: summarize(latencies.service.map((ms, i) => median(ms) - median(latencies.direct[i]))),
        baseline: { name: 'direct p50', value: p('direct', 50) },
        target: '< 1 ms',
      });
      record({
        name: `${label}: p99 latency`,
        unit: 'ms',
        value: p('service', 99),
        baseline: { name: 'direct p99', value: p('direct', 99) },
        ratio: summarize(
          latencies.service.map((ms, i) => percentile(ms, 99) / percentile(latencies.direct[i], 99)),
        ),
        ratioMeans: 'latency / direct',
      });
    }
  }
}
