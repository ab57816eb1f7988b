import { Global, Module } from '@nestjs/common';
import { UpstreamService } from './upstream.service.js';
import { RequestChecks } from './request-checks.js';

@Global()
@Module({ providers: [UpstreamService, RequestChecks], exports: [UpstreamService, RequestChecks] })
export class UpstreamModule {}
