import { ConflictError, DomainError, NotFoundError } from '../common/errors/domain.error';
import { formatSeconds } from './display-time';
import { raisedHint } from '../common/errors/pg-error';

/** The bid window is closed: the deadline (database clock) has passed or the project is no longer open for bids. */
export class BidWindowClosedError extends DomainError {
  constructor(deadline?: Date | null) {
    super(
      'PROCUREMENT.BID_WINDOW_CLOSED',
      deadline ? `Bidding closed at ${deadline.toISOString()} (database clock); the bid was not accepted` : 'Bidding on this project is closed; the bid was not accepted',
      'rule',
      undefined,
      deadline ? 'bidding.errors.windowClosedAt' : 'bidding.errors.windowClosed',
      deadline ? { deadline: formatSeconds(deadline) } : undefined,
    );
  }
}

/** True for the deferred trigger's refusal at COMMIT (SQLSTATE P0001, HINT PROCUREMENT.BID_WINDOW_CLOSED). */
export function isBidWindowClosedAtCommit(error: unknown): boolean {
  return raisedHint(error) === 'PROCUREMENT.BID_WINDOW_CLOSED';
}

export class NotEligibleError extends DomainError {
  constructor(readonly problems: string[]) {
    super('BIDDING.NOT_ELIGIBLE', `This organisation may not bid on this project: ${problems.join(', ')}`, 'forbidden', undefined, 'bidding.errors.notEligible', { problems: problems.join('、') });
  }
}

export class OrganisationRequiredError extends DomainError {
  constructor() {
    super('BIDDING.ORGANISATION_REQUIRED', 'Only members of an organisation can bid', 'forbidden', undefined, 'bidding.errors.organisationRequired');
  }
}

export class BidNotFoundError extends NotFoundError {
  constructor() {
    super('BIDDING.BID_NOT_FOUND', 'No such bid');
  }
}

export class BidAlreadyWithdrawnError extends ConflictError {
  constructor() {
    super('BIDDING.ALREADY_WITHDRAWN', 'This bid is already withdrawn', 'bidding.errors.alreadyWithdrawn');
  }
}

/** Two submissions of one organisation crossed and could not be ordered; the other one counts. */
export class BidConflictError extends ConflictError {
  constructor() {
    super('BIDDING.CONCURRENT_CHANGE', 'Another submission of this bid was being saved at the same moment; reload and check the current version', 'bidding.errors.concurrentChange');
  }
}

export class OpeningNotFoundError extends NotFoundError {
  constructor() {
    super('BIDDING.OPENING_NOT_FOUND', 'This project has not been opened yet');
  }
}

export class AlreadyOpenedError extends ConflictError {
  constructor() {
    super('BIDDING.ALREADY_OPENED', 'The bids of this project have already been opened', 'bidding.errors.alreadyOpened');
  }
}

export class NotYetDueError extends DomainError {
  constructor(deadline: Date | null) {
    super('BIDDING.NOT_YET_DUE', 'The bid deadline has not passed yet; the bids stay sealed', 'rule', undefined, 'bidding.errors.notYetDue', {
      deadline: formatSeconds(deadline),
    });
  }
}

export class NotOpenableError extends ConflictError {
  constructor() {
    super('BIDDING.NOT_OPENABLE', 'This project is not open for bidding, so there is nothing to open', 'bidding.errors.notOpenable');
  }
}

/** The master key this instance holds is not the one that sealed the project's bids. */
export class MasterKeyMismatchError extends DomainError {
  constructor() {
    super('BIDDING.MASTER_KEY_MISMATCH', 'The bid master key does not match the one this project was sealed with', 'conflict', undefined, 'bidding.errors.masterKeyMismatch');
  }
}
