import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { samplePng, sampleWav } from '@aoai-media/emulator';
import { beforeEach, describe, expect, it } from 'vitest';
import { run } from '../src/main.js';
import { mediaInfo } from '../src/media-info.js';
import { EXTENDED_VIDEO, recordingIO, useEmulator, useTempDir, type Recorded } from './support.js';

const emu = useEmulator();
const ws = useTempDir();

/** Runs the action with injected inputs against the emulator (video models as extended deployments). */
async function act(inputs: Record<string, string>): Promise<Recorded> {
  const video: Record<string, string> = inputs.operation!.startsWith('video-') ? { ...EXTENDED_VIDEO } : {};
  if (inputs.operation === 'video-generate') video['poll-interval-seconds'] = '1';
  const rec = recordingIO({ endpoint: emu.url, 'api-key': emu.apiKey, ...video, ...inputs }, ws.dir);
  await run(rec.io);
  // Whatever happened, the key was masked first and never shown.
  expect(rec.log[0]).toEqual({ level: 'secret', message: '***' });
  expect(rec.secrets[0]).toBe(inputs['api-key'] ?? emu.apiKey);
  expect(rec.everything()).not.toContain(inputs['api-key'] ?? emu.apiKey);
  return rec;
}

function files(rec: Recorded): string[] {
  return JSON.parse(rec.outputs.files!) as string[];
}

async function info(rel: string) {
  return mediaInfo(new Uint8Array(await readFile(path.join(ws.dir, rel))));
}

function apiRequests() {
  return emu.admin.requests().filter((r) => !r.path.startsWith('/_emulator'));
}

describe('image-generate', () => {
  it('writes the images, sets outputs and summarises them', async () => {
    const rec = await act({
      operation: 'image-generate',
      deployment: 'gpt-image-2',
      prompt: 'a lighthouse at dusk',
      size: '1024x1024',
    });
    expect(rec.failed).toBeUndefined();
    expect(files(rec)).toEqual(['aoai-media-output/image-1.png']);
    expect(rec.outputs.file).toBe('aoai-media-output/image-1.png');
    expect(await info('aoai-media-output/image-1.png')).toEqual({ format: 'png', width: 1024, height: 1024 });
    expect(JSON.parse(rec.outputs.usage!)).toHaveProperty('total_tokens');
    expect(rec.summary).toContain('### Azure OpenAI media: image-generate');
    expect(rec.summary).toContain('`gpt-image-2` (gpt-image-2)');
    expect(rec.summary).toMatch(/\| `aoai-media-output\/image-1\.png` \| [\d.]+ (B|KiB|MiB) \| 1024x1024 \|/);
    expect(rec.summary).toMatch(/\| Elapsed \| \d+\.\d s \|/);
  });

  it('passes n, size, output-format and compression, into a custom folder', async () => {
    const rec = await act({
      operation: 'image-generate',
      deployment: 'gpt-image-1-mini',
      prompt: 'two boats',
      n: '2',
      size: '1536x1024',
      'output-format': 'jpeg',
      'output-compression': '70',
      'output-dir': 'art/boats',
    });
    expect(rec.failed).toBeUndefined();
    expect(files(rec)).toEqual(['art/boats/image-1.jpg', 'art/boats/image-2.jpg']);
    for (const f of files(rec)) expect(await info(f)).toEqual({ format: 'jpeg', width: 1536, height: 1024 });
    const sent = apiRequests()[0]!;
    expect(sent.path).toContain('images/generations');
  });

  it('gives the revised prompt of an extended dall-e-3 deployment and asks for base64', async () => {
    const rec = await act({
      operation: 'image-generate',
      deployment: 'dall-e-3',
      'allow-retired-models': 'dall-e-3',
      prompt: 'a red fox',
      style: 'natural',
      quality: 'hd',
    });
    expect(rec.failed).toBeUndefined();
    expect(rec.annotations('warning')).toEqual([
      {
        level: 'warning',
        title: 'Retired model',
        message:
          'dall-e-3 was retired on Azure on 2026-03-04; Azure names gpt-image-1-mini as its replacement. It is called anyway: allow-retired-models says Azure has extended this deployment.',
      },
    ]);
    expect(apiRequests()[0]!.fields).toMatchObject({ response_format: 'b64_json' });
    expect(rec.outputs['revised-prompt']).toBeTruthy();
    expect(rec.summary).toContain(`**Revised prompt:** ${rec.outputs['revised-prompt']}`);
    expect(await info(files(rec)[0]!)).toMatchObject({ width: 1024, height: 1024 });
  });

  it('uses deployment paths with a dated api-version', async () => {
    const rec = await act({
      operation: 'image-generate',
      deployment: 'gpt-image-2',
      prompt: 'a red kite',
      'api-version': '2025-04-01-preview',
    });
    expect(rec.failed).toBeUndefined();
    expect(files(rec)).toHaveLength(1);
    const sent = apiRequests()[0]!;
    expect(sent.path).toBe('/openai/deployments/gpt-image-2/images/generations');
  });

  it('never overwrites files from an earlier step', async () => {
    await act({ operation: 'image-generate', deployment: 'gpt-image-2', prompt: 'one' });
    const rec = await act({ operation: 'image-generate', deployment: 'gpt-image-2', prompt: 'two' });
    expect(files(rec)).toEqual(['aoai-media-output/image-1-2.png']);
  });

  it('reads the prompt from prompt-file', async () => {
    await writeFile(path.join(ws.dir, 'prompt.txt'), 'a quiet harbour\n');
    const rec = await act({
      operation: 'image-generate',
      deployment: 'gpt-image-2',
      'prompt-file': 'prompt.txt',
    });
    expect(rec.failed).toBeUndefined();
    expect(files(rec)).toHaveLength(1);
  });
});

