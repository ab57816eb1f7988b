import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleWav } from '../src/index.js';
import { blob, useHarness } from './support.js';

const path = (dep: string, op = 'transcriptions', v = '2024-10-21') =>
  `/openai/deployments/${dep}/audio/${op}?api-version=${v}`;

function form(file: Uint8Array, name: string, fields: Record<string, string | string[]> = {}): FormData {
  const f = new FormData();
  f.append('file', blob(file, 'audio/wav'), name);
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) f.append(k, x);
  return f;
}

function srtEnd(text: string): number {
  const stamps = [...text.matchAll(/--> (\d\d):(\d\d):(\d\d)[,.](\d\d\d)/g)];
  const last = stamps[stamps.length - 1]!;
  return Number(last[1]) * 3600 + Number(last[2]) * 60 + Number(last[3]) + Number(last[4]) / 1000;
}

describe('audio transcriptions and translations', () => {
  const h = useHarness();
  const audio = sampleWav(12.4);

  it('json (default) returns text', async () => {
    const r = await h.form(path('whisper'), form(audio, 'a.wav'));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('application/json');
    expect(typeof r.json.text).toBe('string');
    expect(r.json.text.length).toBeGreaterThan(10);
  });

  it('is deterministic for the same bytes', async () => {
    const a = await h.form(path('whisper'), form(audio, 'a.wav'));
    const b = await h.form(path('whisper'), form(audio, 'a.wav'));
    expect(a.json.text).toBe(b.json.text);
  });

  it('text is plain text', async () => {
    const r = await h.form(path('whisper'), form(audio, 'a.wav', { response_format: 'text' }));
    expect(r.headers.get('content-type')).toContain('text/plain');
    expect(r.text.trim().length).toBeGreaterThan(10);
  });

  it('srt timings cover the real duration', async () => {
    const r = await h.form(path('whisper'), form(audio, 'a.wav', { response_format: 'srt' }));
    expect(r.text.startsWith('1\n00:00:00,000 --> ')).toBe(true);
    expect(srtEnd(r.text)).toBeCloseTo(12.4, 2);
  });

  it('vtt timings cover the real duration', async () => {
    const r = await h.form(
      path('whisper', 'transcriptions', '2025-04-01-preview'),
      form(audio, 'a.wav', { response_format: 'vtt' }),
    );
    expect(r.text.startsWith('WEBVTT\n\n00:00:00.000 --> ')).toBe(true);
    expect(srtEnd(r.text)).toBeCloseTo(12.4, 2);
  });

  it('verbose_json has duration, contiguous segments and words when asked', async () => {
    const r = await h.form(
      path('whisper'),
      form(audio, 'a.wav', {
        response_format: 'verbose_json',
        language: 'de',
        'timestamp_granularities[]': ['word', 'segment'],
      }),
    );
    expect(r.status).toBe(200);
    const v = r.json;
    expect(v.task).toBe('transcribe');
    expect(v.language).toBe('german');
    expect(v.duration).toBeCloseTo(12.4, 2);
    expect(v.segments[0].start).toBe(0);
    expect(v.segments[v.segments.length - 1].end).toBeCloseTo(12.4, 2);
    for (let i = 1; i < v.segments.length; i++) expect(v.segments[i].start).toBe(v.segments[i - 1].end);
    expect(v.words.length).toBeGreaterThan(20);
    expect(v.words[v.words.length - 1].end).toBeCloseTo(12.4, 2);
    const onlyWords = await h.form(
      path('whisper'),
      form(audio, 'a.wav', { response_format: 'verbose_json', 'timestamp_granularities[]': 'word' }),
    );
    expect(onlyWords.json.segments).toBeUndefined();
    expect(onlyWords.json.words.length).toBeGreaterThan(0);
  });

  it('translations answer in English with task translate', async () => {
    const r = await h.form(
      path('whisper', 'translations'),
      form(audio, 'a.wav', { response_format: 'verbose_json' }),
    );
    expect(r.json.task).toBe('translate');
    expect(r.json.language).toBe('english');
  });

  it('v1 path takes the deployment from the model field', async () => {
    const r = await h.form(
      '/openai/v1/audio/transcriptions?api-version=preview',
      form(audio, 'a.wav', { model: 'whisper', response_format: 'text' }),
    );
    expect(r.status).toBe(200);
    expect(h.emu.admin.counters().transcriptions.whisper).toBeGreaterThan(0);
    const t = await h.form(
      '/openai/v1/audio/translations',
      form(audio, 'a.wav', { model: 'whisper', response_format: 'srt' }),
    );
    expect(t.status).toBe(200);
    expect(srtEnd(t.text)).toBeCloseTo(12.4, 2);
    const missing = await h.form('/openai/v1/audio/translations', form(audio, 'a.wav'));
    expect(missing.status).toBe(400);
    expect(missing.json.error).toMatchObject({ param: 'model', type: 'error' });
  });

  it('reads the duration of other containers with ffmpeg (mp3)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-audio-'));
    try {
      execFileSync('ffmpeg', [
        '-loglevel',
        'error',
        '-f',
        'lavfi',
        '-i',
        'sine=frequency=300:duration=6',
        '-y',
        join(dir, 'a.mp3'),
      ]);
      const mp3 = new Uint8Array(readFileSync(join(dir, 'a.mp3')));
      const r = await h.form(path('whisper'), form(mp3, 'a.mp3', { response_format: 'verbose_json' }));
      expect(r.status).toBe(200);
      expect(r.json.duration).toBeGreaterThan(5.9);
      expect(r.json.duration).toBeLessThan(6.2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [{ response_format: 'docx' }, 'a.wav', 'response_format'],
    [{ temperature: '1.5' }, 'a.wav', 'temperature'],
    [{ 'timestamp_granularities[]': 'word' }, 'a.wav', 'timestamp_granularities[]'],
    [
      { 'timestamp_granularities[]': 'char', response_format: 'verbose_json' },
      'a.wav',
      'timestamp_granularities[]',
    ],
    [{}, 'a.txt', 'file'],
    [{ voice: 'x' }, 'a.wav', 'voice'],
  ])('rejects %j (%s)', async (fields, name, param) => {
    const r = await h.form(path('whisper'), form(audio, name, fields));
    expect(r.status).toBe(400);
    expect(r.json.error.param).toBe(param);
  });

  it('rejects undecodable audio, a missing file, and translation on gpt-4o-transcribe', async () => {
    const junk = await h.form(path('whisper'), form(new Uint8Array(64).fill(7), 'a.mp3'));
    expect(junk.status).toBe(400);
    expect(junk.json.error.message).toContain('decoded');
    const f = new FormData();
    f.append('response_format', 'json');
    const missing = await h.form(path('whisper'), f);
    expect(missing.json.error.param).toBe('file');
    const t = await h.form(path('gpt-4o-transcribe', 'translations'), form(audio, 'a.wav'));
    expect(t.status).toBe(400);
    expect(t.json.error.code).toBe('OperationNotSupported');
    const srt = await h.form(path('gpt-4o-transcribe'), form(audio, 'a.wav', { response_format: 'srt' }));
    expect(srt.status).toBe(400);
    expect(srt.json.error.param).toBe('response_format');
  });
});
