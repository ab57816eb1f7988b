import { createApp } from './app.js';
import { ConfigProblem, loadConfig } from './config/config.js';
import { createLogger } from './common/logger.js';
import { MEDIA_STORAGE, type MediaStorage } from './storage/storage.js';

/**
 * Start the service: check the configuration (exit 2 with every problem listed), listen, and on
 * SIGTERM/SIGINT stop taking requests, let running steps reach a safe point, close queues, exit.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigProblem) {
      process.stderr.write(`aoai-media service: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const log = createLogger(config.logLevel);
  const app = await createApp(config, log);
  let server;
  try {
    server = await app.listen(config.port, config.host);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    process.stderr.write(
      `aoai-media service: port ${config.port} on ${config.host} is already in use; set PORT to a free port (for example PORT=${config.port + 1})\n`,
    );
    await app.close().catch(() => undefined);
    process.exit(2);
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host}:${port}`;
  log.info(
    {
      url,
      role: config.role,
      storage: app.get<MediaStorage>(MEDIA_STORAGE).description,
      ...(config.role === 'worker' ? {} : { docs: `${url}/docs` }),
    },
    'listening',
  );
  // A line for the scripts that start the service as a child process.
  process.stdout.write(`${JSON.stringify({ msg: 'ready', port, role: config.role })}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownGraceMs + 5000);
    force.unref();
    // Stop taking requests first; then the workers reach a safe point and the queues close.
    server.close();
    server.closeIdleConnections?.();
    app
      .close()
      .then(() => process.exit(0))
      .catch((e: Error) => {
        log.error({ error: e.message }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((e: Error) => {
  process.stderr.write(`aoai-media service failed to start: ${e.stack ?? e.message}\n`);
  process.exit(1);
});
