import { execFileSync, spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mediaInfo } from '../src/media-info.js';
import { useEmulator, useTempDir } from './support.js';
import { actionDir, parseOutputFile } from './runner.js';

// @github/local-action runs src/main.ts's run() with its own stand-in for @actions/core, the way
// action authors debug locally. Its `local-action` launcher only picks the package manager and starts
// the tool's src/index.ts under tsx with `pnpm dlx`, which asks the registry for tsx on every run; the
// test starts that same entry with the tsx the tool depends on, and sets what the launcher sets.
// The real folder (pnpm links it), so its own dependencies resolve beside it.
const toolDir = realpathSync(path.join(actionDir, 'node_modules/@github/local-action'));
const tsxCli = path.join(
  path.dirname(createRequire(path.join(toolDir, 'package.json')).resolve('tsx/package.json')),
  'dist/cli.mjs',
);
/** Starts local-action's entry as its launcher would, and returns its exit code and output. */
async function localAction(
  actionPath: string,
  entry: string,
  envFile: string,
): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(
    process.execPath,
    [tsxCli, path.join(toolDir, 'src/index.ts'), 'run', actionPath, entry, envFile],
    {
      cwd: actionPath,
      env: {
        ...process.env,
        TARGET_ACTION_PATH: actionPath,
        NODE_PACKAGE_MANAGER: 'pnpm',
        NODE_NO_WARNINGS: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stdout += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 170_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  return { code, stdout };
}

describe('through @github/local-action', () => {
  const emu = useEmulator();
  const ws = useTempDir();

  it('runs the release layout (action.yml at the root, the committed dist/) as users get it', async () => {
    const layout = path.join(ws.dir, 'release');
    execFileSync(process.execPath, [path.join(actionDir, 'release-layout.mjs'), layout]);
    const workspace = path.join(ws.dir, 'workspace');
    const outputFile = path.join(ws.dir, 'output.txt');
    const summaryFile = path.join(ws.dir, 'summary.md');
    await writeFile(outputFile, '');
    await writeFile(summaryFile, '');
    const envFile = path.join(ws.dir, 'action.env');
    await writeFile(
      envFile,
      [
        'INPUT_OPERATION=image-generate',
        `INPUT_ENDPOINT=${emu.url}`,
        `INPUT_API-KEY=${emu.apiKey}`,
        'INPUT_DEPLOYMENT=gpt-image-2',
        'INPUT_PROMPT=a paper boat on a pond',
        'INPUT_OUTPUT-DIR=out',
        `GITHUB_WORKSPACE=${workspace}`,
        `GITHUB_OUTPUT=${outputFile}`,
        `GITHUB_STEP_SUMMARY=${summaryFile}`,
        `RUNNER_TEMP=${path.join(ws.dir, 'tmp')}`,
        '',
      ].join('\n'),
    );
    const { code, stdout } = await localAction(layout, 'dist/index.js', envFile);
    expect(code, stdout).toBe(0);
    expect(stdout).toContain('Running Action');
    // The bundle carries its own @actions/core, so outputs go to the runner's files.
    const outputs = parseOutputFile(await readFile(outputFile, 'utf8'));
    expect(outputs).toMatchObject({
      files: '["out/image-1.png"]',
      status: 'succeeded',
      'content-filtered': 'false',
    });
    expect(await readFile(summaryFile, 'utf8')).toContain('### Azure OpenAI media: image-generate');
    expect(mediaInfo(new Uint8Array(await readFile(path.join(workspace, 'out/image-1.png'))))).toMatchObject({
      format: 'png',
    });
    // One run: importing the bundle does not start it, local-action's call does.
    expect(emu.admin.requests({ operation: 'images.generate' })).toHaveLength(1);
  }, 180_000);

  it('runs the sources (src/main.ts) with its stand-in for @actions/core', async () => {
    const envFile = path.join(ws.dir, 'action.env');
    const workspace = path.join(ws.dir, 'workspace');
    await writeFile(
      envFile,
      [
        'INPUT_OPERATION=image-generate',
        `INPUT_ENDPOINT=${emu.url}`,
        `INPUT_API-KEY=${emu.apiKey}`,
        'INPUT_DEPLOYMENT=gpt-image-2',
        'INPUT_PROMPT=a paper boat on a pond',
        'INPUT_SIZE=1024x1536',
        'INPUT_OUTPUT-DIR=out',
        `GITHUB_WORKSPACE=${workspace}`,
        '',
      ].join('\n'),
    );
    const { code, stdout } = await localAction(actionDir, 'src/main.ts', envFile);

    expect(code, stdout).toBe(0);
    expect(stdout).toContain('Action Outputs');
    expect(stdout).toMatch(/'files'\s*│\s*'\["out\/image-1\.png"\]'/);
    expect(mediaInfo(new Uint8Array(await readFile(path.join(workspace, 'out/image-1.png'))))).toEqual({
      format: 'png',
      width: 1024,
      height: 1536,
    });
  }, 180_000);
});
