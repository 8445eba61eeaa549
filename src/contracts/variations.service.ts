import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { AwardsService } from '../awards/awards.service';
import { Clock } from '../common/clock/clock';
import { parseYuanToMinor } from '../common/money/money';
import { NotificationsService } from '../notifications/notifications.service';
import { FundsService } from '../procurement/funds.service';
import { Contract, ContractMilestone, ContractVariation, VariationChanges } from './contract.entity';
import {
  AmountBeyondLimitError,
  ApproverRequiredError,
  ContractNotActiveError,
  ContractsValidationError,
  OwnVariationError,
  VariationAlreadyDecidedError,
  VariationNotFoundError,
  VariationPendingError,
} from './contracts.errors';
import { ContractsService } from './contracts.service';
import {
  AmountLimits,
  REDUCTION_REASON_MAX,
  REDUCTION_REASON_MIN,
  VARIATION_KINDS,
  VariationKind,
  checkAmountChange,
  checkDatesChange,
  checkDecider,
  isUnpaid,
  reallocateUnpaid,
} from './domain/variations';
import { pgError } from '../common/errors/pg-error';
import { isUuid } from '../common/validation/uuid';

export interface VariationInput {
  kind: string;
  description: string;
  serviceStart?: string;
  serviceEnd?: string;
  milestones?: Array<{ position?: string | number; dueDate?: string }>;
  items?: Array<{ position?: string | number; quantity?: string | number }>;
  /** New contract amount in yuan, as typed. */
  amount?: string;
  /** Why the amount goes down (required for a reduction). */
  reductionReason?: string;
}

export interface DecisionInput {
  decision: string;
  reason: string;
}

type Problem = { field: string; key: string; params?: Record<string, unknown> };

const DESCRIPTION_MIN = 5;
const DESCRIPTION_MAX = 2000;
const REASON_MIN = 5;
const REASON_MAX = 2000;

/** The error for a refused amount: above the 10 % allowance (with the citation), no reduction reason, or a bad figure. */
function amountProblem(problem: 'unchanged' | 'not_positive' | 'beyond_ten_percent' | 'reduction_reason', limits: AmountLimits): Error {
  if (problem === 'beyond_ten_percent') return new AmountBeyondLimitError(limits);
  if (problem === 'reduction_reason') return new ContractsValidationError([{ field: 'reductionReason', key: 'reductionReason', params: { min: REDUCTION_REASON_MIN, max: REDUCTION_REASON_MAX } }]);
  return new ContractsValidationError([{ field: 'amount', key: problem === 'unchanged' ? 'nothingChanged' : 'amount' }]);
}

function length(value: string): number {
  return Array.from(value).length;
}

/**
 * Contract variations (合同变更): an officer proposes, an approver who is not the proposer
 * decides with a reason (the database refuses the same person too). Approval applies the change
 * under the contract's row lock; an amount change re-allocates the unpaid milestones exactly and
 * moves committed money in the fund (the fund's CHECK decides whether an increase fits).
 */
