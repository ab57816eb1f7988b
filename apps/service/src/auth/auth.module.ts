import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { KeyGuard } from './guards.js';
import { KeyRing } from './key-ring.js';

@Global()
@Module({
  providers: [KeyRing, { provide: APP_GUARD, useClass: KeyGuard }],
  exports: [KeyRing],
})
export class AuthModule {}
