import { ConflictError, DomainError, ForbiddenError, NotFoundError } from '../common/errors/domain.error';
import { fieldMessage } from '../common/http/validation';
import { formatMinor } from '../common/money/money';

export class DisbursementNotFoundError extends NotFoundError {
  constructor() {
    super('PAYMENTS.DISBURSEMENT_NOT_FOUND', 'No such disbursement');
  }
}

export class MilestoneNotFoundError extends NotFoundError {
  constructor() {
    super('PAYMENTS.MILESTONE_NOT_FOUND', 'No such milestone in this contract');
  }
}

export class MilestoneNotPassedError extends DomainError {
  constructor(status: string) {
    super('PAYMENTS.MILESTONE_NOT_PASSED', `The milestone is ${status}; only a milestone that passed evaluation can be paid`, 'rule', undefined, 'payments.errors.milestoneNotPassed', { status });
  }
}

export class ContractNotPayableError extends DomainError {
  constructor(status: string) {
    super('PAYMENTS.CONTRACT_NOT_PAYABLE', `The contract is ${status}; payments are made on active or completed contracts only`, 'rule', undefined, 'payments.errors.contractNotPayable', { status });
  }
}

export class NothingPayableError extends DomainError {
  constructor() {
    super('PAYMENTS.NOTHING_PAYABLE', 'By the payment rules nothing is payable for this milestone', 'rule', undefined, 'payments.errors.nothingPayable');
  }
}

export class AlreadyProposedError extends ConflictError {
  constructor() {
    super('PAYMENTS.ALREADY_PROPOSED', 'A disbursement for this milestone has already been proposed, approved or paid', 'payments.errors.alreadyProposed');
  }
}

export class DisbursementNotPendingError extends ConflictError {
  constructor(status: string, expected: string) {
    super('PAYMENTS.DISBURSEMENT_NOT_PENDING', `The disbursement is ${status}, not ${expected}`, 'payments.errors.notPending');
  }
}

export class SelfApprovalError extends ForbiddenError {
  constructor() {
    super('PAYMENTS.SELF_APPROVAL', 'The officer who proposed a disbursement cannot decide it');
  }
}

export class RejectionReasonRequiredError extends DomainError {
  constructor() {
    super('PAYMENTS.REASON_REQUIRED', 'A rejection needs a reason', 'validation', { reason: [fieldMessage('payments.validation.required')] }, 'payments.errors.reasonRequired');
  }
}

export class WrongRailError extends ConflictError {
  constructor(rail: string) {
    super('PAYMENTS.WRONG_RAIL', `The disbursement is paid through ${rail}, not by a treasury voucher`, 'payments.errors.wrongRail');
  }
}

export class VoucherAmountMismatchError extends DomainError {
  constructor(expectedMinor: number, givenMinor: number) {
    super(
      'PAYMENTS.VOUCHER_AMOUNT_MISMATCH',
      `The voucher is for ${formatMinor(givenMinor)}, the approved disbursement for ${formatMinor(expectedMinor)}; they must be equal`,
      'rule',
      { amount: [fieldMessage('payments.validation.voucherAmount', { expected: formatMinor(expectedMinor) })] },
      'payments.errors.voucherAmount',
      { expected: formatMinor(expectedMinor), given: formatMinor(givenMinor) },
    );
  }
}

export class DuplicateVoucherError extends ConflictError {
  constructor() {
    super('PAYMENTS.DUPLICATE_VOUCHER', 'This voucher number has already been recorded', 'payments.errors.duplicateVoucher');
  }
}
