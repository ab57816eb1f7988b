import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const actionDir = fileURLToPath(new URL('..', import.meta.url));
/**
 * Node 24, the runtime `runs.using: node24` gives the action on GitHub's runners. The binary itself,
 * not the `.bin/node` shell shim: /bin/sh drops variables with dashes in their names (INPUT_API-KEY).
 */
export const node24 = path.join(actionDir, 'node_modules/node/bin/node');
export const bundle = path.join(actionDir, 'dist/index.js');

/** The RUNNER_TEMP of a test workspace: a folder beside it. */
export function runnerTempOf(workspace: string): string {
  return path.join(path.dirname(workspace), `${path.basename(workspace)}.tmp`);
}

export interface RunnerResult {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

/** `INPUT_<NAME>`: upper case, spaces to underscores, dashes kept (as the runner does). */
export function inputEnv(inputs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [`INPUT_${k.replace(/ /g, '_').toUpperCase()}`, v]),
  );
}

/** Parses the `GITHUB_OUTPUT` file: `name<<DELIMITER` heredocs and plain `name=value` lines. */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      let j = i + 1;
      while (j < lines.length && lines[j] !== delimiter) value.push(lines[j++]!);
      if (j >= lines.length) throw new Error(`output ${name} has no closing delimiter`);
      out[name!] = value.join('\n');
      i = j;
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}

/**
 * Runs the committed bundle as the runner does: Node 24, INPUT_* variables, file commands, the
 * workspace as cwd and `<workspace>.tmp` beside it as RUNNER_TEMP. `env` adds runner variables.
 */
export async function runBundle(
  inputs: Record<string, string>,
  workspace: string,
  timeoutMs = 60_000,
  onLine?: (line: string, child: ChildProcess) => void,
  env: Record<string, string> = {},
): Promise<RunnerResult> {
  const outputFile = path.join(workspace, '..', `${path.basename(workspace)}.output`);
  const summaryFile = path.join(workspace, '..', `${path.basename(workspace)}.summary`);
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const runnerTemp = runnerTempOf(workspace);
  await mkdir(runnerTemp, { recursive: true });
  const childEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: runnerTemp,
    ...env,
    ...inputEnv(inputs),
  };
  const child = spawn(node24, [bundle], { cwd: workspace, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    const before = stdout.length;
    stdout += d;
    if (onLine)
      for (const line of stdout
        .slice(stdout.lastIndexOf('\n', before - 1) + 1)
        .split('\n')
        .slice(0, -1))
        onLine(line, child);
  });
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputFile(await readFile(outputFile, 'utf8')),
    summary: await readFile(summaryFile, 'utf8'),
  };
}
