/* global Buffer */
// A 25 MB transcription (a WAV just under Azure's 25 MiB limit) through the service next to the same
// upload sent straight to the emulator, in interleaved rounds: the time ratio, and the growth of the
// service's peak resident memory during its rounds (the kernel's peak mark is reset before each),
// set against the bytes in flight, for 1 upload and for 4 at once. Before each measured round the
// service collects its garbage, so the reading starts from a settled heap.
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

export async function audioBench(record, stack, { rounds }) {
  const [service] = stack.services;
  const upload = multipart(
    { model: 'whisper', response_format: 'json' },
    { filename: 'speech.wav', contentType: 'audio/wav', bytes: wav(FILE_BYTES) },
  );
  const targets = {
    direct: {
      url: `${stack.emulator.url}/openai/v1/audio/transcriptions?api-version=preview`,
      headers: { 'api-key': EMULATOR_KEY, 'content-type': upload.contentType },
    },
    service: {
      url: `${service.url}/openai/v1/audio/transcriptions`,
      headers: { 'api-key': KEY, 'content-type': upload.contentType },
    },
  };
  for (const inFlight of [1, 4]) {
    const growth = [];
    const sides = {};
    for (const [name, t] of Object.entries(targets)) {
      const agent = pool(inFlight);
      sides[name] = {
        cpu: name === 'service' ? service.cpuMicros : stack.emulator.cpuMicros,
        run: async (ops, round) => {
          const measured = name === 'service' && round >= 0;
          if (measured) {
            // From a settled heap: what earlier rounds left behind is neither counted nor reused.
            if (!(await service.collectGarbage())) throw new Error('the service runs without --expose-gc');
            service.resetPeakRss();
          }
          const before = measured ? service.rssBytes() : 0;
          await inParallel(ops, inFlight, () => ok(agent, t.url, { headers: t.headers, body: upload.body }));
          if (measured) growth.push(service.peakRssBytes() - before);
        },
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
    const inFlightMb = (FILE_BYTES * inFlight) / MB;
    record({
      name: `${label}: service peak RSS growth vs bytes in flight`,
      unit: 'MB',
      value: summarize(growth.map((b) => b / MB)),
      baseline: { name: 'bytes in flight', value: exact(inFlightMb) },
      ratio: summarize(growth.map((b) => b / MB / inFlightMb)),
      ratioMeans: 'growth / bytes in flight',
      target: '<= 1.5x',
    });
  }
}
