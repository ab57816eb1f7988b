/* global process */
// Small helpers for the servers a benchmark starts.
import { randomInt } from 'node:crypto';
import { startProcess } from './processes.mjs';

/**
 * Called by a server script running under startNode: reports the port the OS gave it (it listened
 * on port 0) to the load generator, over IPC.
 */
export function announce(server) {
  process.send?.({ ready: { port: server.address().port } });
}

/**
 * A private redis-server on loopback, no persistence. Redis cannot listen on port 0, so it is offered
 * a random port below the ephemeral range and tried again on another when that one is taken: the
 * process that tests the port is the one that keeps it. Resolves to the process handle with `port`.
 */
export async function startRedis({ dir, attempts = 20 } = {}) {
  let last;
  for (let i = 0; i < attempts; i++) {
    const port = randomInt(20_000, 30_000);
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    if (dir) args.push('--dir', dir);
    try {
      const handle = await startProcess('redis-server', args, { ready: /Ready to accept connections/ });
      handle.port = port;
      handle.url = `redis://127.0.0.1:${port}`;
      return handle;
    } catch (e) {
      last = e;
      if (!/Address already in use/i.test(e.message)) throw e;
    }
  }
  throw last;
}
