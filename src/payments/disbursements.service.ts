import { paymentRulesOfContract } from './payment-rules.queries';
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { ContractsService } from '../contracts/contracts.service';
import { NotificationsService } from '../notifications/notifications.service';
import { Tranche, computeTranche } from './domain/payment-rules';
import { LedgerService } from '../ledger/ledger.service';
import { StripeRailService } from './stripe/stripe-rail.service';
import {
  AlreadyProposedError,
  ContractNotPayableError,
  DisbursementNotFoundError,
  DisbursementNotPendingError,
  DuplicateVoucherError,
  MilestoneNotFoundError,
  MilestoneNotPassedError,
  NothingPayableError,
  RejectionReasonRequiredError,
  SelfApprovalError,
  VoucherAmountMismatchError,
  WrongRailError,
} from './payments.errors';
import { assertNotSuspended } from '../common/suspension/procurement-suspension';
import { pgError } from '../common/errors/pg-error';
import { isUuid } from '../common/validation/uuid';

export type DisbursementStatus = 'proposed' | 'rejected' | 'approved' | 'sending' | 'paid' | 'failed' | 'reversed';
export type Rail = 'treasury' | 'stripe';

export interface Disbursement {
  id: string;
  contractId: string;
  milestonePosition: number;
  kind: 'tranche' | 'holdback_release' | 'retention_release';
  amountMinor: number;
  computation: Tranche & { rulesId: string; round: number };
  rail: Rail;
  status: DisbursementStatus;
  proposedBy: string;
  proposedAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionReason: string | null;
  paidAt: Date | null;
}

export interface TreasuryVoucherInput {
  voucherNo: string;
  paidOn: string;
  payerAccount: string;
  payeeAccount: string;
  amountMinor: number;
}

interface DisbursementRow {
  id: string;
  contract_id: string;
  milestone_position: number;
  kind: Disbursement['kind'];
  amount_minor: string;
  computation: Disbursement['computation'];
  rail: Rail;
  status: DisbursementStatus;
  proposed_by: string;
  proposed_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
  decision_reason: string | null;
  paid_at: Date | null;
}

export function toDisbursement(r: DisbursementRow): Disbursement {
  return {
    id: r.id,
    contractId: r.contract_id,
    milestonePosition: r.milestone_position,
    kind: r.kind,
    amountMinor: Number(r.amount_minor),
    computation: r.computation,
    rail: r.rail,
    status: r.status,
    proposedBy: r.proposed_by,
    proposedAt: r.proposed_at,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
    decisionReason: r.decision_reason,
    paidAt: r.paid_at,
  };
}

/**
 * Maker-checker disbursements of passed milestones. An officer proposes (the amount comes from
 * the payment rules, never from the form); another approver approves, which posts committed →
 * payable under the disbursement and contract row locks; the treasury voucher (or, on the Stripe
 * rail, the webhook that confirms the outbox worker's transfer: see stripe/) posts payable → paid. Every step audits in its own transaction.
 */
