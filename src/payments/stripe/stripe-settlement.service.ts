import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../../audit/actor';
import { AuditService } from '../../audit/audit.service';
import { ContractsService } from '../../contracts/contracts.service';
import { NotificationsService } from '../../notifications/notifications.service';
import { DisbursementPosting, LedgerService } from '../../ledger/ledger.service';
import { Contract } from '../../contracts/contract.entity';
import { Finding } from './domain/transfer-rules';
import { isUuid } from '../../common/validation/uuid';

/** A Stripe-rail disbursement as the rail's code reads it (row-locked by `lock`). */
export interface RailDisbursement {
  id: string;
  contractId: string;
  milestonePosition: number;
  amountMinor: number;
  status: string;
  proposedBy: string;
  idempotencyKey: string;
  generation: number;
  destination: string | null;
  stripeTransferId: string | null;
}

interface Row {
  id: string;
  contract_id: string;
  milestone_position: number;
  amount_minor: string;
  status: string;
  proposed_by: string;
  idempotency_key: string;
  transfer_generation: number;
  stripe_destination: string | null;
  stripe_transfer_id: string | null;
}

const toRail = (r: Row): RailDisbursement => ({
  id: r.id,
  contractId: r.contract_id,
  milestonePosition: r.milestone_position,
  amountMinor: Number(r.amount_minor),
  status: r.status,
  proposedBy: r.proposed_by,
  idempotencyKey: r.idempotency_key,
  generation: r.transfer_generation,
  destination: r.stripe_destination,
  stripeTransferId: r.stripe_transfer_id,
});

/** What the ledger needs of a disbursement on this rail and its contract. */
const posting = (d: RailDisbursement, contract: Pick<Contract, 'id' | 'fundId' | 'projectId'>): DisbursementPosting => ({
  id: d.id,
  fundId: contract.fundId,
  projectId: contract.projectId,
  contractId: contract.id,
  amountMinor: d.amountMinor,
});

export type SettleOutcome = 'paid' | 'already_paid' | 'not_payable' | 'other_transfer';

/**
 * The state changes of a Stripe-rail disbursement once Stripe has spoken: paid (payable → paid),
 * failed (payable → committed) and reversed (paid → committed), each with its ledger entry, audit
 * event and notifications in the caller's transaction, each conditional on the locked row's
 * status, so a webhook, the worker and the reconciler arriving together settle once.
 */
@Injectable()
export class StripeSettlementService {
  constructor(
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly contracts: ContractsService,
    private readonly ledger: LedgerService,
  ) {}

  async lock(m: EntityManager, id: string): Promise<RailDisbursement | null> {
    if (!isUuid(id)) return null;
    const [row] = (await m.query(`SELECT * FROM disbursements WHERE id = $1 AND rail = 'stripe' FOR UPDATE`, [id])) as Row[];
    return row ? toRail(row) : null;
  }

  async lockByTransfer(m: EntityManager, transferId: string): Promise<RailDisbursement | null> {
    const [row] = (await m.query(`SELECT * FROM disbursements WHERE stripe_transfer_id = $1 FOR UPDATE`, [transferId])) as Row[];
    return row ? toRail(row) : null;
  }

  /** The transfer exists in Stripe: the disbursement is paid (once). */
  async settlePaid(m: EntityManager, actor: Actor, d: RailDisbursement, transferId: string, source: 'webhook' | 'reconciliation'): Promise<SettleOutcome> {
    if (d.status === 'paid') return d.stripeTransferId === transferId ? 'already_paid' : 'other_transfer';
    if (d.status !== 'sending' && d.status !== 'approved') return 'not_payable';
    if (d.stripeTransferId && d.stripeTransferId !== transferId) return 'other_transfer';
    const { contract } = await this.contracts.lockContractForPayment(m, d.contractId);
    await this.ledger.recordDisbursementPaid(m, posting(d, contract), null, `stripe ${transferId}`);
    await m.query(`UPDATE disbursements SET status = 'paid', paid_at = app_now(), stripe_transfer_id = $2, failure_reason = NULL WHERE id = $1`, [d.id, transferId]);
    await m.query(`UPDATE payment_outbox SET status = 'done', locked_until = NULL, last_error = NULL, updated_at = now() WHERE disbursement_id = $1`, [d.id]);
    await this.audit.record(m, actor, {
      action: 'disbursement.paid',
      entityType: 'disbursement',
      entityId: d.id,
      before: { status: d.status },
      after: { status: 'paid' },
      details: { rail: 'stripe', transferId, source, amountMinor: d.amountMinor, generation: d.generation },
    });
    await this.notifications.notify(m, {
      recipients: { organisationIds: [contract.organisationId] },
      kind: 'disbursement.paid',
      titleKey: 'payments.notifications.paid',
      params: { reference: contract.reference, position: d.milestonePosition, amountMinor: d.amountMinor },
      link: `/organisation/payments`,
    });
    d.status = 'paid';
    d.stripeTransferId = transferId;
    return 'paid';
  }

