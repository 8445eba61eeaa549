import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';

export const FORM_VIEW = 'formView';

/**
 * Marks a POST handler whose bad input should re-render `template` with field messages and
 * the user's input kept (done by the global exception filter).
 */
export const FormView = (template: string, options: { titleKey?: string } = {}) => SetMetadata(FORM_VIEW, { template, ...options });

/**
 * Copies @FormView metadata onto the request. Registered as the first global guard, so that
 * errors from later guards (sign-in, CSRF, throttling), pipes and the handler re-render the form.
 */
@Injectable()
export class FormViewGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}
  canActivate(context: ExecutionContext): boolean {
    const view = this.reflector.getAllAndOverride<{ template: string; titleKey?: string } | undefined>(FORM_VIEW, [context.getHandler(), context.getClass()]);
    if (view) context.switchToHttp().getRequest<Request>().formView = view;
    return true;
  }
}