@Injectable()
export class DisbursementsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly contracts: ContractsService,
    private readonly ledger: LedgerService,
    private readonly clock: Clock,
    private readonly stripeRail: StripeRailService,
  ) {}

  async proposeDisbursement(actor: Actor, contractId: string, position: number): Promise<Disbursement> {
    try {
      return await this.dataSource.transaction(async (m) => {
        const { contract, milestones } = await this.contracts.lockContractForPayment(m, contractId);
        // A terminated contract still pays the tranches of milestones that passed before it ended
        // (their money stayed committed at termination); releases are for active contracts only.
        if (contract.status !== 'active' && contract.status !== 'completed' && contract.status !== 'terminated') throw new ContractNotPayableError(contract.status);
        const milestone = milestones.find((x) => x.position === Number(position));
        if (!milestone) throw new MilestoneNotFoundError();
        if (milestone.status !== 'passed') throw new MilestoneNotPassedError(milestone.status);
        const [result] = (await m.query(`SELECT round, score_centi FROM milestone_results WHERE contract_id = $1 AND position = $2 ORDER BY round DESC LIMIT 1`, [
          contract.id,
          milestone.position,
        ])) as Array<{ round: number; score_centi: number }>;
        if (!result) throw new MilestoneNotPassedError('without an evaluation result');
        const now = await this.clock.now(m);
        const { id: rulesId, rules } = await paymentRulesOfContract(m, contract.id);
        const tranche = computeTranche({ trancheMinor: Number(milestone.amountMinor), scoreCenti: result.score_centi, rules });
        if (tranche.payableMinor <= 0) throw new NothingPayableError();
        const rail: Rail = await this.stripeRail.railForProposal(m, contract.organisationId);
        const computation = { ...tranche, rulesId, round: result.round };
        const [row] = (await m.query(
          `INSERT INTO disbursements (contract_id, milestone_position, kind, amount_minor, computation, rail, status, proposed_by, proposed_at, idempotency_key)
           VALUES ($1, $2, 'tranche', $3, $4::jsonb, $5, 'proposed', $6, $7, $8) RETURNING *`,
          [contract.id, milestone.position, tranche.payableMinor, JSON.stringify(computation), rail, actor.userId, now, `disb_${randomUUID()}`],
        )) as DisbursementRow[];
        await this.audit.record(m, actor, {
          action: 'disbursement.proposed',
          entityType: 'disbursement',
          entityId: row.id,
          after: { status: 'proposed', amountMinor: tranche.payableMinor, rail },
          details: {
            contractId: contract.id,
            position: milestone.position,
            grade: tranche.grade,
            trancheMinor: tranche.trancheMinor,
            holdbackMinor: tranche.holdbackMinor,
            retentionMinor: tranche.retentionMinor,
          },
        });
        await this.notifications.notify(m, {
          recipients: { roles: ['bureau_approver'] },
          kind: 'disbursement.proposed',
          titleKey: 'payments.notifications.proposed',
          params: { reference: contract.reference, position: milestone.position },
          link: `/staff/disbursements/${row.id}`,
        });
        return toDisbursement(row);
      });
    } catch (error) {
      if (pgError(error).code === '23505' && pgError(error).constraint === 'disbursements_once') throw new AlreadyProposedError();
      throw error;
    }
  }

  /**
   * The refusals a decision would meet, checked before the confirmation step is shown (without a
   * lock; the decision checks again under the row lock): not pending, the proposer's own, no reason.
   */
  async checkDecision(actor: Actor, disbursementId: string, decision: 'approve' | 'reject', reason?: string): Promise<Disbursement> {
    const d = await this.get(disbursementId);
    assertMayDecide(actor, d);
    if (decision === 'reject') rejectionReason(reason);
    return d;
  }

  /** Approval: the row lock and the status check make a second, concurrent approval a 409; committed → payable. */
  async approveDisbursement(actor: Actor, disbursementId: string): Promise<Disbursement> {
    return this.dataSource.transaction(async (m) => {
      const d = await this.lock(m, disbursementId);
      assertMayDecide(actor, d);
      const { contract } = await this.contracts.lockContractForPayment(m, d.contractId);
      await assertNotSuspended(m, contract.projectId);
      const now = await this.clock.now(m);
      // Stripe: the destination and the transfer's idempotency key are fixed before the row counts as approved.
      if (d.rail === 'stripe') await this.stripeRail.prepareApproval(m, d.id, contract.organisationId);
      await this.ledger.approveDisbursement(m, { id: d.id, fundId: contract.fundId, projectId: contract.projectId, contractId: contract.id, amountMinor: d.amountMinor }, actor.userId);
      const [row] = (await m.query(`UPDATE disbursements SET status = 'approved', decided_by = $2, decided_at = $3 WHERE id = $1 RETURNING *`, [d.id, actor.userId, now])) as [
        DisbursementRow[],
        number,
      ];
      if (d.rail === 'stripe') {
        await m.query(`INSERT INTO payment_outbox (disbursement_id, status) VALUES ($1, 'pending')`, [d.id]);
        await this.stripeRail.queueSend(m, d.id);
      }
      await this.audit.record(m, actor, {
        action: 'disbursement.approved',
        entityType: 'disbursement',
        entityId: d.id,
        before: { status: 'proposed' },
        after: { status: 'approved' },
        details: { contractId: contract.id, amountMinor: d.amountMinor, rail: d.rail },
      });
      await this.notifications.notify(m, {
        recipients: { userIds: [d.proposedBy], roles: d.rail === 'treasury' ? ['bureau_officer'] : [] },
        kind: 'disbursement.approved',
        titleKey: 'payments.notifications.approved',
        params: { reference: contract.reference, position: d.milestonePosition },
        link: `/staff/disbursements/${d.id}`,
      });
      return toDisbursement(row[0]);
    });
  }

  async rejectDisbursement(actor: Actor, disbursementId: string, reason: string): Promise<Disbursement> {
    const trimmed = rejectionReason(reason);
    return this.dataSource.transaction(async (m) => {
      const d = await this.lock(m, disbursementId);
      assertMayDecide(actor, d);
      const now = await this.clock.now(m);
      const [row] = (await m.query(`UPDATE disbursements SET status = 'rejected', decided_by = $2, decided_at = $3, decision_reason = $4 WHERE id = $1 RETURNING *`, [
        d.id,
        actor.userId,
        now,
        trimmed,
      ])) as [DisbursementRow[], number];
      await this.audit.record(m, actor, {
        action: 'disbursement.rejected',
        entityType: 'disbursement',
        entityId: d.id,
        before: { status: 'proposed' },
        after: { status: 'rejected' },
        details: { reason: trimmed },
      });
      await this.notifications.notify(m, {
        recipients: { userIds: [d.proposedBy] },
        kind: 'disbursement.rejected',
        titleKey: 'payments.notifications.rejected',
        params: { position: d.milestonePosition, reason: trimmed },
        link: `/staff/disbursements/${d.id}`,
      });
      return toDisbursement(row[0]);
    });
  }

  /** 国库集中支付: the recorded bank transfer must match the approved amount exactly; payable → paid. */
  async recordTreasuryPayment(actor: Actor, disbursementId: string, voucher: TreasuryVoucherInput): Promise<Disbursement> {
    try {
      return await this.dataSource.transaction(async (m) => {
        const d = await this.lock(m, disbursementId);
        if (d.status !== 'approved') throw new DisbursementNotPendingError(d.status, 'approved');
        if (d.rail !== 'treasury') throw new WrongRailError(d.rail);
        if (voucher.amountMinor !== d.amountMinor) throw new VoucherAmountMismatchError(d.amountMinor, voucher.amountMinor);
        const { contract } = await this.contracts.lockContractForPayment(m, d.contractId);
        await assertNotSuspended(m, contract.projectId);
        const now = await this.clock.now(m);
        await m.query(
          `INSERT INTO treasury_payments (disbursement_id, voucher_no, paid_on, payer_account, payee_account, amount_minor, recorded_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [d.id, voucher.voucherNo, voucher.paidOn, voucher.payerAccount, voucher.payeeAccount, voucher.amountMinor, actor.userId],
        );
        await this.ledger.recordDisbursementPaid(
          m,
          { id: d.id, fundId: contract.fundId, projectId: contract.projectId, contractId: contract.id, amountMinor: d.amountMinor },
          actor.userId,
          `voucher ${voucher.voucherNo}`,
        );
        const [row] = (await m.query(`UPDATE disbursements SET status = 'paid', paid_at = $2 WHERE id = $1 RETURNING *`, [d.id, now])) as [DisbursementRow[], number];
        await this.audit.record(m, actor, {
          action: 'disbursement.paid',
          entityType: 'disbursement',
          entityId: d.id,
          before: { status: 'approved' },
          after: { status: 'paid' },
          details: { rail: 'treasury', voucherNo: voucher.voucherNo, paidOn: voucher.paidOn, amountMinor: d.amountMinor },
        });
        await this.notifications.notify(m, {
          recipients: { organisationIds: [contract.organisationId] },
          kind: 'disbursement.paid',
          titleKey: 'payments.notifications.paid',
          params: { reference: contract.reference, position: d.milestonePosition, amountMinor: d.amountMinor },
          link: `/organisation/payments`,
        });
        return toDisbursement(row[0]);
      });
    } catch (error) {
      const { code, constraint } = pgError(error);
      if (code === '23505' && constraint === 'treasury_payments_voucher_no_key') throw new DuplicateVoucherError();
      throw error;
    }
  }

  // ── Reads ──────────────────────────────────────────────────────────────────────────────────

  async get(id: string, manager: EntityManager = this.dataSource.manager): Promise<Disbursement> {
    const rows = isUuid(id) ? ((await manager.query(`SELECT * FROM disbursements WHERE id = $1`, [id])) as DisbursementRow[]) : [];
    if (!rows.length) throw new DisbursementNotFoundError();
    return toDisbursement(rows[0]);
  }

  async ofContract(contractId: string): Promise<Disbursement[]> {
    if (!isUuid(contractId)) return [];
    const rows = (await this.dataSource.query(`SELECT * FROM disbursements WHERE contract_id = $1 ORDER BY milestone_position, proposed_at`, [contractId])) as DisbursementRow[];
    return rows.map(toDisbursement);
  }

  private async lock(m: EntityManager, id: string): Promise<Disbursement> {
    const rows = isUuid(id) ? ((await m.query(`SELECT * FROM disbursements WHERE id = $1 FOR UPDATE`, [id])) as DisbursementRow[]) : [];
    if (!rows.length) throw new DisbursementNotFoundError();
    return toDisbursement(rows[0]);
  }
}

/** Maker-checker: only a proposed disbursement is decided, and never by the person who proposed it. */
function assertMayDecide(actor: Actor, d: Pick<Disbursement, 'status' | 'proposedBy'>): void {
  if (d.status !== 'proposed') throw new DisbursementNotPendingError(d.status, 'proposed');
  if (d.proposedBy === actor.userId) throw new SelfApprovalError();
}

function rejectionReason(reason: string | undefined): string {
  const trimmed = (reason ?? '').trim();
  if (!trimmed) throw new RejectionReasonRequiredError();
  return trimmed;
}
