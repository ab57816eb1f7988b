/* global process */
// Each package's benchmark prints its own table and, when AOAI_BENCH_JSON names a file, also appends
// one JSON line per measurement to it; `pnpm bench` (scripts/bench.mjs) gathers those lines into one
// table. Without the variable nothing is written.
import { appendFileSync } from 'node:fs';

const round = (n) => (typeof n === 'number' && Number.isFinite(n) ? Number(n.toPrecision(4)) : null);

/**
 * A recorder for one package. `record({ name, value, unit, baseline?, baselineValue?, ratio?, target? })`:
 * `ratio` defaults to value / baselineValue (a bench may pass a better estimate, such as the median of
 * per-round ratios); `target` says which way is good, e.g. ">= 0.90x".
 */
export function recorder(pkg) {
  const file = process.env.AOAI_BENCH_JSON;
  return function record({ name, value, unit, baseline = null, baselineValue = null, ratio, target = null }) {
    const computed = ratio ?? (baselineValue ? value / baselineValue : null);
    const line = {
      package: pkg,
      name,
      value: round(value),
      unit,
      baseline,
      baselineValue: round(baselineValue),
      ratio: round(computed),
      target,
    };
    if (file) appendFileSync(file, `${JSON.stringify(line)}\n`);
    return line;
  };
}
