/* global Buffer, process, URL */
// The emulator's image fast path next to a canned-bytes floor: a bare node:http server that answers
// the emulator's own answer, byte for byte, to every request. The floor does nothing an emulator must
// do (parse, validate, log, render), so it shows the most any server could do on this machine, not a
// target. Each server runs in its own process; the load generator (this process) sends
// AOAI_BENCH_CONCURRENCY requests at a time over keep-alive connections, alternating servers round by
// round; each server's CPU per request comes from the server process itself.
//
// Then text to speech, one request at a time, a new 12-word sentence each time (4.8 s of audio, so
// nothing is served from the emulator's cache): per format, the time of one answer next to the part
// no emulator can avoid. For mp3, opus and aac that is a bare ffmpeg turning the same number of
// samples into the same format through pipes, as the emulator does; for wav, flac and pcm, which the
// emulator writes itself, the canned-bytes floor answering the same bytes.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compare, inParallel, recorder, startNode, stopAll, summarize } from '@aoai-media/bench';

const ROUNDS = Number(process.env.AOAI_BENCH_ROUNDS ?? 12);
const PER_ROUND = Number(process.env.AOAI_BENCH_REQUESTS ?? 600);
const CONCURRENCY = Number(process.env.AOAI_BENCH_CONCURRENCY ?? 32);
const server = fileURLToPath(new URL('./server.mjs', import.meta.url));
const record = recorder('@aoai-media/emulator');
const path = '/openai/v1/images/generations?api-version=preview';
const SPEECH_ROUNDS = Number(process.env.AOAI_BENCH_SPEECH_ROUNDS ?? 9);
const SPEECH_PER_ROUND = Number(process.env.AOAI_BENCH_SPEECH_REQUESTS ?? 4);
const SPEECH_SECONDS = 4.8;
/** The emulator's own encoder settings (media/speech.ts), for the bare-ffmpeg side. */
const FFMPEG_ARGS = {
  mp3: ['-c:a', 'libmp3lame', '-b:a', '48k', '-f', 'mp3'],
  aac: ['-c:a', 'aac', '-b:a', '48k', '-f', 'adts'],
  opus: ['-c:a', 'libopus', '-b:a', '32k', '-f', 'opus'],
};

function post(agent, url, payload) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': payload.length,
          'api-key': 'emulator-key',
        },
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

const cases = [
  [
    'gpt-image-1-mini 1024x1024 jpeg',
    {
      model: 'gpt-image-1-mini',
      prompt: 'a small lighthouse',
      size: '1024x1024',
      quality: 'low',
      output_format: 'jpeg',
      output_compression: 60,
    },
  ],
  [
    'gpt-image-2 1536x1024 webp, 4 images',
    { model: 'gpt-image-2', prompt: 'a small lighthouse', size: '1536x1024', n: 4, output_format: 'webp' },
  ],
  [
    'gpt-image-2 1024x1024 png',
    { model: 'gpt-image-2', prompt: 'a small lighthouse', size: '1024x1024', quality: 'low' },
  ],
];

