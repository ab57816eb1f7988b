/* global fetch, URL */
import { describe, expect, it } from 'vitest';
import { compare, inParallel, median, percentile, startNode, verdict } from '../index.mjs';

/** Pure integer work, no allocation: its CPU cost is proportional to `n`. */
function work(n) {
  let x = 1;
  for (let i = 0; i < n; i++) x = (Math.imul(x, 1_103_515_245) + 12_345) | 0;
  return x;
}

describe('compare', () => {
  it('recovers a known cost ratio (3x) within its spread, measured in CPU time', async () => {
    const unit = 1_000_000;
    let sink = 0;
    const result = await compare({
      sides: {
        heavy: { run: (ops) => void (sink += work(3 * unit * ops)) },
        light: { run: (ops) => void (sink += work(unit * ops)) },
      },
      rounds: 21,
      ops: 10,
      warmUp: 5,
    });
    expect(sink).not.toBe(0);
    const ratio = result.ratio('heavy', 'light', 'cpu');
    expect(ratio.n).toBe(21);
    expect(ratio.min).toBeLessThanOrEqual(3);
    expect(ratio.max).toBeGreaterThanOrEqual(3);
    expect(Math.abs(ratio.median - 3)).toBeLessThan(0.45);
    // Each side was charged its own work: the light side cost about a third.
    expect(result.summary('light', 'cpu').median).toBeGreaterThan(0);
  });

  it('finds no difference between a function and itself', async () => {
    let sink = 0;
    const same = (ops) => void (sink += work(500_000 * ops));
    const result = await compare({ sides: { a: { run: same }, b: { run: same } }, rounds: 11, ops: 10 });
    const ratio = result.ratio('a', 'b', 'cpu');
    expect(ratio.min).toBeLessThanOrEqual(1);
    expect(ratio.max).toBeGreaterThanOrEqual(1);
    expect(sink).not.toBe(0);
  });

  it('alternates which side goes first, round by round', async () => {
    const calls = [];
    await compare({
      sides: { a: { run: () => void calls.push('a') }, b: { run: () => void calls.push('b') } },
      rounds: 4,
      ops: 1,
    });
    expect(calls.join('')).toBe('abbaabba');
  });

  it('charges CPU to the process a side names, not to the load generator', async () => {
    const server = await startNode(new URL('./fixtures/spin-server.mjs', import.meta.url).pathname);
    try {
      expect(server.port).toBeGreaterThan(0);
      const spin = (n) => async (ops) =>
        inParallel(ops, 2, async () => {
          const res = await fetch(`${server.url}/spin?n=${n}`);
          await res.text();
        });
      // About 10 ms and 2.5 ms of server CPU per request, plus the same small HTTP cost on both sides.
      const result = await compare({
        sides: {
          slow: { run: spin(8_000_000), cpu: server.cpuMicros },
          fast: { run: spin(2_000_000), cpu: server.cpuMicros },
        },
        rounds: 6,
        ops: 4,
        warmUp: 2,
      });
      const ratio = result.ratio('slow', 'fast', 'cpu');
      expect(ratio.min).toBeLessThanOrEqual(4);
      expect(ratio.median).toBeGreaterThan(2.5);
      expect(ratio.median).toBeLessThan(4.5);
      // The load generator's own CPU is not in it: the server spent milliseconds per request.
      expect(result.summary('slow', 'cpu').median).toBeGreaterThan(3000);
    } finally {
      await server.stop();
    }
    expect(server.child.exitCode !== null || server.child.signalCode !== null).toBe(true);
  });
});

describe('statistics and verdicts', () => {
  it('takes medians and nearest-rank percentiles', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99)).toBe(10);
  });

  it('says whether a target is met by every round, by the median only, or not', () => {
    const ratio = (median, min, max) => ({ median, min, max, n: 9 });
    expect(verdict({ target: '>= 0.90x', ratio: ratio(0.95, 0.92, 0.99) })).toBe('yes');
    expect(verdict({ target: '>= 0.90x', ratio: ratio(0.95, 0.85, 0.99) })).toBe('median only');
    expect(verdict({ target: '>= 0.90x', ratio: ratio(0.85, 0.8, 0.95) })).toBe('no');
    expect(verdict({ target: '< 32 MB', value: ratio(20, 18, 40) })).toBe('median only');
    expect(verdict({ target: '< 1 ms', value: ratio(0.4, 0.3, 0.6) })).toBe('yes');
    expect(verdict({ value: ratio(1, 1, 1) })).toBe('');
  });
});
