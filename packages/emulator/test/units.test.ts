import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src/cli.js';
import { createClock } from '../src/clock.js';
import { makeTranscript, toSrt, toVtt, wavDuration } from '../src/media/audio.js';
import { variantSize } from '../src/media/video.js';
import { checkLimits, normaliseBlockedTerms, resolveDeployments } from '../src/options.js';
import { sampleWav } from '../src/sample-media.js';
import { harness } from './support.js';

describe('clock', () => {
  it('manual time moves only with advance', () => {
    const c = createClock('manual', { startTime: 1_000 });
    expect(c.now()).toBe(1_000);
    c.advance(250);
    expect(c.now()).toBe(1_250);
    expect(() => c.advance(-1)).toThrow(/non-negative/);
  });

  it('real time runs at the time scale and can also be advanced', async () => {
    const c = createClock('real', { startTime: 0, timeScale: 1000 });
    const before = c.now();
    await new Promise((r) => setTimeout(r, 20));
    expect(c.now() - before).toBeGreaterThanOrEqual(10_000);
    const t = c.now();
    c.advance(60_000);
    expect(c.now()).toBeGreaterThanOrEqual(t + 60_000);
    expect(() => createClock('real', { timeScale: 0 })).toThrow(/timeScale/);
  });
});

describe('options', () => {
  it('blocked terms default to the violence category and name bad entries', () => {
    expect(normaliseBlockedTerms(['a', { term: 'b', category: 'hate' }])).toEqual([
      { term: 'a', category: 'violence' },
      { term: 'b', category: 'hate' },
    ]);
    expect(() => normaliseBlockedTerms([''])).toThrow(/blockedTerms\[0\]/);
    expect(() => normaliseBlockedTerms([{ term: 'x', category: 'rude' as never }])).toThrow(
      /blockedTerms\[0\]\.category is "rude"; allowed: hate/,
    );
  });

  it('limits must be positive integers', () => {
    expect(() => checkLimits({ deployments: { d: { maxRunningVideoJobs: 1.5 } } })).toThrow(
      /limits\.deployments\.d\.maxRunningVideoJobs/,
    );
  });

  it('deployments add to the defaults or replace them, and must name known models', () => {
    expect(resolveDeployments({ deployments: { mine: 'sora' } }).get('mine')).toBe('sora');
    expect(resolveDeployments({ deployments: { mine: 'sora' } }).has('whisper')).toBe(true);
    expect([
      ...resolveDeployments({ deployments: { mine: 'sora' }, replaceDefaultDeployments: true }).keys(),
    ]).toEqual(['mine']);
    expect(() => resolveDeployments({ deployments: { x: 'gpt-99' } })).toThrow(
      /deployments\.x names unknown model "gpt-99"/,
    );
  });

  it('--help asks for the usage text', async () => {
    expect((await parseArgs(['--help'])).help).toBe(true);
  });
});

describe('media helpers', () => {
  it('reads WAV durations, including streamed WAVs with an unknown data size', () => {
    expect(wavDuration(sampleWav(2.5))).toBeCloseTo(2.5, 5);
    const streamed = Buffer.from(sampleWav(1.5));
    streamed.writeUInt32LE(0xffffffff, 40);
    expect(wavDuration(streamed)).toBeCloseTo(1.5, 5);
    expect(wavDuration(new Uint8Array([1, 2, 3]))).toBeUndefined();
  });

  it('transcripts cover the duration exactly in srt and vtt', () => {
    const t = makeTranscript(new Uint8Array([1]), 3723.5, 0);
    expect(t.segments[t.segments.length - 1]!.end).toBe(3723.5);
    expect(toSrt(t)).toContain('--> 01:02:03,500');
    expect(toVtt(t)).toContain('--> 01:02:03.500');
  });

  it('the low video variant is half size with even dimensions', () => {
    expect(variantSize({ width: 854, height: 480, quality: 'low' })).toEqual({ width: 426, height: 240 });
    expect(variantSize({ width: 854, height: 480, quality: 'high' })).toEqual({ width: 854, height: 480 });
  });
});

describe('rate limit while polling a video job', () => {
  it('GETs of a job count against its deployment and answer 429 in the video shape', async () => {
    const h = await harness();
    try {
      h.emu.admin.setLimits({ deployments: { sora: { requestsPerMinute: 2 } } });
      const job = await h.post('/openai/v1/video/generations/jobs', {
        model: 'sora',
        prompt: 'x',
        width: 480,
        height: 480,
      });
      expect((await h.get(`/openai/v1/video/generations/jobs/${job.json.id}`)).status).toBe(200);
      const limited = await h.get(`/openai/v1/video/generations/jobs/${job.json.id}`);
      expect(limited.status).toBe(429);
      expect(limited.json.code).toBe('429');
      expect(limited.json.error).toBeUndefined();
      expect(Number(limited.headers.get('retry-after-ms'))).toBeGreaterThan(0);
      h.emu.admin.advance(60_000);
      expect((await h.get(`/openai/v1/video/generations/jobs/${job.json.id}`)).status).toBe(200);
    } finally {
      await h.emu.close();
    }
  });
});
