import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';

export const FORM_VIEW = 'formView';

/**
 * Marks a POST handler whose bad input should re-render `template` with field messages and
 * the user's input kept (done by the global exception filter).
 */
export const FormView = (template: string) => SetMetadata(FORM_VIEW, template);

/** Copies @FormView metadata onto the request before pipes run, so the filter can see it. */
@Injectable()
export class FormViewInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}
  intercept(context: ExecutionContext, next: CallHandler) {
    const template = this.reflector.getAllAndOverride<string | undefined>(FORM_VIEW, [context.getHandler(), context.getClass()]);
    if (template) context.switchToHttp().getRequest<Request>().formView = template;
    return next.handle();
  }
}
