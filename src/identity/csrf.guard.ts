import { CallHandler, CanActivate, ExecutionContext, Injectable, NestInterceptor, SetMetadata, Type, UseInterceptors, applyDecorators } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { DomainError } from '../common/errors/domain.error';
import { takeConfirmation } from '../common/http/confirmation';
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

const MULTIPART_FORM = 'security:multipartForm';

function checkToken(req: Request): void {
  if (!req.session || !csrf.isRequestValid(req)) throw new CsrfTokenError();
  // The token is not part of any form's data (DTOs forbid unknown fields).
  if (req.body && typeof req.body === 'object') delete (req.body as Record<string, unknown>)._csrf;
  takeConfirmation(req);
}

/** Checks the token of a multipart form once `upload` (multer's interceptor) has parsed the body. */
@Injectable()
export class MultipartCsrfInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    checkToken(context.switchToHttp().getRequest<Request>());
    return next.handle();
  }
}

/**
 * A page form posted as multipart/form-data (file uploads): `@MultipartForm(FilesInterceptor(…))`
 * instead of `@UseInterceptors(…)`. Its `_csrf` travels in the body like every other form's,
 * never in the URL (where it would sit in the address bar, history and logs): CsrfGuard leaves
 * these routes to MultipartCsrfInterceptor, which runs right after the body is parsed and before
 * any pipe or handler. Routes without the marker are checked by the guard (header or form field).
 */
export const MultipartForm = (upload: Type<NestInterceptor>) => applyDecorators(SetMetadata(MULTIPART_FORM, true), UseInterceptors(upload, MultipartCsrfInterceptor));

/** Every state-changing request carries the session's synchroniser token (form field or X-CSRF-Token header). */
@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    if (SAFE.has(req.method)) return true;
    if (this.reflector.getAllAndOverride<boolean>(SKIP_CSRF, [context.getHandler(), context.getClass()])) return true;
    if (this.reflector.getAllAndOverride<boolean>(MULTIPART_FORM, [context.getHandler(), context.getClass()])) return true;
    checkToken(req);
    return true;
  }
}
