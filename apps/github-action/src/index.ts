import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Runs the action as a step of a workflow (what the runner and @github/local-action call). */
export async function run(): Promise<void> {
  const { runInRunner } = await import('./runner-run.js');
  await runInRunner();
}

// The runner starts this file (`node dist/index.js`); tools such as @github/local-action import it
// and call run() themselves. With debug logging on (a re-run with "Enable debug logging"), source
// maps are turned on before the action's code loads, so stack traces name the TypeScript sources;
// otherwise they are left off, as reading them costs every step start-up time.
const entry = process.argv[1];
if (entry && realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url))) {
  if (process.env.RUNNER_DEBUG === '1') process.setSourceMapsEnabled(true);
  await run();
}
