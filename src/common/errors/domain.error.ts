/**
 * Errors raised by domain code carry a stable code (`MODULE.SCREAMING_SNAKE`) and are mapped to
 * HTTP only at the edge (common/http/http-exception.filter.ts). Services never throw HttpException.
 */
export type DomainErrorKind = 'not_found' | 'forbidden' | 'conflict' | 'rule' | 'validation' | 'unauthenticated' | 'rate_limited';

export type FieldErrors = Record<string, string[]>;

export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly kind: DomainErrorKind = 'rule',
    readonly fields?: FieldErrors,
    /** i18n key for the message shown on pages; falls back to `message`. */
    readonly messageKey?: string,
    readonly messageParams?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(code: string, message = 'Not found') {
    super(code, message, 'not_found');
  }
}

export class ForbiddenError extends DomainError {
  constructor(code: string, message = 'Forbidden') {
    super(code, message, 'forbidden');
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, message: string, messageKey?: string) {
    super(code, message, 'conflict', undefined, messageKey);
  }
}

export class ValidationFailedError extends DomainError {
  constructor(fields: FieldErrors, message = 'Validation failed', code = 'COMMON.VALIDATION_FAILED') {
    super(code, message, 'validation', fields);
  }
}

export const HTTP_STATUS_BY_KIND: Record<DomainErrorKind, number> = {
  not_found: 404,
  forbidden: 403,
  conflict: 409,
  rule: 422,
  validation: 400,
  unauthenticated: 401,
  rate_limited: 429,
};
