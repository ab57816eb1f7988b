// The committed bundle under Node 24, run as the runner runs it, at the moments that matter: cut and
// killed downloads, paths that leave the workspace, input errors, batches, cancellation and long
// audio. What reached "Azure" is counted in the emulator's request log.
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { getModel } from '@aoai-media/core';
import { samplePng } from '@aoai-media/emulator';
import { beforeEach, describe, expect, it } from 'vitest';
import { EXTENDED_MODELS, useEmulator, useTempDir } from './support.js';
import { runBundle, runnerTempOf, type RunnerResult } from './runner.js';

const emu = useEmulator();
const root = useTempDir();
const ws = () => path.join(root.dir, 'workspace');
beforeEach(async () => {
  await mkdir(ws());
  await mkdir(path.join(root.dir, 'outside'));
  await writeFile(path.join(root.dir, 'outside/secret.txt'), 'the secret prompt');
  await writeFile(path.join(root.dir, 'outside/secret.png'), samplePng(16, 16));
});

const auth = () => ({ endpoint: emu.url, 'api-key': emu.apiKey, ...EXTENDED_MODELS });
const filesOf = (r: RunnerResult) => JSON.parse(r.outputs.files!) as string[];

/** Files under a folder, recursively, relative to it ([] when it does not exist). */
async function listed(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** Frames ffprobe can decode: a cut MP4 has fewer than its length says, or none. */
function decodedFrames(file: string): number {
  const out = execFileSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-count_frames',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=nb_read_frames',
      '-of',
      'csv=p=0',
      file,
    ],
    { encoding: 'utf8' },
  );
  return Number(out.trim());
}

const sora = getModel('sora');
const framesOf = (seconds: number) => seconds * (sora?.kind === 'video' ? sora.framesPerSecond : 30);

const video = {
  operation: 'video-generate',
  deployment: 'sora',
  prompt: 'rain on a window',
  width: '480',
  height: '480',
  seconds: '2',
  'poll-interval-seconds': '1',
};

/** Polls `check` every 20 ms for up to `ms`; the bound keeps a broken test from hanging. */
async function until(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('the condition did not come true in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('video downloads', () => {
  // Resuming from the exact byte is shown with a server that cuts on cue in download.test.ts.
  it('a body cut short is fetched again, and the file is whole', async () => {
    emu.admin.fault({ kind: 'truncate', count: 1, match: { path: 'content/video' } });
    const r = await runBundle({ ...auth(), ...video }, ws());
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(
      /video \S+: terminated; (resuming from byte \d+|trying again) \(attempt 2 of 6\)/,
    );
    const gets = emu.admin.requests({ path: 'content/video' });
    expect(gets.map((g) => g.fault ?? 'none')).toEqual(['truncate', 'none']);
    const [mp4] = filesOf(r);
    expect(decodedFrames(path.join(ws(), mp4!))).toBe(framesOf(2));
  });

  it('a download cut on every attempt leaves no file, says what failed, and a re-run collects cleanly', async () => {
    emu.admin.fault({ kind: 'truncate', count: 100, match: { path: 'content/video' } });
    const r = await runBundle({ ...auth(), ...video }, ws());
    expect(r.code).toBe(1);
    const jobId = r.outputs['job-id']!;
    expect(r.stdout).toMatch(
      new RegExp(
        `^::error::Downloading video \\S+ failed after 6 attempts \\(\\d+ of \\d+ bytes received\\): .*collect it again with video-job-get \\(job-id ${jobId}\\)`,
        'm',
      ),
    );
    expect(r.outputs.status).toBe('succeeded');
    expect(filesOf(r)).toEqual([]);
    expect(await listed(ws())).toEqual([]);
    expect(await listed(runnerTempOf(ws()))).toEqual([]);

    emu.admin.clearFaults();
    const again = await runBundle(
      { ...auth(), operation: 'video-job-get', deployment: 'sora', 'job-id': jobId, download: 'true' },
      ws(),
    );
    expect(again.code, again.stdout).toBe(0);
    const gen = JSON.parse(again.outputs['generation-ids']!)[0];
    expect(filesOf(again)).toEqual([
      `aoai-media-output/${gen}.mp4`,
      `aoai-media-output/${gen}-thumbnail.jpg`,
    ]);
    expect(decodedFrames(path.join(ws(), filesOf(again)[0]!))).toBe(framesOf(2));
  });

  it.each(['SIGTERM', 'SIGKILL'] as const)(
    'a step stopped by %s mid-download leaves nothing in the output folder; a re-run collects cleanly',
    async (signal) => {
      // The video trickles out, so the step is surely mid-download when it is stopped.
      emu.admin.fault({ kind: 'slow', bytesPerSecond: 4_000, match: { path: 'content/video' } });
      const staging = runnerTempOf(ws());
      let stopped = false;
      const r = await runBundle({ ...auth(), ...video }, ws(), 60_000, (line, child) => {
        if (stopped || !line.includes('finished: succeeded')) return;
        stopped = true;
        // Stop once part of the video is on disk (in the temporary folder).
        void until(async () => {
          const partial = (await listed(staging)).find((f) => f.endsWith('.partial'));
          return partial !== undefined && (await stat(path.join(staging, partial))).size > 0;
        }).then(() => child.kill(signal));
      });
      expect(stopped).toBe(true);
      expect(await listed(ws())).toEqual([]);
      if (signal === 'SIGTERM') {
        expect(r.code).toBe(1);
        expect(r.stdout).toMatch(
          /^::error::Cancelled while downloading; video job \S+ had succeeded: collect it with video-job-get/m,
        );
        expect(r.outputs.files).toBe('[]');
        // A cancelled step cleans its temporary folder too.
        expect(await listed(staging)).toEqual([]);
      }
      const jobId = /Created video job (\S+)/.exec(r.stdout)![1]!;
      emu.admin.clearFaults();
      const again = await runBundle(
        { ...auth(), operation: 'video-job-get', deployment: 'sora', 'job-id': jobId, download: 'true' },
        ws(),
      );
      expect(again.code, again.stdout).toBe(0);
      const gen = JSON.parse(again.outputs['generation-ids']!)[0];
      expect(await listed(ws())).toEqual([
        `aoai-media-output/${gen}-thumbnail.jpg`,
        `aoai-media-output/${gen}.mp4`,
      ]);
      expect(decodedFrames(path.join(ws(), `aoai-media-output/${gen}.mp4`))).toBe(framesOf(2));
    },
  );
});

