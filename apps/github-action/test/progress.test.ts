import type { VideoTask } from '@aoai-media/core';
import { describe, expect, it } from 'vitest';
import type { OperationContext } from '../src/context.js';
import { progressLogger } from '../src/operations/video-common.js';
import { recordingIO } from './support.js';

function setup() {
  let now = 0;
  const rec = recordingIO({}, '/', () => now);
  const ctx = { io: rec.io, result: { files: [], notes: [] } } as unknown as OperationContext;
  return { rec, ctx, advance: (ms: number) => (now += ms) };
}

const job = (status: VideoTask['status']) => ({ id: 'task_1', status });
const video = (status: VideoTask['status'], progress: number) => ({ id: 'video_1', status, progress });

describe('video progress in the log', () => {
  it('logs each status change at once, and the same status at most every 30 s', () => {
    const { rec, ctx, advance } = setup();
    const progress = progressLogger(ctx);
    progress.task(job('queued'));
    advance(1_000);
    progress.task(job('running'));
    advance(10_000);
    progress.task(job('running'));
    advance(25_000);
    progress.task(job('running'));
    expect(rec.log.map((l) => l.message)).toEqual([
      'Video job task_1: queued after 0 s',
      'Video job task_1: running after 1 s',
      'Video job task_1: running after 36 s',
    ]);
    expect(ctx.result.status).toBe('running');
  });

  it('rate-limits percentages and shows a heartbeat while nothing changes', () => {
    const { rec, ctx, advance } = setup();
    const progress = progressLogger(ctx);
    progress.heartbeat(); // nothing seen yet: silent
    progress.task(video('running', 5));
    advance(5_000);
    progress.task(video('running', 20)); // same status within 30 s: silent
    advance(10_000);
    progress.heartbeat(); // 15 s since the last line: silent
    advance(20_000);
    progress.heartbeat();
    expect(rec.log.map((l) => l.message)).toEqual([
      'Video job video_1: running 5% after 0 s',
      'Video job video_1: running 5%, still waiting after 35 s',
    ]);
  });
});