describe('image-edit', () => {
  it('sends the files matched by paths and globs, with a mask', async () => {
    await mkdir(path.join(ws.dir, 'in'), { recursive: true });
    await writeFile(path.join(ws.dir, 'in/a.png'), samplePng(64, 64, { gradient: true }));
    await writeFile(path.join(ws.dir, 'in/b.png'), samplePng(64, 64, { gradient: true }));
    await writeFile(path.join(ws.dir, 'in/skip.png'), samplePng(64, 64, { gradient: true }));
    await writeFile(path.join(ws.dir, 'mask.png'), samplePng(64, 64, { rgba: [0, 0, 0, 0] }));
    const rec = await act({
      operation: 'image-edit',
      deployment: 'gpt-image-2',
      prompt: 'add a hat',
      images: 'in/*.png\n!in/skip.png',
      mask: 'mask.png',
      size: '1024x1536',
    });
    expect(rec.failed).toBeUndefined();
    expect(files(rec)).toEqual(['aoai-media-output/edit-1.png']);
    expect(await info(files(rec)[0]!)).toEqual({ format: 'png', width: 1024, height: 1536 });
    expect(rec.log.some((l) => l.message.includes('Editing 2 image(s): in/a.png, in/b.png'))).toBe(true);
    expect(apiRequests()[0]!.path).toContain('images/edits');
  });

  it('names the images input when a line matches nothing, and sends nothing', async () => {
    const rec = await act({
      operation: 'image-edit',
      deployment: 'gpt-image-2',
      prompt: 'x',
      images: 'nothing/*.png\nmissing.png',
    });
    expect(rec.failed).toMatch(/2 input problems \(images\)/);
    expect(rec.annotations('error').map((a) => a.message)).toEqual([
      'Input "images": "nothing/*.png" matches no file in the workspace',
      'Input "images": "missing.png" matches no file in the workspace',
    ]);
    expect(apiRequests()).toHaveLength(0);
  });

  it('refuses an image of a type the model does not take, recognised from its bytes, naming images', async () => {
    // A GIF named .png: the type comes from the bytes, and core checks it against the model table.
    await writeFile(path.join(ws.dir, 'a.png'), Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'));
    const rec = await act({
      operation: 'image-edit',
      deployment: 'gpt-image-2',
      prompt: 'x',
      images: 'a.png',
    });
    expect(rec.annotations('error').map((a) => a.title)).toEqual(['Invalid input: images']);
    expect(rec.annotations('error')[0]!.message).toMatch(/image\/gif/);
    expect(apiRequests()).toHaveLength(0);
  });

  it('refuses a model that cannot edit', async () => {
    await writeFile(path.join(ws.dir, 'a.png'), samplePng(8, 8, { gradient: true }));
    const rec = await act({ operation: 'image-edit', deployment: 'dall-e-3', prompt: 'x', images: 'a.png' });
    expect(rec.annotations('error')[0]).toMatchObject({ title: 'Invalid input: deployment' });
    expect(rec.annotations('error')[0]!.message).toBe(
      'Input "deployment": image-edit cannot use "dall-e-3" (dall-e-3); models that can: gpt-image-2, gpt-image-1.5, gpt-image-1-mini, gpt-image-1 (retired 2026-10-23), dall-e-2 (retired 2025-01-27)',
    );
    expect(apiRequests()).toHaveLength(0);
  });
});

describe('video-generate', () => {
  it('creates, waits, downloads every video and thumbnail', async () => {
    const rec = await act({
      operation: 'video-generate',
      deployment: 'sora',
      prompt: 'waves',
      width: '480',
      height: '480',
      seconds: '2',
      variants: '2',
    });
    expect(rec.failed).toBeUndefined();
    const ids = JSON.parse(rec.outputs['generation-ids']!) as string[];
    expect(ids).toHaveLength(2);
    expect(rec.outputs['job-id']).toBeTruthy();
    expect(rec.outputs.status).toBe('succeeded');
    expect(files(rec)).toHaveLength(4);
    const video = await info(files(rec)[0]!);
    expect(video).toMatchObject({ format: 'mp4', width: 480, height: 480 });
    expect(video!.durationSeconds).toBeCloseTo(2, 0);
    expect(await info(files(rec)[1]!)).toMatchObject({ format: 'jpeg', width: 480, height: 480 });
    expect(files(rec)[1]).toMatch(/-thumbnail\.jpg$/);
    expect(rec.summary).toContain(`| Job id | \`${rec.outputs['job-id']}\` |`);
    expect(rec.summary).toMatch(/\| 2\.0 s, 480x480 \|/);
    // Progress went to the log.
    expect(
      rec.log.filter((l) => l.message.startsWith(`Video job ${rec.outputs['job-id']}:`)).length,
    ).toBeGreaterThan(0);
  });

  it('uses the Sora 2 videos API for a sora-2 deployment', async () => {
    const rec = await act({
      operation: 'video-generate',
      deployment: 'sora-2',
      prompt: 'a city at night',
      width: '1280',
      height: '720',
      seconds: '4',
    });
    expect(rec.failed).toBeUndefined();
    // One status vocabulary for both video APIs.
    expect(rec.outputs.status).toBe('succeeded');
    expect(files(rec)).toHaveLength(2);
    expect(await info(files(rec)[0]!)).toMatchObject({ format: 'mp4', width: 1280, height: 720 });
    expect(apiRequests().some((r) => r.path.endsWith('/videos'))).toBe(true);
  });

  it('fails with the time limit and still gives the job id', async () => {
    const rec = await act({
      operation: 'video-generate',
      deployment: 'sora',
      prompt: 'slow',
      width: '480',
      height: '480',
      'timeout-minutes': '0.01',
    });
    expect(rec.failed).toMatch(
      /^Timed out after 0\.01 minutes \(timeout-minutes\); video job \S+ may still be running$/,
    );
    expect(rec.outputs['job-id']).toBeTruthy();
    expect(files(rec)).toEqual([]);
  });
});

describe('video-job-create and video-job-get', () => {
  it('creates without waiting, then reports status and downloads when done', async () => {
    const created = await act({
      operation: 'video-job-create',
      deployment: 'sora',
      prompt: 'clouds',
      width: '480',
      height: '854',
    });
    expect(created.failed).toBeUndefined();
    const jobId = created.outputs['job-id']!;
    expect(jobId).toBeTruthy();
    expect(['preprocessing', 'queued', 'running', 'processing']).toContain(created.outputs.status);
    expect(files(created)).toEqual([]);

    const early = await act({
      operation: 'video-job-get',
      deployment: 'sora',
      'job-id': jobId,
      download: 'true',
    });
    expect(early.failed).toBeUndefined();
    expect(files(early)).toEqual([]);
    expect(early.summary).toContain('Not downloaded yet');

    let done: Recorded | undefined;
    for (let i = 0; i < 40; i++) {
      const got = await act({
        operation: 'video-job-get',
        deployment: 'sora',
        'job-id': jobId,
        download: 'true',
      });
      if (got.outputs.status === 'succeeded') {
        done = got;
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(done, 'job finished within 10 s').toBeDefined();
    expect(files(done!)).toHaveLength(2);
    expect(await info(files(done!)[0]!)).toMatchObject({ format: 'mp4', width: 480, height: 854 });
    expect(JSON.parse(done!.outputs['generation-ids']!)).toHaveLength(1);
  });

  it('follows a Sora 2 video by its id', async () => {
    const created = await act({
      operation: 'video-job-create',
      deployment: 'sora-2',
      prompt: 'a kite',
      width: '720',
      height: '1280',
    });
    const id = created.outputs['job-id']!;
    expect(id).toMatch(/^video_/);
    let done: Recorded | undefined;
    for (let i = 0; i < 40 && !done; i++) {
      // No deployment model hint needed beyond the name: sora-2 selects the videos API.
      const got = await act({
        operation: 'video-job-get',
        deployment: 'sora-2',
        'job-id': id,
        download: 'true',
      });
      if (got.outputs.status === 'succeeded') done = got;
      else await new Promise((r) => setTimeout(r, 250));
    }
    expect(done, 'video finished within 10 s').toBeDefined();
    expect(JSON.parse(done!.outputs['generation-ids']!)).toEqual([id]);
    expect(files(done!)).toHaveLength(2);
    expect(await info(files(done!)[0]!)).toMatchObject({ format: 'mp4', width: 720, height: 1280 });
  });

  it('without download only reports', async () => {
    const created = await act({
      operation: 'video-job-create',
      deployment: 'sora',
      prompt: 'x',
      width: '480',
      height: '480',
    });
    const got = await act({
      operation: 'video-job-get',
      deployment: 'sora',
      'job-id': created.outputs['job-id']!,
    });
    expect(got.failed).toBeUndefined();
    expect(got.outputs['job-id']).toBe(created.outputs['job-id']);
    expect(files(got)).toEqual([]);
  });

  it('fails on an unknown job with status, code and request id', async () => {
    const rec = await act({ operation: 'video-job-get', deployment: 'sora', 'job-id': 'task_doesnotexist' });
    expect(rec.failed).toMatch(/^Azure OpenAI request failed with status 404, code \S+, request id \S+: /);
    expect(rec.failed).not.toContain('request id none');
  });
});

describe('transcribe and translate', () => {
  beforeEach(async () => {
    await writeFile(path.join(ws.dir, 'speech.wav'), sampleWav(1.5));
  });

  it('transcribes to the text output and a JSON file', async () => {
    const rec = await act({
      operation: 'transcribe',
      deployment: 'whisper',
      audio: 'speech.wav',
      language: 'en',
    });
    expect(rec.failed).toBeUndefined();
    expect(rec.outputs.text!.length).toBeGreaterThan(0);
    expect(files(rec)).toEqual(['aoai-media-output/speech.transcript.json']);
    const saved = JSON.parse(await readFile(path.join(ws.dir, files(rec)[0]!), 'utf8'));
    expect(saved.text).toBe(rec.outputs.text);
  });

  it('writes subtitles in the asked format', async () => {
    const rec = await act({
      operation: 'transcribe',
      deployment: 'whisper',
      audio: 'speech.wav',
      'response-format': 'srt',
    });
    expect(rec.failed).toBeUndefined();
    expect(files(rec)).toEqual(['aoai-media-output/speech.transcript.srt']);
    expect(await readFile(path.join(ws.dir, files(rec)[0]!), 'utf8')).toMatch(/^1\r?\n00:00:00,000 --> /);
    // The text output is the words alone.
    expect(rec.outputs.text!.length).toBeGreaterThan(0);
    expect(rec.outputs.text).not.toContain('-->');
  });

  it('translates', async () => {
    const rec = await act({
      operation: 'translate',
      deployment: 'whisper',
      audio: 'speech.wav',
      'response-format': 'text',
    });
    expect(rec.failed).toBeUndefined();
    expect(files(rec)).toEqual(['aoai-media-output/speech.translation.txt']);
    expect((await readFile(path.join(ws.dir, files(rec)[0]!), 'utf8')).trim()).toBe(rec.outputs.text!.trim());
  });

  it('names the audio input when the file is missing', async () => {
    const rec = await act({ operation: 'transcribe', deployment: 'whisper', audio: 'nope.wav' });
    expect(rec.annotations('error')).toEqual([
      {
        level: 'error',
        title: 'Invalid input: audio',
        message: 'Input "audio": "nope.wav" is not a file in the workspace',
      },
    ]);
    expect(apiRequests()).toHaveLength(0);
  });

  it('refuses an operation the model does not do', async () => {
    const rec = await act({
      operation: 'translate',
      deployment: 'gpt-4o-transcribe',
      model: 'gpt-4o-transcribe',
      audio: 'speech.wav',
    });
    expect(rec.annotations('error')[0]).toMatchObject({ title: 'Invalid input: model' });
    expect(apiRequests()).toHaveLength(0);
  });
});

describe('errors', () => {
  it('reports every input problem as an annotation naming the input; nothing is sent', async () => {
    const rec = await act({
      operation: 'image-generate',
      deployment: '',
      prompt: '',
      n: 'lots',
      'fail-on-content-filter': 'perhaps',
    });
    const titles = rec.annotations('error').map((a) => a.title);
    expect(titles).toEqual([
      'Invalid input: deployment',
      'Invalid input: n',
      'Invalid input: fail-on-content-filter',
      'Invalid input: prompt',
    ]);
    expect(rec.failed).toBe(
      '4 input problems (deployment, n, fail-on-content-filter, prompt); nothing was sent',
    );
    // Outputs and the summary are written on this path too, so later steps can read them.
    expect(rec.outputs).toMatchObject({ files: '[]', status: 'input-error', 'content-filtered': 'false' });
    expect(rec.summary).toContain('failed: 4 input problems');
    expect(apiRequests()).toHaveLength(0);
  });

  it("turns core's model checks into annotations on the right inputs", async () => {
    const rec = await act({
      operation: 'image-generate',
      deployment: 'gpt-image-2',
      prompt: 'x',
      size: '1000x1000',
      n: '11',
      quality: 'ultra',
    });
    const titles = rec
      .annotations('error')
      .map((a) => a.title)
      .sort();
    expect(titles).toEqual(['Invalid input: n', 'Invalid input: quality', 'Invalid input: size']);
    const size = rec.annotations('error').find((a) => a.title === 'Invalid input: size')!;
    expect(size.message).toContain('1000x1000');
    expect(size.message).toContain('multiples of 16');
    expect(apiRequests()).toHaveLength(0);
  });

  it('names seconds and variants for video limits', async () => {
    const rec = await act({
      operation: 'video-job-create',
      deployment: 'sora',
      prompt: 'x',
      width: '1920',
      height: '1080',
      seconds: '20',
      variants: '3',
    });
    const titles = rec
      .annotations('error')
      .map((a) => a.title)
      .sort();
    expect(titles).toEqual(['Invalid input: seconds', 'Invalid input: variants']);
    expect(apiRequests()).toHaveLength(0);
  });

  it('names prompt-file when the prompt from the file is too long', async () => {
    await writeFile(path.join(ws.dir, 'long.txt'), 'x'.repeat(32001));
    const rec = await act({
      operation: 'image-generate',
      deployment: 'gpt-image-2',
      'prompt-file': 'long.txt',
    });
    expect(rec.annotations('error').map((a) => a.title)).toEqual(['Invalid input: prompt-file']);
  });

  it('names api-version when it is not a version', async () => {
    const rec = await act({
      operation: 'image-generate',
      deployment: 'gpt-image-2',
      prompt: 'x',
      'api-version': 'banana',
    });
    expect(rec.annotations('error')[0]!.title).toBe('Invalid input: api-version');
    expect(rec.annotations('error')[0]!.message).toContain('"banana"');
  });

  it('warns when the model cannot be recognised, and still sends', async () => {
    emu.admin.setDeployments({ 'team-art': 'gpt-image-2' });
    const rec = await act({ operation: 'image-generate', deployment: 'team-art', prompt: 'x' });
    expect(rec.failed).toBeUndefined();
    expect(rec.annotations('warning')[0]!.title).toBe('Model not recognised');
    expect(files(rec)).toHaveLength(1);
  });

  it('warns about inputs the operation ignores', async () => {
    const rec = await act({
      operation: 'image-generate',
      deployment: 'gpt-image-2',
      prompt: 'x',
      audio: 'a.wav',
    });
    expect(rec.annotations('warning').map((a) => a.title)).toEqual(['Unused input: audio']);
  });

  it('fails with status, code and request id when the key is wrong, without showing it', async () => {
    const rec = await act({
      operation: 'image-generate',
      deployment: 'gpt-image-2',
      prompt: 'x',
      'api-key': 'not-the-key-1234',
    });
    expect(rec.failed).toMatch(/^Azure OpenAI request failed with status 401, code \S+, request id \S+: /);
    expect(rec.failed).not.toContain('request id none');
    expect(rec.summary).toContain('failed: Azure OpenAI request failed with status 401');
  });

  it('accepts a bearer token and masks it', async () => {
    const rec = recordingIO(
      {
        endpoint: emu.url,
        'bearer-token': emu.apiKey,
        operation: 'image-generate',
        deployment: 'gpt-image-2',
        prompt: 'x',
      },
      ws.dir,
    );
    await run(rec.io);
    expect(rec.log[0]!.level).toBe('secret');
    expect(rec.secrets).toEqual([emu.apiKey]);
    expect(rec.failed).toBeUndefined();
    expect(rec.everything()).not.toContain(emu.apiKey);
  });

  it('fails with the server error after retries', async () => {
    emu.admin.fault({ kind: 'status', status: 503, count: 10, match: { path: 'images/generations' } });
    const rec = await act({ operation: 'image-generate', deployment: 'gpt-image-2', prompt: 'x' });
    expect(rec.failed).toMatch(/^Azure OpenAI request failed with status 503, code \S+, request id \S+: /);
    expect(apiRequests().length).toBe(3); // the first try and two retries
  });

  it('rides out one rate limit', async () => {
    emu.admin.fault({
      kind: 'status',
      status: 429,
      count: 1,
      headers: { 'retry-after-ms': '50' },
      match: { path: 'images/generations' },
    });
    const rec = await act({ operation: 'image-generate', deployment: 'gpt-image-2', prompt: 'x' });
    expect(rec.failed).toBeUndefined();
    expect(files(rec)).toHaveLength(1);
  });

  it('cannot reach a closed port', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const rec = await act({
      operation: 'image-generate',
      deployment: 'gpt-image-2',
      prompt: 'x',
      endpoint: `http://127.0.0.1:${port}`,
    });
    expect(rec.failed).toMatch(new RegExp(`^Could not reach http://127\\.0\\.0\\.1:${port}: `));
  });
});

describe('content filtering', () => {
  beforeEach(() => {
    emu.admin.setBlockedTerms([{ term: 'forbidden', category: 'violence' }]);
  });

  it('fails the step by default, naming the category', async () => {
    const rec = await act({
      operation: 'image-generate',
      deployment: 'gpt-image-2',
      prompt: 'a forbidden scene',
    });
    expect(rec.failed).toMatch(
      /^Azure content filtering blocked the request \(violence\): .* \[status 400, code \S+, request id \S+\]$/,
    );
    expect(files(rec)).toEqual([]);
    expect(rec.outputs['content-filtered']).toBe('true');
    expect(rec.outputs.status).toBe('content-filtered');
  });

  it('with fail-on-content-filter false, warns and succeeds with no files', async () => {
    const rec = await act({
      operation: 'image-generate',
      deployment: 'gpt-image-2',
      prompt: 'a forbidden scene',
      'fail-on-content-filter': 'false',
    });
    expect(rec.failed).toBeUndefined();
    expect(rec.annotations('warning').map((a) => a.title)).toEqual(['Content filtered']);
    expect(rec.outputs.files).toBe('[]');
    expect(rec.outputs.file).toBe('');
    expect(rec.outputs['content-filtered']).toBe('true');
    expect(rec.summary).toContain('Content filtered (violence)');
    expect(rec.summary).toContain('| Content filter | blocked a prompt or an output |');
  });

  it('catches a video job that fails moderation', async () => {
    emu.admin.setBlockedTerms(['forbidden'], { videoModeration: 'fail' });
    const rec = await act({
      operation: 'video-generate',
      deployment: 'sora',
      prompt: 'forbidden',
      width: '480',
      height: '480',
    });
    expect(rec.failed).toMatch(/^Azure content filtering blocked the request/);
    expect(rec.failed).toContain('input_moderation');
    // The refusal came in a successful status poll: no HTTP status is claimed for it.
    expect(rec.failed).not.toMatch(/status 200/);
    expect(rec.outputs['content-filtered']).toBe('true');
    expect(rec.outputs['job-id']).toBeTruthy();
    expect(rec.outputs.status).toBe('failed');
  });

  it('video-job-get reports a moderated job as content filtered', async () => {
    emu.admin.setBlockedTerms(['forbidden'], { videoModeration: 'fail' });
    const created = await act({
      operation: 'video-job-create',
      deployment: 'sora',
      prompt: 'forbidden',
      width: '480',
      height: '480',
    });
    let rec: Recorded | undefined;
    for (let i = 0; i < 40; i++) {
      rec = await act({
        operation: 'video-job-get',
        deployment: 'sora',
        'job-id': created.outputs['job-id']!,
        'fail-on-content-filter': 'false',
      });
      if (rec.outputs.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(rec!.outputs.status).toBe('failed');
    expect(rec!.failed).toBeUndefined();
    expect(rec!.annotations('warning').map((a) => a.title)).toContain('Content filtered');
  });
});

describe('written files', () => {
  it('are real files of the reported size', async () => {
    const rec = await act({
      operation: 'image-generate',
      deployment: 'gpt-image-2',
      prompt: 'x',
      size: '1024x1024',
    });
    const { size } = await stat(path.join(ws.dir, files(rec)[0]!));
    expect(size).toBeGreaterThan(100);
  });
});
