import { AccountRow, OneTimeLink } from './admin-users.service';
import { GRANTABLE_ROLES } from './domain/roles';

export interface RoleOption {
  code: string;
  labelKey: string;
}

/** The roles an admin may tick, labelled by their translation keys. */
export function grantableRoleOptions(): RoleOption[] {
  return GRANTABLE_ROLES.map((role) => ({ code: role, labelKey: `identity.roles.${role}` }));
}

export function presentAccount(account: AccountRow, viewerId: string | null) {
  const isOrganisationMember = Boolean(account.organisationId);
  const isSelf = account.id === viewerId;
  return {
    ...account,
    roleKeys: account.roles.map((role) => `identity.roles.${role}`),
    isSelf,
    isOrganisationMember,
    isEvaluator: account.roles.includes('evaluator'),
    canEditRoles: !isSelf && !isOrganisationMember,
    canDeactivate: account.isActive && !isSelf,
  };
}

/** The page that shows a set-password link once: the full URL to hand to the account's owner. */
export function presentOneTimeLink(link: OneTimeLink, publicUrl: string) {
  return {
    ...link,
    path: `/password-reset/${encodeURIComponent(link.token)}`,
    url: `${publicUrl}/password-reset/${encodeURIComponent(link.token)}`,
  };
}

export function pageLinks(meta: { page: number; pageSize: number; total: number }) {
  const pages = Math.max(1, Math.ceil(meta.total / meta.pageSize));
  return { page: meta.page, pages, total: meta.total, prev: meta.page > 1 ? meta.page - 1 : null, next: meta.page < pages ? meta.page + 1 : null };
}
