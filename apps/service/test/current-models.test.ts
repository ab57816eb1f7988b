/**
 * Today's Azure models through the service, driven by the official `openai` SDK: a gpt-image-2
 * image of a free size, diarized transcription (speakers, chunking, known speakers) relayed with
 * the fields as the SDK sends them, and text to speech in both URL styles (real audio, checked by
 * ffprobe, and spoken text that transcribes back); each refused before anything is sent when the
 * model's rules say so.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { AzureOpenAI, toFile } from 'openai';
import { sampleWav } from '@aoai-media/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import { KEYS, call, serviceEnv, startInstance, startStack, type Stack } from './support/stack.js';

let stack: Stack;
let openai: OpenAI;
beforeAll(async () => {
  stack = await startStack();
  openai = new OpenAI({ baseURL: `${stack.url}/openai/v1`, apiKey: KEYS.acme, maxRetries: 0 });
});
afterAll(async () => {
  await stack?.close();
});

/** ffprobe's container name and duration of audio bytes (ffprobe must be installed). */
async function probe(bytes: Buffer, extension: string): Promise<{ format: string; duration: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'aoai-speech-'));
  try {
    const file = join(dir, `speech.${extension}`);
    await writeFile(file, bytes);
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        'ffprobe',
        ['-v', 'error', '-show_entries', 'format=format_name,duration', '-of', 'json', file],
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      ),
    );
    const format = (JSON.parse(out) as { format: { format_name: string; duration: string } }).format;
    return { format: format.format_name, duration: Number(format.duration) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('gpt-image-2 through the service (official openai SDK)', () => {
  it('generates a 2048x1152 image in both client styles', async () => {
    const v1 = await openai.images.generate({
      model: 'gpt-image-2',
      prompt: 'a lighthouse at dawn',
      size: '2048x1152' as never,
      quality: 'low',
      output_format: 'png',
    });
    expect(pngSize(Buffer.from(v1.data![0]!.b64_json!, 'base64'))).toEqual({ width: 2048, height: 1152 });
    const azure = new AzureOpenAI({
      endpoint: stack.url,
      apiKey: KEYS.acme,
      apiVersion: '2025-04-01-preview',
      deployment: 'gpt-image-2',
      maxRetries: 0,
    });
    const deployment = await azure.images.generate({
      model: 'gpt-image-2',
      prompt: 'the same lighthouse at night',
      size: '1152x2048' as never,
      quality: 'low',
    });
    expect(pngSize(Buffer.from(deployment.data![0]!.b64_json!, 'base64'))).toEqual({
      width: 1152,
      height: 2048,
    });
  });

  it('refuses a size outside its rules before anything is sent, naming size', async () => {
    const sent = stack.emu.admin.requests({ operation: 'images.generate' }).length;
    const error: any = await openai.images
      .generate({ model: 'gpt-image-2', prompt: 'x', size: '2000x1000' as never })
      .catch((e: unknown) => e);
    expect(error.status).toBe(400);
    expect(error.error.param).toBe('size');
    expect(error.error.message).toMatch(/multiples of 16/);
    expect(stack.emu.admin.requests({ operation: 'images.generate' })).toHaveLength(sent);
  });
});

describe('diarized transcription through the service (official openai SDK)', () => {
  it('relays diarized_json with chunking and known speakers as the SDK sends them', async () => {
    const reference = `data:audio/wav;base64,${Buffer.from(sampleWav(3)).toString('base64')}`;
    const result: any = await openai.audio.transcriptions.create({
      model: 'gpt-4o-transcribe-diarize',
      file: await toFile(Buffer.from(sampleWav(40)), 'meeting.wav', { type: 'audio/wav' }),
      response_format: 'diarized_json' as never,
      chunking_strategy: { type: 'server_vad' } as never,
      known_speaker_names: ['Ana'],
      known_speaker_references: [reference],
    } as never);
    expect(Array.isArray(result.segments)).toBe(true);
    expect(result.segments.length).toBeGreaterThan(0);
    expect(typeof result.segments[0].speaker).toBe('string');
    const sent = stack.emu.admin.requests({ operation: 'audio.transcribe' }).at(-1)!;
    expect(sent.fields).toMatchObject({
      response_format: 'diarized_json',
      'chunking_strategy[type]': 'server_vad',
    });
  });

  it('refuses audio over 30 s without chunking_strategy, and a prompt, before anything is sent', async () => {
    const sent = stack.emu.admin.requests().length;
    const long: any = await openai.audio.transcriptions
      .create({
        model: 'gpt-4o-transcribe-diarize',
        file: await toFile(Buffer.from(sampleWav(40)), 'meeting.wav', { type: 'audio/wav' }),
        response_format: 'diarized_json' as never,
      } as never)
      .catch((e: unknown) => e);
    expect(long.status).toBe(400);
    expect(long.error.param).toBe('chunking_strategy');
    const prompted: any = await openai.audio.transcriptions
      .create({
        model: 'gpt-4o-transcribe-diarize',
        file: await toFile(Buffer.from(sampleWav(2)), 'short.wav', { type: 'audio/wav' }),
        prompt: 'names: Ana',
      } as never)
      .catch((e: unknown) => e);
    expect(prompted.status).toBe(400);
    expect(prompted.error.param).toBe('prompt');
    expect(stack.emu.admin.requests().length).toBe(sent);
  });
});

describe('text to speech through the service (official openai SDK)', () => {
  const input = 'The quarterly update starts now, with three short notes on progress.';
  // The emulator's documented length: words at 2.5 a second, times the speed (11 words: 4.4 s).
  const seconds = (speed: number) => input.split(/\s+/).length / (2.5 * speed);

  it('v1 style: mp3 by default, real audio of the length the text takes', async () => {
    const answer = await openai.audio.speech.create({ model: 'gpt-4o-mini-tts', input, voice: 'alloy' });
    const mp3 = Buffer.from(await answer.arrayBuffer());
    const audio = await probe(mp3, 'mp3');
    expect(audio.format).toBe('mp3');
    expect(Math.abs(audio.duration - seconds(1))).toBeLessThan(0.1);
    const sent = stack.emu.admin.requests({ operation: 'audio.speech' }).at(-1)!;
    expect(sent.fields).toMatchObject({ model: 'gpt-4o-mini-tts', voice: 'alloy', input });
  });

  it('deployment style (AzureOpenAI): wav at double speed, which transcribes back to the text', async () => {
    const azure = new AzureOpenAI({
      endpoint: stack.url,
      apiKey: KEYS.acme,
      apiVersion: '2025-04-01-preview',
      deployment: 'tts-hd',
      maxRetries: 0,
    });
    const answer = await azure.audio.speech.create({
      model: 'tts-hd',
      input,
      voice: 'nova',
      response_format: 'wav',
      speed: 2,
    });
    const wav = Buffer.from(await answer.arrayBuffer());
    const audio = await probe(wav, 'wav');
    expect(audio.format).toBe('wav');
    expect(Math.abs(audio.duration - seconds(2))).toBeLessThan(0.01);
    // The service took the deployment-style path; it speaks to Azure in its own configured style.
    expect(stack.emu.admin.requests({ operation: 'audio.speech' }).at(-1)!.fields).toMatchObject({
      model: 'tts-hd',
      response_format: 'wav',
      speed: 2,
    });
    const heard = await openai.audio.transcriptions.create({
      model: 'whisper',
      file: await toFile(wav, 'spoken.wav', { type: 'audio/wav' }),
    });
    expect(heard.text).toBe(input);
  });

  it('refuses what the model does not take, naming the field, before anything is sent', async () => {
    const sent = stack.emu.admin.requests({ operation: 'audio.speech' }).length;
    const cases: [Record<string, unknown>, string][] = [
      [{ model: 'gpt-4o-mini-tts', input: 'x'.repeat(4097), voice: 'alloy' }, 'input'],
      [{ model: 'tts', input: 'hello', voice: 'alloy', instructions: 'whisper it' }, 'instructions'],
      [{ model: 'tts', input: 'hello', voice: 'alloy', speed: 9 }, 'speed'],
      [{ model: 'tts', input: 'hello', voice: 'alloy', response_format: 'ogg' }, 'response_format'],
      [{ model: 'tts', input: 'hello', voice: 'nobody' }, 'voice'],
    ];
    for (const [request, param] of cases) {
      const error: any = await openai.audio.speech.create(request as never).catch((e: unknown) => e);
      expect(error.status, param).toBe(400);
      expect(error.error.param, JSON.stringify(error.error)).toBe(param);
    }
    expect(stack.emu.admin.requests({ operation: 'audio.speech' })).toHaveLength(sent);
  });

  it("is in the OpenAPI document with the model table's voices, in both URL styles", async () => {
    const doc: any = await (await fetch(`${stack.url}/docs/openapi.json`)).json();
    expect(doc.paths['/openai/v1/audio/speech'].post).toBeTruthy();
    expect(doc.paths['/openai/deployments/{deployment}/audio/speech'].post).toBeTruthy();
    expect(doc.components.schemas.SpeechRequest.oneOf).toContainEqual({
      $ref: '#/components/schemas/audio.speech.gpt-4o-mini-tts',
    });
    expect(doc.components.schemas['audio.speech.tts'].properties.voice.enum).toContain('alloy');
  });
});

describe('retired models', () => {
  it('are refused by default before anything is sent, naming the date, the replacement and the setting', async () => {
    const strict = await startInstance(stack, { AZURE_OPENAI_ALLOW_RETIRED_MODELS: 'false' });
    try {
      const client = new OpenAI({ baseURL: `${strict.url}/openai/v1`, apiKey: KEYS.acme, maxRetries: 0 });
      const sent = stack.emu.admin.requests().length;
      const error: any = await client.images
        .generate({ model: 'dall-e-3', prompt: 'a lighthouse' })
        .catch((e: unknown) => e);
      expect(error.status).toBe(400);
      expect(error.error).toMatchObject({ code: 'model_retired', param: 'model' });
      expect(error.error.message).toMatch(/dall-e-3 was retired on Azure on 2026-03-04/);
      expect(error.error.message).toMatch(/AZURE_OPENAI_ALLOW_RETIRED_MODELS/);

      const video = await call(strict, '/openai/v1/videos', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'sora-2', prompt: 'waves', size: '1280x720', seconds: '4' }),
      });
      expect(video.status).toBe(400);
      expect(((await video.json()) as any).error.code).toBe('model_retired');

      const tool = await call(strict, '/openai/v1/responses', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-ms-oai-image-generation-deployment': 'gpt-image-1',
        },
        body: JSON.stringify({
          model: 'gpt-4.1',
          input: 'a lighthouse',
          tools: [{ type: 'image_generation' }],
        }),
      });
      expect(tool.status).toBe(400);
      expect(((await tool.json()) as any).error).toMatchObject({
        code: 'model_retired',
        param: 'x-ms-oai-image-generation-deployment',
      });
      expect(stack.emu.admin.requests()).toHaveLength(sent);

      const current = await client.images.generate({ model: 'gpt-image-2', prompt: 'x', quality: 'low' });
      expect(current.data?.[0]?.b64_json).toBeTruthy();
    } finally {
      await strict.close();
    }
  });

  it('named in AZURE_OPENAI_ALLOW_RETIRED_MODELS are called; others still refused', async () => {
    const extended = await startInstance(stack, { AZURE_OPENAI_ALLOW_RETIRED_MODELS: 'sora-2' });
    try {
      const video = await call(extended, '/openai/v1/videos', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'sora-2', prompt: 'waves', size: '1280x720', seconds: '4' }),
      });
      expect(video.status).toBe(200);
      const image = await call(extended, '/openai/v1/images/generations', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'dall-e-3', prompt: 'a lighthouse' }),
      });
      expect(image.status).toBe(400);
    } finally {
      await extended.close();
    }
  });

  it('a setting naming no model is a configuration problem listing the retired ones', () => {
    expect(() =>
      loadConfig(
        serviceEnv(stack.emu, stack.redis.url, stack.storageDir, {
          AZURE_OPENAI_ALLOW_RETIRED_MODELS: 'sora-3',
        }),
      ),
    ).toThrow(
      /AZURE_OPENAI_ALLOW_RETIRED_MODELS="sora-3" must be true, false or model names \("sora-3" is not a model; retired ones: .*dall-e-3/,
    );
  });
});
