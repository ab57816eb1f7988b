import { Global, Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '../config/config.module.js';
import type { ServiceConfig } from '../config/config.js';
import { UpstreamService } from './upstream.service.js';
import { RequestChecks } from './request-checks.js';
import { Credentials } from './credential.js';

@Global()
@Module({
  providers: [
    {
      provide: Credentials,
      inject: [SERVICE_CONFIG],
      useFactory: (config: ServiceConfig) => new Credentials(config.credential, config.credentialClientId),
    },
    UpstreamService,
    RequestChecks,
  ],
  exports: [Credentials, UpstreamService, RequestChecks],
})
export class UpstreamModule {}
