/**
 * Version 2 with today's models against the emulator over real HTTP: gpt-image-2's free sizes,
 * text to speech in every format (checked with ffprobe), speech transcribed back with speakers,
 * and video through core's one task shape. The clock is pinned for the lifecycle (the node reads
 * n8n's `Date`); the emulator's videos need time to pass, so those tests run on the real clock.
 */
import { pngDimensions, speechFormat } from '@aoai-media/core';
import { sampleWav, speechSeconds, startEmulator, type Emulator } from '@aoai-media/emulator';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { NodeOperationError, type INodeExecutionData } from 'n8n-workflow';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { binaryItem, run, type FakeOptions } from './fake-context';
import { overHttp } from './over-http';

let emulator: Emulator;
let dir: string;

beforeAll(async () => {
  emulator = await startEmulator({
    port: 0,
    videoTimings: { preprocessing: 20, queued: 20, running: 20, processing: 20 },
  });
  dir = await mkdtemp(join(tmpdir(), 'aoai-n8n-today-'));
});
afterAll(async () => {
  await emulator?.close();
  await rm(dir, { recursive: true, force: true });
});

/** The node's version 2 against the emulator. */
const node = (params: Record<string, unknown>, extra: Partial<FakeOptions> = {}) =>
  run({
    params,
    typeVersion: 2,
    credentials: {
      endpoint: emulator.url,
      authType: 'apiKey',
      apiKey: emulator.apiKey,
      apiVersion: 'preview',
    },
    respond: overHttp,
    ...extra,
  });

const bytesOf = (item: INodeExecutionData, field = 'data') =>
  Buffer.from(item.binary![field]!.data, 'base64');

async function probe(bytes: Buffer, name: string): Promise<{ format: string; duration: number }> {
  const file = join(dir, name);
  await writeFile(file, bytes);
  const { stdout } = await promisify(execFile)('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'format=format_name,duration',
    '-of',
    'json',
    file,
  ]);
  const parsed = JSON.parse(stdout).format;
  return { format: parsed.format_name, duration: Number(parsed.duration) };
}

