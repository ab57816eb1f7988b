import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AzureOpenAIMedia, ValidationError, validate, getModel } from '../src/index.js';
import { makeWav, TEST_NOW } from './fixtures.js';
import { startServer, json, type TestServer } from './server.js';

const VERBOSE = {
  task: 'transcribe',
  language: 'english',
  duration: 1.0,
  text: 'Hello there.',
  segments: [
    {
      id: 0,
      seek: 0,
      start: 0,
      end: 1,
      text: 'Hello there.',
      tokens: [1, 2],
      temperature: 0,
      avg_logprob: -0.2,
      compression_ratio: 1,
      no_speech_prob: 0.01,
    },
  ],
  words: [
    { word: 'Hello', start: 0, end: 0.4 },
    { word: 'there', start: 0.5, end: 0.9 },
  ],
};
const SRT = '1\n00:00:00,000 --> 00:00:01,000\nHello there.\n\n';

let server: TestServer;
beforeAll(async () => {
  server = await startServer(async (req, res) => {
    const form = await new Response(new Uint8Array(req.body), {
      headers: { 'content-type': String(req.headers['content-type']) },
    }).formData();
    const format = (form.get('response_format') as string | null) ?? 'json';
    if (format === 'verbose_json') return json(res, 200, VERBOSE);
    if (format === 'json') return json(res, 200, { text: 'Hello there.' });
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(
      format === 'srt'
        ? SRT
        : format === 'vtt'
          ? `WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHello there.\n`
          : 'Hello there.',
    );
  });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

const client = (apiVersion?: string) =>
  new AzureOpenAIMedia({
    endpoint: server.url,
    auth: { apiKey: 'audio-key' },
    now: () => TEST_NOW,
    ...(apiVersion ? { apiVersion } : {}),
  });

async function sentForm(index = 0): Promise<FormData> {
  const req = server.requests[index]!;
  return new Response(new Uint8Array(req.body), {
    headers: { 'content-type': String(req.headers['content-type']) },
  }).formData();
}

describe('audio.transcribe', () => {
  it('posts multipart to the deployment path on a dated api-version, even from a v1 client', async () => {
    const wav = makeWav(1);
    const result = await client().audio.transcribe({
      model: 'whisper',
      file: wav,
      language: 'en',
      temperature: 0.2,
    });
    expect(result).toEqual({
      format: 'json',
      text: 'Hello there.',
      warnings: [],
      raw: { text: 'Hello there.' },
    });
    expect(server.requests[0]!.url).toBe(
      '/openai/deployments/whisper/audio/transcriptions?api-version=2024-10-21',
    );
    const form = await sentForm();
    const file = form.get('file') as File;
    expect(file.name).toBe('audio.wav');
    expect(file.type).toBe('audio/wav');
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(wav);
    expect(form.get('language')).toBe('en');
    expect(form.get('temperature')).toBe('0.2');
    expect(form.get('model')).toBeNull();
  });

  it('uses the client api-version when it is dated', async () => {
    await client('2025-04-01-preview').audio.transcribe({ model: 'whisper', file: makeWav(1) });
    expect(server.requests[0]!.url).toBe(
      '/openai/deployments/whisper/audio/transcriptions?api-version=2025-04-01-preview',
    );
  });

  it('gives the verbose object with segments, words, language and duration', async () => {
    const result = await client().audio.transcribe({
      model: 'whisper',
      file: { data: makeWav(1), filename: 'talk.wav' },
      response_format: 'verbose_json',
      timestamp_granularities: ['word', 'segment'],
    });
    expect(result.format).toBe('verbose_json');
    expect(result.duration).toBe(1);
    expect(result.language).toBe('english');
    expect(result.segments[0]!.end).toBe(1);
    expect(result.words?.map((w) => w.word)).toEqual(['Hello', 'there']);
    const form = await sentForm();
    expect(form.getAll('timestamp_granularities[]')).toEqual(['word', 'segment']);
    expect((form.get('file') as File).name).toBe('talk.wav');
  });

  it.each([
    ['srt', SRT],
    ['vtt', 'WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHello there.\n'],
    ['text', 'Hello there.'],
  ] as const)('returns the %s document as text', async (format, expected) => {
    const result = await client().audio.transcribe({
      model: 'whisper',
      file: makeWav(1),
      response_format: format,
    });
    expect(result).toEqual({ format, text: expected, warnings: [], raw: expected });
  });

  it('rejects every problem at once before sending', async () => {
    const error = (await client()
      .audio.transcribe({
        model: 'whisper',
        file: { data: new Uint8Array(Buffer.from('GIF89a\x01\x00\x01\x00')) },
        response_format: 'xml' as never,
        temperature: 1.5,
        timestamp_granularities: ['word'],
      })
      .catch((e: unknown) => e)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.issues.map((i) => i.message)).toEqual([
      'response_format "xml" is not supported by whisper; use json, text, srt, vtt or verbose_json',
      'temperature 1.5 is out of range for whisper; use 0 to 1',
      'timestamp_granularities needs response_format "verbose_json" (got "xml")',
      'file is image/gif content; whisper accepts flac, mp3, mp4, mpeg, mpga, m4a, ogg, wav or webm',
    ]);
    expect(server.requests).toHaveLength(0);
  });

  it('enforces the 25 MB limit from the table, and file types by extension', () => {
    const whisper = getModel('whisper');
    const big = new Blob([new Uint8Array(25 * 1024 * 1024 + 1)], { type: 'audio/wav' });
    expect(
      validate
        .transcription({ model: 'whisper', file: { data: big, filename: 'big.wav' } }, whisper)
        .map((i) => i.message),
    ).toEqual(['file is 26214401 bytes; whisper accepts files up to 25 MB']);
    expect(
      validate.transcription(
        { model: 'whisper', file: { data: makeWav(1), filename: 'notes.txt' } },
        whisper,
      )[0]!.message,
    ).toBe('file is a .txt file; whisper accepts flac, mp3, mp4, mpeg, mpga, m4a, ogg, wav or webm');
    expect(
      validate.transcription(
        { model: 'whisper', file: { data: new Uint8Array([1]), filename: 'clip.M4A' } },
        whisper,
      ),
    ).toEqual([]);
  });
});

describe('audio.translate', () => {
  it('posts to audio/translations and refuses transcription-only fields', async () => {
    const result = await client().audio.translate({
      model: 'whisper',
      file: makeWav(1),
      response_format: 'srt',
    });
    expect(result.text).toBe(SRT);
    expect(server.requests[0]!.path).toBe('/openai/deployments/whisper/audio/translations');
    const error = (await client()
      .audio.translate({ model: 'whisper', file: makeWav(1), language: 'de' } as never)
      .catch((e: unknown) => e)) as ValidationError;
    expect(error.issues[0]!.path).toBe('language');
  });

  it('knows which models cannot translate', async () => {
    const error = (await client()
      .audio.translate({ model: 'gpt-4o-mini-transcribe', file: makeWav(1) })
      .catch((e: unknown) => e)) as ValidationError;
    expect(error.issues.map((i) => i.message)).toEqual([
      'gpt-4o-mini-transcribe cannot translate; it supports transcribe',
    ]);
  });
});
