import { paymentRulesOfContract } from './payment-rules.queries';
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { Contract } from '../contracts/contract.entity';
import { ContractStatesService } from '../contracts/contract-states.service';
import { ContractsService } from '../contracts/contracts.service';
import { NotificationsService } from '../notifications/notifications.service';
import { Disbursement, Rail, toDisbursement } from './disbursements.service';
import { PaymentRules } from './domain/payment-rules';
import { MilestoneFacts, ReleaseKind, ReleasePlan, ReleaseRuleError, TrancheSplit, planReleases, releaseAmount, settlementReturn } from './domain/releases';
import { LedgerService } from '../ledger/ledger.service';
import { AlreadyProposedError, ContractNotPayableError } from './payments.errors';
import { ContractSettledError, NothingToReleaseError, ReleaseNotDueError, ReleaseOutstandingError, UnknownReleaseKindError } from './releases.errors';
import { pgError } from '../common/errors/pg-error';

/** Disbursement statuses in which money has been approved for payment (committed → payable done). */
const APPROVED = ['approved', 'sending', 'paid'];
const LIVE = ['proposed', 'approved', 'sending', 'paid'];

export interface Settlement {
  contractId: string;
  returnedMinor: number;
  forfeitedHoldbackMinor: number;
  withheldMinor: number;
  cancelledMinor: number;
  averageScoreCenti: number;
  settledAt: Date;
}

export interface ContractReleases {
  contract: Contract;
  rulesId: string;
  rules: PaymentRules;
  plan: ReleasePlan;
  releases: Disbursement[];
  settlement: Settlement | null;
  approvedMinor: number;
}

/** `holdback` / `retention` in URLs. */
export function releaseKindOf(slug: string): ReleaseKind {
  if (slug === 'holdback') return 'holdback_release';
  if (slug === 'retention') return 'retention_release';
  throw new UnknownReleaseKindError();
}

function describeBlockers(plan: ReleasePlan): string[] {
  return plan.blockers.map((b) =>
    b.kind === 'milestone_not_passed' ? `第 ${b.position} 期为 ${b.status}，未通过评估` : b.kind === 'tranche_not_approved' ? `第 ${b.position} 期的本期款项尚未审批` : '合同没有里程碑',
  );
}

/**
 * The releases at the end of a contract (payment by results, part two): the pass hold-back once
 * the final evaluation's average is good enough, the retention once the final milestone passes,
 * both proposed by an officer with the amount from the rules and approved by someone else like
 * any tranche (DisbursementsService.approveDisbursement); and the settlement, which returns what
 * will never be paid (withheld, forfeited, cancelled) from committed to available and completes
 * the contract. Everything under the contract row lock, in one transaction per use case.
 */
