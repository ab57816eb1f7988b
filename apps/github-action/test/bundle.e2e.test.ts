import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { samplePng, sampleWav, speechSeconds } from '@aoai-media/emulator';
import { beforeEach, describe, expect, it } from 'vitest';
import { mediaInfo } from '../src/media-info.js';
import { EXTENDED_MODELS, probeAudio, useEmulator, useTempDir } from './support.js';
import { actionDir, bundle, node24, parseOutputFile, runBundle, type RunnerResult } from './runner.js';

const emu = useEmulator();
// The output and summary files live beside the workspace, as on a runner.
const root = useTempDir();
const ws = {
  get dir() {
    return path.join(root.dir, 'workspace');
  },
};
beforeEach(async () => {
  await mkdir(ws.dir);
});

async function runAction(inputs: Record<string, string>): Promise<RunnerResult> {
  const poll: Record<string, string> =
    inputs.operation === 'video-generate' ? { 'poll-interval-seconds': '1' } : {};
  const result = await runBundle(
    { endpoint: emu.url, 'api-key': emu.apiKey, ...EXTENDED_MODELS, ...poll, ...inputs },
    ws.dir,
  );
  const lines = result.stdout.split('\n').filter((l) => l !== '');
  // The key is masked before anything else is written, and only the mask command carries it.
  expect(lines[0]).toBe(`::add-mask::${emu.apiKey}`);
  expect(lines.slice(1).join('\n')).not.toContain(emu.apiKey);
  expect(result.stderr).not.toContain(emu.apiKey);
  expect(JSON.stringify(result.outputs) + result.summary).not.toContain(emu.apiKey);
  return result;
}

const filesOf = (r: RunnerResult) => JSON.parse(r.outputs.files!) as string[];
const info = async (rel: string) => mediaInfo(new Uint8Array(await readFile(path.join(ws.dir, rel))));