  /** No transfer was made and none will be without staff: payable → committed; the outbox row is dead. */
  async markFailed(m: EntityManager, actor: Actor, d: RailDisbursement, reason: string): Promise<boolean> {
    if (d.status !== 'sending' && d.status !== 'approved') return false;
    const { contract } = await this.contracts.lockContractForPayment(m, d.contractId);
    await this.ledger.recordTransferFailed(m, posting(d, contract), reason.slice(0, 200));
    await m.query(`UPDATE disbursements SET status = 'failed', failure_reason = $2 WHERE id = $1`, [d.id, reason]);
    await m.query(`UPDATE payment_outbox SET status = 'dead', locked_until = NULL, last_error = $2, updated_at = now() WHERE disbursement_id = $1`, [d.id, reason]);
    await this.audit.record(m, actor, {
      action: 'disbursement.failed',
      entityType: 'disbursement',
      entityId: d.id,
      before: { status: d.status },
      after: { status: 'failed' },
      details: { rail: 'stripe', reason: reason.slice(0, 500), generation: d.generation },
    });
    await this.notifications.notify(m, {
      recipients: { userIds: [d.proposedBy], roles: ['bureau_officer'] },
      kind: 'disbursement.failed',
      titleKey: 'payments.stripe.notifications.failed',
      params: { reference: contract.reference, position: d.milestonePosition, reason: reason.slice(0, 200) },
      link: `/staff/disbursements/${d.id}`,
    });
    await this.notifications.notify(m, {
      recipients: { organisationIds: [contract.organisationId] },
      kind: 'disbursement.failed',
      titleKey: 'payments.stripe.notifications.failedOrganisation',
      params: { reference: contract.reference, position: d.milestonePosition },
      link: '/organisation/payments',
    });
    d.status = 'failed';
    return true;
  }

  /**
   * Stripe reversed the transfer in full. Paid: paid → committed. Still sending (the reversal
   * arrived before the creation): nothing was booked as paid, so payable → committed.
   */
  async markReversed(m: EntityManager, actor: Actor, d: RailDisbursement, transferId: string, reason: string): Promise<boolean> {
    if (d.stripeTransferId && d.stripeTransferId !== transferId) return false;
    if (d.status !== 'paid' && d.status !== 'sending' && d.status !== 'approved') return false;
    const { contract } = await this.contracts.lockContractForPayment(m, d.contractId);
    if (d.status === 'paid') await this.ledger.recordTransferReversed(m, posting(d, contract), `stripe reversal ${transferId}`);
    else await this.ledger.recordTransferFailed(m, posting(d, contract), `stripe reversal ${transferId}`);
    await m.query(`UPDATE disbursements SET status = 'reversed', failure_reason = $2, stripe_transfer_id = $3 WHERE id = $1`, [d.id, reason, transferId]);
    await m.query(`UPDATE payment_outbox SET status = 'done', locked_until = NULL, updated_at = now() WHERE disbursement_id = $1`, [d.id]);
    await this.audit.record(m, actor, {
      action: 'disbursement.reversed',
      entityType: 'disbursement',
      entityId: d.id,
      before: { status: d.status },
      after: { status: 'reversed' },
      details: { rail: 'stripe', transferId, reason: reason.slice(0, 500) },
    });
    await this.notifications.notify(m, {
      recipients: { userIds: [d.proposedBy], roles: ['bureau_officer'], organisationIds: [contract.organisationId] },
      kind: 'disbursement.reversed',
      titleKey: 'payments.stripe.notifications.reversed',
      params: { reference: contract.reference, position: d.milestonePosition },
      link: `/staff/disbursements/${d.id}`,
    });
    d.status = 'reversed';
    return true;
  }

  /** Records a reconciliation finding once (an open issue of the same kind and subject is kept). Returns whether it is new. */
  async flag(m: EntityManager, f: Finding): Promise<boolean> {
    const rows = (await m.query(
      `INSERT INTO reconciliation_issues (kind, disbursement_id, stripe_transfer_id, details) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (kind, coalesce(stripe_transfer_id, ''), coalesce(disbursement_id::text, '')) WHERE resolved_at IS NULL DO NOTHING RETURNING id`,
      [f.kind, f.disbursementId, f.stripeTransferId, JSON.stringify(f.details)],
    )) as unknown[];
    if (rows.length) {
      await this.notifications.notify(m, {
        recipients: { roles: ['bureau_officer'] },
        kind: 'reconciliation.issue',
        titleKey: 'payments.stripe.notifications.issue',
        params: { kind: f.kind },
        link: '/staff/reconciliation',
      });
    }
    return rows.length > 0;
  }
}
