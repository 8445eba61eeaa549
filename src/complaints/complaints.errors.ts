import { ConflictError, DomainError, FieldErrors, NotFoundError, ValidationFailedError } from '../common/errors/domain.error';
import { fieldMessage } from '../common/http/validation';
import { formatDateTime } from '../common/views/view-helpers';
import { TextProblem } from './domain/complaints';
import { raisedHint } from '../common/errors/pg-error';

export class ComplaintNotFoundError extends NotFoundError {
  constructor() {
    super('COMPLAINTS.NOT_FOUND', 'No such complaint');
  }
}

export class ComplaintNotYetError extends DomainError {
  constructor(answerDueAt: Date) {
    super('COMPLAINTS.NOT_YET', 'The challenge is still within its answer period; a complaint may follow the answer or the end of that period', 'rule', undefined, 'complaints.errors.notYet', {
      answerDueAt: formatDateTime(answerDueAt),
    });
  }
}

export class ComplaintPeriodEndedError extends DomainError {
  constructor(endsAt: Date) {
    super('COMPLAINTS.PERIOD_ENDED', `The complaint period ended at ${endsAt.toISOString()} (database clock); the complaint was not accepted`, 'rule', undefined, 'complaints.errors.periodEnded', {
      endsAt: formatDateTime(endsAt),
    });
  }
}

export class ComplaintAlreadyFiledError extends ConflictError {
  constructor() {
    super('COMPLAINTS.ALREADY_FILED', 'A complaint about this challenge has already been filed', 'complaints.errors.alreadyFiled');
  }
}

export class ComplaintAlreadyDecidedError extends ConflictError {
  constructor() {
    super('COMPLAINTS.ALREADY_DECIDED', 'This complaint has already been decided', 'complaints.errors.alreadyDecided');
  }
}

export class AlreadySuspendedError extends ConflictError {
  constructor() {
    super('COMPLAINTS.ALREADY_SUSPENDED', 'The procurement is already suspended', 'complaints.errors.alreadySuspended');
  }
}

export class NotSuspendedError extends ConflictError {
  constructor() {
    super('COMPLAINTS.NOT_SUSPENDED', 'No suspension of this procurement is in force', 'complaints.errors.notSuspended');
  }
}

export class ComplaintsValidationError extends ValidationFailedError {
  constructor(problems: Array<TextProblem | { field: string; key: 'days'; params: { max: number } }>) {
    const fields: FieldErrors = {};
    for (const p of problems) (fields[p.field] ??= []).push(fieldMessage(`complaints.validation.${p.key}`, 'params' in p ? p.params : {}));
    super(fields, 'The form has problems', 'COMPLAINTS.INVALID');
  }
}

/** The deferred trigger's refusal at COMMIT (SQLSTATE P0001, HINT COMPLAINTS.*). */
export function complaintRefusalAtCommit(error: unknown): 'COMPLAINTS.NOT_YET' | 'COMPLAINTS.PERIOD_ENDED' | null {
  const hint = raisedHint(error);
  return hint === 'COMPLAINTS.NOT_YET' || hint === 'COMPLAINTS.PERIOD_ENDED' ? hint : null;
}
