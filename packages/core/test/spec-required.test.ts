/**
 * The conformance suites are the only check of the model table that does not read the table itself,
 * so in CI they must run: with CI=true and no spec folder, the suite fails instead of skipping.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const vitestBin = path.join(
  path.dirname(createRequire(import.meta.url).resolve('vitest/package.json')),
  'vitest.mjs',
);
const empty = mkdtempSync(path.join(tmpdir(), 'aoai-no-spec-'));
const missing = path.join(empty, 'azure-openai-spec');
afterAll(() => rmSync(empty, { recursive: true, force: true }));

function runConformance(ci: string | undefined) {
  const env: NodeJS.ProcessEnv = { ...process.env, AOAI_SPEC_DIR: missing };
  delete env.CI;
  if (ci !== undefined) env.CI = ci;
  return spawnSync(process.execPath, [vitestBin, 'run', 'test/conformance.test.ts'], {
    cwd: packageDir,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('conformance specs are required in CI', () => {
  it('fails with CI=true when the spec folder is missing', () => {
    const result = runConformance('true');
    expect(result.status).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toContain('conformance tests cannot be skipped in CI');
  });

  it('skips with a message outside CI', () => {
    const result = runConformance(undefined);
    expect(result.status).toBe(0);
    expect(`${result.stdout}${result.stderr}`).toContain('Azure OpenAPI specs not found');
  });
});
