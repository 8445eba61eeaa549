import { ROLES, Role } from '../access.decorators';

export const ORGANISATION_ROLES: readonly Role[] = ['org_member', 'org_admin'];
/** finance_supervisor: the finance department (财政部门), which handles complaints (投诉) and may suspend a procurement. */
export const STAFF_ROLES: readonly Role[] = ['bureau_officer', 'bureau_approver', 'admin', 'auditor', 'finance_supervisor'];
/** Roles that act for the purchaser (the bureau) or sit on its committees. */
export const PURCHASER_ROLES: readonly Role[] = ['bureau_officer', 'bureau_approver', 'evaluator'];
export const POOL_ROLES: readonly Role[] = ['evaluator'];
/** Roles an admin may grant on the staff pages. */
export const GRANTABLE_ROLES: readonly Role[] = [...STAFF_ROLES, ...POOL_ROLES];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Checks a role set against the rules the database also enforces (users_org_roles_exclusive). */
export function roleSetProblem(roles: string[], hasOrganisation: boolean): string | null {
  if (roles.length === 0) return 'empty';
  if (roles.some((r) => !isRole(r))) return 'unknown';
  const org = roles.some((r) => ORGANISATION_ROLES.includes(r as Role));
  const other = roles.some((r) => !ORGANISATION_ROLES.includes(r as Role));
  if (org && other) return 'mixed';
  if (org !== hasOrganisation) return 'organisation';
  if (roles.includes('org_admin') && !roles.includes('org_member')) return 'org_admin_without_member';
  // The finance department supervises the purchaser (政府采购法 第十三条) and decides complaints against it: never both.
  if (roles.includes('finance_supervisor') && roles.some((r) => (PURCHASER_ROLES as readonly string[]).includes(r))) return 'finance_independent';
  return null;
}

export function hasAnyRole(userRoles: readonly string[], wanted: readonly string[]): boolean {
  return wanted.some((r) => userRoles.includes(r));
}
