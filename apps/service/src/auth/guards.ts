import {
  Injectable,
  SetMetadata,
  createParamDecorator,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiError } from '../common/api-error.js';
import type { ContextRequest } from '../common/request-context.js';
import { KeyRing, presentedKey } from './key-ring.js';

const PUBLIC = 'aoai:public';
const ADMIN = 'aoai:admin';

/** A route anyone may call (health, docs). */
export const Public = () => SetMetadata(PUBLIC, true);
/** A route only the admin key may call. */
export const AdminOnly = () => SetMetadata(ADMIN, true);

/** Every route needs a service key unless marked public; admin routes need the admin key. */
@Injectable()
export class KeyGuard implements CanActivate {
  constructor(
    private readonly keys: KeyRing,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const req = context.switchToHttp().getRequest<ContextRequest>();
    const key = presentedKey(req.headers);
    if (this.reflector.getAllAndOverride<boolean>(ADMIN, targets)) {
      if (this.keys.isAdmin(key)) return true;
      throw ApiError.unauthorized();
    }
    const tenant = this.keys.tenantFor(key);
    if (!tenant) throw ApiError.unauthorized();
    req.tenant = tenant;
    return true;
  }
}

/** The tenant of the calling key. */
export const Tenant = createParamDecorator((_data: unknown, ctx: ExecutionContext): string => {
  const tenant = ctx.switchToHttp().getRequest<ContextRequest>().tenant;
  if (!tenant) throw ApiError.unauthorized();
  return tenant;
});
