import { SetMetadata, applyDecorators } from '@nestjs/common';

/**
 * Routes are closed by default (identity/access.guard.ts). Each route declares either
 * `@Public()` or the roles that may call it with `@Allow(...)`; a test walks every route
 * and fails any that declares neither.
 */
export const ROLES = ['org_member', 'org_admin', 'bureau_officer', 'bureau_approver', 'evaluator', 'admin', 'auditor', 'finance_supervisor'] as const;
export type Role = (typeof ROLES)[number];

export const IS_PUBLIC = 'access:public';
export const ALLOWED_ROLES = 'access:roles';

export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Any signed-in user holding at least one of `roles`. */
export const Allow = (...roles: Role[]) => applyDecorators(SetMetadata(ALLOWED_ROLES, roles));

/** Any signed-in user, whatever their role (their own account pages, inbox). */
export const AnySignedIn = () => SetMetadata(ALLOWED_ROLES, [...ROLES]);
