import { ConflictError, DomainError, NotFoundError } from '../../common/errors/domain.error';
import { fieldMessage } from '../../common/http/validation';

export class StripeNotConfiguredError extends DomainError {
  constructor() {
    super(
      'PAYMENTS.STRIPE_NOT_CONFIGURED',
      'Stripe is not configured on this platform (STRIPE_SECRET_KEY is unset); payments go through the treasury',
      'rule',
      undefined,
      'payments.stripe.errors.notConfigured',
    );
  }
}

export class StripeAccountNotReadyError extends DomainError {
  constructor() {
    super('PAYMENTS.STRIPE_ACCOUNT_NOT_READY', "The organisation's Stripe account is not linked or has not finished onboarding", 'rule', undefined, 'payments.stripe.errors.accountNotReady');
  }
}

export class StripeRequestFailedError extends DomainError {
  constructor(detail: string) {
    super('PAYMENTS.STRIPE_REQUEST_FAILED', `Stripe did not accept the request: ${detail}`, 'conflict', undefined, 'payments.stripe.errors.requestFailed');
  }
}

/** 400 on a webhook call without a valid signature (Stripe retries on any non-2xx; a forger learns nothing). */
export class WebhookSignatureError extends DomainError {
  constructor(reason: string) {
    super('PAYMENTS.WEBHOOK_SIGNATURE_INVALID', `Webhook refused: ${reason}`, 'validation');
  }
}

export class NotRetryableError extends ConflictError {
  constructor(status: string) {
    super('PAYMENTS.NOT_RETRYABLE', `The disbursement is ${status}; only a failed or reversed Stripe transfer can be retried`, 'payments.stripe.errors.notRetryable');
  }
}

export class RailChoiceError extends DomainError {
  constructor() {
    super('PAYMENTS.RAIL_INVALID', 'Choose the treasury or Stripe', 'validation', { rail: [fieldMessage('payments.stripe.validation.rail')] }, 'payments.stripe.errors.railInvalid');
  }
}

export class ReconciliationIssueNotFoundError extends NotFoundError {
  constructor() {
    super('PAYMENTS.ISSUE_NOT_FOUND', 'No such open reconciliation issue');
  }
}

export class ResolutionNoteRequiredError extends DomainError {
  constructor() {
    super('PAYMENTS.NOTE_REQUIRED', 'Resolving an issue needs a note', 'validation', { note: [fieldMessage('payments.validation.required')] }, 'payments.stripe.errors.noteRequired');
  }
}
