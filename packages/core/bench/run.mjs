/* global Buffer, Response, process, URL */
// Benchmarks for @aoai-media/core, against the built package (dist/). Every comparison runs its
// sides in interleaved rounds (see @aoai-media/bench); servers run in their own process. Rows:
// validation speed; images.generate round trips next to a bare fetch (with and without a per-call
// AbortSignal) and the openai SDK, on Node 20 and 24 (roundtrips.mjs); core's own cost per call with
// no network; the portable base64 fallback next to Buffer; 200 MB downloads next to curl and plain
// node:http pipes (downloads.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compare, recorder, startNode, stopAll, summarize } from '@aoai-media/bench';
import { AzureOpenAIMedia, decodeBase64Portable, getModel, validate } from '../dist/index.js';
import { downloadBench } from './downloads.mjs';
import { IMAGE_ANSWER, IMAGE_BYTES, IMAGE_REQUEST, KEY } from './fixtures.mjs';
import { roundTripBench } from './roundtrips.mjs';

const record = recorder('@aoai-media/core');
const ROUNDS = Number(process.env.AOAI_BENCH_ROUNDS ?? 30);
const node24 = fileURLToPath(new URL('../../../tools/node24/node_modules/node/bin/node', import.meta.url));

// 1. Validation: calls per second of CPU, no baseline (there is no other validator to compare with).
{
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
  const bad = { model: 'img', prompt: 'x', n: 11, size: '512x512', style: 'bold', quality: 'ultra' };
  const model = getModel('gpt-image-2');
  const cases = {
    'valid gpt-image-2 request': [good, model],
    [`invalid gpt-image-2 request (${validate.imageGenerate(bad, model).length} issues)`]: [bad, model],
  };
  let issues = 0;
  const sides = Object.fromEntries(
    Object.entries(cases).map(([label, [request, model]]) => [
      label,
      {
        run: (ops) => {
          for (let i = 0; i < ops; i++) issues += validate.imageGenerate(request, model).length;
        },
      },
    ]),
  );
  const result = await compare({ sides, rounds: ROUNDS, ops: 20_000, warmUp: 10_000 });
  for (const label of Object.keys(cases)) {
    record({
      name: `validate.imageGenerate, ${label}`,
      unit: 'calls/CPU-s',
      value: summarize(result.sides[label].cpuUs.map((us) => 1e6 / us)),
    });
  }
  if (issues === 0) throw new Error('the invalid request produced no issues');
}

// 2. Round trips against a stub server in its own process (roundtrips.mjs), on this Node and on 24.
const server = await startNode(fileURLToPath(new URL('./server.mjs', import.meta.url)));
try {
  await roundTripBench(record, server.url);
  if (existsSync(node24)) {
    // The same round trips on Node 24 (its fetch charges nothing extra for a signal), in a process
    // of its own; its rows go to the same table.
    const child = spawnSync(
      node24,
      [fileURLToPath(new URL('./roundtrips.mjs', import.meta.url)), server.url],
      {
        stdio: 'inherit',
      },
    );
    if (child.status !== 0) throw new Error(`the Node 24 round trips exited ${child.status}`);
  } else {
    record.skip('images.generate round trips on Node 24', 'Node 24 is missing from tools/node24');
  }

  // 3. Core's own cost, no network: an injected fetch that answers at once, next to parsing and
  // decoding the same answer by hand.
  const check = (n) => {
    if (n !== IMAGE_BYTES) throw new Error(`decoded ${n} bytes, expected ${IMAGE_BYTES}`);
  };
  const sequential = (call) => async (ops) => {
    for (let i = 0; i < ops; i++) await call();
  };
  const offline = new AzureOpenAIMedia({
    endpoint: server.url,
    auth: { apiKey: KEY },
    fetch: async () =>
      new Response(IMAGE_ANSWER, { status: 200, headers: { 'content-type': 'application/json' } }),
  });
  const own = await compare({
    sides: {
      core: {
        run: sequential(async () =>
          check((await offline.images.generate(IMAGE_REQUEST)).images[0].bytes.length),
        ),
      },
      parse: {
        run: sequential(async () => {
          const body = await new Response(IMAGE_ANSWER, { status: 200 }).json();
          check(Buffer.from(body.data[0].b64_json, 'base64').length);
        }),
      },
    },
    rounds: ROUNDS,
    ops: 500,
    warmUp: 1000,
  });
  record({
    name: 'images.generate with an injected fetch answering at once: CPU per call',
    unit: 'us',
    value: own.summary('core', 'cpu'),
    baseline: {
      name: 'Response.json() + Buffer.from of the same answer',
      value: own.summary('parse', 'cpu'),
    },
    ratio: own.ratio('core', 'parse', 'cpu'),
    ratioMeans: 'CPU / baseline CPU',
  });

  // 4. The portable base64 decoder (runtimes without Buffer) next to Buffer.from.
  {
    const b64 = Buffer.alloc(4 * 1024 * 1024, 7).toString('base64');
    const decode = (fn) => (ops) => {
      for (let i = 0; i < ops; i++) if (fn(b64).length !== 4 * 1024 * 1024) throw new Error('wrong length');
    };
    const result = await compare({
      sides: {
        portable: { run: decode(decodeBase64Portable) },
        buffer: { run: decode((s) => Buffer.from(s, 'base64')) },
      },
      rounds: 9,
      ops: 2,
      warmUp: 2,
    });
    record({
      name: 'decodeBase64Portable (no Buffer), 4 MB b64_json: CPU per decode',
      unit: 'ms',
      value: summarize(result.sides.portable.cpuUs.map((us) => us / 1000)),
      baseline: {
        name: 'Buffer.from(s, "base64")',
        value: summarize(result.sides.buffer.cpuUs.map((us) => us / 1000)),
      },
      ratio: result.ratio('portable', 'buffer', 'cpu'),
      ratioMeans: 'CPU / baseline CPU',
    });
  }

  // 5. 200 MB downloads (child processes, see downloads.mjs).
  await downloadBench(record, server);
} finally {
  await stopAll();
}
record.print();
