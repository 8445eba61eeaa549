import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ForbiddenError } from '../common/errors/domain.error';
import { ALLOWED_ROLES, IS_PUBLIC } from './access.decorators';
import { hasAnyRole } from './domain/roles';
import { RoleRequiredError, SignInRequiredError } from './identity.errors';
import { SessionUser } from './identity.service';

export class UndeclaredAccessError extends ForbiddenError {
  constructor(route: string) {
    super('ACCESS.UNDECLARED', `Route ${route} declares neither @Public() nor @Allow(...)`);
  }
}

/** What a handler declares; the handler's own declaration wins over its controller's. */
export function accessOf(reflector: Reflector, handler: Function, controller: Function): { isPublic: boolean; roles: string[] | null } {
  for (const target of [handler, controller]) {
    const isPublic = reflector.get<boolean | undefined>(IS_PUBLIC, target);
    const roles = reflector.get<string[] | undefined>(ALLOWED_ROLES, target);
    if (isPublic) return { isPublic: true, roles: null };
    if (roles) return { isPublic: false, roles };
  }
  return { isPublic: false, roles: null };
}

/** Routes are closed by default: public only with @Public(), otherwise a session and a role. */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    const access = accessOf(this.reflector, context.getHandler(), context.getClass());
    if (access.isPublic) return true;
    if (!access.roles) throw new UndeclaredAccessError(`${req.method} ${(req.route as { path?: string } | undefined)?.path ?? req.path}`);
    const user = req.user as SessionUser | undefined;
    if (!user) throw new SignInRequiredError();
    if (!hasAnyRole(user.roles, access.roles)) throw new RoleRequiredError();
    return true;
  }
}