describe('on a pinned clock', () => {
  beforeAll(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-06T12:00:00Z'));
  });
  afterAll(() => {
    vi.useRealTimers();
  });

  describe('gpt-image-2', () => {
    const generate = (extra: Record<string, unknown>) =>
      node({
        resource: 'image',
        operation: 'generate',
        deployment: 'gpt-image-2',
        prompt: 'a lighthouse at dawn',
        outputFormat: 'png',
        ...extra,
      });

    it('is the default model and makes images of a listed or a custom size', async () => {
      const preset = await generate({ size: '2048x1152' });
      expect(preset.output[0]!.json).toMatchObject({ model: 'gpt-image-2' });
      expect(pngDimensions(bytesOf(preset.output[0]!))).toEqual({ width: 2048, height: 1152 });

      const custom = await generate({ size: 'custom', customSize: ' 1920x1088 ' });
      expect(custom.requests[0]!.json).toMatchObject({ size: '1920x1088' });
      expect(pngDimensions(bytesOf(custom.output[0]!))).toEqual({ width: 1920, height: 1088 });
    });

    it('refuses a custom size outside its rules before sending, naming the field and the rule', async () => {
      const before = emulator.admin.requests().length;
      for (const [size, rule] of [
        ['2000x1000', 'multiples of 16'],
        ['3072x976', 'at most 3 times'],
        ['640x640', 'the total pixel count (409600)'],
      ]) {
        const error = await generate({ size: 'custom', customSize: size }).catch((e: unknown) => e);
        expect(error, size).toBeInstanceOf(NodeOperationError);
        const description = (error as NodeOperationError).description ?? '';
        expect(description, size).toContain(`Size (size): "${size}" is not valid for gpt-image-2`);
        expect(description, size).toContain(rule);
        expect(description, size).toContain('Fix: enter a size that meets these rules in "Custom Size"');
      }
      expect(emulator.admin.requests().length).toBe(before);
    });
  });

  describe('Generate Speech', () => {
    const TEXT = 'Welcome to the quarterly update. Sales rose in every region.';
    const speak = (extra: Record<string, unknown> = {}) =>
      node({
        resource: 'audio',
        operation: 'speech',
        deployment: 'gpt-4o-mini-tts',
        text: TEXT,
        ...extra,
      });

    it('gives a binary file in every format, of the length the text takes', async () => {
      const expected = speechSeconds(TEXT);
      const FORMATS = { mp3: 'mp3', opus: 'ogg', aac: 'aac', flac: 'flac', wav: 'wav' } as const;
      for (const [format, container] of Object.entries(FORMATS)) {
        const { output } = await speak({ responseFormat: format, voice: 'nova' });
        const item = output[0]!;
        const info = speechFormat(format)!;
        expect(item.binary!.data).toMatchObject({
          mimeType: info.mimeType,
          fileName: `speech.${info.extension}`,
        });
        expect(item.json).toMatchObject({ model: 'gpt-4o-mini-tts', voice: 'nova', format, text: TEXT });
        const probed = await probe(bytesOf(item), `speech.${info.extension}`);
        expect(probed.format, format).toContain(container);
        expect(Math.abs(probed.duration - expected), format).toBeLessThan(0.3);
      }
      // Raw samples: no header, so the output says how they are laid out.
      const pcm = (await speak({ responseFormat: 'pcm' })).output[0]!;
      const layout = speechFormat('pcm')!.pcm!;
      expect(pcm.json.pcm).toEqual(layout);
      const seconds = bytesOf(pcm).length / (layout.sampleRate * (layout.bitsPerSample / 8));
      expect(Math.abs(seconds - expected)).toBeLessThan(0.1);
    });

    it('defaults to mp3 and the first voice Azure lists, and passes speed and instructions', async () => {
      const { requests } = await speak({ options: { speed: 1.5, instructions: 'Warm and unhurried.' } });
      expect(requests[0]!.json).toEqual({
        model: 'gpt-4o-mini-tts',
        input: TEXT,
        voice: 'alloy',
        response_format: 'mp3',
        speed: 1.5,
        instructions: 'Warm and unhurried.',
      });
    });

    it("as an AI agent's tool, answers in JSON with n8n's URL of the stored audio", async () => {
      const { output } = await node(
        { resource: 'audio', operation: 'speech', deployment: 'gpt-4o-mini-tts', text: TEXT },
        { nodeType: 'n8n-nodes-aoai-media.azureOpenAiMediaTool', binaryMode: 'filesystem' },
      );
      expect(output[0]!.binary).toBeUndefined();
      expect(output[0]!.json.files).toEqual([
        expect.objectContaining({
          field: 'data',
          mimeType: 'audio/mpeg',
          fileName: 'speech.mp3',
          url: expect.stringContaining('/rest/binary-data/signed?token='),
          source: 'n8n',
        }),
      ]);
    });

    it('refuses bad input before sending, naming each field as the node shows it', async () => {
      const before = emulator.admin.requests().length;
      const error = await speak({ text: '', options: { speed: 5 } }).catch((e: unknown) => e);
      const description = (error as NodeOperationError).description ?? '';
      expect(description).toContain('Text (input)');
      expect(description).toContain('Speed (speed)');
      expect(description).toContain('0.25 to 4');
      // Instructions are gpt-4o-mini-tts's; a value an imported workflow set for tts is refused.
      const tts = await speak({ model: 'tts', deployment: 'tts', options: { instructions: 'x' } }).catch(
        (e: unknown) => e,
      );
      expect((tts as NodeOperationError).description).toContain(
        'Instructions (instructions) is set to "x", but TTS does not accept it.',
      );
      expect(emulator.admin.requests().length).toBe(before);
    });

    it('round trip: speech transcribed back is the same text, with speaker lines when diarized', async () => {
      const spoken = await speak({ responseFormat: 'wav' });
      const items = [{ json: {}, binary: spoken.output[0]!.binary }];
      const whisper = await node(
        { resource: 'audio', operation: 'transcribe', deployment: 'whisper', model: 'whisper' },
        { items },
      );
      expect(whisper.output[0]!.json.text).toBe(TEXT);

      // Version 2's transcription default: the diarizing model, sent with a chunking strategy.
      const diarized = await node(
        {
          resource: 'audio',
          operation: 'transcribe',
          deployment: 'gpt-4o-transcribe-diarize',
          responseFormat: 'diarized_json',
        },
        { items },
      );
      const json = diarized.output[0]!.json;
      expect(json).toMatchObject({ model: 'gpt-4o-transcribe-diarize', format: 'diarized_json' });
      expect(diarized.requests[0]!.form!.get('chunking_strategy')).toBe('auto');
      const segments = json.segments as { speaker: string; text: string }[];
      expect(segments.map((s) => s.text).join(' ')).toBe(TEXT);
      expect(json.speakers).toEqual([...new Set(segments.map((s) => s.speaker))]);
      expect(json.transcript).toBe(segments.map((s) => `${s.speaker}: ${s.text}`).join('\n'));
    });

    it('known speakers go with voice clips from binary fields, and label the segments', async () => {
      const { output, requests } = await node(
        {
          resource: 'audio',
          operation: 'transcribe',
          deployment: 'gpt-4o-transcribe-diarize',
          responseFormat: 'diarized_json',
          options: { knownSpeakerNames: 'Ana, Ben', knownSpeakerClips: 'ana, ben' },
        },
        {
          items: [
            binaryItem({
              data: { bytes: sampleWav(4), fileName: 'call.wav', mimeType: 'audio/wav' },
              ana: { bytes: sampleWav(3), fileName: 'ana.wav', mimeType: 'audio/wav' },
              ben: { bytes: sampleWav(3), fileName: 'ben.wav', mimeType: 'audio/wav' },
            }),
          ],
        },
      );
      const form = requests[0]!.form!;
      expect(form.getAll('known_speaker_names[]')).toEqual(['Ana', 'Ben']);
      const references = form.getAll('known_speaker_references[]') as string[];
      expect(references).toHaveLength(2);
      expect(references[0]).toBe(`data:audio/wav;base64,${Buffer.from(sampleWav(3)).toString('base64')}`);
      // The names take the place of A, B, ...
      expect(output[0]!.json.speakers).toEqual(expect.arrayContaining(['Ana']));
      for (const speaker of output[0]!.json.speakers as string[]) expect(['Ana', 'Ben']).toContain(speaker);
      expect(String(output[0]!.json.transcript)).toMatch(/^(Ana|Ben): /);
    });
  });
});

