#!/usr/bin/env node
// Adds up vitest's per-package "Tests" lines from a `pnpm test` log and prints one closing line,
// e.g. "1024 passed, 0 failed, 2 skipped".
import { readFileSync } from 'node:fs';

const log = readFileSync(process.argv[2], 'utf8').replace(/\u001b\[[0-9;]*m/g, '');
const totals = { passed: 0, failed: 0, skipped: 0 };
for (const line of log.split('\n')) {
  const match =
    /^\S*:test(?::node24)?:\s+Tests\s+(.*)\(\d+\)\s*$/.exec(line) ?? /^\s+Tests\s+(.*)\(\d+\)\s*$/.exec(line);
  if (!match) continue;
  for (const part of match[1].split('|')) {
    const [count, kind] = part.trim().split(/\s+/);
    if (kind === 'passed') totals.passed += Number(count);
    else if (kind === 'failed') totals.failed += Number(count);
    else if (kind === 'skipped' || kind === 'todo') totals.skipped += Number(count);
  }
}
console.log(
  `${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`,
);
