import { run } from './main.js';

// The runner cancels a step with SIGINT (then SIGTERM): stop waiting, but still write outputs and summary.
const cancel = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => cancel.abort());

await run(undefined, cancel.signal);
