import { DomainError, ValidationFailedError } from '../common/errors/domain.error';
import { fieldMessage } from '../common/http/validation';

/** Errors of the admin account pages; the account rules themselves raise identity.errors.ts. */
export class SelfDeactivationError extends DomainError {
  constructor() {
    super('IDENTITY.SELF_DEACTIVATION', 'An administrator cannot deactivate their own account', 'forbidden', undefined, 'admin.errors.selfDeactivation');
  }
}

export class SelfRoleChangeError extends DomainError {
  constructor() {
    super('IDENTITY.SELF_ROLE_CHANGE', 'An administrator cannot change their own roles', 'forbidden', undefined, 'admin.errors.selfRoleChange');
  }
}

export class OrganisationRolesNotEditableError extends DomainError {
  constructor() {
    super('IDENTITY.ORGANISATION_ROLES_NOT_EDITABLE', 'Roles of organisation members are managed by their organisation', 'rule', undefined, 'admin.errors.organisationRoles');
  }
}

export class RolesNotGrantableError extends ValidationFailedError {
  constructor(roles: string[]) {
    super({ roles: [fieldMessage('admin.validation.rolesNotGrantable')] }, `Roles not grantable on the admin pages: ${roles.join(', ')}`, 'IDENTITY.ROLES_NOT_GRANTABLE');
  }
}

export class LastAdminRoleError extends DomainError {
  constructor() {
    super('IDENTITY.LAST_ADMIN', 'The last active admin cannot lose the admin role', 'conflict', undefined, 'admin.errors.lastAdminRole');
  }
}

export class InactiveAccountError extends DomainError {
  constructor() {
    super('IDENTITY.ACCOUNT_INACTIVE', 'Reactivate the account before issuing a set-password link', 'rule', undefined, 'admin.errors.inactiveAccount');
  }
}
