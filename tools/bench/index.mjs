// The benchmark harness shared by every package's bench (see README.md).
export { compare, inParallel, ownCpuMicros } from './src/compare.mjs';
export { median, percentile, ratioOf, summarize } from './src/stats.mjs';
export {
  canReadProc,
  memoryOf,
  procCpuMicros,
  reapedChildrenCpuMicros,
  resetPeakRss,
  startNode,
  startProcess,
  stop,
  stopAll,
} from './src/processes.mjs';
export { announce, startRedis } from './src/servers.mjs';
export { asSummary, exact, recorder, verdict } from './src/record.mjs';
export { markdownTable, num, spread, textTable, toCells } from './src/format.mjs';
