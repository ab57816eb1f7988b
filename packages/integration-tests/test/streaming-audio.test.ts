import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  AzureOpenAIMedia,
  ContentFilterError,
  pngDimensions,
  type ImageStreamEvent,
} from '@aoai-media/core';
import { sampleWav } from '@aoai-media/emulator';
import { useHarness } from './harness.js';

const h = useHarness();

describe('streamed image generation against the emulator', () => {
  it('streams progress, partial images and the final image', async () => {
    const events: ImageStreamEvent[] = [];
    for await (const e of h.client().images.stream({
      model: 'gpt-image-1',
      prompt: 'a blue circle',
      size: '1024x1024',
      partial_images: 2,
      quality: 'low',
    })) {
      events.push(e);
    }
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('in_progress');
    expect(types.filter((t) => t === 'partial_image')).toHaveLength(2);
    expect(types.at(-1)).toBe('completed');
    const final = events.at(-1) as Extract<ImageStreamEvent, { type: 'completed' }>;
    expect(final.image.mimeType).toBe('image/png');
    expect(pngDimensions(final.image.bytes!)).toEqual({ width: 1024, height: 1024 });
    const [logged] = h.emu.admin.requests({ operation: 'responses.create' });
    expect(logged!.deployment).toBe('gpt-image-1');
  });

  it('leaving the loop early aborts the request', async () => {
    let seen = 0;
    for await (const _ of h
      .client()
      .images.stream({ model: 'gpt-image-1', prompt: 'a blue circle', partial_images: 3 })) {
      void _;
      if (++seen === 1) break;
    }
    expect(seen).toBe(1);
    // A fresh call still works: the aborted stream left nothing half-open on the client.
    const image = await h
      .client()
      .images.generateWithResponses({ model: 'gpt-image-1', prompt: 'a blue circle', output_format: 'jpeg' });
    expect(image.mimeType).toBe('image/jpeg');
  });

  it('a blocked prompt is a ContentFilterError from the stream', async () => {
    h.emu.admin.setBlockedTerms(['weapon']);
    const error = await (async () => {
      for await (const _ of h.client().images.stream({ model: 'gpt-image-1', prompt: 'a weapon' })) void _;
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContentFilterError);
  });
});

describe('audio against the emulator', () => {
  const wav = sampleWav(2);

  it('transcribes to every format with typed results', async () => {
    const client = h.client({ apiVersion: '2024-10-21' });
    const json = await client.audio.transcribe({ model: 'whisper', file: wav });
    expect(json.format).toBe('json');
    expect(json.text.length).toBeGreaterThan(0);

    const verbose = await client.audio.transcribe({
      model: 'whisper',
      file: wav,
      response_format: 'verbose_json',
      timestamp_granularities: ['word', 'segment'],
    });
    expect(verbose.duration).toBeCloseTo(2, 1);
    expect(verbose.segments.length).toBeGreaterThan(0);
    expect(verbose.segments.at(-1)!.end).toBeLessThanOrEqual(2.01);

    const srt = await client.audio.transcribe({ model: 'whisper', file: wav, response_format: 'srt' });
    expect(srt.text).toMatch(/^1\r?\n00:00:00,000 --> /);
    const vtt = await client.audio.transcribe({ model: 'whisper', file: wav, response_format: 'vtt' });
    expect(vtt.text.startsWith('WEBVTT')).toBe(true);
    const text = await client.audio.transcribe({ model: 'whisper', file: wav, response_format: 'text' });
    expect(text.text.trim()).toBe(json.text.trim());

    const paths = h.emu.admin.requests({ operation: 'audio.transcribe' }).map((r) => r.path);
    expect(new Set(paths)).toEqual(new Set(['/openai/deployments/whisper/audio/transcriptions']));
  });

  it('translates from a v1 client (deployment path on the default dated version)', async () => {
    const result = await h.client().audio.translate({
      model: 'whisper',
      file: { data: new Blob([Buffer.from(wav)]), filename: 'speech.wav' },
    });
    expect(result.text.length).toBeGreaterThan(0);
    const [logged] = h.emu.admin.requests({ operation: 'audio.translate' });
    expect(logged!.path).toBe('/openai/deployments/whisper/audio/translations');
  });

  it('a wrong key is AuthenticationError and the key is not in the message', async () => {
    const client = new AzureOpenAIMedia({ endpoint: h.emu.url, auth: { apiKey: 'wrong-secret-key' } });
    const error = (await client.audio
      .transcribe({ model: 'whisper', file: wav })
      .catch((e: unknown) => e)) as AuthenticationError;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).not.toContain('wrong-secret-key');
  });
});