describe('paths that leave the workspace are refused before anything is sent', () => {
  it.each([
    ['..', { operation: 'image-edit', images: '../outside/secret.png' }, 'images'],
    ['an absolute path', { operation: 'image-edit', images: 'ABS/outside/secret.png' }, 'images'],
    ['a glob', { operation: 'image-edit', images: '../outside/*.png' }, 'images'],
    ['a linked file matched by a glob', { operation: 'image-edit', images: 'photos/*.png' }, 'images'],
    [
      'prompt-file',
      { operation: 'image-generate', 'prompt-file': '../outside/secret.txt', prompt: '' },
      'prompt-file',
    ],
    ['a linked output folder', { operation: 'image-generate', 'output-dir': 'linked-out' }, 'output-dir'],
  ])('%s', async (_, given, input) => {
    await mkdir(path.join(ws(), 'photos'));
    await writeFile(path.join(ws(), 'photos/ok.png'), samplePng(16, 16));
    await symlink(path.join(root.dir, 'outside/secret.png'), path.join(ws(), 'photos/link.png'));
    await symlink(path.join(root.dir, 'outside'), path.join(ws(), 'linked-out'));
    const inputs = Object.fromEntries(
      Object.entries({ deployment: 'gpt-image-2', prompt: 'edit it', ...given }).map(([k, v]) => [
        k,
        v.replace('ABS', root.dir),
      ]),
    );
    const r = await runBundle({ ...auth(), ...inputs }, ws());
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      new RegExp(`^::error title=Invalid input%3A ${input}::Input "${input}": .*outside the workspace`, 'm'),
    );
    expect(r.stdout).not.toContain('the secret prompt');
    expect(emu.admin.requests().filter((e) => !e.path.startsWith('/_emulator'))).toEqual([]);
    expect(r.outputs.files).toBe('[]');
    expect(r.outputs.status).toBe('input-error');
    expect(r.summary).toContain('failed: 1 input problem');
    expect(await listed(path.join(root.dir, 'outside'))).toEqual(['secret.png', 'secret.txt']);
  });

  it('allowed-roots opens another folder on purpose', async () => {
    const r = await runBundle(
      {
        ...auth(),
        operation: 'image-generate',
        deployment: 'gpt-image-2',
        'prompt-file': '../outside/secret.txt',
        'allowed-roots': path.join(root.dir, 'outside'),
      },
      ws(),
    );
    expect(r.code, r.stdout).toBe(0);
    expect(emu.admin.requests({ operation: 'images.generate' })[0]!.fields?.prompt).toBe('the secret prompt');
  });
});

it('an input error found before any request still writes every output and the summary', async () => {
  const r = await runBundle({ operation: 'paint', 'api-key': 'k' }, ws());
  expect(r.code).toBe(1);
  expect(r.outputs).toMatchObject({
    files: '[]',
    file: '',
    status: 'input-error',
    'content-filtered': 'false',
  });
  expect(r.summary).toContain('### Azure OpenAI media: paint');
  expect(r.summary).toMatch(/failed: 3 input problems \(operation, endpoint, deployment\); nothing was sent/);
});

