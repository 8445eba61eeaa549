import { ConflictError, NotFoundError, ValidationFailedError } from '../common/errors/domain.error';
import { fieldMessage } from '../common/http/validation';
import { FieldProblems } from './domain/relationships';

export class EvaluatorNotFoundError extends NotFoundError {
  constructor() {
    super('EVALUATORS.EVALUATOR_NOT_FOUND', 'No such evaluator');
  }
}

export class RelationshipNotFoundError extends NotFoundError {
  constructor() {
    super('EVALUATORS.RELATIONSHIP_NOT_FOUND', 'No such relationship');
  }
}

export class RelationshipAlreadyEndedError extends ConflictError {
  constructor() {
    super('EVALUATORS.RELATIONSHIP_ALREADY_ENDED', 'This relationship has already ended', 'evaluators.errors.alreadyEnded');
  }
}

/** Field problems found by the pure rules (domain/), as translated field messages. */
export class EvaluatorInputError extends ValidationFailedError {
  constructor(problems: FieldProblems, code = 'EVALUATORS.INVALID_INPUT') {
    const fields = Object.fromEntries(Object.entries(problems).map(([field, keys]) => [field, keys.map((key) => fieldMessage(key))]));
    super(fields, `Invalid ${Object.keys(problems).join(', ')}`, code);
  }
}

export class UnknownCategoriesError extends ValidationFailedError {
  constructor(codes: string[]) {
    super({ expertise: [fieldMessage('evaluators.validation.unknownCategory', { codes: codes.join(', ') })] }, `Not catalogue categories: ${codes.join(', ')}`, 'EVALUATORS.UNKNOWN_CATEGORY');
  }
}

export class UnknownOrganisationError extends ValidationFailedError {
  constructor() {
    super({ organisationId: [fieldMessage('evaluators.validation.unknownOrganisation')] }, 'No such organisation', 'EVALUATORS.UNKNOWN_ORGANISATION');
  }
}

export class RelationshipAlreadyDeclaredError extends ValidationFailedError {
  constructor() {
    super({ organisationId: [fieldMessage('evaluators.validation.alreadyDeclared')] }, 'This relationship is already declared and still open', 'EVALUATORS.RELATIONSHIP_ALREADY_DECLARED');
  }
}
