import { DomainError, NotFoundError } from '../common/errors/domain.error';

/** Another organisation's contract does not exist for this member: 404, never 403. */
export class DeliveryContractNotFoundError extends NotFoundError {
  constructor() {
    super('DELIVERY.CONTRACT_NOT_FOUND', 'No such contract');
  }
}

export class DeliveryMilestoneNotFoundError extends NotFoundError {
  constructor() {
    super('DELIVERY.MILESTONE_NOT_FOUND', 'No such milestone in this contract');
  }
}

export class DeliveryNotFoundError extends NotFoundError {
  constructor() {
    super('DELIVERY.NOT_FOUND', 'No such delivery');
  }
}

export class DeliveryAttachmentNotFoundError extends NotFoundError {
  constructor() {
    super('DELIVERY.ATTACHMENT_NOT_FOUND', 'No such attachment of this delivery');
  }
}

export class ContractNotActiveError extends DomainError {
  constructor(status: string) {
    super('DELIVERY.CONTRACT_NOT_ACTIVE', `The contract is ${status}; deliveries are made on active contracts only`, 'rule', undefined, 'delivery.errors.contractNotActive', { status });
  }
}

/**
 * The milestone does not await a delivery: already delivered (a second submission), under
 * evaluation, decided or cancelled. 409: the page was out of date.
 */
export class MilestoneNotOpenError extends DomainError {
  constructor(status: string) {
    super('DELIVERY.MILESTONE_NOT_OPEN', `The milestone is ${status}; it accepts a delivery only while pending or in rectification`, 'conflict', undefined, 'delivery.errors.milestoneNotOpen', {
      status,
    });
  }
}

export class AlreadyDeliveredError extends DomainError {
  constructor() {
    super('DELIVERY.ALREADY_DELIVERED', 'This milestone has already been delivered in this round', 'conflict', undefined, 'delivery.errors.alreadyDelivered');
  }
}
