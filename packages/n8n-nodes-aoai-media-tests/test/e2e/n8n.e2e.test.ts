/**
 * The packed package inside real n8n (the CLI), against the emulator on loopback. One emulator and
 * one n8n user folder for the whole file; each test executes one imported workflow.
 */
import { pngDimensions } from '@aoai-media/core';
import { samplePng, sampleWav, speechSeconds, startEmulator, type Emulator } from '@aoai-media/emulator';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  addBinaryCode,
  chain,
  codeNode,
  mediaNode,
  nodeItems,
  parseOutput,
  RELEASES,
  setUpN8n,
  binaryBytes,
  type BinaryMode,
  type Release,
  type N8nInstance,
} from './harness';

const BLOCKED = 'forbidden-lighthouse';
const SPOKEN = 'Welcome to the quarterly update. Sales rose in every region.';

const workflows = [
  chain('imageGenerate', [
    mediaNode('Generate', {
      resource: 'image',
      operation: 'generate',
      deployment: 'gpt-image-1',
      model: 'gpt-image-1',
      prompt: 'a lighthouse at dawn',
      size: '1024x1536',
      outputFormat: 'png',
    }),
  ]),
  chain('imageEdit', [
    mediaNode('Generate', {
      resource: 'image',
      operation: 'generate',
      deployment: 'gpt-image-1',
      model: 'gpt-image-1',
      prompt: 'a cat on a sofa',
      size: '1024x1024',
      outputFormat: 'png',
    }),
    // A fully transparent mask: the whole image may be repainted.
    codeNode(
      'Add Mask',
      addBinaryCode('mask', samplePng(1024, 1024, { rgba: [0, 0, 0, 0] }), 'mask.png', 'image/png'),
    ),
    mediaNode('Edit', {
      resource: 'image',
      operation: 'edit',
      deployment: 'gpt-image-1',
      model: 'gpt-image-1',
      prompt: 'give the cat a red hat',
      imageProperties: 'data',
      maskProperty: 'mask',
      size: '1024x1024',
      outputFormat: 'png',
      binaryPropertyOutput: 'edited',
    }),
  ]),
  chain('videoGenerate', [
    mediaNode('Video', {
      resource: 'video',
      operation: 'generate',
      deployment: 'sora',
      model: 'sora',
      prompt: 'a paper boat on a rainy street',
      size: '480x480',
      seconds: 2,
      options: { pollSeconds: 1, waitMinutes: 2 },
    }),
  ]),
  chain('videoJobs', [
    mediaNode('Create Job', {
      resource: 'video',
      operation: 'createJob',
      deployment: 'sora',
      model: 'sora',
      prompt: 'clouds over a hill',
      size: '854x480',
      seconds: 1,
    }),
    mediaNode('Get Job', {
      resource: 'video',
      operation: 'getJob',
      deployment: 'sora',
      model: 'sora',
      jobId: '={{ $json.id }}',
    }),
  ]),
  chain('sora2', [
    // The first frame to start from: Sora 2 wants it the size of the video.
    codeNode('First Frame', addBinaryCode('frame', samplePng(720, 1280), 'frame.png', 'image/png')),
    mediaNode('Video', {
      resource: 'video',
      operation: 'generate',
      deployment: 'sora-2',
      model: 'sora-2',
      prompt: 'a paper boat on a rainy street',
      size: '720x1280',
      seconds: '4',
      inputReference: 'frame',
      options: { pollSeconds: 1, waitMinutes: 2 },
    }),
    mediaNode('Remix', {
      resource: 'video',
      operation: 'remix',
      deployment: 'sora-2',
      model: 'sora-2',
      videoId: '={{ $json.videoId }}',
      prompt: 'the same boat at night',
      options: { wait: false },
    }),
  ]),
  chain('transcribe', [
    codeNode('Audio File', addBinaryCode('data', sampleWav(1.5), 'tone.wav', 'audio/wav')),
    mediaNode('Transcribe', {
      resource: 'audio',
      operation: 'transcribe',
      deployment: 'whisper',
      model: 'whisper',
      responseFormat: 'verbose_json',
      options: { language: 'en' },
    }),
  ]),
  chain('validation', [
    mediaNode(
      'Generate',
      {
        resource: 'image',
        operation: 'generate',
        deployment: 'dall-e-3',
        model: 'dall-e-3',
        prompt: 'a lighthouse',
        // Set by expression, so the option list cannot stop it: DALL-E 3 has no 256x256.
        size: '={{ "256x256" }}',
      },
      { onError: 'continueRegularOutput' },
    ),
  ]),
  // Version 2, what n8n adds to new workflows: no model set, so the version's default (GPT Image 2)
  // runs, at a custom size checked against its rules.
  chain('gptImage2', [
    mediaNode(
      'Generate',
      {
        resource: 'image',
        operation: 'generate',
        deployment: 'gpt-image-2',
        prompt: 'a lighthouse at dawn',
        size: 'custom',
        customSize: '2048x1152',
        outputFormat: 'png',
      },
      { typeVersion: 2 },
    ),
  ]),
  // Speech and its transcript. The speech models retire on 2026-12-15, so the option that lets an
  // extended deployment through keeps this test independent of the calendar; the lifecycle itself
  // is tested on a pinned clock.
  chain('speechRoundTrip', [
    mediaNode(
      'Speak',
      {
        resource: 'audio',
        operation: 'speech',
        deployment: 'gpt-4o-mini-tts',
        text: SPOKEN,
        voice: 'nova',
        responseFormat: 'wav',
        options: { allowRetiredModel: true },
      },
      { typeVersion: 2 },
    ),
    mediaNode(
      'Transcribe',
      {
        resource: 'audio',
        operation: 'transcribe',
        deployment: 'gpt-4o-transcribe-diarize',
        responseFormat: 'diarized_json',
        options: { allowRetiredModel: true },
      },
      { typeVersion: 2 },
    ),
  ]),
  // Version 2 refuses a retired model before anything is sent.
  chain('retired', [
    mediaNode(
      'Generate',
      { resource: 'image', operation: 'generate', deployment: 'dall-e-3', model: 'dall-e-3', prompt: 'x' },
      { typeVersion: 2 },
    ),
  ]),
  chain('contentFilter', [
    mediaNode('Generate', {
      resource: 'image',
      operation: 'generate',
      deployment: 'gpt-image-1',
      model: 'gpt-image-1',
      prompt: `a ${BLOCKED} in a storm`,
    }),
  ]),
];

