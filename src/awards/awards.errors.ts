import { ConflictError, DomainError, FieldErrors, ForbiddenError, NotFoundError, ValidationFailedError } from '../common/errors/domain.error';
import { fieldMessage } from '../common/http/validation';
import { formatDateTime } from '../common/views/view-helpers';
import { ParticipationCapacity } from './domain/award-rules';
import { TextProblem } from './domain/challenges';
import { raisedHint } from '../common/errors/pg-error';

export class AwardNotFoundError extends NotFoundError {
  constructor() {
    super('AWARDS.AWARD_NOT_FOUND', 'No such award');
  }
}

export class ChallengeNotFoundError extends NotFoundError {
  constructor() {
    super('AWARDS.CHALLENGE_NOT_FOUND', 'No such challenge');
  }
}

export class EvaluationNotSignedOffError extends DomainError {
  constructor() {
    super(
      'AWARDS.EVALUATION_NOT_SIGNED_OFF',
      'The evaluation of this project has not been signed off by the committee; there is nothing to award yet',
      'rule',
      undefined,
      'awards.errors.notSignedOff',
    );
  }
}

export class ProjectNotAwaitingAwardError extends ConflictError {
  constructor(status: string) {
    super('AWARDS.PROJECT_NOT_IN_EVALUATION', `A project that is ${status} cannot be awarded`, 'awards.errors.notInEvaluation');
  }
}

/** Another approver awarded first (the project lock or the one-active-award index decided). */
export class AwardAlreadyActiveError extends ConflictError {
  constructor() {
    super('AWARDS.ALREADY_AWARDED', 'This project has already been awarded (another approver decided first); reload the page to see the award', 'awards.errors.alreadyAwarded');
  }
}

export class ApproverRequiredError extends ForbiddenError {
  constructor() {
    super('AWARDS.APPROVER_REQUIRED', 'Only a bureau approver may award a project');
  }
}

export class ApproverTookPartError extends DomainError {
  constructor(readonly capacities: ParticipationCapacity[]) {
    super(
      'AWARDS.APPROVER_TOOK_PART',
      `You took part in the evaluation of this project (${capacities.join(', ')}); another approver must take the award decision`,
      'forbidden',
      undefined,
      'awards.errors.tookPart',
    );
  }
}

export class DeviationReasonRequiredError extends ValidationFailedError {
  constructor(min: number, max: number, tooLong = false) {
    super(
      { reason: [fieldMessage(tooLong ? 'awards.validation.reasonTooLong' : 'awards.validation.reasonRequired', { min, max })] },
      'Awarding to a bidder other than the top-ranked one needs a written reason, which is published',
      'AWARDS.DEVIATION_REASON_REQUIRED',
    );
  }
}

export class NotAValidBidderError extends ValidationFailedError {
  constructor() {
    super({ bidId: [fieldMessage('awards.validation.notAValidBidder')] }, 'Choose one of the valid bids of the signed-off evaluation', 'AWARDS.NOT_A_VALID_BIDDER');
  }
}

export class NoValidBidsError extends DomainError {
  constructor() {
    super('AWARDS.NO_VALID_BIDS', 'The evaluation found no valid bid; the project cannot be awarded', 'rule', undefined, 'awards.errors.noValidBids');
  }
}

export class AwardNotActiveError extends ConflictError {
  constructor(status: string) {
    super('AWARDS.AWARD_NOT_ACTIVE', `This award is ${status}; it can no longer be challenged or contracted`, 'awards.errors.awardNotActive');
  }
}

export class ChallengePeriodEndedError extends DomainError {
  constructor(endsAt: Date) {
    super('AWARDS.CHALLENGE_PERIOD_ENDED', `The challenge period ended at ${endsAt.toISOString()} (database clock); the challenge was not accepted`, 'rule', undefined, 'awards.errors.periodEnded', {
      endsAt: formatDateTime(endsAt),
    });
  }
}

export class StepNotEndedError extends DomainError {
  constructor() {
    super('AWARDS.STEP_NOT_ENDED', 'This procedural step has not ended yet; its challenge period has not begun', 'rule', undefined, 'awards.errors.stepNotEnded');
  }
}

export class NotABidderError extends DomainError {
  constructor() {
    super('AWARDS.NOT_A_BIDDER', 'Only organisations whose bids were opened on this project may challenge its award', 'forbidden', undefined, 'awards.errors.notABidder');
  }
}

export class OrganisationRequiredError extends DomainError {
  constructor() {
    super('AWARDS.ORGANISATION_REQUIRED', 'Only members of an organisation can do this', 'forbidden', undefined, 'awards.errors.organisationRequired');
  }
}

export class ChallengeAlreadyFiledError extends ConflictError {
  constructor() {
    super('AWARDS.CHALLENGE_ALREADY_FILED', 'Your organisation has already challenged this award; all grounds are raised in one challenge', 'awards.errors.alreadyChallenged');
  }
}

export class ChallengeAlreadyAnsweredError extends ConflictError {
  constructor() {
    super('AWARDS.CHALLENGE_ALREADY_ANSWERED', 'This challenge has already been answered', 'awards.errors.alreadyAnswered');
  }
}

export class AwardsValidationError extends ValidationFailedError {
  constructor(problems: TextProblem[], message = 'The form has problems', code = 'AWARDS.INVALID') {
    const fields: FieldErrors = {};
    for (const p of problems) (fields[p.field] ??= []).push(fieldMessage(`awards.validation.${p.key}`, 'params' in p ? p.params : {}));
    super(fields, message, code);
  }
}

/** True for the deferred trigger's refusal at COMMIT (SQLSTATE P0001, HINT AWARDS.CHALLENGE_PERIOD_ENDED). */
export function isChallengePeriodEndedAtCommit(error: unknown): boolean {
  return raisedHint(error) === 'AWARDS.CHALLENGE_PERIOD_ENDED';
}
