/**
 * n8n's own gates on the package, as n8n runs them: `n8n-node lint` with the default config
 * (strict mode), and the verification scan of @n8n/scan-community-package on the packed tarball
 * (the built bundle) and on the sources. Both must report nothing at all.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const PACKAGE_DIR = fileURLToPath(new URL('../../../n8n-nodes-aoai-media/', import.meta.url));
const exec = promisify(execFile);

interface ScanMessage {
  file: string;
  line: number;
  severity: string;
  rule: string;
  message: string;
}
interface ScanLeg {
  files: number;
  messages: ScanMessage[];
}

/** The test runner's NODE_ENV=test switches some of n8n's lint rules into their own test mode. */
function n8nEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production' };
  delete env.VITEST;
  return env;
}

beforeAll(async () => {
  await exec(process.execPath, ['build.mjs'], { cwd: PACKAGE_DIR });
}, 120_000);

describe("n8n's gates", () => {
  it('n8n-node lint passes in strict mode with the default eslint.config.mjs', async () => {
    const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8'));
    expect(manifest.n8n.strict).toBe(true);
    // The file `n8n-node lint` compares with in strict mode.
    const template = join(
      PACKAGE_DIR,
      'node_modules/@n8n/node-cli/dist/template/templates/shared/default/eslint.config.mjs',
    );
    const squash = (text: string) => text.replace(/\s+/g, ' ').trim();
    expect(squash(readFileSync(join(PACKAGE_DIR, 'eslint.config.mjs'), 'utf8'))).toBe(
      squash(readFileSync(template, 'utf8')),
    );
    const result = await exec('pnpm', ['exec', 'n8n-node', 'lint'], { cwd: PACKAGE_DIR, env: n8nEnv() }).then(
      (r) => ({ code: 0, output: r.stdout + r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({
        code: e.code,
        output: e.stdout + e.stderr,
      }),
    );
    expect(result.output).not.toMatch(/\d+ problems?/);
    expect(result.code, result.output).toBe(0);
  }, 180_000);

  it('the scan of the packed tarball and of the sources finds no error and no warning', async () => {
    const { stdout } = await exec(process.execPath, ['scripts/scan.mjs', '--json'], {
      cwd: PACKAGE_DIR,
      env: n8nEnv(),
      maxBuffer: 64 * 1024 * 1024,
    });
    const { verdict, tarball, source } = JSON.parse(stdout) as {
      verdict: { passed: boolean; message?: string; details?: string };
      tarball: ScanLeg;
      source: ScanLeg;
    };
    // The tarball holds the bundle n8n loads: one node, two credentials.
    expect(tarball.files).toBeGreaterThanOrEqual(3);
    expect(source.files).toBeGreaterThan(10);
    expect(tarball.messages, JSON.stringify(tarball.messages, null, 1)).toEqual([]);
    expect(source.messages, JSON.stringify(source.messages, null, 1)).toEqual([]);
    expect(verdict.passed, verdict.details).toBe(true);
  }, 180_000);

  it("the bundle's platform module exports what core's does", async () => {
    const coreDist = dirname(fileURLToPath(import.meta.resolve('@aoai-media/core')));
    const corePlatform = join(coreDist, 'platform.js');
    expect(existsSync(corePlatform), `${corePlatform}: core keeps its timers in one module`).toBe(true);
    const core = await import(pathToFileURL(corePlatform).href);
    const n8n = await import('n8n-nodes-aoai-media/nodes/AzureOpenAiMedia/platform');
    expect(Object.keys(n8n).sort()).toEqual(Object.keys(core).sort());
  });
});