describe('video through one task shape (every video model is retired: the option allows them)', () => {
  const allowed = { allowRetiredModel: true, pollSeconds: 1, waitMinutes: 1 };

  it('Generate returns the same fields for Sora 2 and Sora 1', async () => {
    const sora2 = await node({
      resource: 'video',
      operation: 'generate',
      deployment: 'sora-2',
      prompt: 'a paper boat',
      options: allowed,
    });
    expect(sora2.output).toHaveLength(1);
    const [video] = sora2.output;
    expect(video!.json).toMatchObject({
      jobId: expect.stringMatching(/\S/),
      outputId: video!.json.jobId,
      index: 0,
      status: 'succeeded',
      rawStatus: 'completed',
      size: '720x1280',
      width: 720,
      height: 1280,
      seconds: 4,
    });
    expect(video!.binary!.data!.mimeType).toBe('video/mp4');
    expect(video!.binary!.thumbnail!.fileName).toMatch(/-thumbnail\.webp$/);

    const sora1 = await node({
      resource: 'video',
      operation: 'generate',
      deployment: 'sora',
      model: 'sora',
      prompt: 'a paper boat',
      size: '480x480',
      seconds: 2,
      variants: 2,
      options: allowed,
    });
    expect(sora1.output.map((i) => [i.json.index, i.json.status, i.json.rawStatus, i.json.size])).toEqual([
      [0, 'succeeded', 'succeeded', '480x480'],
      [1, 'succeeded', 'succeeded', '480x480'],
    ]);
    expect(Object.keys(sora1.output[0]!.json).sort()).toEqual(Object.keys(video!.json).sort());
  });

  it('Create, Get, Download, Remix and Delete address the job by one Job ID', async () => {
    const params = { resource: 'video', deployment: 'sora-2' };
    const created = (
      await node({
        ...params,
        operation: 'createJob',
        prompt: 'a kite',
        options: { allowRetiredModel: true },
      })
    ).output[0]!.json;
    expect(created).toMatchObject({ status: 'queued', api: 'videos', outputs: [] });
    expect(created).not.toHaveProperty('raw');
    const jobId = created.id as string;
    await vi.waitFor(
      async () => {
        const got = (await node({ ...params, operation: 'getJob', jobId })).output[0]!.json;
        expect(got.status).toBe('succeeded');
      },
      { timeout: 10_000, interval: 100 },
    );
    const thumbnail = await node({ ...params, operation: 'download', jobId, content: 'thumbnail' });
    expect(thumbnail.output[0]!.json).toMatchObject({ jobId, output: 0, content: 'thumbnail' });
    expect(thumbnail.output[0]!.binary!.data!.mimeType).toBe('image/webp');

    const remix = await node({
      ...params,
      operation: 'remix',
      jobId,
      prompt: 'the same kite at night',
      options: { ...allowed, wait: false },
    });
    expect(remix.output[0]!.json).toMatchObject({ remixedFrom: jobId, status: 'queued' });
    expect(remix.requests.map((r) => r.url.pathname)).toEqual([`/openai/v1/videos/${jobId}/remix`]);

    const deleted = await node({ ...params, operation: 'deleteJob', jobId });
    expect(deleted.output[0]!.json).toEqual({ id: jobId, deleted: true });
  });
});
