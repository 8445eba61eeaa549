import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { Request } from 'express';
import { Actor } from '../audit/actor';
import { SessionUser } from './identity.service';

export function actorFromRequest(req: Request): Actor {
  const user = req.user as SessionUser | undefined;
  return {
    userId: user?.id ?? null,
    roles: user?.roles ?? ['anonymous'],
    organisationId: user?.organisationId ?? null,
    requestId: req.id ?? null,
    ip: req.ip ?? null,
  };
}

/** The acting user (or anonymous) with request id and IP, for services and the audit log. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => actorFromRequest(ctx.switchToHttp().getRequest<Request>()));

/** The signed-in user; routes using it are never @Public. */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): SessionUser => ctx.switchToHttp().getRequest<Request>().user as SessionUser);
