/**
 * Text to speech end to end over real HTTP: core's client and the official `openai` SDK against
 * the emulator. Every format is checked with ffprobe (container, codec, length within the
 * emulator's documented 0.1 s), bad input is refused by core before anything reaches "Azure", what
 * the emulator's request log counts when answers go wrong, and speech -> transcription gives the
 * same text.
 */
import OpenAI, { AzureOpenAI } from 'openai';
import { describe, expect, it } from 'vitest';
import {
  BadRequestError,
  ConnectionError,
  MaybeProcessedError,
  ValidationError,
  type SpeechFormat,
} from '@aoai-media/core';
import { readSpeechText, speechSeconds } from '@aoai-media/emulator';
import { probeAudio, readAll, useHarness } from './harness.js';

// A day when all three speech models are current, so no lifecycle warning is expected.
const h = useHarness({ startTime: '2026-09-01T00:00:00Z' });

const TOLERANCE_S = 0.1;
const TEXT = 'Spoken summaries make long reports easy to follow on the move.';
const CONTAINERS: Record<SpeechFormat, { format: string; codec: string }> = {
  mp3: { format: 'mp3', codec: 'mp3' },
  opus: { format: 'ogg', codec: 'opus' },
  aac: { format: 'aac', codec: 'aac' },
  flac: { format: 'flac', codec: 'flac' },
  wav: { format: 'wav', codec: 'pcm_s16le' },
  pcm: { format: 's16le', codec: 'pcm_s16le' },
};

const speechRequests = () => h.emu.admin.requests({ operation: 'audio.speech' });

