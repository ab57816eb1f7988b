/* global Buffer */
// A 25 MB transcription (a WAV just under Azure's 25 MiB limit) through the service next to the same
// upload sent straight to the emulator, in interleaved rounds: the time ratio, and the CPU per upload
// of the service next to the emulator's own. Memory is read on a fresh service instance per round
// (its own process, same Redis and storage): after one small transcription and a full garbage
// collection, the kernel's peak-RSS mark is reset, then 1 upload or 4 at once are sent, and the
// peak's growth is set against the bytes in flight. A long-lived process keeps what it once
// allocated and reuses it, which would hide the growth in every round after the first.
import { compare, exact, inParallel, summarize } from '@aoai-media/bench';
import { multipart, ok, pool } from './client.mjs';
import { EMULATOR_KEY, KEY } from './stack.mjs';

const MB = 1024 * 1024;
const FILE_BYTES = 25 * MB - 1024;

/** A 16 kHz mono 16-bit PCM WAV of `size` bytes with a noise-like signal. */
function wav(size) {
  const data = size - 44;
  const b = Buffer.alloc(size);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(size - 8, 4);
  b.write('WAVEfmt ', 8, 'ascii');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20); // PCM
  b.writeUInt16LE(1, 22); // mono
  b.writeUInt32LE(16_000, 24);
  b.writeUInt32LE(32_000, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(data, 40);
  let x = 1;
  for (let i = 44; i + 1 < size; i += 2) {
    x = (Math.imul(x, 1_103_515_245) + 12_345) | 0;
    b.writeInt16LE((x >> 16) & 0x3fff, i);
  }
  return b;
}

/** Peak RSS growth of a fresh service instance while it handles `inFlight` uploads at once. */
async function growthOnFreshInstance(stack, inFlight, upload, small) {
  const service = await stack.addService();
  try {
    const agent = pool(inFlight);
    const url = `${service.url}/openai/v1/audio/transcriptions`;
    const send = (u) =>
      ok(agent, url, { headers: { 'api-key': KEY, 'content-type': u.contentType }, body: u.body });
    await send(small); // load the code paths an upload takes
    if (!(await service.collectGarbage())) throw new Error('the service runs without --expose-gc');
    service.resetPeakRss();
    const before = service.rssBytes();
    await inParallel(inFlight, inFlight, () => send(upload));
    return service.peakRssBytes() - before;
  } finally {
    await service.stop();
    stack.services.splice(stack.services.indexOf(service), 1);
  }
}

export async function audioBench(record, stack, { rounds }) {
  const [service] = stack.services;
  const upload = multipart(
    { model: 'whisper', response_format: 'json' },
    { filename: 'speech.wav', contentType: 'audio/wav', bytes: wav(FILE_BYTES) },
  );
  const small = multipart(
    { model: 'whisper', response_format: 'json' },
    { filename: 'speech.wav', contentType: 'audio/wav', bytes: wav(64 * 1024) },
  );
  const targets = {
    direct: {
      url: `${stack.emulator.url}/openai/v1/audio/transcriptions?api-version=preview`,
      headers: { 'api-key': EMULATOR_KEY, 'content-type': upload.contentType },
      cpu: stack.emulator.cpuMicros,
    },
    service: {
      url: `${service.url}/openai/v1/audio/transcriptions`,
      headers: { 'api-key': KEY, 'content-type': upload.contentType },
      cpu: service.cpuMicros,
    },
  };
  for (const inFlight of [1, 4]) {
    const sides = {};
    for (const [name, t] of Object.entries(targets)) {
      const agent = pool(inFlight);
      sides[name] = {
        cpu: t.cpu,
        run: (ops) =>
          inParallel(ops, inFlight, () => ok(agent, t.url, { headers: t.headers, body: upload.body })),
      };
    }
    const result = await compare({
      sides,
      rounds: inFlight === 1 ? rounds : Math.ceil(rounds / 2),
      ops: inFlight,
      warmUp: inFlight,
    });
    const label = `transcription, 25 MB WAV, ${inFlight} in flight`;
    // Wall time per round: one upload, or a batch of four at once.
    const seconds = (name) => summarize(result.sides[name].wallMs.map((ms) => (ms * inFlight) / 1000));
    record({
      name: `${label}: time through the service vs direct`,
      unit: 's',
      value: seconds('service'),
      baseline: { name: 'emulator direct', value: seconds('direct') },
      ratio: result.ratio('service', 'direct', 'wall'),
      ratioMeans: 'time / direct',
      cpu: {
        value: summarize(result.sides.service.cpuUs.map((us) => us / 1000)),
        baseline: summarize(result.sides.direct.cpuUs.map((us) => us / 1000)),
        unit: 'ms/request',
        of: 'service vs emulator',
      },
      target: inFlight === 1 ? '<= 1.2x' : null,
    });
  }
  // Memory, on fresh instances, 1 and 4 in flight alternating which goes first.
  const growth = { 1: [], 4: [] };
  const memoryRounds = Math.max(3, Math.ceil(rounds / 2));
  for (let round = 0; round < memoryRounds; round++) {
    for (const inFlight of round % 2 === 0 ? [1, 4] : [4, 1]) {
      growth[inFlight].push(await growthOnFreshInstance(stack, inFlight, upload, small));
    }
  }
  for (const inFlight of [1, 4]) {
    const inFlightMb = (FILE_BYTES * inFlight) / MB;
    record({
      name: `transcription, 25 MB WAV, ${inFlight} in flight: peak RSS growth of a fresh service vs bytes in flight`,
      unit: 'MB',
      value: summarize(growth[inFlight].map((b) => b / MB)),
      baseline: { name: 'bytes in flight', value: exact(inFlightMb) },
      ratio: summarize(growth[inFlight].map((b) => b / MB / inFlightMb)),
      ratioMeans: 'growth / bytes in flight',
      target: '<= 1.5x',
    });
  }
}
