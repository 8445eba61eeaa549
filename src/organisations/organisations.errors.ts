import { ConflictError, DomainError, NotFoundError, ValidationFailedError } from '../common/errors/domain.error';
import { fieldMessage } from '../common/http/validation';
import type { Problems } from './domain/registration';
import type { OrganisationStatus, VettingAction } from './domain/vetting';

/**
 * Also the answer for an organisation the reader may not see (another organisation's record),
 * so that guessing ids reveals nothing.
 */
export class OrganisationNotFoundError extends NotFoundError {
  constructor() {
    super('ORGANISATIONS.NOT_FOUND', 'No such organisation');
  }
}

/** Missing, deleted, or belonging to an organisation the reader may not see: the same answer. */
export class OrganisationDocumentNotFoundError extends NotFoundError {
  constructor() {
    super('ORGANISATIONS.DOCUMENT_NOT_FOUND', 'No such document');
  }
}

export class MemberNotFoundError extends NotFoundError {
  constructor() {
    super('ORGANISATIONS.MEMBER_NOT_FOUND', 'No such member of your organisation');
  }
}

/** Rule violations found in the registration or edit form, by field. */
export class RegistrationInvalidError extends ValidationFailedError {
  constructor(problems: Problems) {
    super(
      Object.fromEntries(Object.entries(problems).map(([field, list]) => [field, list.map((p) => fieldMessage(p.key, p.params ?? {}))])),
      'The registration breaks the registry rules',
      'ORGANISATIONS.REGISTRATION_INVALID',
    );
  }
}

export class CreditCodeTakenError extends ValidationFailedError {
  constructor() {
    super({ creditCode: [fieldMessage('validation.organisationCreditCodeTaken')] }, 'An organisation with this credit code is already registered', 'ORGANISATIONS.CREDIT_CODE_TAKEN');
  }
}

export class AlreadySignedInError extends DomainError {
  constructor() {
    super('ORGANISATIONS.ALREADY_SIGNED_IN', 'Sign out before registering a new organisation', 'conflict', undefined, 'organisations.errors.alreadySignedIn');
  }
}

/** The status changed between the officer's page and their decision: someone else decided first. */
export class StaleDecisionError extends ConflictError {
  constructor(
    readonly expected: OrganisationStatus,
    readonly actual: OrganisationStatus,
  ) {
    super('ORGANISATIONS.STALE_DECISION', `Someone else decided first: the organisation is now ${actual}, not ${expected}`, 'organisations.errors.staleDecision');
  }
}

export class TransitionNotAllowedError extends DomainError {
  constructor(action: VettingAction, from: OrganisationStatus) {
    super('ORGANISATIONS.TRANSITION_NOT_ALLOWED', `Cannot ${action} an organisation that is ${from}`, 'rule', undefined, 'organisations.errors.transitionNotAllowed', {
      action,
      from,
    });
  }
}

export class ReasonRequiredError extends ValidationFailedError {
  constructor() {
    super({ reason: [fieldMessage('validation.organisationReasonRequired')] }, 'This decision needs a reason for the organisation', 'ORGANISATIONS.REASON_REQUIRED');
  }
}

export class CertificateRequiredError extends DomainError {
  constructor() {
    super('ORGANISATIONS.CERTIFICATE_REQUIRED', 'A registered organisation must upload its registration certificate before submitting', 'rule', undefined, 'organisations.errors.certificateRequired');
  }
}

export class NotEditableError extends DomainError {
  constructor(status: OrganisationStatus) {
    super('ORGANISATIONS.NOT_EDITABLE', `An organisation that is ${status} cannot change this`, 'rule', undefined, 'organisations.errors.notEditable');
  }
}

export class NotEligibleToBidError extends DomainError {
  constructor(status: OrganisationStatus) {
    super('ORGANISATIONS.NOT_ELIGIBLE', `Only approved organisations may bid; this one is ${status}`, 'rule', undefined, 'organisations.errors.notEligible');
  }
}

export class LastOrgAdminError extends ConflictError {
  constructor() {
    super('ORGANISATIONS.LAST_ORG_ADMIN', 'The last active administrator of an organisation cannot be deactivated', 'organisations.errors.lastOrgAdmin');
  }
}

export class CannotDeactivateSelfError extends DomainError {
  constructor() {
    super('ORGANISATIONS.CANNOT_DEACTIVATE_SELF', 'You cannot deactivate your own account', 'rule', undefined, 'organisations.errors.cannotDeactivateSelf');
  }
}

export class MemberInactiveError extends DomainError {
  constructor() {
    super('ORGANISATIONS.MEMBER_INACTIVE', 'This colleague’s account is deactivated', 'rule', undefined, 'organisations.errors.memberInactive');
  }
}

/** 429: too many registration attempts from one address (RegistrationThrottleGuard). */
export class RegistrationRateLimitedError extends DomainError {
  constructor(minutes: number) {
    super(
      'ORGANISATIONS.REGISTRATION_RATE_LIMITED',
      `Too many registration attempts from this network; try again in ${minutes} minutes`,
      'rate_limited',
      undefined,
      'organisations.errors.registrationRateLimited',
      { minutes },
    );
  }
}
