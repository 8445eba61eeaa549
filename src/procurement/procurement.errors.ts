import { DomainError, FieldErrors, ForbiddenError, NotFoundError, ValidationFailedError } from '../common/errors/domain.error';
import { fieldMessage } from '../common/http/validation';
import { formatMinor } from '../common/money/money';
import { describeDeadline } from './deadline.presenter';
import { Problems } from './domain/problems';
import { DeadlineExplanation } from './domain/working-days';

/**
 * Problems by field → field messages. A deadline explanation is rendered in both languages here
 * (the error filter only interpolates text), as `explanationZh` / `explanationEn`.
 */
export function fieldErrorsOf(problems: Problems): FieldErrors {
  return Object.fromEntries(
    Object.entries(problems).map(([field, list]) => [
      field,
      list.map((p) => {
        const params: Record<string, unknown> = { ...(p.params ?? {}) };
        const explanation = params.explanation as DeadlineExplanation | undefined;
        if (explanation) {
          delete params.explanation;
          params.explanationZh = describeDeadline(explanation, 'zh-CN');
          params.explanationEn = describeDeadline(explanation, 'en');
        }
        return fieldMessage(p.key, params);
      }),
    ]),
  );
}

export class ProcurementValidationError extends ValidationFailedError {
  constructor(problems: Problems, message = 'The form has problems', code = 'PROCUREMENT.INVALID') {
    super(fieldErrorsOf(problems), message, code);
  }
}

/** Publishing re-checks everything: what fails comes back by field, with the deadline explanation. */
export class ProjectNotPublishableError extends DomainError {
  constructor(problems: Problems) {
    super('PROCUREMENT.PROJECT_NOT_PUBLISHABLE', 'The project cannot be published as it stands', 'rule', fieldErrorsOf(problems), 'procurement.errors.notPublishable');
  }
}

export class ProjectNotFoundError extends NotFoundError {
  constructor() {
    super('PROCUREMENT.PROJECT_NOT_FOUND', 'No such project');
  }
}

export class FundNotFoundError extends NotFoundError {
  constructor() {
    super('PROCUREMENT.FUND_NOT_FOUND', 'No such fund');
  }
}

export class QuestionNotFoundError extends NotFoundError {
  constructor() {
    super('PROCUREMENT.QUESTION_NOT_FOUND', 'No such question');
  }
}

export class InvalidTransitionError extends DomainError {
  constructor(action: string, status: string) {
    super('PROCUREMENT.INVALID_TRANSITION', `A project that is ${status} cannot be changed by ${action}`, 'conflict', undefined, 'procurement.errors.invalidTransition', {
      action,
      status,
    });
  }
}

/** The fund's CHECK refused the reservation: someone else reserved first, or the fund is too small. */
export class FundInsufficientError extends DomainError {
  constructor(
    readonly availableMinor: number,
    readonly requestedMinor: number,
  ) {
    super(
      'PROCUREMENT.FUND_INSUFFICIENT',
      `The fund has only ${formatMinor(availableMinor)} left; ${formatMinor(requestedMinor)} cannot be reserved`,
      'conflict',
      { reservation: [fieldMessage('procurement.validation.fundInsufficient', { available: formatMinor(availableMinor) })] },
      'procurement.errors.fundInsufficient',
      { available: formatMinor(availableMinor), requested: formatMinor(requestedMinor) },
    );
  }
}

export class DuplicateFundError extends ValidationFailedError {
  constructor() {
    super({ name: [fieldMessage('procurement.validation.fundDuplicate')] }, 'A fund with this name already exists for this unit and year', 'PROCUREMENT.FUND_DUPLICATE');
  }
}

export class DuplicateRuleError extends ValidationFailedError {
  constructor() {
    super({ effectiveFrom: [fieldMessage('procurement.validation.ruleDuplicate')] }, 'This method already has a rule from that date', 'PROCUREMENT.RULE_DUPLICATE');
  }
}

export class QuestionWindowClosedError extends DomainError {
  constructor(deadline: string) {
    super('PROCUREMENT.QUESTION_WINDOW_CLOSED', 'Questions are closed for this project', 'rule', undefined, 'procurement.errors.questionWindowClosed', { deadline });
  }
}

export class BidDeadlinePassedError extends DomainError {
  constructor() {
    super('PROCUREMENT.BID_DEADLINE_PASSED', 'The bid deadline has passed: the project can no longer be amended', 'rule', undefined, 'procurement.errors.bidDeadlinePassed');
  }
}

export class NotEligibleError extends DomainError {
  constructor(problems: string[]) {
    super('PROCUREMENT.NOT_ELIGIBLE', `The organisation is not eligible: ${problems.join(', ')}`, 'forbidden', undefined, 'procurement.errors.notEligible');
  }
}

export class NoOrganisationError extends ForbiddenError {
  constructor() {
    super('PROCUREMENT.NO_ORGANISATION', 'Only members of an organisation can do this');
  }
}

export class QuestionAlreadyAnsweredError extends DomainError {
  constructor() {
    super('PROCUREMENT.QUESTION_ALREADY_ANSWERED', 'This question has already been answered and published', 'conflict', undefined, 'procurement.errors.questionAnswered');
  }
}
