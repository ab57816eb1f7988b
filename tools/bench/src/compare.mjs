/* global process */
// Interleaved comparison: every round runs each side once, and the order rotates from round to round
// (with two sides: A B, B A, A B, ...), so slow phases of a busy machine land on both sides alike.
// Each side's wall time and CPU time per operation are kept per round; ratios are taken round by round
// and summarized as the median with its spread, which resists noise better than a ratio of totals.
import { performance } from 'node:perf_hooks';
import { ratioOf, summarize } from './stats.mjs';

/** CPU microseconds (user + system) this process has used. */
export function ownCpuMicros() {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/**
 * Runs `sides` in interleaved rounds.
 *
 * - `sides`: `{ [name]: { run(ops, round), cpu?() } }`. `run` performs `ops` operations (awaiting them
 *   however the side needs: one after another, or N at a time). `cpu` returns the CPU microseconds
 *   used so far by whatever process does the work being compared (default: this process); it may be
 *   async, e.g. asking a server in a child process. A side that times itself (work done in a child
 *   process that reports its own figures) resolves `run` to `{ wallMs, cpuUs }` for all `ops`, and
 *   those replace what the harness measured around it.
 * - `rounds`, `ops` (operations per round), `warmUp` (operations per side before the first round).
 *
 * Returns `{ order, rounds, sides: { [name]: { wallMs: [], cpuUs: [] } } }` with per-operation wall
 * milliseconds and CPU microseconds for every round, plus `ratio(a, b, of)` (a / b per round,
 * summarized; `of` is 'wall' or 'cpu') and `summary(name, of)`.
 */
export async function compare({ sides, rounds, ops, warmUp = 0 }) {
  const names = Object.keys(sides);
  if (names.length < 1) throw new RangeError('compare needs at least one side');
  if (!(rounds >= 1) || !(ops >= 1)) throw new RangeError('rounds and ops must be at least 1');
  if (warmUp > 0) for (const name of names) await sides[name].run(warmUp, -1);
  const results = Object.fromEntries(names.map((n) => [n, { wallMs: [], cpuUs: [] }]));
  const order = [];
  for (let round = 0; round < rounds; round++) {
    const turn = names.map((_, k) => names[(round + k) % names.length]);
    order.push(turn);
    for (const name of turn) {
      const side = sides[name];
      const cpu = side.cpu ?? ownCpuMicros;
      const cpuBefore = await cpu();
      const start = performance.now();
      const own = await side.run(ops, round);
      const wall = own?.wallMs ?? performance.now() - start;
      const cpuUsed = own?.cpuUs ?? (await cpu()) - cpuBefore;
      results[name].wallMs.push(wall / ops);
      results[name].cpuUs.push(cpuUsed / ops);
    }
  }
  return {
    order,
    rounds,
    ops,
    sides: results,
    ratio(a, b, of = 'wall') {
      const key = of === 'cpu' ? 'cpuUs' : 'wallMs';
      return ratioOf(results[a][key], results[b][key]);
    },
    summary(name, of = 'wall') {
      return summarize(results[name][of === 'cpu' ? 'cpuUs' : 'wallMs']);
    },
  };
}

/**
 * Runs `task` `ops` times with `concurrency` in flight at once; resolves when all are done.
 * `task(i)` gets the operation's index.
 */
export async function inParallel(ops, concurrency, task) {
  let next = 0;
  const worker = async () => {
    while (next < ops) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, ops) }, worker));
}
