// Order statistics for benchmark samples. A spread is the smallest and largest sample, so a reader
// sees at once how far a single round could be from the median.

/** The median of a list of numbers (the mean of the middle two for an even count). */
export function median(values) {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The p-th percentile (0 to 100), nearest rank. */
export function percentile(values, p) {
  if (values.length === 0) throw new RangeError('percentile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** `{ median, min, max, n }` of the samples. */
export function summarize(values) {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

/** Element-wise a[i] / b[i], summarized: the median of per-round ratios with their spread. */
export function ratioOf(a, b) {
  if (a.length !== b.length) throw new RangeError(`ratio of ${a.length} and ${b.length} samples`);
  return summarize(a.map((x, i) => x / b[i]));
}
