import { ConflictError, DomainError, ForbiddenError, NotFoundError, ValidationFailedError } from '../common/errors/domain.error';
import { fieldMessage } from '../common/http/validation';
import { formatDateTime } from '../common/views/view-helpers';

export class InvalidCredentialsError extends DomainError {
  constructor() {
    super('IDENTITY.INVALID_CREDENTIALS', 'Email or password is incorrect', 'unauthenticated', undefined, 'identity.errors.invalidCredentials');
  }
}

export class AccountLockedError extends DomainError {
  constructor(readonly until: Date) {
    super('IDENTITY.ACCOUNT_LOCKED', `Too many failed sign-ins; the account is locked until ${until.toISOString()}`, 'rate_limited', undefined, 'identity.errors.accountLocked', {
      until: formatDateTime(until),
    });
  }
}

export class TooManyAttemptsError extends DomainError {
  constructor(
    readonly retryAt: Date,
    readonly retryAfterSeconds: number,
  ) {
    super('IDENTITY.TOO_MANY_ATTEMPTS', `Too many failed sign-ins from this address; try again after ${retryAt.toISOString()}`, 'rate_limited', undefined, 'identity.errors.tooManyAttempts', {
      until: formatDateTime(retryAt),
      minutes: Math.max(1, Math.ceil(retryAfterSeconds / 60)),
    });
  }
}

export class SignInRequiredError extends DomainError {
  constructor() {
    super('IDENTITY.SIGN_IN_REQUIRED', 'Sign in to continue', 'unauthenticated', undefined, 'identity.errors.signInRequired');
  }
}

export class RoleRequiredError extends ForbiddenError {
  constructor() {
    super('ACCESS.ROLE_REQUIRED', 'Your account does not have access to this page');
  }
}

export class UserNotFoundError extends NotFoundError {
  constructor() {
    super('IDENTITY.USER_NOT_FOUND', 'No such user');
  }
}

export class EmailTakenError extends ValidationFailedError {
  constructor() {
    super({ email: [fieldMessage('validation.emailTaken')] }, 'An account with this email already exists', 'IDENTITY.EMAIL_TAKEN');
  }
}

export class WeakPasswordError extends ValidationFailedError {
  constructor(problems: string[], field = 'password') {
    super({ [field]: problems.map((p) => fieldMessage(p)) }, 'The password does not meet the policy', 'IDENTITY.WEAK_PASSWORD');
  }
}

export class InvalidResetTokenError extends DomainError {
  constructor() {
    super('IDENTITY.INVALID_RESET_TOKEN', 'This reset link is invalid, used or expired', 'rule', undefined, 'identity.errors.invalidResetToken');
  }
}

export class RoleSetError extends ValidationFailedError {
  constructor(problem: string) {
    super({ roles: [fieldMessage(`validation.roles_${problem}`)] }, `Invalid role combination: ${problem}`, 'IDENTITY.INVALID_ROLES');
  }
}

export class LastAdminError extends ConflictError {
  constructor() {
    super('IDENTITY.LAST_ADMIN', 'The last active admin cannot be deactivated', 'identity.errors.lastAdmin');
  }
}
