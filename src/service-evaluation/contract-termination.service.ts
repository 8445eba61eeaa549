import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { ContractStatesService } from '../contracts/contract-states.service';
import { Contract } from '../contracts/contract.entity';
import { LedgerService } from '../ledger/ledger.service';
import { NotificationsService } from '../notifications/notifications.service';
import { computeTranche } from '../payments/domain/payment-rules';
import { paymentRulesOfContract } from '../payments/payment-rules.queries';
import { terminationPlan } from './domain/lifecycle';

/** Termination of a contract after a second fail or a missed rectification, with the money it no longer needs back to the fund. */
@Injectable()
export class ContractTerminationService {
  constructor(
    private readonly contractStates: ContractStatesService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
    private readonly ledger: LedgerService,
  ) {}

  /**
   * A second fail: terminating → terminated in this transaction; milestones that have not passed
   * are cancelled; what is approved, paid, awaiting a decision or a retry, and the tranches still
   * owed for passed milestones stay committed; the rest of the contract amount goes back from
   * committed to the fund's available balance (journal entry and fund row together).
   */
  async terminate(m: EntityManager, actor: Actor, contract: Contract, failedPosition: number, reason: string): Promise<void> {
    const now = await this.clock.now(m);
    const milestones = (await m.query(`SELECT position, status, amount_minor::text AS amount_minor FROM contract_milestones WHERE contract_id = $1 ORDER BY position FOR UPDATE`, [
      contract.id,
    ])) as Array<{ position: number; status: string; amount_minor: string }>;
    const [c] = (await m.query(`SELECT amount_minor::text AS amount, approved_minor::text AS approved, status FROM contracts WHERE id = $1 FOR UPDATE`, [contract.id])) as Array<{
      amount: string;
      approved: string;
      status: string;
    }>;
    // Disbursements still to be decided or retried keep their money committed (approval does not look at the contract's status).
    const [{ pending }] = (await m.query(`SELECT coalesce(sum(amount_minor), 0)::text AS pending FROM disbursements WHERE contract_id = $1 AND status IN ('proposed', 'failed', 'reversed')`, [
      contract.id,
    ])) as Array<{ pending: string }>;
    // Work that passed before the end is still owed: the tranche the rules pay for each passed
    // milestone not yet proposed stays committed, so the officer can still propose it. Hold-backs
    // and retention, due only after a final evaluation that will not come, return to the fund.
    const owed = (await m.query(
      `SELECT r.score_centi, cm.amount_minor::text AS amount_minor
         FROM contract_milestones cm
         JOIN LATERAL (SELECT score_centi FROM milestone_results WHERE contract_id = cm.contract_id AND position = cm.position ORDER BY round DESC LIMIT 1) r ON true
        WHERE cm.contract_id = $1 AND cm.status = 'passed'
          AND NOT EXISTS (SELECT 1 FROM disbursements d WHERE d.contract_id = cm.contract_id AND d.milestone_position = cm.position
                            AND d.kind = 'tranche' AND d.status <> 'rejected')`,
      [contract.id],
    )) as Array<{ score_centi: number; amount_minor: string }>;
    const { rules } = await paymentRulesOfContract(m, contract.id);
    const owedMinor = owed.reduce((sum, o) => sum + computeTranche({ trancheMinor: Number(o.amount_minor), scoreCenti: o.score_centi, rules }).payableMinor, 0);
    const plan = terminationPlan(
      milestones.map((x) => ({ position: x.position, status: x.status, amountMinor: Number(x.amount_minor) })),
      Number(c.amount),
      Number(c.approved),
      Number(pending) + owedMinor,
      failedPosition,
    );
    await this.contractStates.beginTermination(m, contract.id);
    await this.audit.record(m, actor, {
      action: 'contract.terminating',
      entityType: 'contract',
      entityId: contract.id,
      before: { status: 'active' },
      after: { status: 'terminating' },
      details: { reason, position: failedPosition },
    });
    await this.contractStates.cancelMilestones(m, contract.id, plan.cancelPositions);
    let entryId: string | null = null;
    if (plan.releaseMinor > 0) {
      entryId = await this.ledger.returnToFund(m, contract, plan.releaseMinor, { cause: 'termination', actorId: actor.userId, memo: reason });
    }
    await this.contractStates.terminateContract(m, contract.id, {
      milestonePosition: failedPosition,
      reason,
      at: now,
      releasedMinor: plan.releaseMinor,
      cancelledPositions: plan.cancelPositions,
      journalEntryId: entryId,
    });
    await this.audit.record(m, actor, {
      action: 'contract.terminated',
      entityType: 'contract',
      entityId: contract.id,
      before: { status: 'terminating' },
      after: { status: 'terminated' },
      details: { reason, cancelledPositions: plan.cancelPositions, keptMinor: plan.keptMinor, releasedMinor: plan.releaseMinor, fundId: contract.fundId, journalEntryId: entryId },
    });
    await this.notifications.notify(m, {
      recipients: { organisationIds: [contract.organisationId] },
      kind: 'service_evaluation.terminated',
      titleKey: 'serviceEvaluation.notifications.terminated',
      params: { reference: contract.reference, position: failedPosition },
      link: '/organisation/service-evaluations',
    });
    await this.notifications.notify(m, {
      recipients: { roles: ['bureau_officer', 'bureau_approver'] },
      kind: 'service_evaluation.terminated',
      titleKey: 'serviceEvaluation.notifications.terminated',
      params: { reference: contract.reference, position: failedPosition },
      link: `/staff/service-evaluations/${contract.id}`,
    });
  }
}
