import { ConflictError, DomainError, ForbiddenError, NotFoundError, ValidationFailedError } from '../common/errors/domain.error';
import { fieldMessage } from '../common/http/validation';
import { formatDateTime } from '../common/views/view-helpers';

/** Problems by field (i18n keys with parameters) → translated field messages. */
export class EvaluationInputError extends ValidationFailedError {
  constructor(problems: Record<string, Array<string | { key: string; params?: Record<string, unknown> }>>, code = 'EVALUATION.INVALID_INPUT') {
    const fields = Object.fromEntries(Object.entries(problems).map(([field, list]) => [field, list.map((p) => (typeof p === 'string' ? fieldMessage(p) : fieldMessage(p.key, p.params ?? {})))]));
    super(fields, `Invalid ${Object.keys(problems).join(', ')}`, code);
  }
}

export class EvaluationNotFoundError extends NotFoundError {
  constructor() {
    super('EVALUATION.NOT_FOUND', 'No such evaluation');
  }
}

export class BidNotInEvaluationError extends NotFoundError {
  constructor() {
    super('EVALUATION.BID_NOT_FOUND', 'No such bid in this evaluation');
  }
}

/** Not on this committee (or recused): the evaluation does not exist for this user. */
export class NotOnCommitteeError extends ForbiddenError {
  constructor() {
    super('EVALUATION.NOT_ON_COMMITTEE', 'You are not a member of this evaluation committee');
  }
}

export class DeclarationRequiredError extends DomainError {
  constructor() {
    super('EVALUATION.DECLARATION_REQUIRED', 'Sign the no-conflict declaration before seeing any bid', 'forbidden', undefined, 'evaluation.errors.declarationRequired');
  }
}

export class ChairOnlyError extends DomainError {
  constructor() {
    super('EVALUATION.CHAIR_ONLY', 'Only the chair of the committee may do this', 'forbidden', undefined, 'evaluation.errors.chairOnly');
  }
}

export class WrongEvaluationStageError extends DomainError {
  constructor(action: string, status: string) {
    super('EVALUATION.WRONG_STAGE', `Cannot ${action} while the evaluation is ${status}`, 'conflict', undefined, 'evaluation.errors.wrongStage', { action, status });
  }
}

export class ProjectNotReadyForEvaluationError extends DomainError {
  constructor(status: string) {
    super('EVALUATION.PROJECT_NOT_OPENED', `A committee can only be requested for a project whose bids are opened (it is ${status})`, 'conflict', undefined, 'evaluation.errors.projectNotOpened', {
      status,
    });
  }
}

export class EvaluationAlreadyLiveError extends ConflictError {
  constructor() {
    super('EVALUATION.ALREADY_LIVE', 'This project already has an evaluation in progress', 'evaluation.errors.alreadyLive');
  }
}

export class CommitteePoolTooSmallError extends DomainError {
  constructor(
    readonly available: number,
    readonly wanted: number,
  ) {
    super('EVALUATION.POOL_TOO_SMALL', `Only ${available} eligible evaluator(s) are available; ${wanted} are needed`, 'rule', undefined, 'evaluation.errors.poolTooSmall', { available, wanted });
  }
}

export class RepresentativeNotAllowedError extends ValidationFailedError {
  constructor(reason: 'rule' | 'role' | 'at_fault' | 'conflict', params: Record<string, string | number> = {}) {
    super(
      { representativeId: [fieldMessage(`evaluation.validation.representative_${reason}`, params)] },
      'This bureau representative cannot sit on the committee',
      'EVALUATION.REPRESENTATIVE_NOT_ALLOWED',
    );
  }
}

export class AlreadyDeclaredError extends ConflictError {
  constructor() {
    super('EVALUATION.ALREADY_DECLARED', 'You have already made your declaration', 'evaluation.errors.alreadyDeclared');
  }
}

export class QualificationIncompleteError extends DomainError {
  constructor(undecided: number, undeclared: number) {
    super('EVALUATION.QUALIFICATION_INCOMPLETE', `${undecided} bid(s) undecided, ${undeclared} member(s) not declared`, 'rule', undefined, 'evaluation.errors.qualificationIncomplete', {
      undecided,
      undeclared,
    });
  }
}

export class BidNotScorableError extends DomainError {
  constructor() {
    super('EVALUATION.BID_NOT_SCORABLE', 'This bid is not scored (invalid, or no longer open to revision)', 'conflict', undefined, 'evaluation.errors.bidNotScorable');
  }
}

export class SheetsIncompleteError extends DomainError {
  constructor(letters: string[]) {
    super('EVALUATION.SHEETS_INCOMPLETE', `Score every valid bid before submitting; missing: ${letters.join(', ')}`, 'rule', undefined, 'evaluation.errors.sheetsIncomplete', {
      letters: letters.join('、'),
    });
  }
}

export class AlreadySubmittedError extends ConflictError {
  constructor() {
    super('EVALUATION.ALREADY_SUBMITTED', 'Your score sheets are already submitted', 'evaluation.errors.alreadySubmitted');
  }
}

export class FlagNotFoundError extends NotFoundError {
  constructor() {
    super('EVALUATION.FLAG_NOT_FOUND', 'No such open flag');
  }
}

export class InquiryNotFoundError extends NotFoundError {
  constructor() {
    super('EVALUATION.INQUIRY_NOT_FOUND', 'No open low-price inquiry for this bid');
  }
}

export class InquiryAlreadyDecidedError extends ConflictError {
  constructor() {
    super('EVALUATION.INQUIRY_DECIDED', 'This inquiry has already been decided', 'evaluation.errors.inquiryDecided');
  }
}

/** The committee's time for the explanation has passed (财政部令第87号 第六十条). */
export class ExplanationTooLateError extends DomainError {
  constructor(dueAt: Date) {
    super('EVALUATION.EXPLANATION_TOO_LATE', `The time the committee set for the explanation ended at ${dueAt.toISOString()}`, 'rule', undefined, 'evaluation.errors.explanationTooLate', {
      due: formatDateTime(dueAt),
    });
  }
}

export class NotReadyToSignError extends DomainError {
  constructor(readonly blockers: string[]) {
    super('EVALUATION.NOT_READY_TO_SIGN', `The report cannot be signed yet: ${blockers.join(', ')}`, 'rule', undefined, 'evaluation.errors.notReadyToSign');
  }
}

export class AlreadySignedError extends ConflictError {
  constructor() {
    super('EVALUATION.ALREADY_SIGNED', 'You have already signed off this report', 'evaluation.errors.alreadySigned');
  }
}