it('a batch of three prompts, named from a template, each with its metadata', async () => {
  await writeFile(
    path.join(ws(), 'prompts.txt'),
    'A red kite\n# not this one\n\nA blue boat!\nA green hill\n',
  );
  const r = await runBundle(
    {
      ...auth(),
      operation: 'image-generate',
      deployment: 'gpt-image-2',
      'prompts-file': 'prompts.txt',
      'file-name': 'art-{index}-{slug}',
      metadata: 'true',
      size: '1024x1024',
    },
    ws(),
  );
  expect(r.code, r.stdout).toBe(0);
  expect(filesOf(r)).toEqual([
    'aoai-media-output/art-1-a-red-kite.png',
    'aoai-media-output/art-4-a-blue-boat.png',
    'aoai-media-output/art-5-a-green-hill.png',
  ]);
  expect(JSON.parse(r.outputs['metadata-files']!)).toEqual(filesOf(r).map((f) => `${f}.json`));
  const sent = emu.admin.requests({ operation: 'images.generate' }).map((e) => e.fields?.prompt);
  expect(sent).toEqual(['A red kite', 'A blue boat!', 'A green hill']);
  for (const [i, line] of [1, 4, 5].entries()) {
    const meta = JSON.parse(await readFile(path.join(ws(), `${filesOf(r)[i]}.json`), 'utf8'));
    expect(meta).toMatchObject({
      file: filesOf(r)[i],
      prompt: sent[i],
      line,
      prompts_file: 'prompts.txt',
      deployment: 'gpt-image-2',
      model: 'gpt-image-2',
      image: '1024x1024',
    });
  }
});

describe('cancelling the step (SIGINT, as the runner sends)', () => {
  it.each([
    ['deletes the job it started at Azure', 'true'],
    ['with cancel-job-on-cancel false, leaves the job running', 'false'],
  ])('%s', async (_, cancelJob) => {
    emu.admin.setVideoTimings({ running: 60_000 });
    const r = await runBundle(
      { ...auth(), ...video, 'cancel-job-on-cancel': cancelJob },
      ws(),
      60_000,
      (line, child) => {
        if (line.startsWith('Created video job')) child.kill('SIGINT');
      },
    );
    expect(r.code).toBe(1);
    const jobId = r.outputs['job-id']!;
    const deletes = emu.admin.requests({ method: 'DELETE' });
    if (cancelJob === 'true') {
      expect(deletes.map((d) => [d.path, d.status])).toEqual([
        [`/openai/v1/video/generations/jobs/${jobId}`, 204],
      ]);
      expect(r.stdout).toMatch(`::error::Cancelled; video job ${jobId} was deleted at Azure so it stops`);
      expect(r.outputs.status).toBe('cancelled');
    } else {
      expect(deletes).toEqual([]);
      expect(r.stdout).toMatch(
        `::error::Cancelled; video job ${jobId} keeps running (cancel-job-on-cancel is false)`,
      );
    }
    expect(r.summary).toContain(`| Job id | \`${jobId}\` |`);
  });
});

it('audio above the 25 MB limit is split with ffmpeg and transcribed in order, timestamps running on', async () => {
  // 330 s of 48 kHz stereo 16-bit PCM: 63 MB.
  const audio = path.join(ws(), 'talk.wav');
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=300:sample_rate=48000:duration=330',
    '-ac',
    '2',
    '-c:a',
    'pcm_s16le',
    audio,
  ]);
  expect((await stat(audio)).size).toBeGreaterThan(60 * 1024 * 1024);
  const r = await runBundle(
    {
      ...auth(),
      operation: 'transcribe',
      deployment: 'whisper',
      audio: 'talk.wav',
      'response-format': 'verbose_json',
    },
    ws(),
  );
  expect(r.code, r.stdout).toBe(0);
  const sent = emu.admin.requests({ operation: 'audio.transcribe' });
  expect(sent.length).toBe(3);
  for (const e of sent) expect(e.files![0]!.size).toBeLessThanOrEqual(25 * 1024 * 1024);
  expect(sent.map((e) => e.files![0]!.filename)).toEqual([
    'talk-part1.wav',
    'talk-part2.wav',
    'talk-part3.wav',
  ]);
  const transcript = JSON.parse(await readFile(path.join(ws(), r.outputs.file!), 'utf8'));
  expect(transcript.duration).toBeCloseTo(330, 0);
  const segments = transcript.segments as { id: number; start: number; end: number }[];
  expect(segments.map((s) => s.id)).toEqual(segments.map((_, i) => i));
  for (let i = 1; i < segments.length; i++) {
    expect(segments[i]!.start).toBeGreaterThanOrEqual(segments[i - 1]!.end - 0.01);
    expect(segments[i]!.start - segments[i - 1]!.end).toBeLessThan(0.5);
  }
  expect(segments[0]!.start).toBe(0);
  expect(segments.at(-1)!.end).toBeCloseTo(330, 0);
  expect(r.summary).toMatch(/sent in 3 parts; timestamps run on across parts/);
  expect(await listed(runnerTempOf(ws()))).toEqual([]);
});