@Injectable()
export class ReleasesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly contracts: ContractsService,
    private readonly contractStates: ContractStatesService,
    private readonly ledger: LedgerService,
    private readonly clock: Clock,
  ) {}

  async proposeRelease(actor: Actor, contractId: string, kind: ReleaseKind): Promise<Disbursement> {
    try {
      return await this.dataSource.transaction(async (m) => {
        const { contract } = await this.contracts.lockContractForPayment(m, contractId);
        if (contract.status !== 'active' && contract.status !== 'completed') throw new ContractNotPayableError(contract.status);
        const state = await this.load(m, contract);
        if (state.settlement) throw new ContractSettledError();
        const { plan } = state;
        if (!plan.isDue) throw new ReleaseNotDueError(describeBlockers(plan));
        const amountMinor = releaseAmount(plan, kind);
        if (amountMinor <= 0) throw new NothingToReleaseError(kind, kind === 'holdback_release' && plan.holdback.forfeitMinor > 0);
        const now = await this.clock.now(m);
        const [account] = (await m.query(`SELECT rail FROM payment_accounts WHERE organisation_id = $1`, [contract.organisationId])) as Array<{ rail: Rail }>;
        const rail: Rail = account?.rail ?? 'treasury';
        const computation = {
          kind,
          rulesId: state.rulesId,
          grade: plan.averageGrade,
          averageScoreCenti: plan.averageScoreCenti,
          heldMinor: kind === 'holdback_release' ? plan.holdback.heldMinor : plan.retention.heldMinor,
          releaseMinor: amountMinor,
          milestones: plan.milestones.map((s) => ({
            position: s.position,
            trancheMinor: s.trancheMinor,
            payableMinor: s.payableMinor,
            holdbackMinor: s.holdbackMinor,
            retentionMinor: s.retentionMinor,
            withheldMinor: s.withheldMinor,
          })),
          explanation: kind === 'holdback_release' ? plan.holdbackExplanation : plan.retentionExplanation,
        };
        const [row] = (await m.query(
          `INSERT INTO disbursements (contract_id, milestone_position, kind, amount_minor, computation, rail, status, proposed_by, proposed_at, idempotency_key)
           VALUES ($1, $2, $3, $4, $5::jsonb, $6, 'proposed', $7, $8, $9) RETURNING *`,
          [contract.id, plan.finalPosition, kind, amountMinor, JSON.stringify(computation), rail, actor.userId, now, `disb_${randomUUID()}`],
        )) as Parameters<typeof toDisbursement>[0][];
        await this.audit.record(m, actor, {
          action: 'disbursement.proposed',
          entityType: 'disbursement',
          entityId: row.id,
          after: { status: 'proposed', amountMinor, rail, kind },
          details: { contractId: contract.id, position: plan.finalPosition, averageScoreCenti: plan.averageScoreCenti, heldMinor: computation.heldMinor },
        });
        await this.notifications.notify(m, {
          recipients: { roles: ['bureau_approver'] },
          kind: 'disbursement.proposed',
          titleKey: 'payments.notifications.proposed',
          params: { reference: contract.reference, position: plan.finalPosition },
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
   * 结算: once the final evaluation is in and every tranche and release due is approved, what
   * will never be paid goes back to the fund (committed → available) and the contract completes.
   */
  async settleContract(actor: Actor, contractId: string): Promise<Settlement> {
    try {
      return await this.dataSource.transaction(async (m) => {
        const { contract } = await this.contracts.lockContractForPayment(m, contractId);
        if (contract.status !== 'active' && contract.status !== 'completed') throw new ContractNotPayableError(contract.status);
        const state = await this.load(m, contract);
        if (state.settlement) throw new ContractSettledError();
        const { plan } = state;
        if (!plan.isDue) throw new ReleaseNotDueError(describeBlockers(plan));
        const [{ n: pending }] = (await m.query(`SELECT count(*)::int AS n FROM disbursements WHERE contract_id = $1 AND status = 'proposed'`, [contract.id])) as Array<{ n: number }>;
        if (pending > 0) throw new ReleaseOutstandingError(`${pending} disbursement(s) await a decision`);
        for (const kind of ['holdback_release', 'retention_release'] as const) {
          if (releaseAmount(plan, kind) > 0 && !state.releases.some((d) => d.kind === kind && APPROVED.includes(d.status))) throw new ReleaseOutstandingError(`the ${kind} is due and not approved`);
        }
        let returnedMinor: number;
        try {
          returnedMinor = settlementReturn(plan, contract.amountMinor, state.approvedMinor);
        } catch (error) {
          if (error instanceof ReleaseRuleError) throw new ReleaseOutstandingError(error.message);
          throw error;
        }
        const now = await this.clock.now(m);
        let entryId: string | null = null;
        if (returnedMinor > 0) {
          entryId = await this.ledger.returnToFund(m, contract, returnedMinor, {
            cause: 'settlement',
            actorId: actor.userId,
            memo: `settlement: withheld ${plan.withheldMinor}, forfeited hold-back ${plan.holdback.forfeitMinor}, cancelled ${plan.cancelledMinor}`,
          });
        }
        const computation = { rulesId: state.rulesId, averageGrade: plan.averageGrade, explanation: plan.explanation, milestones: plan.milestones };
        await m.query(
          `INSERT INTO contract_settlements (contract_id, returned_minor, forfeited_holdback_minor, withheld_minor, cancelled_minor, average_score_centi, computation, journal_entry_id, settled_by, settled_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10)`,
          [contract.id, returnedMinor, plan.holdback.forfeitMinor, plan.withheldMinor, plan.cancelledMinor, plan.averageScoreCenti, JSON.stringify(computation), entryId, actor.userId, now],
        );
        if (contract.status === 'active') await this.contractStates.completeContract(m, contract.id);
        await this.audit.record(m, actor, {
          action: 'contract.settled',
          entityType: 'contract',
          entityId: contract.id,
          before: { status: contract.status },
          after: { status: 'completed', returnedMinor },
          details: {
            forfeitedHoldbackMinor: plan.holdback.forfeitMinor,
            withheldMinor: plan.withheldMinor,
            cancelledMinor: plan.cancelledMinor,
            averageScoreCenti: plan.averageScoreCenti,
            journalEntryId: entryId,
          },
        });
        await this.notifications.notify(m, {
          recipients: { organisationIds: [contract.organisationId] },
          kind: 'contract.settled',
          titleKey: 'reporting.releases.notifications.settled',
          params: { reference: contract.reference },
          link: `/organisation/reports`,
        });
        return {
          contractId: contract.id,
          returnedMinor,
          forfeitedHoldbackMinor: plan.holdback.forfeitMinor,
          withheldMinor: plan.withheldMinor,
          cancelledMinor: plan.cancelledMinor,
          averageScoreCenti: plan.averageScoreCenti as number,
          settledAt: now,
        };
      });
    } catch (error) {
      const { code, constraint } = pgError(error);
      if (code === '23505' && constraint === 'contract_settlements_pkey') throw new ContractSettledError();
      if (code === '23514' && constraint === 'contract_settlements_within_amount') throw new ReleaseOutstandingError('approved and returned amounts do not make up the contract');
      throw error;
    }
  }

  /** The release plan of a contract as it stands (for the page); no locks. */
  async releasesOf(contractId: string): Promise<ContractReleases> {
    const contract = await this.contracts.getContract(contractId);
    return this.load(this.dataSource.manager, contract);
  }

  private async load(m: EntityManager, contract: Contract): Promise<ContractReleases> {
    const milestones = await this.contracts.milestonesOf(contract.id, m);
    const results = (await m.query(`SELECT DISTINCT ON (position) position, score_centi FROM milestone_results WHERE contract_id = $1 ORDER BY position, round DESC`, [contract.id])) as Array<{
      position: number;
      score_centi: number;
    }>;
    const rows = (await m.query(`SELECT * FROM disbursements WHERE contract_id = $1 AND status = ANY($2::text[]) ORDER BY proposed_at`, [contract.id, LIVE])) as Parameters<typeof toDisbursement>[0][];
    const all = rows.map(toDisbursement);
    const tranches = new Map(all.filter((d) => d.kind === 'tranche' && APPROVED.includes(d.status)).map((d) => [d.milestonePosition, d.computation as unknown as TrancheSplit]));
    const facts: MilestoneFacts[] = milestones.map((ms) => ({
      position: ms.position,
      amountMinor: Number(ms.amountMinor),
      status: ms.status,
      scoreCenti: results.find((r) => r.position === ms.position)?.score_centi ?? null,
      approvedTranche: tranches.get(ms.position) ?? null,
    }));
    const { id: rulesId, rules } = await paymentRulesOfContract(m, contract.id);
    const [balances] = (await m.query(`SELECT approved_minor::text AS approved FROM contracts WHERE id = $1`, [contract.id])) as Array<{ approved: string }>;
    const [s] = (await m.query(`SELECT * FROM contract_settlements WHERE contract_id = $1`, [contract.id])) as Array<Record<string, string & Date>>;
    const settlement: Settlement | null = s
      ? {
          contractId: contract.id,
          returnedMinor: Number(s.returned_minor),
          forfeitedHoldbackMinor: Number(s.forfeited_holdback_minor),
          withheldMinor: Number(s.withheld_minor),
          cancelledMinor: Number(s.cancelled_minor),
          averageScoreCenti: Number(s.average_score_centi),
          settledAt: s.settled_at,
        }
      : null;
    return {
      contract,
      rulesId,
      rules,
      plan: planReleases(facts, rules),
      releases: all.filter((d) => d.kind !== 'tranche'),
      settlement,
      approvedMinor: Number(balances.approved),
    };
  }
}
