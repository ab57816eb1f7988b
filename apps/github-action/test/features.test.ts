// Image-to-video, remix, batches with failures, and messages in the words of the inputs.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { samplePng, sampleWav } from '@aoai-media/emulator';
import { describe, expect, it } from 'vitest';
import { parseCues, joinTranscripts } from '../src/audio-split.js';
import { run } from '../src/main.js';
import { issuesToProblems } from '../src/problems.js';
import { EXTENDED_VIDEO, recordingIO, useEmulator, useTempDir, type Recorded } from './support.js';

const emu = useEmulator();
const ws = useTempDir();

async function act(inputs: Record<string, string>): Promise<Recorded> {
  const rec = recordingIO(
    { endpoint: emu.url, 'api-key': emu.apiKey, 'poll-interval-seconds': '1', ...EXTENDED_VIDEO, ...inputs },
    ws.dir,
  );
  await run(rec.io);
  return rec;
}
const sent = () => emu.admin.requests().filter((r) => !r.path.startsWith('/_emulator'));

describe('Sora image-to-video and remix', () => {
  it('Sora 2 starts from input-reference, sent as the input_reference file', async () => {
    await writeFile(path.join(ws.dir, 'first.png'), samplePng(1280, 720));
    const rec = await act({
      operation: 'video-job-create',
      deployment: 'sora-2',
      prompt: 'it moves',
      width: '1280',
      height: '720',
      'input-reference': 'first.png',
    });
    expect(rec.failed).toBeUndefined();
    const [create] = sent();
    expect(create!.path).toBe('/openai/v1/videos');
    expect(create!.files).toEqual([
      expect.objectContaining({ field: 'input_reference', filename: 'first.png', contentType: 'image/png' }),
    ]);
    expect(rec.outputs['job-id']).toMatch(/^video_/);
  });

  it('Sora places input-reference as the first frame of a job with media', async () => {
    await writeFile(path.join(ws.dir, 'first.png'), samplePng(480, 480));
    const rec = await act({
      operation: 'video-job-create',
      deployment: 'sora',
      prompt: 'it moves',
      width: '480',
      height: '480',
      'input-reference': 'first.png',
    });
    expect(rec.failed).toBeUndefined();
    const [create] = sent();
    expect(create!.files).toEqual([expect.objectContaining({ field: 'files', filename: 'first.png' })]);
    expect(JSON.parse(String(create!.fields!.inpaint_items))).toEqual([
      { frame_index: 0, type: 'image', file_name: 'first.png' },
    ]);
  });

  it('remixes a finished Sora 2 video, and collects the new one', async () => {
    const first = await act({
      operation: 'video-generate',
      deployment: 'sora-2',
      prompt: 'a cat',
      width: '1280',
      height: '720',
      seconds: '4',
    });
    expect(first.failed).toBeUndefined();
    emu.admin.clearRequests();
    const remix = await act({
      operation: 'video-generate',
      deployment: 'sora-2',
      prompt: 'a cat in the rain',
      'remix-video-id': first.outputs['job-id']!,
      metadata: 'true',
    });
    expect(remix.failed).toBeUndefined();
    expect(sent()[0]!.path).toBe(`/openai/v1/videos/${first.outputs['job-id']}/remix`);
    expect(sent()[0]!.fields).toEqual({ prompt: 'a cat in the rain' });
    const files = JSON.parse(remix.outputs.files!) as string[];
    expect(files).toHaveLength(2);
    const meta = JSON.parse(
      await import('node:fs/promises').then((fs) =>
        fs.readFile(path.join(ws.dir, `${files[0]}.json`), 'utf8'),
      ),
    );
    expect(meta.remixed_from_video_id).toBe(first.outputs['job-id']);
  });

  it('refuses an input-reference of a type the model does not take, naming it, before sending', async () => {
    await writeFile(
      path.join(ws.dir, 'first.png'),
      Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'),
    );
    const rec = await act({
      operation: 'video-job-create',
      deployment: 'sora-2',
      prompt: 'it moves',
      width: '1280',
      height: '720',
      'input-reference': 'first.png',
    });
    expect(rec.annotations('error').map((a) => a.title)).toEqual(['Invalid input: input-reference']);
    expect(rec.annotations('error')[0]!.message).toMatch(/image\/gif/);
    expect(sent()).toEqual([]);
  });

  it('refuses remix-video-id for a Sora deployment, naming it, before sending', async () => {
    const rec = await act({
      operation: 'video-job-create',
      deployment: 'sora',
      prompt: 'again',
      'remix-video-id': 'video_1',
    });
    expect(rec.annotations('error').map((a) => a.title)).toEqual(['Invalid input: remix-video-id']);
    expect(sent()).toEqual([]);
  });
});

