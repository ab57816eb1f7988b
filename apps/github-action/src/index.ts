import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Runs the action as a step of a workflow (what the runner and @github/local-action call). */
export async function run(): Promise<void> {
  const { runInRunner } = await import('./runner-run.js');
  await runInRunner();
}

// The runner starts this file (`node dist/index.js`); tools such as @github/local-action import it
// and call run() themselves. The action's code is loaded after source maps are turned on, so its
// stack traces name the TypeScript sources.
const entry = process.argv[1];
if (entry && realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url))) {
  process.setSourceMapsEnabled(true);
  await run();
}
