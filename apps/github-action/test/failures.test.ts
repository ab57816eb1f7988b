import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../src/main.js';
import { EXTENDED_VIDEO, recordingIO, useEmulator, useTempDir } from './support.js';

const emu = useEmulator();
const ws = useTempDir();

const base = () => ({ endpoint: emu.url, 'api-key': emu.apiKey, ...EXTENDED_VIDEO });

/** A job as Azure shows one that failed for a reason other than moderation. */
function failedJob(id: string) {
  return {
    object: 'video.generation.job',
    id,
    status: 'failed',
    created_at: 1,
    finished_at: 2,
    expires_at: null,
    generations: [],
    prompt: 'x',
    model: 'sora',
    n_variants: 1,
    n_seconds: 5,
    height: 480,
    width: 480,
    failure_reason: 'internal_error',
  };
}

describe('failed video jobs', () => {
  it('video-job-get fails the step with the job and its reason', async () => {
    const rec = recordingIO(
      {
        ...base(),
        operation: 'video-job-create',
        deployment: 'sora',
        prompt: 'x',
        width: '480',
        height: '480',
      },
      ws.dir,
    );
    await run(rec.io);
    const jobId = rec.outputs['job-id']!;
    emu.admin.fault({
      kind: 'status',
      status: 200,
      body: failedJob(jobId),
      match: { operation: 'videoJobs.get' },
      count: 1,
    });
    const get = recordingIO(
      { ...base(), operation: 'video-job-get', deployment: 'sora', 'job-id': jobId },
      ws.dir,
    );
    await run(get.io);
    expect(get.failed).toBe(`Video job ${jobId} ended failed: internal_error`);
    expect(get.outputs.status).toBe('failed');
    expect(get.outputs['job-id']).toBe(jobId);
    expect(get.summary).toContain(`failed: Video job ${jobId} ended failed: internal_error`);
  });

  it('a failure seen while waiting ends the wait', async () => {
    emu.admin.fault({
      kind: 'status',
      status: 200,
      body: failedJob('task_fixed'),
      match: { operation: 'videoJobs.get' },
      count: 1,
    });
    const rec = recordingIO(
      {
        ...base(),
        operation: 'video-generate',
        deployment: 'sora',
        prompt: 'x',
        width: '480',
        height: '480',
        'poll-interval-seconds': '1',
      },
      ws.dir,
    );
    await run(rec.io);
    expect(rec.failed).toMatch(/^Video job \S+ ended failed: internal_error$/);
    expect(rec.outputs.files).toBe('[]');
  });
});

describe('cancellation', () => {
  it('stops waiting for a video, and still gives the job id and the summary', async () => {
    const cancel = new AbortController();
    const rec = recordingIO(
      {
        ...base(),
        operation: 'video-generate',
        deployment: 'sora',
        prompt: 'x',
        width: '480',
        height: '480',
        'poll-interval-seconds': '1',
      },
      ws.dir,
    );
    const info = rec.io.info;
    rec.io.info = (message) => {
      info(message);
      if (message.startsWith('Created video job')) cancel.abort();
    };
    await run(rec.io, cancel.signal);
    // The job this step started is deleted at Azure, so it does not run on unseen.
    expect(rec.failed).toMatch(/^Cancelled; video job \S+ was deleted at Azure so it stops$/);
    expect(emu.admin.requests({ method: 'DELETE' })).toHaveLength(1);
    expect(rec.outputs.status).toBe('cancelled');
    expect(rec.outputs['job-id']).toBeTruthy();
    expect(rec.outputs.files).toBe('[]');
    expect(rec.summary).toContain(`| Job id | \`${rec.outputs['job-id']}\` |`);
    expect(rec.summary).toContain('failed: Cancelled');
  });

  it('does nothing when cancelled before it starts', async () => {
    const cancel = new AbortController();
    cancel.abort();
    const rec = recordingIO(
      { ...base(), operation: 'image-generate', deployment: 'gpt-image-2', prompt: 'x' },
      ws.dir,
    );
    await run(rec.io, cancel.signal);
    expect(rec.failed).toBe('Cancelled');
    expect(emu.admin.requests().filter((r) => !r.path.startsWith('/_emulator'))).toHaveLength(0);
  });
});

describe('other failures', () => {
  it('an output folder that cannot be created fails with the reason', async () => {
    await writeFile(path.join(ws.dir, 'taken'), 'a file, not a folder');
    const rec = recordingIO(
      {
        ...base(),
        operation: 'image-generate',
        deployment: 'gpt-image-2',
        prompt: 'x',
        'output-dir': 'taken/images',
      },
      ws.dir,
    );
    await run(rec.io);
    expect(rec.failed).toMatch(/^Unexpected error: .*(ENOTDIR|EEXIST)/);
  });

  it('a missing prompt-file names the input', async () => {
    const rec = recordingIO(
      {
        ...base(),
        operation: 'image-generate',
        deployment: 'gpt-image-2',
        'prompt-file': 'prompts/none.txt',
      },
      ws.dir,
    );
    await run(rec.io);
    expect(rec.annotations('error')).toEqual([
      {
        level: 'error',
        title: 'Invalid input: prompt-file',
        message: 'Input "prompt-file": "prompts/none.txt" is not a file in the workspace',
      },
    ]);
    expect(emu.admin.requests().filter((r) => !r.path.startsWith('/_emulator'))).toHaveLength(0);
  });

  it('a summary that cannot be written is a warning, not a failure', async () => {
    const rec = recordingIO(
      { ...base(), operation: 'image-generate', deployment: 'gpt-image-2', prompt: 'x' },
      ws.dir,
    );
    rec.io.writeSummary = async () => {
      throw new Error('disk full');
    };
    await run(rec.io);
    expect(rec.failed).toBeUndefined();
    expect(rec.annotations('warning').map((w) => w.message)).toEqual([
      'Could not write the job summary: disk full',
    ]);
    expect(JSON.parse(rec.outputs.files!)).toHaveLength(1);
  });

  it('a Sora 2 deployment takes one variant only', async () => {
    const rec = recordingIO(
      {
        ...base(),
        operation: 'video-job-create',
        deployment: 'sora-2',
        prompt: 'x',
        width: '1280',
        height: '720',
        variants: '2',
      },
      ws.dir,
    );
    await run(rec.io);
    expect(rec.annotations('error').map((a) => a.title)).toEqual(['Invalid input: variants']);
    expect(rec.annotations('error')[0]!.message).toBe(
      'Input "variants": variants 2 is out of range for sora-2; use 1',
    );
  });
});
