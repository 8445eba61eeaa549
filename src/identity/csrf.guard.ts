import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DomainError } from '../common/errors/domain.error';
import { csrf } from './session.setup';

export const SKIP_CSRF = 'security:skipCsrf';
/** Only for endpoints called by other servers with their own authentication (signed webhooks). */
export const SkipCsrf = () => SetMetadata(SKIP_CSRF, true);

export class CsrfTokenError extends DomainError {
  constructor() {
    super('SECURITY.CSRF_TOKEN_INVALID', 'The form has expired or did not come from this site; reload the page and try again', 'forbidden', undefined, 'errors.csrf');
  }
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Every state-changing request carries the session's synchroniser token (form field, header or, for multipart forms, the query). */
@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    if (SAFE.has(req.method)) return true;
    if (this.reflector.getAllAndOverride<boolean>(SKIP_CSRF, [context.getHandler(), context.getClass()])) return true;
    if (!req.session || !csrf.isRequestValid(req)) throw new CsrfTokenError();
    // The token is not part of any form's data (DTOs forbid unknown fields).
    if (req.body && typeof req.body === 'object') delete (req.body as Record<string, unknown>)._csrf;
    return true;
  }
}
