import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { ServiceConfig } from './config/config.js';
import { AppModule } from './app.module.js';
import { AzureErrorFilter } from './common/exception.filter.js';
import { ServiceHttpAdapter } from './common/http-server.js';
import { createLogger, NestPinoLogger, type Log } from './common/logger.js';
import { requestContext } from './common/request-context.js';
import { mountBullBoard } from './admin/bull-board.js';
import { setupDocs } from './docs/openapi.js';

/**
 * Build the application (not yet listening). Bodies are read by the handlers themselves so size
 * limits hold before anything is buffered; every error leaves in Azure's shape.
 */
export async function createApp(
  config: ServiceConfig,
  log: Log = createLogger(config.logLevel),
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config, log),
    new ServiceHttpAdapter(config.http, log),
    {
      bodyParser: false,
      logger: new NestPinoLogger(log),
      abortOnError: false,
    },
  );
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', false);
  app.use(requestContext(log));
  app.useGlobalFilters(new AzureErrorFilter(log));
  if (config.role !== 'worker') {
    mountBullBoard(app);
    setupDocs(app);
  }
  return app;
}