@Injectable()
export class VariationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
    private readonly contracts: ContractsService,
    private readonly awards: AwardsService,
    private readonly funds: FundsService,
  ) {}

  async proposeVariation(actor: Actor, contractId: string, input: VariationInput): Promise<ContractVariation> {
    const kind = (VARIATION_KINDS as readonly string[]).includes(input.kind) ? (input.kind as VariationKind) : null;
    const description = (input.description ?? '').trim();
    const problems: Problem[] = [];
    if (!kind) problems.push({ field: 'kind', key: 'choose' });
    if (length(description) < DESCRIPTION_MIN || length(description) > DESCRIPTION_MAX)
      problems.push({ field: 'description', key: 'textLength', params: { min: DESCRIPTION_MIN, max: DESCRIPTION_MAX } });
    if (problems.length || !kind) throw new ContractsValidationError(problems);
    try {
      return await this.dataSource.transaction(async (m) => {
        const contract = await this.contracts.lockContract(m, contractId);
        if (contract.status !== 'active') throw new ContractNotActiveError(contract.status);
        if (await m.findOneBy(ContractVariation, { contractId: contract.id, status: 'proposed' })) throw new VariationPendingError();
        const milestones = await this.contracts.milestonesOf(contract.id, m);
        const { changes, deltaMinor } = await this.changesFor(m, kind, contract, milestones, input);
        const now = await this.clock.now(m);
        const [{ next }] = (await m.query(`SELECT coalesce(max(sequence), 0) + 1 AS next FROM contract_variations WHERE contract_id = $1`, [contract.id])) as Array<{ next: number }>;
        const [{ id }] = (await m.query(
          `INSERT INTO contract_variations (contract_id, sequence, kind, description, changes, amount_delta_minor, status, proposed_by, proposed_at)
           VALUES ($1, $2, $3, $4, $5::jsonb, $6, 'proposed', $7, $8) RETURNING id`,
          [contract.id, next, kind, description, JSON.stringify(changes), deltaMinor, actor.userId, now],
        )) as Array<{ id: string }>;
        await this.notifications.notify(m, {
          recipients: { roles: ['bureau_approver'] },
          kind: 'variation.proposed',
          titleKey: 'contracts.notifications.variationProposed',
          params: { reference: contract.reference, sequence: next },
          link: `/staff/contracts/${contract.id}#variations`,
        });
        await this.audit.record(m, actor, {
          action: 'contract_variation.proposed',
          entityType: 'contract_variation',
          entityId: id,
          after: { status: 'proposed', contractId: contract.id, sequence: next, kind, amountDeltaMinor: deltaMinor, changes },
          details: { descriptionSha256: createHash('sha256').update(description).digest('hex') },
        });
        return m.findOneByOrFail(ContractVariation, { id });
      });
    } catch (error) {
      const { code, constraint } = pgError(error);
      if (code === '23505' && constraint === 'contract_variations_one_open') throw new VariationPendingError();
      throw error;
    }
  }

  async decideVariation(actor: Actor, contractId: string, variationId: string, input: DecisionInput): Promise<ContractVariation> {
    const decision = input.decision === 'approve' || input.decision === 'reject' ? input.decision : null;
    const reason = (input.reason ?? '').trim();
    const problems: Problem[] = [];
    if (!decision) problems.push({ field: 'decision', key: 'choose' });
    if (length(reason) < REASON_MIN || length(reason) > REASON_MAX) problems.push({ field: 'reason', key: 'textLength', params: { min: REASON_MIN, max: REASON_MAX } });
    if (problems.length || !decision) throw new ContractsValidationError(problems);
    return this.dataSource.transaction(async (m) => {
      const contract = await this.contracts.lockContract(m, contractId);
      const variation = isUuid(variationId) ? await m.findOne(ContractVariation, { where: { id: variationId, contractId: contract.id }, lock: { mode: 'pessimistic_write' } }) : null;
      if (!variation) throw new VariationNotFoundError();
      const decider = checkDecider(actor, variation.proposedBy);
      if (!decider.ok) throw decider.problem === 'own_proposal' ? new OwnVariationError() : new ApproverRequiredError();
      if (variation.status !== 'proposed') throw new VariationAlreadyDecidedError();
      const now = await this.clock.now(m);
      let changes: VariationChanges = variation.changes;
      if (decision === 'approve') {
        if (contract.status !== 'active') throw new ContractNotActiveError(contract.status);
        changes = await this.apply(m, actor, contract, variation);
      }
      await m.query(`UPDATE contract_variations SET status = $2, decided_by = $3, decided_at = $4, decision_reason = $5, changes = $6::jsonb WHERE id = $1`, [
        variation.id,
        decision === 'approve' ? 'approved' : 'rejected',
        actor.userId,
        now,
        reason,
        JSON.stringify(changes),
      ]);
      await this.notifications.notify(m, {
        recipients: { userIds: [variation.proposedBy], organisationIds: decision === 'approve' ? [contract.organisationId] : [] },
        kind: 'variation.decided',
        titleKey: decision === 'approve' ? 'contracts.notifications.variationApproved' : 'contracts.notifications.variationRejected',
        params: { reference: contract.reference, sequence: variation.sequence },
        link: `/notices/contracts/${contract.reference}`,
      });
      await this.audit.record(m, actor, {
        action: decision === 'approve' ? 'contract_variation.approved' : 'contract_variation.rejected',
        entityType: 'contract_variation',
        entityId: variation.id,
        before: { status: 'proposed' },
        after: { status: decision === 'approve' ? 'approved' : 'rejected', decidedAt: now.toISOString(), applied: changes.applied ?? null },
        details: { contractId: contract.id, sequence: variation.sequence, kind: variation.kind, reason },
      });
      return m.findOneByOrFail(ContractVariation, { id: variation.id });
    });
  }

  // ── Internals ───────────────────────────────────────────────────────────────────────────────

  /** The proposal's before → after, checked against the contract as it stands. */
  private async changesFor(
    m: EntityManager,
    kind: VariationKind,
    contract: Contract,
    milestones: ContractMilestone[],
    input: VariationInput,
  ): Promise<{ changes: VariationChanges; deltaMinor: number }> {
    const variable = milestones.map((x) => ({ position: x.position, dueDate: x.dueDate, shareBp: x.shareBp, amountMinor: x.amountMinor, status: x.status }));
    if (kind === 'dates') {
      const dueDates: Record<number, string> = {};
      for (const row of input.milestones ?? []) {
        const position = Number(row?.position);
        if (Number.isInteger(position) && typeof row?.dueDate === 'string' && row.dueDate.trim()) dueDates[position] = row.dueDate.trim();
      }
      const proposal = { serviceStart: (input.serviceStart ?? contract.serviceStart).trim(), serviceEnd: (input.serviceEnd ?? contract.serviceEnd).trim(), milestoneDueDates: dueDates };
      const problems = checkDatesChange({ serviceStart: contract.serviceStart, serviceEnd: contract.serviceEnd, milestones: variable }, proposal);
      if (problems.length) throw new ContractsValidationError(problems);
      return {
        changes: {
          dates: {
            before: { serviceStart: contract.serviceStart, serviceEnd: contract.serviceEnd, milestones: milestones.map((x) => ({ position: x.position, dueDate: x.dueDate })) },
            after: { serviceStart: proposal.serviceStart, serviceEnd: proposal.serviceEnd, milestones: milestones.map((x) => ({ position: x.position, dueDate: dueDates[x.position] ?? x.dueDate })) },
          },
        },
        deltaMinor: 0,
      };
    }
    if (kind === 'scope') {
      const problems: Problem[] = [];
      const after = contract.items.map((item) => ({ position: item.position, quantity: item.quantity }));
      (input.items ?? []).forEach((row, index) => {
        const position = Number(row?.position);
        const target = after.find((a) => a.position === position);
        const raw = String(row?.quantity ?? '')
          .trim()
          .normalize('NFKC');
        if (!target) return;
        if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1) problems.push({ field: `items.${index}.quantity`, key: 'quantity' });
        else target.quantity = Number(raw);
      });
      if (problems.length) throw new ContractsValidationError(problems);
      const before = contract.items.map((item) => ({ position: item.position, quantity: item.quantity }));
      if (before.every((b, i) => b.quantity === after[i].quantity)) throw new ContractsValidationError([{ field: 'description', key: 'nothingChanged' }]);
      return { changes: { scope: { before, after } }, deltaMinor: 0 };
    }
    const newMinor = parseYuanToMinor(input.amount ?? '');
    if (newMinor === null) throw new ContractsValidationError([{ field: 'amount', key: 'amount' }]);
    const award = await this.awards.getAward(contract.awardId, m);
    const check = checkAmountChange({
      originalMinor: award.priceMinor,
      currentMinor: contract.amountMinor,
      newMinor,
      increasedMinor: await this.increasedSoFar(m, contract.id),
      reductionReason: input.reductionReason ?? '',
    });
    if (!check.ok) throw amountProblem(check.problem, check.limits);
    const reallocation = reallocateUnpaid(variable, newMinor);
    if (!reallocation.ok) throw new ContractsValidationError([{ field: 'amount', key: reallocation.problem === 'nothing_unpaid' ? 'nothingUnpaid' : 'belowPaid' }]);
    const amount = check.reductionReason
      ? { beforeMinor: contract.amountMinor, afterMinor: newMinor, reductionReason: check.reductionReason }
      : { beforeMinor: contract.amountMinor, afterMinor: newMinor };
    return { changes: { amount }, deltaMinor: check.deltaMinor };
  }

  /** Applies an approved variation; returns its changes with what was written (`applied`). */
  private async apply(m: EntityManager, actor: Actor, contract: Contract, variation: ContractVariation): Promise<VariationChanges> {
    const milestones = await m.find(ContractMilestone, { where: { contractId: contract.id }, order: { position: 'ASC' }, lock: { mode: 'pessimistic_write' } });
    const variable = milestones.map((x) => ({ position: x.position, dueDate: x.dueDate, shareBp: x.shareBp, amountMinor: x.amountMinor, status: x.status }));
    const changes = variation.changes;
    if (variation.kind === 'dates' && changes.dates) {
      const after = changes.dates.after;
      const dueDates = Object.fromEntries(after.milestones.map((x) => [x.position, x.dueDate]));
      // Re-checked: a milestone may have been paid since the proposal.
      const problems = checkDatesChange(
        { serviceStart: contract.serviceStart, serviceEnd: contract.serviceEnd, milestones: variable },
        { serviceStart: after.serviceStart, serviceEnd: after.serviceEnd, milestoneDueDates: dueDates },
      );
      if (problems.length) throw new ContractsValidationError(problems, 'The contract changed since the proposal; the dates no longer fit', 'CONTRACTS.VARIATION_STALE');
      await m.query(`UPDATE contracts SET service_start = $2, service_end = $3 WHERE id = $1`, [contract.id, after.serviceStart, after.serviceEnd]);
      for (const x of milestones) {
        if (dueDates[x.position] && dueDates[x.position] !== x.dueDate) {
          await m.query(`UPDATE contract_milestones SET due_date = $3 WHERE contract_id = $1 AND position = $2`, [contract.id, x.position, dueDates[x.position]]);
        }
      }
      return changes;
    }
    if (variation.kind === 'scope' && changes.scope) {
      const quantities = new Map(changes.scope.after.map((x) => [x.position, x.quantity]));
      const items = contract.items.map((item) => ({ ...item, quantity: quantities.get(item.position) ?? item.quantity }));
      await m.query(`UPDATE contracts SET items = $2::jsonb WHERE id = $1`, [contract.id, JSON.stringify(items)]);
      return changes;
    }
    // Amount: the limit is re-checked on the contract as it stands (earlier variations count).
    const award = await this.awards.getAward(contract.awardId, m);
    const newMinor = contract.amountMinor + variation.amountDeltaMinor;
    const check = checkAmountChange({
      originalMinor: award.priceMinor,
      currentMinor: contract.amountMinor,
      newMinor,
      increasedMinor: await this.increasedSoFar(m, contract.id),
      reductionReason: changes.amount?.reductionReason ?? '',
    });
    if (!check.ok) throw amountProblem(check.problem, check.limits);
    const reallocation = reallocateUnpaid(variable, newMinor);
    if (!reallocation.ok) throw new ContractsValidationError([{ field: 'amount', key: reallocation.problem === 'nothing_unpaid' ? 'nothingUnpaid' : 'belowPaid' }]);
    await this.funds.commitForContract(m, actor, contract.fundId, contract.projectId, 0, check.deltaMinor);
    await m.query(`UPDATE contracts SET amount_minor = $2 WHERE id = $1`, [contract.id, newMinor]);
    for (const a of reallocation.amounts) {
      if (a.afterMinor !== a.beforeMinor) await m.query(`UPDATE contract_milestones SET amount_minor = $3 WHERE contract_id = $1 AND position = $2`, [contract.id, a.position, a.afterMinor]);
    }
    await this.audit.record(m, actor, {
      action: 'contract.amount_varied',
      entityType: 'contract',
      entityId: contract.id,
      before: { amountMinor: contract.amountMinor },
      after: { amountMinor: newMinor },
      details: { variationId: variation.id, originalMinor: award.priceMinor, milestones: reallocation.amounts.filter((a) => isUnpaid(variable.find((v) => v.position === a.position)!.status)) },
    });
    return { ...changes, applied: { milestoneAmounts: reallocation.amounts, amountBeforeMinor: contract.amountMinor, amountAfterMinor: newMinor } };
  }

  /** Sum of the increases approved so far (第四十九条 counts every supplementary contract; reductions give nothing back). */
  async increasedSoFar(m: EntityManager, contractId: string): Promise<number> {
    const [{ total }] = (await m.query(
      `SELECT coalesce(sum(amount_delta_minor), 0)::text AS total FROM contract_variations WHERE contract_id = $1 AND status = 'approved' AND amount_delta_minor > 0`,
      [contractId],
    )) as Array<{ total: string }>;
    return Number(total);
  }

  async variationsOf(contractId: string): Promise<ContractVariation[]> {
    return this.dataSource.manager.find(ContractVariation, { where: { contractId }, order: { sequence: 'ASC' } });
  }
}
