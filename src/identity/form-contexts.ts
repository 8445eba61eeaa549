import type { Request } from 'express';
import { FormContextProvider } from '../common/http/form-context.registry';
import { hasAnyRole } from './domain/roles';

/**
 * A form's context for re-rendering after bad input, loaded only for users with one of `roles`.
 * The error filter also re-renders forms for 401/403 answers, so the records a page shows are
 * loaded only for users allowed to see it. (A provider that throws gives an empty context: the
 * filter catches it.)
 */
export function forRoles(roles: readonly string[], provider: FormContextProvider): FormContextProvider {
  return (req: Request) => (req.user && hasAnyRole(req.user.roles, roles) ? provider(req) : {});
}

export const adminOnlyContext = (provider: FormContextProvider) => forRoles(['admin'], provider);