describe('batches', () => {
  it("a filtered line is that line's outcome with fail-on-content-filter false; the others run", async () => {
    emu.admin.setBlockedTerms(['forbidden']);
    await writeFile(path.join(ws.dir, 'p.txt'), 'a kite\na forbidden thing\na boat\n');
    const rec = await act({
      operation: 'image-generate',
      deployment: 'gpt-image-2',
      'prompts-file': 'p.txt',
      'fail-on-content-filter': 'false',
    });
    expect(rec.failed).toBeUndefined();
    expect(JSON.parse(rec.outputs.files!)).toEqual([
      'aoai-media-output/image-1-1.png',
      'aoai-media-output/image-3-1.png',
    ]);
    expect(rec.outputs['content-filtered']).toBe('true');
    expect(rec.summary).toContain('prompts-file line 2: Content filtered');
  });

  it('stops at a failing line and says which lines were done', async () => {
    await writeFile(path.join(ws.dir, 'p.txt'), 'a kite\na boat\na hill\n');
    emu.admin.fault({ kind: 'status', status: 400, count: 1, match: { path: 'images/generations' } });
    emu.admin.clearRequests();
    const ok = await act({ operation: 'image-generate', deployment: 'gpt-image-2', 'prompts-file': 'p.txt' });
    expect(ok.failed).toMatch(/\(at prompts-file line 1\)$/);
    expect(sent().filter((r) => r.operation === 'images.generate')).toHaveLength(1);
  });

  it('names prompts-file when it is given with prompt, and file-name when it has folders', async () => {
    const rec = await act({
      operation: 'image-generate',
      deployment: 'gpt-image-2',
      prompt: 'x',
      'prompts-file': 'p.txt',
      'file-name': '../{n}/{when}',
    });
    expect(rec.annotations('error').map((a) => a.message)).toEqual([
      'Input "prompts-file": give prompts-file or prompt, not both',
      'Input "file-name": "../{n}/{when}" uses {when}; allowed: {index}, {n}, {id}, {slug}',
      'Input "file-name": "../{n}/{when}" must be a file name without folders or "..", at most 200 characters',
    ]);
  });
});

describe('messages in the words of the inputs', () => {
  it('video field names become input names, and a size limit is not followed by a raw byte count', () => {
    const problems = issuesToProblems(
      [
        {
          path: 'n_seconds',
          code: 'too_big',
          message: 'n_seconds 25 is above the limit of 20 for sora',
          allowed: [20],
        },
        {
          path: 'file',
          code: 'too_large',
          message: 'file is 30 MB; whisper accepts files up to 25 MB',
          allowed: [26214400],
        },
        {
          path: 'output_format',
          code: 'not_allowed',
          message: 'output_format "gif" is not supported',
          allowed: ['png', 'jpeg'],
        },
      ],
      false,
    );
    expect(problems).toEqual([
      { input: 'seconds', message: 'seconds 25 is above the limit of 20 for sora' },
      { input: 'audio', message: 'audio is 30 MB; whisper accepts files up to 25 MB' },
      { input: 'output-format', message: 'output-format "gif" is not supported (allowed: png, jpeg)' },
    ]);
  });

  it('audio above the limit with split-audio false says both sizes in the same unit', async () => {
    await writeFile(path.join(ws.dir, 'long.wav'), sampleWav(830));
    const rec = await act({
      operation: 'transcribe',
      deployment: 'whisper',
      audio: 'long.wav',
      'split-audio': 'false',
    });
    expect(rec.annotations('error')[0]!.message).toMatch(
      /^Input "audio": "long\.wav" is \d+\.\d MB \(\d+ bytes\), above whisper's limit of 25\.0 MB \(26214400 bytes\); set split-audio: true/,
    );
    expect(sent()).toEqual([]);
  });

  it('a time-out spent waiting out a rate limit says so', async () => {
    emu.admin.fault({
      kind: 'status',
      status: 429,
      count: 10,
      headers: { 'retry-after': '30' },
      match: { path: 'images/generations' },
    });
    const rec = await act({
      operation: 'image-generate',
      deployment: 'gpt-image-2',
      prompt: 'x',
      'timeout-minutes': '0.02',
    });
    expect(rec.failed).toMatch(
      /^Timed out after 0\.02 minutes \(timeout-minutes\) while waiting out Azure's rate limit \(HTTP 429/,
    );
    expect(rec.outputs.status).toBe('timed-out');
  });
});

describe('joining transcripts of parts', () => {
  it("shifts SRT and WebVTT cues by each part's start and numbers them on", () => {
    const part = '1\n00:00:00,000 --> 00:00:02,500\nhello\n\n2\n00:00:02,500 --> 00:00:05,000\nthere\n';
    const srt = joinTranscripts(
      'srt',
      [
        { text: 'hello there', raw: part, offsetSeconds: 0 },
        { text: 'hello there', raw: part, offsetSeconds: 3600.5 },
      ],
      3605.5,
    ).raw as string;
    expect(parseCues(srt).map((c) => [c.start, c.end])).toEqual([
      [0, 2.5],
      [2.5, 5],
      [3600.5, 3603],
      [3603, 3605.5],
    ]);
    expect(srt).toContain('4\n01:00:03,000 --> 01:00:05,500\nthere');
    const vtt = joinTranscripts(
      'vtt',
      [{ text: 'a', raw: `WEBVTT\n\n00:01.000 --> 00:02.000\na\n`, offsetSeconds: 10 }],
      12,
    ).raw as string;
    expect(vtt).toBe('WEBVTT\n\n00:00:11.000 --> 00:00:12.000\na\n');
  });
});

it('input-reference must be in the workspace', async () => {
  await mkdir(path.join(ws.dir, 'w'));
  const rec = recordingIO(
    {
      endpoint: emu.url,
      'api-key': emu.apiKey,
      ...EXTENDED_VIDEO,
      operation: 'video-job-create',
      deployment: 'sora-2',
      prompt: 'x',
      width: '1280',
      height: '720',
      'input-reference': '../../etc/hostname',
    },
    path.join(ws.dir, 'w'),
  );
  await run(rec.io);
  expect(rec.annotations('error')[0]!.title).toBe('Invalid input: input-reference');
  expect(rec.annotations('error')[0]!.message).toMatch(/outside the workspace/);
});
