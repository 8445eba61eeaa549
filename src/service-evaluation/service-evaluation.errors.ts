import { ConflictError, DomainError, ForbiddenError, NotFoundError, ValidationFailedError } from '../common/errors/domain.error';
import { fieldMessage } from '../common/http/validation';

export type ProblemList = Record<string, Array<string | { key: string; params?: Record<string, unknown> }>>;

/** Bad form input: 400 with field messages (the form is re-rendered with the input kept). */
export class ServiceEvaluationInputError extends ValidationFailedError {
  constructor(problems: ProblemList, code = 'SERVICE_EVALUATION.INVALID_INPUT') {
    const fields = Object.fromEntries(Object.entries(problems).map(([field, list]) => [field, list.map((p) => (typeof p === 'string' ? fieldMessage(p) : fieldMessage(p.key, p.params ?? {})))]));
    super(fields, `Invalid ${Object.keys(problems).join(', ')}`, code);
  }
}

export class ContractNotFoundForEvaluationError extends NotFoundError {
  constructor() {
    super('SERVICE_EVALUATION.CONTRACT_NOT_FOUND', 'No such contract');
  }
}

export class MilestoneNotFoundForEvaluationError extends NotFoundError {
  constructor() {
    super('SERVICE_EVALUATION.MILESTONE_NOT_FOUND', 'No such milestone in this contract');
  }
}

export class CategoryNotFoundError extends NotFoundError {
  constructor() {
    super('SERVICE_EVALUATION.CATEGORY_NOT_FOUND', 'No such catalogue category');
  }
}

export class DocumentNotInEvaluationError extends NotFoundError {
  constructor() {
    super('SERVICE_EVALUATION.DOCUMENT_NOT_FOUND', 'No such document in this evaluation');
  }
}

export class NotAssignedError extends ForbiddenError {
  constructor() {
    super('SERVICE_EVALUATION.NOT_ASSIGNED', 'You are not an evaluator of this contract');
  }
}

export class ContractNotEvaluableError extends DomainError {
  constructor(status: string) {
    super('SERVICE_EVALUATION.CONTRACT_NOT_ACTIVE', `The contract is ${status}; only active contracts are evaluated`, 'rule', undefined, 'serviceEvaluation.errors.contractNotActive', { status });
  }
}

export class MilestoneNotDeliveredError extends DomainError {
  constructor(status: string) {
    super('SERVICE_EVALUATION.NOT_DELIVERED', `The milestone is ${status}; only a delivered milestone is evaluated`, 'rule', undefined, 'serviceEvaluation.errors.notDelivered', { status });
  }
}

export class EvaluatorNotEligibleError extends DomainError {
  constructor(reason: 'not_in_pool' | 'conflict' | 'organisation_member' | 'already_assigned' | 'recused' | 'expertise') {
    super(
      'SERVICE_EVALUATION.EVALUATOR_NOT_ELIGIBLE',
      `This evaluator cannot be assigned (${reason})`,
      'rule',
      { evaluatorId: [fieldMessage(`serviceEvaluation.validation.notEligible.${reason}`)] },
      `serviceEvaluation.errors.notEligible.${reason}`,
      { reason },
    );
  }
}

export class AlreadySubmittedError extends ConflictError {
  constructor() {
    super('SERVICE_EVALUATION.ALREADY_SUBMITTED', 'Your scores for this round are already submitted', 'serviceEvaluation.errors.alreadySubmitted');
  }
}

export class RoundCompletedError extends ConflictError {
  constructor() {
    super('SERVICE_EVALUATION.ROUND_COMPLETED', 'This evaluation round is already complete', 'serviceEvaluation.errors.roundCompleted');
  }
}

export class RecusalAfterSubmissionError extends ConflictError {
  constructor() {
    super('SERVICE_EVALUATION.RECUSAL_AFTER_SUBMISSION', 'You have submitted scores in an open round; recusal is no longer possible for it', 'serviceEvaluation.errors.recusalAfterSubmission');
  }
}

export class NoOpenRectificationError extends DomainError {
  constructor() {
    super('SERVICE_EVALUATION.NO_OPEN_RECTIFICATION', 'The milestone has no rectification waiting for its re-delivery', 'rule', undefined, 'serviceEvaluation.errors.noOpenRectification');
  }
}

export class RectificationNotMissedError extends DomainError {
  constructor() {
    super('SERVICE_EVALUATION.RECTIFICATION_NOT_MISSED', 'The milestone is not in rectification past its deadline', 'rule', undefined, 'serviceEvaluation.errors.rectificationNotMissed');
  }
}
