/**
 * Text to speech over real HTTP: every format decodes with ffprobe at the documented length (words
 * at SPEECH_WORDS_PER_SECOND, times the speed), bad input gets Azure's 400 naming the field, and
 * the emulator's transcription of its own speech gives the original text back.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readSpeechText, sampleWav, speechSeconds, SPEECH_WORDS_PER_SECOND } from '../src/index.js';
import { blob, useHarness, type Call } from './support.js';

const run = promisify(execFile);
/** The README's tolerance between ffprobe's length and the formula. */
const TOLERANCE_S = 0.1;

const V1 = '/openai/v1/audio/speech';
const deploymentPath = (d: string, v = '2025-04-01-preview') =>
  `/openai/deployments/${d}/audio/speech?api-version=${v}`;
const TEXT = 'Voice-overs for generated videos, read at an even pace.';

interface Probe {
  format: string;
  codec: string;
  sampleRate: number;
  channels: number;
  /** ffprobe's duration; for ADTS AAC (no length in the file) counted from its frames. */
  duration: number;
  comment?: string;
}

/** What ffprobe (which must be installed) reads from the bytes. */
async function probe(bytes: Uint8Array, format: string): Promise<Probe> {
  const dir = await mkdtemp(join(tmpdir(), 'emu-speech-'));
  try {
    const file = join(dir, `speech.${format}`);
    await writeFile(file, bytes);
    const raw = format === 'pcm' ? ['-f', 's16le', '-ar', '24000', '-ac', '1'] : [];
    const { stdout } = await run('ffprobe', [
      '-v',
      'error',
      ...raw,
      '-count_packets',
      '-show_entries',
      'format=format_name,duration:format_tags=comment:stream=codec_name,sample_rate,channels,nb_read_packets:stream_tags=comment',
      '-of',
      'json',
      file,
    ]);
    const info = JSON.parse(stdout) as {
      format: { format_name: string; duration: string; tags?: Record<string, string> };
      streams: {
        codec_name: string;
        sample_rate: string;
        channels: number;
        nb_read_packets: string;
        tags?: Record<string, string>;
      }[];
    };
    const stream = info.streams[0]!;
    const sampleRate = Number(stream.sample_rate);
    const tags = { ...info.format.tags, ...stream.tags };
    const comment = tags.comment ?? tags.COMMENT;
    return {
      format: info.format.format_name,
      codec: stream.codec_name,
      sampleRate,
      channels: stream.channels,
      duration:
        format === 'aac'
          ? (Number(stream.nb_read_packets) * 1024) / sampleRate
          : Number(info.format.duration),
      ...(comment !== undefined ? { comment } : {}),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** ffprobe's container name and codec for each format. */
const EXPECTED: Record<string, { format: string; codec: string }> = {
  mp3: { format: 'mp3', codec: 'mp3' },
  opus: { format: 'ogg', codec: 'opus' },
  aac: { format: 'aac', codec: 'aac' },
  flac: { format: 'flac', codec: 'flac' },
  wav: { format: 'wav', codec: 'pcm_s16le' },
  pcm: { format: 's16le', codec: 'pcm_s16le' },
};

function expectAzureError(r: Call, param: string, code: string): void {
  expect(r.status).toBe(400);
  expect(r.json.error).toMatchObject({ code, param });
  expect(r.json.error.message).toContain(param);
}

describe('text to speech', () => {
  const h = useHarness();

  it.each(Object.keys(EXPECTED))('%s: real audio of the documented length', async (format) => {
    const r = await h.post(V1, {
      model: 'gpt-4o-mini-tts',
      input: TEXT,
      voice: 'coral',
      response_format: format,
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/octet-stream');
    expect(r.headers.get('content-length')).toBeNull(); // streamed, as Azure streams speech
    const p = await probe(r.bytes, format);
    expect({ format: p.format, codec: p.codec }).toEqual(EXPECTED[format]);
    expect(p.channels).toBe(1);
    if (format !== 'opus') expect(p.sampleRate).toBe(24_000); // Opus decodes at 48 kHz
    expect(Math.abs(p.duration - speechSeconds(TEXT))).toBeLessThanOrEqual(TOLERANCE_S);
    if (format === 'pcm') {
      expect(r.bytes.length).toBe(Math.round(speechSeconds(TEXT) * 24_000) * 2);
      expect(readSpeechText(r.bytes)).toBeUndefined();
    } else {
      expect(p.comment).toMatch(/^aoai-emulator-speech:/);
      expect(readSpeechText(r.bytes)).toBe(TEXT);
    }
  });

  it('length follows the words and the speed', async () => {
    const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i}`).join(' ');
    const lengths: number[] = [];
    for (const [input, speed] of [
      [words(10), 1],
      [words(20), 1],
      [words(20), 2],
      [words(20), 0.25],
    ] as const) {
      const r = await h.post(deploymentPath('tts'), { input, voice: 'alloy', response_format: 'wav', speed });
      lengths.push((await probe(r.bytes, 'wav')).duration);
    }
    expect(lengths).toEqual([10 / SPEECH_WORDS_PER_SECOND, 20 / SPEECH_WORDS_PER_SECOND, 4, 32]);
    // A long run without spaces still takes time: one word per 12 characters.
    expect(speechSeconds('x'.repeat(120))).toBe(10 / SPEECH_WORDS_PER_SECOND);
  });

  it('both URL styles, JSON or multipart; the same request gives the same bytes', async () => {
    const v1 = await h.post(V1, { model: 'tts-hd', input: TEXT, voice: 'nova' });
    const form = new FormData();
    for (const [k, v] of Object.entries({ input: TEXT, voice: 'nova', speed: '1' })) form.append(k, v);
    const multipart = await h.form(deploymentPath('tts-hd'), form);
    expect(v1.status).toBe(200);
    expect(multipart.status).toBe(200);
    expect(Buffer.from(multipart.bytes).equals(Buffer.from(v1.bytes))).toBe(true);
    expect((await probe(v1.bytes, 'mp3')).format).toBe('mp3'); // mp3 when no format is named
    const log = h.emu.admin.requests({ operation: 'audio.speech' });
    expect(log.map((e) => [e.deployment, e.status])).toEqual([
      ['tts-hd', 200],
      ['tts-hd', 200],
    ]);
    expect(h.emu.admin.counters().speechGenerated).toEqual({ 'tts-hd': 2 });
  });

  it('refuses what Azure refuses, naming the field', async () => {
    expectAzureError(await h.post(V1, { model: 'tts', input: TEXT, voice: 'ash' }), 'voice', 'invalid_value');
    expectAzureError(
      await h.post(V1, { model: 'tts', input: TEXT, voice: 'alloy', speed: 4.5 }),
      'speed',
      'invalid_value',
    );
    expectAzureError(
      await h.post(V1, { model: 'tts', input: TEXT, voice: 'alloy', response_format: 'ogg' }),
      'response_format',
      'invalid_value',
    );
    expectAzureError(
      await h.post(V1, { model: 'tts', input: TEXT, voice: 'alloy', instructions: 'Whisper.' }),
      'instructions',
      'unknown_parameter',
    );
    expectAzureError(
      await h.post(V1, { model: 'tts', input: 'a'.repeat(4097), voice: 'alloy' }),
      'input',
      'string_above_max_length',
    );
    expectAzureError(
      await h.post(V1, { model: 'tts', voice: 'alloy' }),
      'input',
      'missing_required_parameter',
    );
    expectAzureError(await h.post(V1, { model: 'tts', input: TEXT }), 'voice', 'missing_required_parameter');
    expectAzureError(
      await h.post(V1, { model: 'tts', input: TEXT, voice: { id: 'voice_1' } }),
      'voice',
      'invalid_value',
    );
    expectAzureError(
      await h.post(V1, { input: TEXT, voice: 'alloy' }),
      'model',
      'missing_required_parameter',
    );
    const v1 = await h.post(V1, { model: 'tts', input: TEXT, voice: 'ash' });
    expect(v1.json.error.type).toBe('error'); // the v1 spec's error type
    const dated = await h.post(deploymentPath('tts'), { input: TEXT, voice: 'ash' });
    expect(dated.json.error.type).toBe('invalid_request_error');
    const wrong = await h.post(deploymentPath('whisper'), { input: TEXT, voice: 'alloy' });
    expect(wrong.status).toBe(400);
    expect(wrong.json.error.code).toBe('OperationNotSupported');
    expect((await h.post(deploymentPath('nope'), { input: TEXT, voice: 'alloy' })).status).toBe(404);
    // Nothing was made for any of them.
    expect(h.emu.admin.counters().speechGenerated).toEqual({});
  });

  it('accepts what Azure might: 4096 characters counted as characters, every voice a source lists', async () => {
    const emoji = await h.post(V1, {
      model: 'gpt-4o-mini-tts',
      input: '🙂'.repeat(4096),
      voice: 'alloy',
      response_format: 'pcm',
    });
    expect(emoji.status).toBe(200);
    const marin = await h.post(V1, {
      model: 'gpt-4o-mini-tts',
      input: 'hi',
      voice: 'marin',
      instructions: 'Warm and slow.',
      response_format: 'pcm',
    });
    expect(marin.status).toBe(200);
  });

  describe('speak, then transcribe: the same text', () => {
    const transcribe = (bytes: Uint8Array, name: string, fields: Record<string, string> = {}) => {
      const form = new FormData();
      form.append('file', blob(bytes, 'application/octet-stream'), name);
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      return h.form('/openai/deployments/whisper/audio/transcriptions?api-version=2024-10-21', form);
    };

    it.each([
      ['mp3', 'speech.mp3'],
      ['opus', 'speech.ogg'],
      ['flac', 'speech.flac'],
      ['wav', 'speech.wav'],
    ])('%s', async (format, name) => {
      const spoken = await h.post(V1, {
        model: 'tts',
        input: TEXT,
        voice: 'echo',
        response_format: format,
        speed: 1.5,
      });
      const json = await transcribe(spoken.bytes, name);
      expect(json.json.text).toBe(TEXT);
      const verbose = await transcribe(spoken.bytes, name, {
        response_format: 'verbose_json',
        'timestamp_granularities[]': 'word',
      });
      expect(verbose.json.text).toBe(TEXT);
      expect(verbose.json.words.map((w: { word: string }) => w.word).join(' ')).toBe(TEXT);
      expect(Math.abs(verbose.json.duration - speechSeconds(TEXT, 1.5))).toBeLessThanOrEqual(TOLERANCE_S);
      expect(verbose.json.words.at(-1).end).toBeCloseTo(verbose.json.duration, 2);
    });

    it('other audio still gets the fixed words', async () => {
      const r = await transcribe(sampleWav(2), 'tone.wav');
      expect(r.json.text).not.toBe(TEXT);
      expect(r.json.text.length).toBeGreaterThan(0);
    });
  });
});
