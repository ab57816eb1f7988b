import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { ServiceConfig } from './config.js';
import { LOGGER, type Log } from '../common/logger.js';

export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');

/** The checked configuration and the logger, available everywhere. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: ServiceConfig, log: Log): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: LOGGER, useValue: log },
      ],
      exports: [SERVICE_CONFIG, LOGGER],
    };
  }
}
