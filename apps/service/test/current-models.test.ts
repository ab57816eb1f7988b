/**
 * Today's Azure models through the service, driven by the official `openai` SDK: a gpt-image-2
 * image of a free size, and diarized transcription (speakers, chunking, known speakers) relayed
 * with the fields as the SDK sends them, and refused before anything is sent when the model's rules
 * say so.
 */
import OpenAI, { AzureOpenAI, toFile } from 'openai';
import { sampleWav } from '@aoai-media/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, startStack, type Stack } from './support/stack.js';

let stack: Stack;
let openai: OpenAI;
beforeAll(async () => {
  stack = await startStack();
  openai = new OpenAI({ baseURL: `${stack.url}/openai/v1`, apiKey: KEYS.acme, maxRetries: 0 });
});
afterAll(async () => {
  await stack?.close();
});

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