describe('the committed bundle under Node 24', () => {
  it('is run by Node 24', () => {
    expect(execFileSync(node24, ['--version'], { encoding: 'utf8' })).toMatch(/^v24\./);
  });

  it('image-generate', async () => {
    const r = await runAction({
      operation: 'image-generate',
      deployment: 'gpt-image-2',
      prompt: 'a kite',
      size: '1024x1536',
      'output-format': 'webp',
    });
    expect(r.code).toBe(0);
    expect(filesOf(r)).toEqual(['aoai-media-output/image-1.webp']);
    expect(r.outputs.file).toBe('aoai-media-output/image-1.webp');
    expect(await info(r.outputs.file!)).toEqual({ format: 'webp', width: 1024, height: 1536 });
    expect(JSON.parse(r.outputs.usage!)).toHaveProperty('total_tokens');
    expect(r.summary).toContain('### Azure OpenAI media: image-generate');
    expect(r.summary).toContain('| 1024x1536 |');
  });

  it('image-generate with gpt-image-2 at a free size, 2048x1152', async () => {
    const r = await runAction({
      operation: 'image-generate',
      deployment: 'gpt-image-2',
      prompt: 'a lighthouse at dawn, watercolour',
      size: '2048x1152',
    });
    expect(r.code).toBe(0);
    expect(filesOf(r)).toEqual(['aoai-media-output/image-1.png']);
    expect(await info(r.outputs.file!)).toEqual({ format: 'png', width: 2048, height: 1152 });
    // ffprobe decodes it to the same size: the file is a whole, valid image.
    const probed = execFileSync(
      'ffprobe',
      [
        '-v',
        'error',
        '-show_entries',
        'stream=width,height',
        '-of',
        'csv=p=0',
        path.join(ws.dir, r.outputs.file!),
      ],
      { encoding: 'utf8' },
    );
    expect(probed.trim()).toBe('2048,1152');
    expect(r.summary).toContain('| 2048x1152 |');
    expect(emu.admin.requests({ operation: 'images.generate' })[0]!.fields).toMatchObject({
      size: '2048x1152',
    });
  });

  it('speech, the audio file decoded by ffprobe and listed in the summary with its length', async () => {
    const text = 'The build passed and the release notes are ready.';
    const r = await runAction({
      operation: 'speech',
      deployment: 'gpt-4o-mini-tts',
      text,
      voice: 'nova',
      'response-format': 'opus',
    });
    expect(r.code).toBe(0);
    expect(filesOf(r)).toEqual(['aoai-media-output/speech.opus']);
    const probe = probeAudio(path.join(ws.dir, r.outputs.file!));
    expect({ format: probe.format, codec: probe.codec }).toEqual({ format: 'ogg', codec: 'opus' });
    expect(Math.abs(probe.durationSeconds - speechSeconds(text))).toBeLessThanOrEqual(0.1);
    expect(r.summary).toMatch(/\| `aoai-media-output\/speech\.opus` \| [\d.]+ KiB \| \d+\.\d s \|/);
    expect(r.summary).toContain('Speech: voice nova, opus (audio/ogg).');
  });

  it('image-edit', async () => {
    await mkdir(path.join(ws.dir, 'photos'));
    await writeFile(path.join(ws.dir, 'photos/one.png'), samplePng(32, 32, { gradient: true }));
    const r = await runAction({
      operation: 'image-edit',
      deployment: 'gpt-image-2',
      prompt: 'make it blue',
      images: 'photos/*.png',
    });
    expect(r.code).toBe(0);
    expect(filesOf(r)).toEqual(['aoai-media-output/edit-1.png']);
    expect(await info(r.outputs.file!)).toMatchObject({ format: 'png' });
    expect(r.summary).toContain('`aoai-media-output/edit-1.png`');
  });

  it('video-generate', async () => {
    const r = await runAction({
      operation: 'video-generate',
      deployment: 'sora',
      prompt: 'rain',
      width: '854',
      height: '480',
      seconds: '1',
    });
    expect(r.code).toBe(0);
    expect(r.outputs.status).toBe('succeeded');
    expect(JSON.parse(r.outputs['generation-ids']!)).toHaveLength(1);
    expect(filesOf(r)).toHaveLength(2);
    const video = await info(filesOf(r)[0]!);
    expect(video).toMatchObject({ format: 'mp4', width: 854, height: 480 });
    expect(r.summary).toContain(`| Job id | \`${r.outputs['job-id']}\` |`);
    expect(r.summary).toMatch(/\| \d\.\d s, 854x480 \|/);
    expect(r.stdout).toMatch(new RegExp(`Video job ${r.outputs['job-id']}: \\w+`));
  });

  it('video-job-create then video-job-get with download', async () => {
    const created = await runAction({
      operation: 'video-job-create',
      deployment: 'sora',
      prompt: 'snow',
      width: '480',
      height: '480',
    });
    expect(created.code).toBe(0);
    const jobId = created.outputs['job-id']!;
    expect(jobId).toBeTruthy();
    expect(filesOf(created)).toEqual([]);
    let got: RunnerResult | undefined;
    for (let i = 0; i < 30; i++) {
      got = await runAction({
        operation: 'video-job-get',
        deployment: 'sora',
        'job-id': jobId,
        download: 'true',
      });
      expect(got.code).toBe(0);
      if (got.outputs.status === 'succeeded') break;
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(got!.outputs.status).toBe('succeeded');
    expect(filesOf(got!)).toHaveLength(2);
    expect(await info(filesOf(got!)[1]!)).toMatchObject({ format: 'jpeg', width: 480, height: 480 });
    expect(got!.summary).toContain('### Azure OpenAI media: video-job-get');
  });

  it('transcribe', async () => {
    await writeFile(path.join(ws.dir, 'talk.wav'), sampleWav(1));
    const r = await runAction({
      operation: 'transcribe',
      deployment: 'whisper',
      audio: 'talk.wav',
      'response-format': 'vtt',
    });
    expect(r.code).toBe(0);
    expect(filesOf(r)).toEqual(['aoai-media-output/talk.transcript.vtt']);
    expect(await readFile(path.join(ws.dir, r.outputs.file!), 'utf8')).toMatch(/^WEBVTT/);
    expect(r.outputs.text!.length).toBeGreaterThan(0);
    expect(r.outputs.text).not.toMatch(/-->|WEBVTT/);
  });

  it('translate', async () => {
    await writeFile(path.join(ws.dir, 'talk.wav'), sampleWav(1));
    const r = await runAction({ operation: 'translate', deployment: 'whisper', audio: 'talk.wav' });
    expect(r.code).toBe(0);
    expect(filesOf(r)).toEqual(['aoai-media-output/talk.translation.json']);
    expect(JSON.parse(await readFile(path.join(ws.dir, r.outputs.file!), 'utf8')).text).toBe(r.outputs.text);
  });

  it('bad inputs become error annotations and exit code 1', async () => {
    const r = await runAction({
      operation: 'image-generate',
      deployment: 'gpt-image-2',
      prompt: 'x',
      size: '640x480',
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error title=Invalid input%3A size::Input "size": .*640x480/m);
    expect(r.outputs.files).toBe('[]');
  });

  it('API failures fail the step with status, code and request id', async () => {
    emu.admin.fault({ kind: 'status', status: 500, count: 5, match: { path: 'audio/transcriptions' } });
    await writeFile(path.join(ws.dir, 'talk.wav'), sampleWav(1));
    const r = await runAction({ operation: 'transcribe', deployment: 'whisper', audio: 'talk.wav' });
    expect(r.code).toBe(1);
    // A transcription is paid: after a 500 it may have been processed, so it is not sent again.
    expect(r.stdout).toMatch(
      /^::error::Azure OpenAI request failed with status 500, code \S+, request id \S+: .*\. Azure may have processed \(and billed\) it, so it was not sent again$/m,
    );
    expect(emu.admin.requests({ operation: 'audio.transcribe' })).toHaveLength(1);
  });
});

describe('cancelling the step', () => {
  it('SIGINT, as the runner sends on cancel, stops the wait and still writes outputs and summary', async () => {
    emu.admin.setVideoTimings({ running: 60_000 });
    const started = runBundle(
      {
        endpoint: emu.url,
        'api-key': emu.apiKey,
        ...EXTENDED_MODELS,
        operation: 'video-generate',
        deployment: 'sora',
        prompt: 'a long one',
        width: '480',
        height: '480',
        'poll-interval-seconds': '1',
      },
      ws.dir,
      60_000,
      (line, child) => {
        if (line.startsWith('Created video job')) child.kill('SIGINT');
      },
    );
    const r = await started;
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error::Cancelled; video job \S+ was deleted at Azure so it stops$/m);
    expect(r.outputs.status).toBe('cancelled');
    expect(r.outputs['job-id']).toBeTruthy();
    expect(r.summary).toContain(`| Job id | \`${r.outputs['job-id']}\` |`);
  });
});

describe('parseOutputFile', () => {
  it('reads heredoc and plain forms, including multi-line values', () => {
    expect(parseOutputFile('a<<EOF_1\nline one\nline two\nEOF_1\nb=2\n')).toEqual({
      a: 'line one\nline two',
      b: '2',
    });
    expect(() => parseOutputFile('a<<X\nnever closed\n')).toThrow(/closing delimiter/);
  });
});

describe('check-dist', () => {
  it('rebuilding gives the same bytes as the committed bundle, action.yml and README tables', () => {
    const out = execFileSync(process.execPath, [path.join(actionDir, 'build.mjs'), '--check'], {
      cwd: actionDir,
      encoding: 'utf8',
    });
    expect(out).toContain('match their sources and the committed versions');
    expect(bundle.endsWith('dist/index.js')).toBe(true);
  });

  it('the code loaded at start-up is under 1 MB; the artifact code is a chunk loaded on demand', async () => {
    const chunks = path.join(actionDir, 'dist/chunks');
    const files = [
      bundle,
      ...(await readdir(chunks)).filter((f) => f.endsWith('.js')).map((f) => path.join(chunks, f)),
    ];
    const startup = files.filter((f) => !path.basename(f).startsWith('artifact-'));
    let bytes = 0;
    for (const file of startup) {
      const text = await readFile(file, 'utf8');
      bytes += text.length;
      expect(text).not.toContain('signed_upload_url');
    }
    expect(bytes).toBeLessThan(1024 * 1024);
    const all = (await Promise.all(startup.map((f) => readFile(f, 'utf8')))).join('\n');
    expect(all).toMatch(/import\("\.\/artifact-[A-Z0-9]+\.js"\)/);
  });

  it('lists the licence of every bundled package, and source maps name the sources', async () => {
    const licenses = await readFile(path.join(actionDir, 'dist/licenses.txt'), 'utf8');
    for (const name of ['@actions/core@', '@actions/artifact@', '@azure/storage-blob@', '@aoai-media/core@'])
      expect(licenses).toContain(`\n${name}`);
    const chunks = path.join(actionDir, 'dist/chunks');
    const runner = (await readdir(chunks)).find((f) => /^runner-run-.*\.js$/.test(f))!;
    const map = JSON.parse(await readFile(path.join(chunks, `${runner}.map`), 'utf8'));
    expect(map.sources).toContain('../../src/main.ts');
    expect(await readFile(path.join(chunks, runner), 'utf8')).toMatch(
      /\/\/# sourceMappingURL=runner-run-\S+\.js\.map\n$/,
    );
  });
});
