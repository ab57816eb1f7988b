/* global process, console */
// One row per measurement. A bench prints its rows and, when AOAI_BENCH_JSON names a file, appends
// them as JSON lines there; `pnpm bench` gathers the lines of every package into one table.
import { appendFileSync } from 'node:fs';
import { textTable, toCells } from './format.mjs';

const finite = (n) => typeof n === 'number' && Number.isFinite(n);
const round = (n) => (finite(n) ? Number(n.toPrecision(4)) : null);

/** A number or a `{ median, min, max, n }` summary, as a rounded summary (a number is one sample). */
export function asSummary(v) {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return { median: round(v), min: round(v), max: round(v), n: 1 };
  return { median: round(v.median), min: round(v.min), max: round(v.max), n: v.n ?? null };
}

/** A figure that is exact rather than measured (a size, a constant): shown without a spread. */
export const exact = (v) => ({ median: v, min: v, max: v });

/**
 * Whether `target` is met: 'yes' when every sample meets it, 'median only' when the median does but
 * some round does not, 'no' when the median does not, '' when there is no target. Targets read
 * `<op> <number><x|unit>`: with `x` the ratio is checked, otherwise the value.
 */
export function verdict(row) {
  const match = /^(>=|<=|>|<)\s*(-?[\d.]+)\s*(x?)/.exec(row.target ?? '');
  if (!match) return '';
  const checked = match[3] === 'x' ? row.ratio : row.value;
  if (!checked || !finite(checked.median)) return '';
  const limit = Number(match[2]);
  const ok = (v) => ({ '>=': v >= limit, '<=': v <= limit, '>': v > limit, '<': v < limit })[match[1]];
  if (!ok(checked.median)) return 'no';
  return ok(checked.min) && ok(checked.max) ? 'yes' : 'median only';
}

/**
 * A recorder for one package: `record({ name, unit, value, baseline?, ratio?, cpu?, target?, note? })`.
 * - `value`: the subject's figure, a number or a summary (median with its spread).
 * - `baseline`: `{ name, value }`, measured in the same run, interleaved with the subject.
 * - `ratio`: the median of per-round ratios with their spread; `ratioMeans` says what it divides
 *   (e.g. 'time / baseline time' or 'throughput / baseline throughput').
 * - `cpu`: `{ value, baseline?, unit?, of? }` CPU time per operation beside the wall figure
 *   (`of` names the process charged, e.g. 'client' or 'server').
 * - `target`: e.g. '>= 0.90x' (checked against the ratio) or '< 32 MB' (against the value).
 */
export function recorder(pkg) {
  const file = process.env.AOAI_BENCH_JSON;
  const rows = [];
  function record(m) {
    const row = {
      package: pkg,
      name: m.name,
      unit: m.unit,
      value: asSummary(m.value),
      baseline: m.baseline ? { name: m.baseline.name, value: asSummary(m.baseline.value) } : null,
      ratio: asSummary(m.ratio),
      ratioMeans: m.ratioMeans ?? null,
      cpu: m.cpu
        ? {
            value: asSummary(m.cpu.value),
            baseline: asSummary(m.cpu.baseline),
            unit: m.cpu.unit ?? 'us/op',
            of: m.cpu.of ?? null,
          }
        : null,
      target: m.target ?? null,
      note: m.note ?? null,
    };
    row.met = verdict(row);
    rows.push(row);
    if (file) appendFileSync(file, `${JSON.stringify(row)}\n`);
    return row;
  }
  /** A row that could not be measured here, with the reason (printed, and kept in the table). */
  record.skip = (name, reason) => {
    const row = { package: pkg, name, skipped: reason, met: '' };
    rows.push(row);
    if (file) appendFileSync(file, `${JSON.stringify(row)}\n`);
    console.log(`skipped: ${name}: ${reason}`);
    return row;
  };
  /** Prints this package's rows as a table. */
  record.print = () => console.log(`\n${textTable(rows.map(toCells), { withPackage: false })}\n`);
  return record;
}
