import { ConflictError, DomainError, NotFoundError, ValidationFailedError } from '../common/errors/domain.error';
import { fieldMessage } from '../common/http/validation';

export class SurveyNotFoundError extends NotFoundError {
  constructor() {
    super('SURVEYS.NOT_FOUND', 'No such survey');
  }
}

export class SurveyMilestoneNotFoundError extends NotFoundError {
  constructor() {
    super('SURVEYS.MILESTONE_NOT_FOUND', 'No such milestone in this contract');
  }
}

export class ContractNotActiveError extends DomainError {
  constructor(status: string) {
    super('SURVEYS.CONTRACT_NOT_ACTIVE', `The contract is ${status}; surveys are opened for active contracts only`, 'rule', undefined, 'surveys.errors.contractNotActive');
  }
}

export class MilestoneCancelledError extends DomainError {
  constructor() {
    super('SURVEYS.MILESTONE_CANCELLED', 'The milestone is cancelled', 'rule', undefined, 'surveys.errors.milestoneCancelled');
  }
}

export class SurveyAlreadyOpenedError extends ConflictError {
  constructor() {
    super('SURVEYS.ALREADY_OPENED', 'This milestone already has a survey', 'surveys.errors.alreadyOpened');
  }
}

export class SurveyAlreadyClosedError extends ConflictError {
  constructor() {
    super('SURVEYS.ALREADY_CLOSED', 'The survey is already closed', 'surveys.errors.alreadyClosed');
  }
}

export class SurveyOptionsInvalidError extends ValidationFailedError {
  constructor(fields: Record<string, string[]>) {
    super(fields, 'The survey settings have problems', 'SURVEYS.OPTIONS_INVALID');
  }
}

export class SurveyResponseInvalidError extends ValidationFailedError {
  constructor(problems: Record<string, { key: string; params?: Record<string, unknown> }>) {
    super(Object.fromEntries(Object.entries(problems).map(([field, p]) => [field, [fieldMessage(p.key, p.params ?? {})]])), 'The answer has problems', 'SURVEYS.RESPONSE_INVALID');
  }
}

export class SurveyRateLimitedError extends DomainError {
  constructor() {
    super('SURVEYS.RATE_LIMITED', 'Too many answers from this network; try again later', 'rate_limited', undefined, 'surveys.errors.rateLimited');
  }
}
