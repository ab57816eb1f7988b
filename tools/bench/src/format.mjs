// Rows as table cells: every figure is its median followed by its spread (smallest to largest
// round), so no number is shown without the noise around it.

export const HEADER = ['package', 'measure', 'value', 'baseline', 'ratio', 'CPU per op', 'target', 'met'];

/** 3 significant digits, thousands separated. */
export function num(n) {
  if (n === null || n === undefined || !Number.isFinite(n)) return '';
  const abs = Math.abs(n);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** `median (min to max)`, or just the median for a single sample. */
export function spread(s, unit = '', suffix = '') {
  if (!s) return '';
  const u = unit ? ` ${unit}` : '';
  if (s.n === 1 || s.min === s.max) return `${num(s.median)}${suffix}${u}${s.n === 1 ? ' (1 run)' : ''}`;
  return `${num(s.median)}${suffix}${u} (${num(s.min)} to ${num(s.max)})`;
}

export function toCells(row) {
  if (row.skipped) return [row.package, row.name, `not measured: ${row.skipped}`, '', '', '', '', ''];
  const cpu = row.cpu
    ? `${row.cpu.of ? `${row.cpu.of}: ` : ''}${num(row.cpu.value?.median)}${
        row.cpu.baseline ? ` vs ${num(row.cpu.baseline.median)}` : ''
      } ${row.cpu.unit}`
    : '';
  const ratio = row.ratio ? spread(row.ratio, '', 'x') : '';
  return [
    row.package,
    row.name,
    spread(row.value, row.unit),
    row.baseline ? `${row.baseline.name}: ${spread(row.baseline.value, row.unit)}` : '',
    ratio && row.ratioMeans ? `${ratio}, ${row.ratioMeans}` : ratio,
    cpu,
    row.target ?? '',
    row.met ?? '',
  ];
}

/** A plain-text table for a terminal. */
export function textTable(rows, { withPackage = true } = {}) {
  const drop = withPackage ? [] : [0];
  const header = HEADER.filter((_, i) => !drop.includes(i));
  const body = rows.map((r) => r.filter((_, i) => !drop.includes(i)));
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** A Markdown table. */
export function markdownTable(rows) {
  const cell = (c) => c.replaceAll('|', '\\|');
  return [
    `| ${HEADER.join(' | ')} |`,
    `| ${HEADER.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}