/** ffmpeg encoding `seconds` of 24 kHz 16-bit mono samples into a format, stdin to stdout. */
function bareFfmpeg(format, seconds) {
  const samples = Buffer.alloc(Math.round(seconds * 24_000) * 2, 1);
  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-f', 's16le', '-ar', '24000', '-ac', '1'];
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', [...args, '-i', 'pipe:0', ...FFMPEG_ARGS[format], 'pipe:1'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    child.stdout.resume();
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited with ${code}`))));
    child.stdin.end(samples);
  });
}

let sentence = 0;
/** A request for a sentence of 12 words the emulator has not spoken before. */
function speechPayload(format) {
  const input = `Request ${sentence++} of the ${format} benchmark reads one sentence of twelve words.`;
  return Buffer.from(JSON.stringify({ model: 'tts', input, voice: 'alloy', response_format: format }));
}

async function speech(emu, dir) {
  const url = `${emu.url}/openai/v1/audio/speech`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1, timeout: 2000 });
  const emulatorSide = (format) => ({
    run: async (ops) => {
      for (let i = 0; i < ops; i++) await post(agent, url, speechPayload(format));
    },
  });
  for (const format of ['wav', 'flac', 'pcm', 'mp3', 'opus', 'aac']) {
    let canned;
    let baseline;
    if (FFMPEG_ARGS[format]) {
      baseline = {
        name: 'bare ffmpeg, same samples and format',
        side: {
          run: async (ops) => {
            for (let i = 0; i < ops; i++) await bareFfmpeg(format, SPEECH_SECONDS);
          },
        },
      };
    } else {
      const answerFile = join(dir, `speech.${format}`);
      writeFileSync(answerFile, await post(agent, url, speechPayload(format)));
      canned = await startNode(server, ['canned', answerFile]);
      baseline = {
        name: 'canned-bytes floor, same bytes',
        side: {
          run: async (ops) => {
            for (let i = 0; i < ops; i++) await post(agent, `${canned.url}/`, Buffer.from('{}'));
          },
        },
      };
    }
    const result = await compare({
      sides: { emulator: emulatorSide(format), baseline: baseline.side },
      rounds: SPEECH_ROUNDS,
      ops: SPEECH_PER_ROUND,
      warmUp: 1,
    });
    await canned?.stop();
    record({
      name: `speech ${format}, a new 12-word sentence (${SPEECH_SECONDS} s of audio) each time: time per answer`,
      unit: 'ms',
      value: result.summary('emulator', 'wall'),
      baseline: { name: baseline.name, value: result.summary('baseline', 'wall') },
      ratio: result.ratio('emulator', 'baseline', 'wall'),
      ratioMeans: 'time / baseline time',
    });
  }
  agent.destroy();
}

const dir = mkdtempSync(join(tmpdir(), 'aoai-bench-emulator-'));
try {
  const emu = await startNode(server, ['emulator']);
  for (const [label, request] of cases) {
    const payload = Buffer.from(JSON.stringify(request));
    const sample = await post(new http.Agent(), `${emu.url}${path}`, payload);
    const answerFile = join(dir, 'answer.json');
    writeFileSync(answerFile, sample);
    const canned = await startNode(server, ['canned', answerFile]);
    const side = (target) => {
      // Idle connections close before the servers' 5 s keep-alive timeout can close one under a request.
      const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY, timeout: 2000 });
      return {
        run: (ops) => inParallel(ops, CONCURRENCY, () => post(agent, `${target.url}${path}`, payload)),
        cpu: target.cpuMicros,
      };
    };
    const result = await compare({
      sides: { emulator: side(emu), canned: side(canned) },
      rounds: ROUNDS,
      ops: PER_ROUND,
      warmUp: 200,
    });
    await canned.stop();
    const perSecond = (name) => summarize(result.sides[name].wallMs.map((ms) => 1000 / ms));
    const perCpuSecond = (name) => summarize(result.sides[name].cpuUs.map((us) => 1e6 / us));
    const cpu = {
      value: result.summary('emulator', 'cpu'),
      baseline: result.summary('canned', 'cpu'),
      of: 'server',
    };
    record({
      name: `${label} (${sample.length} bytes), ${CONCURRENCY} at a time: throughput`,
      unit: 'req/s',
      value: perSecond('emulator'),
      baseline: { name: 'canned-bytes floor', value: perSecond('canned') },
      ratio: result.ratio('canned', 'emulator', 'wall'),
      ratioMeans: 'throughput / floor',
      cpu,
    });
    record({
      name: `${label} (${sample.length} bytes), ${CONCURRENCY} at a time: requests per server CPU-second`,
      unit: 'req/CPU-s',
      value: perCpuSecond('emulator'),
      baseline: { name: 'canned-bytes floor', value: perCpuSecond('canned') },
      ratio: result.ratio('canned', 'emulator', 'cpu'),
      ratioMeans: 'req per CPU-s / floor',
      cpu,
    });
  }
  await speech(emu, dir);
} finally {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
}
record.print();
