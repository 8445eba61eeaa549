import { ConflictError, DomainError } from '../common/errors/domain.error';

/** The final evaluation is not in, or a tranche is not approved yet: hold-back and retention releases wait. */
export class ReleaseNotDueError extends DomainError {
  constructor(readonly blockers: string[]) {
    super('PAYMENTS.RELEASE_NOT_DUE', `Not due yet: ${blockers.join('; ')}`, 'rule', undefined, 'reporting.releases.errors.notDue', { blockers: blockers.join('；') });
  }
}

export class NothingToReleaseError extends DomainError {
  constructor(kind: string, forfeited: boolean) {
    super(
      'PAYMENTS.NOTHING_TO_RELEASE',
      forfeited ? 'The average grade is below the rules’ minimum: the hold-back is forfeited and returns to the fund at settlement' : `Nothing is held as ${kind} on this contract`,
      'rule',
      undefined,
      forfeited ? 'reporting.releases.errors.forfeited' : 'reporting.releases.errors.nothingHeld',
    );
  }
}

export class UnknownReleaseKindError extends DomainError {
  constructor() {
    super('PAYMENTS.RELEASE_KIND_UNKNOWN', 'A release is of the hold-back or the retention', 'not_found');
  }
}

export class ContractSettledError extends ConflictError {
  constructor() {
    super('PAYMENTS.CONTRACT_SETTLED', 'The contract is settled: its remaining commitment has returned to the fund', 'reporting.releases.errors.settled');
  }
}

export class ReleaseOutstandingError extends ConflictError {
  constructor(detail: string) {
    super('PAYMENTS.RELEASE_OUTSTANDING', `The contract cannot be settled yet: ${detail}`, 'reporting.releases.errors.outstanding');
  }
}
