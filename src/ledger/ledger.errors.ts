import { ConflictError } from '../common/errors/domain.error';

/**
 * A running-balance CHECK refused a posting: it would pay beyond the contract, the project or the
 * fund, or reserve beyond what the fund has left (`constraint` says which). The code keeps its
 * name from the days the ledger lived in payments; callers that know better (a reservation:
 * "the fund has only so much left") catch it and say so in their own words.
 */
export class LedgerLimitError extends ConflictError {
  constructor(readonly constraint: string | undefined) {
    super('PAYMENTS.LIMIT_EXCEEDED', `The payment would exceed what the contract, the project or the fund allows (${constraint ?? 'check'})`, 'payments.errors.limitExceeded');
  }
}

/** Lines that do not sum to zero, or amounts that are not whole fen: a bug, never a user's mistake. */
export class UnbalancedPostingError extends Error {}
