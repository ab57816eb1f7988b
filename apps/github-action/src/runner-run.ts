import * as core from '@actions/core';
import { run as runWith } from './main.js';

/**
 * Runs the action with the runner's I/O. The runner cancels a step with SIGINT (then SIGTERM):
 * the work stops, and outputs and summary are still written.
 */
export async function runInRunner(): Promise<void> {
  const cancel = new AbortController();
  const onSignal = () => cancel.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await runWith(undefined, cancel.signal);
  } catch (error) {
    // run() reports its own failures; this is the last net for a runner that cannot take outputs.
    core.setFailed(`Unexpected error: ${(error as Error)?.stack ?? String(error)}`);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
