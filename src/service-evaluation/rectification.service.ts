import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { ContractStatesService } from '../contracts/contract-states.service';
import { ContractsService } from '../contracts/contracts.service';
import { isCalendarDate } from '../evaluators/domain/conflicts';
import { NotificationsService } from '../notifications/notifications.service';
import { ContractTerminationService } from './contract-termination.service';
import { MAX_RECTIFICATION_DAYS, missedRectification } from './domain/lifecycle';
import { EvaluationRoundsService } from './evaluation-rounds.service';
import { MilestoneNotFoundForEvaluationError, NoOpenRectificationError, RectificationNotMissedError, ServiceEvaluationInputError } from './service-evaluation.errors';

/** Rectification (整改) after a first fail: the officer's deadline, and termination when it passes without re-delivery. */
@Injectable()
export class RectificationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly contracts: ContractsService,
    private readonly rounds: EvaluationRoundsService,
    private readonly termination: ContractTerminationService,
    private readonly contractStates: ContractStatesService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  /** The officer sets the rectification deadline (end of the given day, Shanghai) while the re-delivery is awaited. */
  async setRectificationDeadline(actor: Actor, contractId: string, position: number, input: { deadline?: string; reason?: string }): Promise<void> {
    const day = (input.deadline ?? '').trim();
    const reason = (input.reason ?? '').trim();
    await this.dataSource.transaction(async (m) => {
      const contract = await this.contracts.lockContract(m, contractId);
      const milestone = await this.rounds.lockMilestone(m, contract.id, position);
      const [rect] = (await m.query(`SELECT id, opened_at, deadline, reason FROM milestone_rectifications WHERE contract_id = $1 AND milestone_position = $2 FOR UPDATE`, [
        contract.id,
        milestone.position,
      ])) as Array<{
        id: string;
        opened_at: Date;
        deadline: Date;
        reason: string;
      }>;
      if (!rect || milestone.status !== 'rectification' || contract.status !== 'active') throw new NoOpenRectificationError();
      const now = await this.clock.now(m);
      const problems: Record<string, Array<{ key: string; params?: Record<string, unknown> }>> = {};
      let deadline: Date | null = null;
      if (!isCalendarDate(day)) problems.deadline = [{ key: 'serviceEvaluation.validation.date' }];
      else {
        const [{ at }] = (await m.query(`SELECT (($1::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai') AS at`, [day])) as Array<{ at: Date }>;
        const latest = new Date(rect.opened_at.getTime() + MAX_RECTIFICATION_DAYS * 86_400_000);
        if (at.getTime() <= now.getTime()) problems.deadline = [{ key: 'serviceEvaluation.validation.deadlinePast' }];
        else if (at.getTime() > latest.getTime() + 86_400_000) problems.deadline = [{ key: 'serviceEvaluation.validation.deadlineTooLate', params: { days: MAX_RECTIFICATION_DAYS } }];
        else deadline = at;
      }
      if (reason.length > 2000) problems.reason = [{ key: 'serviceEvaluation.validation.tooLong', params: { max: 2000 } }];
      if (Object.keys(problems).length || !deadline) throw new ServiceEvaluationInputError(problems);
      await m.query(`UPDATE milestone_rectifications SET deadline = $2, reason = $3, deadline_set_by = $4, deadline_set_at = $5 WHERE id = $1`, [
        rect.id,
        deadline,
        reason || rect.reason,
        actor.userId,
        now,
      ]);
      await this.audit.record(m, actor, {
        action: 'service_evaluation.rectification_deadline_set',
        entityType: 'contract',
        entityId: contract.id,
        before: { deadline: rect.deadline.toISOString() },
        after: { deadline: deadline.toISOString() },
        details: { position: milestone.position, reason: reason || rect.reason },
      });
      await this.notifications.notify(m, {
        recipients: { organisationIds: [contract.organisationId] },
        kind: 'service_evaluation.rectification_deadline',
        titleKey: 'serviceEvaluation.notifications.deadline',
        params: { reference: contract.reference, position: milestone.position, deadline: day },
        link: '/organisation/service-evaluations',
      });
    });
  }

  /**
   * The rectification deadline passed without the re-delivery: the officer ends the contract as
   * after a second fail (milestone failed, rectification failed, termination with the money back).
   */
  /**
   * Termination's preconditions (a reason; the contract active and the rectification deadline
   * passed without a new delivery), checked before the confirmation step is shown: nobody confirms
   * and is only then told it was never allowed. `terminateForMissedRectification` checks again locked.
   */
  async checkTermination(contractId: string, position: number, reason: string): Promise<void> {
    terminationReason(reason);
    await this.dataSource.transaction('REPEATABLE READ', async (m) => {
      const contract = await this.contracts.getContract(contractId, m);
      const p = Number(position);
      const milestone = (await this.contracts.milestonesOf(contract.id, m)).find((x) => x.position === p);
      if (!milestone) throw new MilestoneNotFoundForEvaluationError();
      const [rect] = (await m.query(`SELECT status, deadline FROM milestone_rectifications WHERE contract_id = $1 AND milestone_position = $2`, [contract.id, p])) as Array<{
        status: string;
        deadline: Date;
      }>;
      const now = await this.clock.now(m);
      if (!missedRectification({ contractStatus: contract.status, milestoneStatus: milestone.status, rectificationStatus: rect?.status ?? null, deadline: rect?.deadline ?? null, now })) {
        throw new RectificationNotMissedError();
      }
    });
  }

  async terminateForMissedRectification(actor: Actor, contractId: string, position: number, reason: string): Promise<void> {
    const cleaned = terminationReason(reason);
    await this.dataSource.transaction(async (m) => {
      const contract = await this.contracts.lockContract(m, contractId);
      const milestone = await this.rounds.lockMilestone(m, contract.id, position);
      const [rect] = (await m.query(`SELECT status, deadline FROM milestone_rectifications WHERE contract_id = $1 AND milestone_position = $2 FOR UPDATE`, [
        contract.id,
        milestone.position,
      ])) as Array<{
        status: string;
        deadline: Date;
      }>;
      const now = await this.clock.now(m);
      if (!missedRectification({ contractStatus: contract.status, milestoneStatus: milestone.status, rectificationStatus: rect?.status ?? null, deadline: rect?.deadline ?? null, now })) {
        throw new RectificationNotMissedError();
      }
      await this.contractStates.failMissedRectification(m, contract.id, milestone.position);
      await m.query(`UPDATE milestone_rectifications SET status = 'failed', closed_at = $3 WHERE contract_id = $1 AND milestone_position = $2 AND status = 'open'`, [
        contract.id,
        milestone.position,
        now,
      ]);
      await this.audit.record(m, actor, {
        action: 'service_evaluation.rectification_missed',
        entityType: 'contract',
        entityId: contract.id,
        before: { milestoneStatus: 'rectification' },
        after: { milestoneStatus: 'failed' },
        details: { position: milestone.position, deadline: rect.deadline.toISOString(), reason: cleaned },
      });
      await this.termination.terminate(m, actor, contract, milestone.position, `第 ${milestone.position} 期整改期限已过未重新交付：${cleaned}`);
    });
  }
}

/** The reason a termination must give, trimmed: 2 to 1000 characters. */
function terminationReason(reason: string | undefined): string {
  const cleaned = (reason ?? '').trim();
  if (cleaned.length < 2) throw new ServiceEvaluationInputError({ reason: ['serviceEvaluation.validation.terminationReasonRequired'] });
  if (cleaned.length > 1000) throw new ServiceEvaluationInputError({ reason: [{ key: 'serviceEvaluation.validation.tooLong', params: { max: 1000 } }] });
  return cleaned;
}
