import { tmpdir } from 'node:os';
import * as core from '@actions/core';

/**
 * Everything `run()` needs from its surroundings. The runner's version is built on @actions/core;
 * tests pass their own so inputs are injected and outputs, logs and the summary are recorded.
 */
export interface ActionIO {
  /** The raw input value, trimmed; '' when not given. */
  getInput(name: string): string;
  setOutput(name: string, value: string): void;
  setSecret(secret: string): void;
  debug(message: string): void;
  info(message: string): void;
  warning(message: string, title?: string): void;
  /** An error annotation; `title` names what it is about (e.g. the input). */
  error(message: string, title?: string): void;
  setFailed(message: string): void;
  /** Appends markdown to the job summary. */
  writeSummary(markdown: string): Promise<void>;
  /** Relative paths in inputs and outputs are relative to this folder. */
  workspace: string;
  /** Where files wait until complete: the runner's temporary folder, emptied after each job. */
  tempDir: string;
  /** The runner's environment (artifact service, run ids), for uploads. */
  env: NodeJS.ProcessEnv;
  now(): number;
}

/** The runner's I/O: `INPUT_*` variables, `GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`, workflow commands. */
export function actionsIO(env: NodeJS.ProcessEnv = process.env): ActionIO {
  return {
    getInput: (name) => core.getInput(name),
    setOutput: (name, value) => core.setOutput(name, value),
    setSecret: (secret) => core.setSecret(secret),
    debug: (message) => core.debug(message),
    info: (message) => core.info(message),
    warning: (message, title) => core.warning(message, title ? { title } : {}),
    error: (message, title) => core.error(message, title ? { title } : {}),
    setFailed: (message) => core.setFailed(message),
    writeSummary: async (markdown) => {
      // Outside a runner there is no summary file; the log already has everything.
      if (!env.GITHUB_STEP_SUMMARY) return;
      await core.summary.addRaw(markdown, true).write();
    },
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    tempDir: env.RUNNER_TEMP || tmpdir(),
    env,
    now: () => Date.now(),
  };
}