describe('core: audio.speech against the emulator', () => {
  it.each(Object.keys(CONTAINERS) as SpeechFormat[])(
    '%s: decodable audio of the documented length, with its MIME type',
    async (format) => {
      const speech = await h.client().audio.speech({
        model: 'gpt-4o-mini-tts',
        input: TEXT,
        voice: 'sage',
        response_format: format,
        speed: 1.25,
        instructions: 'Bright and clear.',
      });
      const probe = await probeAudio(speech.bytes, format);
      expect({ format: probe.format, codec: probe.codec }).toEqual(CONTAINERS[format]);
      expect(Math.abs(probe.duration - speechSeconds(TEXT, 1.25))).toBeLessThanOrEqual(TOLERANCE_S);
      expect(speech.mimeType).toBe(
        {
          mp3: 'audio/mpeg',
          opus: 'audio/ogg',
          aac: 'audio/aac',
          flac: 'audio/flac',
          wav: 'audio/wav',
          pcm: 'audio/pcm',
        }[format],
      );
      expect(speech.extension).toBe(format);
      // sage is a voice only OpenAI documents for gpt-4o-mini-tts: sent, with a warning.
      expect(speech.warnings.map((w) => w.code)).toEqual(['disputed']);
      expect(speech.requestId).toMatch(/^[0-9a-f-]{36}$/);
    },
  );

  it('both URL styles', async () => {
    await h.client().audio.speech({ model: 'tts', input: TEXT, voice: 'alloy' });
    await h
      .client({ apiVersion: '2025-04-01-preview' })
      .audio.speech({ model: 'tts', input: TEXT, voice: 'alloy' });
    expect(speechRequests().map((e) => [e.path, e.query['api-version'], e.fields?.model])).toEqual([
      ['/openai/v1/audio/speech', undefined, 'tts'],
      ['/openai/deployments/tts/audio/speech', '2025-04-01-preview', undefined],
    ]);
  });

  it('a long text as a stream', async () => {
    const input = Array.from({ length: 600 }, (_, i) => `w${i % 100}`).join(' ');
    const speech = await h
      .client()
      .audio.speechStream({ model: 'tts-hd', input, voice: 'onyx', response_format: 'wav' });
    expect(speech).toMatchObject({ format: 'wav', mimeType: 'audio/wav', extension: 'wav' });
    const bytes = await readAll(speech.stream);
    expect(bytes.length).toBeGreaterThan(10 * 1024 * 1024); // 4 minutes of 24 kHz 16-bit audio
    expect((await probeAudio(bytes, 'wav')).duration).toBe(speechSeconds(input));
  });

  it('bad input is refused before anything is sent, naming the field, the value and what is allowed', async () => {
    const error = await h
      .client()
      .audio.speech({ model: 'tts', input: 'x'.repeat(4097), voice: 'ash', speed: 5, instructions: 'Loud.' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual([
      'voice',
      'input',
      'speed',
      'instructions',
    ]);
    expect((error as ValidationError).message).toContain(
      'voice "ash" is not supported by tts; use alloy, echo, fable, onyx, nova or shimmer',
    );
    expect(speechRequests()).toHaveLength(0);
  });

  it("with validation off, the emulator's own 400 names the field", async () => {
    const error = await h
      .client({ validation: 'off' })
      .audio.speech({ model: 'tts', input: TEXT, voice: 'ash' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ status: 400, param: 'voice', code: 'invalid_value' });
    expect(speechRequests()).toHaveLength(1);
  });
});

describe('what reaches "Azure" when the answer goes wrong', () => {
  it('429 is retried: two requests, one speech', async () => {
    h.emu.admin.fault({ kind: 'status', status: 429, match: { operation: 'audio.speech' } });
    const speech = await h
      .client()
      .audio.speech({ model: 'tts', input: TEXT, voice: 'echo', response_format: 'wav' });
    expect(readSpeechText(speech.bytes)).toBe(TEXT);
    expect(speechRequests().map((e) => e.status)).toEqual([429, 200]);
  });

  it('500 may have made the speech: MaybeProcessedError, sent once', async () => {
    h.emu.admin.fault({ kind: 'status', status: 500, match: { operation: 'audio.speech' } });
    const error = await h
      .client()
      .audio.speech({ model: 'tts', input: TEXT, voice: 'echo' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MaybeProcessedError);
    expect(speechRequests()).toHaveLength(1);
  });

  it('an answer cut short: MaybeProcessedError, sent once; as a stream, ConnectionError while reading', async () => {
    h.emu.admin.fault({ kind: 'truncate', truncateAt: 1000, count: 2, match: { operation: 'audio.speech' } });
    const error = await h
      .client()
      .audio.speech({ model: 'tts', input: TEXT, voice: 'echo', response_format: 'wav' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MaybeProcessedError);
    expect((error as Error).cause).toBeInstanceOf(ConnectionError);
    expect(speechRequests()).toHaveLength(1);

    const speech = await h
      .client()
      .audio.speechStream({ model: 'tts', input: TEXT, voice: 'echo', response_format: 'wav' });
    const read = await readAll(speech.stream).catch((e: unknown) => e);
    expect(read).toBeInstanceOf(ConnectionError);
    expect(speechRequests()).toHaveLength(2);
  });

  it('a connection reset: MaybeProcessedError, sent once', async () => {
    h.emu.admin.fault({ kind: 'reset', match: { operation: 'audio.speech' } });
    const error = await h
      .client()
      .audio.speech({ model: 'tts', input: TEXT, voice: 'echo' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MaybeProcessedError);
    expect(speechRequests()).toHaveLength(1);
  });
});

describe('speak, then transcribe: the same text', () => {
  it.each([
    ['mp3', 'whisper'],
    ['opus', 'gpt-4o-mini-transcribe'],
    ['flac', 'gpt-4o-transcribe-diarize'],
    ['wav', 'whisper'],
  ] as const)('%s, transcribed by %s', async (format, transcriber) => {
    const client = h.client();
    const speech = await client.audio.speech({
      model: 'tts-hd',
      input: TEXT,
      voice: 'fable',
      response_format: format,
    });
    // Bytes alone: core names the upload from what they are (an Ogg file for opus).
    const transcript = await client.audio.transcribe({ model: transcriber, file: speech.bytes });
    expect(transcript.text).toBe(TEXT);
  });

  it('timed words cover the audio', async () => {
    const client = h.client();
    const speech = await client.audio.speech({
      model: 'tts',
      input: TEXT,
      voice: 'nova',
      response_format: 'flac',
      speed: 2,
    });
    const verbose = await client.audio.transcribe({
      model: 'whisper',
      file: { data: speech.bytes, filename: `summary.${speech.extension}` },
      response_format: 'verbose_json',
      timestamp_granularities: ['word'],
    });
    expect(verbose.words!.map((w) => w.word).join(' ')).toBe(TEXT);
    expect(verbose.duration).toBe(speechSeconds(TEXT, 2));
    expect(verbose.words!.at(-1)!.end).toBe(verbose.duration);
  });
});

describe('the official openai SDK: audio.speech.create', () => {
  it('AzureOpenAI with a deployment (deployment path)', async () => {
    const sdk = new AzureOpenAI({
      endpoint: h.emu.url,
      apiKey: h.emu.apiKey,
      apiVersion: '2025-04-01-preview',
      deployment: 'tts-hd',
    });
    const answer = await sdk.audio.speech.create({
      model: 'tts-hd',
      input: TEXT,
      voice: 'shimmer',
      response_format: 'flac',
    });
    const bytes = new Uint8Array(await answer.arrayBuffer());
    expect((await probeAudio(bytes, 'flac')).duration).toBe(speechSeconds(TEXT));
    expect(readSpeechText(bytes)).toBe(TEXT);
    const [logged] = speechRequests();
    expect(logged).toMatchObject({
      path: '/openai/deployments/tts-hd/audio/speech',
      status: 200,
      auth: 'api-key',
    });
  });

  it('OpenAI with baseURL <emulator>/openai/v1 (v1 path)', async () => {
    const sdk = new OpenAI({
      baseURL: `${h.emu.url}/openai/v1`,
      apiKey: h.emu.apiKey,
      defaultQuery: { 'api-version': 'preview' },
    });
    const answer = await sdk.audio.speech.create({
      model: 'gpt-4o-mini-tts',
      input: TEXT,
      voice: 'coral',
      instructions: 'Calm.',
      response_format: 'mp3',
      speed: 0.5,
    });
    const bytes = new Uint8Array(await answer.arrayBuffer());
    const probe = await probeAudio(bytes, 'mp3');
    expect(probe.codec).toBe('mp3');
    expect(Math.abs(probe.duration - speechSeconds(TEXT, 0.5))).toBeLessThanOrEqual(TOLERANCE_S);
    const [logged] = speechRequests();
    expect(logged).toMatchObject({
      path: '/openai/v1/audio/speech',
      query: { 'api-version': 'preview' },
      deployment: 'gpt-4o-mini-tts',
      status: 200,
      auth: 'bearer',
    });
  });

  it("the SDK sees Azure's error shape for bad input", async () => {
    const sdk = new OpenAI({ baseURL: `${h.emu.url}/openai/v1`, apiKey: h.emu.apiKey });
    const error = await sdk.audio.speech
      .create({ model: 'tts', input: TEXT, voice: 'ash' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, param: 'voice', code: 'invalid_value' });
  });
});
