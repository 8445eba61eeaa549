import { ConflictError, DomainError, FieldErrors, NotFoundError, ValidationFailedError } from '../common/errors/domain.error';
import { fieldMessage } from '../common/http/validation';
import { formatMinor } from '../common/money/money';
import { formatDateTime } from '../common/views/view-helpers';

export class ContractNotFoundError extends NotFoundError {
  constructor() {
    super('CONTRACTS.CONTRACT_NOT_FOUND', 'No such contract');
  }
}

export class VariationNotFoundError extends NotFoundError {
  constructor() {
    super('CONTRACTS.VARIATION_NOT_FOUND', 'No such variation');
  }
}

/** Signing before the challenge period is over (database clock). */
export class ChallengePeriodNotOverError extends DomainError {
  constructor(endsAt: Date) {
    super(
      'CONTRACTS.CHALLENGE_PERIOD_NOT_OVER',
      `The challenge period runs until ${endsAt.toISOString()}; the contract can be signed only after it has ended`,
      'rule',
      undefined,
      'contracts.errors.periodNotOver',
      { endsAt: formatDateTime(endsAt) },
    );
  }
}

export class OpenChallengeError extends DomainError {
  constructor(count: number) {
    super(
      'CONTRACTS.OPEN_CHALLENGE',
      `${count} challenge(s) against this award still await an answer; the contract cannot be signed until they are answered`,
      'rule',
      undefined,
      'contracts.errors.openChallenge',
      { count },
    );
  }
}

export class ContractAlreadyExistsError extends ConflictError {
  constructor() {
    super('CONTRACTS.ALREADY_GENERATED', 'A contract has already been generated for this award', 'contracts.errors.alreadyGenerated');
  }
}

export class ProjectNotAwardedError extends ConflictError {
  constructor(status: string) {
    super('CONTRACTS.PROJECT_NOT_AWARDED', `The project is ${status}, not awarded`, 'contracts.errors.projectNotAwarded');
  }
}

export class MilestonePlanError extends DomainError {
  constructor(detail: string) {
    super('CONTRACTS.MILESTONE_PLAN_INVALID', `The project's milestone plan cannot make a contract: ${detail}`, 'rule', undefined, 'contracts.errors.milestonePlan');
  }
}

export class ContractNotAwaitingConfirmationError extends ConflictError {
  constructor(status: string) {
    super('CONTRACTS.NOT_AWAITING_CONFIRMATION', `The contract is ${status}; there is nothing to confirm`, 'contracts.errors.notAwaitingConfirmation');
  }
}

export class AlreadyConfirmedError extends ConflictError {
  constructor() {
    super('CONTRACTS.ALREADY_CONFIRMED', 'This side has already confirmed the contract', 'contracts.errors.alreadyConfirmed');
  }
}

export class ConfirmationNotAllowedError extends DomainError {
  constructor(reason: 'org_admin_required' | 'approver_required' | 'approver_took_part') {
    super(
      'CONTRACTS.CONFIRMATION_NOT_ALLOWED',
      reason === 'org_admin_required'
        ? 'Only an administrator of the contracted organisation confirms the contract for it'
        : reason === 'approver_required'
          ? 'Only a bureau approver confirms the contract for the bureau'
          : 'You took part in the evaluation of this project; another approver must confirm the contract',
      'forbidden',
      undefined,
      `contracts.errors.${reason}`,
    );
  }
}

export class ContractNotActiveError extends ConflictError {
  constructor(status: string) {
    super('CONTRACTS.NOT_ACTIVE', `The contract is ${status}; only an active contract can be varied`, 'contracts.errors.notActive');
  }
}

export class VariationPendingError extends ConflictError {
  constructor() {
    super('CONTRACTS.VARIATION_PENDING', 'Another variation of this contract awaits a decision; decide it first', 'contracts.errors.variationPending');
  }
}

export class VariationAlreadyDecidedError extends ConflictError {
  constructor() {
    super('CONTRACTS.VARIATION_DECIDED', 'This variation has already been decided', 'contracts.errors.variationDecided');
  }
}

/** Four eyes: the proposer never decides their own variation. */
export class OwnVariationError extends DomainError {
  constructor() {
    super('CONTRACTS.OWN_VARIATION', 'You proposed this variation; another approver must decide it', 'forbidden', undefined, 'contracts.errors.ownVariation');
  }
}

export class ApproverRequiredError extends DomainError {
  constructor() {
    super('CONTRACTS.APPROVER_REQUIRED', 'Only a bureau approver decides variations', 'forbidden', undefined, 'contracts.errors.approver_required');
  }
}

/** Increases beyond 10 % of the original amount in total (政府采购法 第四十九条): a new procurement, not a variation. */
export class AmountBeyondLimitError extends DomainError {
  constructor(limits: { originalMinor: number; remainingMinor: number; maxMinor: number }) {
    const params = { original: formatMinor(limits.originalMinor), remaining: formatMinor(limits.remainingMinor), max: formatMinor(limits.maxMinor) };
    super(
      'CONTRACTS.AMOUNT_BEYOND_TEN_PERCENT',
      `Increases may bring the amount to at most ${params.max}: all supplementary contracts together may not exceed 10 % of the original contract amount ${params.original} (Government Procurement Law, art. 49); more needs a new procurement`,
      'rule',
      { amount: [fieldMessage('contracts.validation.beyondTenPercent', params)] },
      'contracts.errors.beyondTenPercent',
      params,
    );
  }
}

export class ContractsValidationError extends ValidationFailedError {
  constructor(problems: Array<{ field: string; key: string; params?: Record<string, unknown> }>, message = 'The form has problems', code = 'CONTRACTS.INVALID') {
    const fields: FieldErrors = {};
    for (const p of problems) (fields[p.field] ??= []).push(fieldMessage(`contracts.validation.${p.key}`, p.params ?? {}));
    super(fields, message, code);
  }
}