/**
 * Each release in one binary mode: 2.8.4 keeps binary data inline (base64 in the output), 2.41.1
 * in files (the 2.x default), so both modes and both releases run every workflow.
 */
const SETUPS: { release: Release; binaryMode: BinaryMode }[] = [
  { release: RELEASES.legacy, binaryMode: 'default' },
  { release: RELEASES.current, binaryMode: 'filesystem' },
];

describe.each(SETUPS)(
  'n8n-nodes-aoai-media inside n8n $release.version ($binaryMode binary mode)',
  ({ release, binaryMode }) => {
    let emulator: Emulator;
    let n8n: N8nInstance;
    let setupError: unknown;
    const imageRequests = () => emulator.admin.requests().filter((r) => r.path.includes('/images/'));

    beforeAll(async () => {
      try {
        emulator = await startEmulator({
          port: 0,
          blockedTerms: [{ term: BLOCKED, category: 'violence' }],
        });
        n8n = await setUpN8n({ release, binaryMode, endpoint: emulator.url, apiKey: emulator.apiKey });
        await n8n.importWorkflows(workflows);
      } catch (error) {
        setupError = error;
      }
    });

    // A missing n8n (or a failed install) fails every test with the reason, rather than skipping them.
    beforeEach(() => {
      if (setupError) throw setupError;
    });

    afterAll(async () => {
      await emulator?.close();
      await n8n?.cleanup();
    });

    it('is installed from the packed tarball with no runtime dependencies', async () => {
      const manifest = JSON.parse(await readFile(join(n8n.installedPackage, 'package.json'), 'utf8'));
      expect(manifest.dependencies ?? {}).toEqual({});
      for (const file of [...manifest.n8n.nodes, ...manifest.n8n.credentials]) {
        expect(existsSync(join(n8n.installedPackage, file)), file).toBe(true);
      }
      expect(existsSync(join(n8n.installedPackage, 'node_modules'))).toBe(false);
    });

    it('generates an image: a PNG binary of the requested size', async () => {
      const { code, output, stderr } = await n8n.execute('imageGenerate');
      expect(code, stderr).toBe(0);
      const [item] = nodeItems(output, 'Generate');
      expect(item.binary.data.mimeType).toBe('image/png');
      expect(item.binary.data.fileExtension).toBe('png');
      expect(pngDimensions(await binaryBytes(n8n, item.binary.data))).toEqual({
        width: 1024,
        height: 1536,
      });
      expect(item.json).toMatchObject({
        deployment: 'gpt-image-1',
        model: 'gpt-image-1',
        prompt: 'a lighthouse at dawn',
      });
      expect(item.pairedItem).toEqual({ item: 0 });
    });

    it('edits an image with a mask taken from a previous node', async () => {
      const before = imageRequests().length;
      const { code, output, stderr } = await n8n.execute('imageEdit');
      expect(code, stderr).toBe(0);
      const [item] = nodeItems(output, 'Edit');
      expect(item.binary.edited.mimeType).toBe('image/png');
      expect(pngDimensions(await binaryBytes(n8n, item.binary.edited))).toEqual({
        width: 1024,
        height: 1024,
      });
      const edits = imageRequests()
        .slice(before)
        .filter((r) => r.path.endsWith('/images/edits'));
      expect(edits).toHaveLength(1);
      expect(edits[0]!.status).toBe(200);
    });

    it('generates a video: an MP4 binary with a thumbnail', async () => {
      const { code, output, stderr } = await n8n.execute('videoGenerate');
      expect(code, stderr).toBe(0);
      const items = nodeItems(output, 'Video');
      expect(items).toHaveLength(1);
      const [item] = items;
      expect(item.binary.data.mimeType).toBe('video/mp4');
      const video = await binaryBytes(n8n, item.binary.data);
      expect(video.subarray(4, 8).toString('ascii')).toBe('ftyp');
      const file = join(n8n.dir, 'generated.mp4');
      await writeFile(file, video);
      const probe = await promisify(execFile)('ffprobe', [
        '-v',
        'error',
        '-select_streams',
        'v:0',
        '-show_entries',
        'stream=width,height',
        '-of',
        'json',
        file,
      ]);
      expect(JSON.parse(probe.stdout).streams[0]).toEqual({ width: 480, height: 480 });
      expect(item.binary.thumbnail.mimeType).toBe('image/jpeg');
      expect((await binaryBytes(n8n, item.binary.thumbnail)).subarray(0, 2)).toEqual(
        Buffer.from([0xff, 0xd8]),
      );
      expect(item.json).toMatchObject({ width: 480, height: 480, n_seconds: 2, status: 'succeeded' });
    });

    it('creates a job in one node and gets it in a later one', async () => {
      const { code, output, stderr } = await n8n.execute('videoJobs');
      expect(code, stderr).toBe(0);
      const [created] = nodeItems(output, 'Create Job');
      const [got] = nodeItems(output, 'Get Job');
      expect(created.json.id).toMatch(/\S/);
      expect(got.json.id).toBe(created.json.id);
      expect(got.json).toMatchObject({
        object: 'video.generation.job',
        width: 854,
        height: 480,
        n_seconds: 1,
      });
      expect(['preprocessing', 'queued', 'running', 'processing', 'succeeded']).toContain(got.json.status);
      expect(got.pairedItem).toEqual({ item: 0 });
    });

    it('generates a Sora 2 video from a first frame, then remixes it', async () => {
      const { code, output, stderr } = await n8n.execute('sora2');
      expect(code, stderr).toBe(0);
      const items = nodeItems(output, 'Video');
      expect(items).toHaveLength(1);
      const [item] = items;
      expect(item.json).toMatchObject({ status: 'completed', size: '720x1280', seconds: '4' });
      expect(item.binary.data.mimeType).toBe('video/mp4');
      expect(item.binary.data.fileName).toBe(`${item.json.videoId}.mp4`);
      const file = join(n8n.dir, 'sora2.mp4');
      await writeFile(file, await binaryBytes(n8n, item.binary.data));
      const probe = await promisify(execFile)('ffprobe', [
        '-v',
        'error',
        '-select_streams',
        'v:0',
        '-show_entries',
        'stream=width,height',
        '-of',
        'json',
        file,
      ]);
      expect(JSON.parse(probe.stdout).streams[0]).toEqual({ width: 720, height: 1280 });
      expect(item.binary.thumbnail.mimeType).toBe('image/webp');
      expect((await binaryBytes(n8n, item.binary.thumbnail)).subarray(8, 12).toString('ascii')).toBe('WEBP');

      // The first frame went up as the input reference, with the form fields as strings.
      const create = emulator.admin
        .requests()
        .filter((r) => r.method === 'POST' && r.path === '/openai/v1/videos')
        .at(-1)!;
      expect(create.status).toBe(200);
      expect(create.fields).toMatchObject({ model: 'sora-2', seconds: '4', size: '720x1280' });
      expect(create.files).toEqual([
        expect.objectContaining({
          field: 'input_reference',
          filename: 'frame.png',
          contentType: 'image/png',
        }),
      ]);

      const [remix] = nodeItems(output, 'Remix');
      expect(remix.json).toMatchObject({
        object: 'video',
        remixed_from_video_id: item.json.videoId,
        prompt: 'the same boat at night',
      });
      expect(remix.json.id).not.toBe(item.json.videoId);
      expect(remix.pairedItem).toEqual({ item: 0 });
    });

    it('transcribes a WAV file', async () => {
      const { code, output, stderr } = await n8n.execute('transcribe');
      expect(code, stderr).toBe(0);
      const [item] = nodeItems(output, 'Transcribe');
      expect(item.json.format).toBe('verbose_json');
      expect(typeof item.json.text).toBe('string');
      expect(item.json.text.length).toBeGreaterThan(0);
      expect(Array.isArray(item.json.segments)).toBe(true);
      expect(item.json.duration).toBeCloseTo(1.5, 1);
      const transcriptions = emulator.admin
        .requests()
        .filter((r) => r.path.endsWith('/audio/transcriptions'));
      expect(transcriptions.at(-1)?.status).toBe(200);
    });

    it('with Continue On Fail, a validation problem becomes an error item and nothing is sent', async () => {
      const before = imageRequests().length;
      const { code, output, stderr } = await n8n.execute('validation');
      expect(code, stderr).toBe(0);
      const [item] = nodeItems(output, 'Generate');
      expect(item.binary).toBeUndefined();
      expect(item.json.error).toContain('size');
      expect(item.json.description).toContain('1792x1024');
      expect(imageRequests().length).toBe(before);
    });

    it('version 2 makes a 2048x1152 GPT Image 2 image by default, at a custom size', async () => {
      const { code, output, stderr } = await n8n.execute('gptImage2');
      expect(code, stderr).toBe(0);
      const [item] = nodeItems(output, 'Generate');
      expect(item.json).toMatchObject({ model: 'gpt-image-2', deployment: 'gpt-image-2' });
      expect(item.binary.data.mimeType).toBe('image/png');
      expect(pngDimensions(await binaryBytes(n8n, item.binary.data))).toEqual({ width: 2048, height: 1152 });
      const sent = imageRequests().at(-1)!;
      expect(sent.fields).toMatchObject({ model: 'gpt-image-2', size: '2048x1152' });
    });

    it('speaks a text and transcribes it back, with speakers; warns of the retirement', async () => {
      const { code, output, stderr } = await n8n.execute('speechRoundTrip');
      expect(code, stderr).toBe(0);
      const [spoken] = nodeItems(output, 'Speak');
      expect(spoken.json).toMatchObject({ model: 'gpt-4o-mini-tts', voice: 'nova', format: 'wav' });
      expect(spoken.binary.data).toMatchObject({ mimeType: 'audio/wav', fileName: 'speech.wav' });
      const file = join(n8n.dir, `speech-${release.version}.wav`);
      await writeFile(file, await binaryBytes(n8n, spoken.binary.data));
      const probe = await promisify(execFile)('ffprobe', [
        '-v',
        'error',
        '-show_entries',
        'format=format_name,duration',
        '-of',
        'json',
        file,
      ]);
      const format = JSON.parse(probe.stdout).format;
      expect(format.format_name).toBe('wav');
      expect(Math.abs(Number(format.duration) - speechSeconds(SPOKEN))).toBeLessThan(0.1);
      // The run's warning about the model's retirement, shown by n8n above the node's output.
      const hints = output.data.resultData.runData.Speak[0].hints ?? [];
      expect(hints.map((h: { message: string }) => h.message)).toEqual([
        expect.stringMatching(/^(Model retiring|Retired model): gpt-4o-mini-tts /),
      ]);

      const [transcript] = nodeItems(output, 'Transcribe');
      expect(transcript.json).toMatchObject({ model: 'gpt-4o-transcribe-diarize', format: 'diarized_json' });
      const segments = transcript.json.segments as { speaker: string; text: string }[];
      expect(segments.map((s) => s.text).join(' ')).toBe(SPOKEN);
      expect(transcript.json.transcript).toBe(segments.map((s) => `${s.speaker}: ${s.text}`).join('\n'));
    });

    it('version 2 refuses a retired model before anything is sent, naming the option', async () => {
      const before = imageRequests().length;
      const { code, stdout } = await n8n.execute('retired');
      expect(code).toBe(1);
      const error = parseOutput(stdout)?.data?.resultData?.error;
      expect(error?.message).toBe('dall-e-3 was retired on Azure on 2026-03-04');
      expect(error?.description).toContain('add Options → Allow Retired Model');
      expect(imageRequests().length).toBe(before);
    });

    it('reports a content-filtered prompt as an API error with the filtered category', async () => {
      const { code, stdout, stderr } = await n8n.execute('contentFilter');
      expect(code).toBe(1);
      const error = parseOutput(stdout)?.data?.resultData?.error;
      expect(error, stdout.slice(0, 2000)).toBeDefined();
      expect(error).toMatchObject({
        name: 'NodeApiError',
        httpCode: '400',
        message: expect.stringContaining('violence'),
        context: { itemIndex: 0 },
        errorResponse: {
          code: 'content_policy_violation',
          categories: ['violence'],
          requestId: expect.any(String),
        },
      });
      expect(error.description).toContain('Revised prompt:');
      expect(`${stdout}${stderr}`).not.toContain(emulator.apiKey);
    });
  },
);
