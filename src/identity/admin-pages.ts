import type { Request } from 'express';
import { FormContextProvider } from '../common/http/form-context.registry';
import { hasAnyRole } from './domain/roles';
import { SessionUser } from './identity.service';

/** Rows per page of the admin lists. */
export const ADMIN_PAGE_SIZE = 50;

/**
 * A form's context for re-rendering after bad input. The error filter also re-renders forms
 * for 401/403 answers, so the records a page shows are loaded only for users allowed to see it.
 */
export function contextFor(roles: string[], provider: FormContextProvider): FormContextProvider {
  return (req: Request) => {
    const user = req.user as SessionUser | undefined;
    return user && hasAnyRole(user.roles, roles) ? provider(req) : {};
  };
}

export const adminOnlyContext = (provider: FormContextProvider) => contextFor(['admin'], provider);
