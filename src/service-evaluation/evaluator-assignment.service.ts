import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { ContractsService } from '../contracts/contracts.service';
import { EvaluatorsService } from '../evaluators/evaluators.service';
import { NotificationsService } from '../notifications/notifications.service';
import { EvaluationRoundsService } from './evaluation-rounds.service';
import { IndicatorTemplatesService } from './indicator-templates.service';
import { ContractNotEvaluableError, EvaluatorNotEligibleError, RecusalAfterSubmissionError, ServiceEvaluationInputError } from './service-evaluation.errors';
import { isUuid } from '../common/validation/uuid';

/** Evaluators of a contract: assignment from the pool under the committees' rules, and recusal. */
@Injectable()
export class EvaluatorAssignmentService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly contracts: ContractsService,
    private readonly evaluators: EvaluatorsService,
    private readonly templates: IndicatorTemplatesService,
    private readonly rounds: EvaluationRoundsService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  /**
   * Assigns an evaluator from the pool, under the committees' rules: active in the pool, expert in
   * one of the contract's categories, never a member of an organisation, and no relationship
   * with the contracted organisation within the three years before today.
   */
  async assignEvaluator(actor: Actor, contractId: string, evaluatorId: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const contract = await this.contracts.lockContract(m, contractId);
      if (contract.status !== 'active') throw new ContractNotEvaluableError(contract.status);
      if (!isUuid(evaluatorId ?? '')) throw new EvaluatorNotEligibleError('not_in_pool');
      const [existing] = (await m.query(`SELECT status FROM service_evaluators WHERE contract_id = $1 AND evaluator_id = $2`, [contract.id, evaluatorId])) as Array<{ status: string }>;
      if (existing) throw new EvaluatorNotEligibleError(existing.status === 'recused' ? 'recused' : 'already_assigned');
      const [user] = (await m.query(`SELECT organisation_id FROM users WHERE id = $1`, [evaluatorId])) as Array<{ organisation_id: string | null }>;
      if (user?.organisation_id) throw new EvaluatorNotEligibleError('organisation_member');
      const pool = await this.evaluators.listActiveEvaluators();
      if (!pool.some((e) => e.userId === evaluatorId)) throw new EvaluatorNotEligibleError('not_in_pool');
      const categories = await this.templates.categoriesOf(contract, m);
      const experts = await this.evaluators.listActiveEvaluators({ categories });
      if (!experts.some((e) => e.userId === evaluatorId)) throw new EvaluatorNotEligibleError('expertise');
      const now = await this.clock.now(m);
      const conflicts = await this.evaluators.conflictsFor([evaluatorId], [contract.organisationId], now);
      if (conflicts.length) throw new EvaluatorNotEligibleError('conflict');
      await m.query(`INSERT INTO service_evaluators (contract_id, evaluator_id, status, assigned_by, assigned_at) VALUES ($1, $2, 'active', $3, $4)`, [contract.id, evaluatorId, actor.userId, now]);
      await this.audit.record(m, actor, {
        action: 'service_evaluation.evaluator_assigned',
        entityType: 'contract',
        entityId: contract.id,
        after: { evaluatorId, status: 'active' },
        details: { organisationId: contract.organisationId, categories },
      });
      await this.notifications.notify(m, {
        recipients: { userIds: [evaluatorId] },
        kind: 'service_evaluation.assigned',
        titleKey: 'serviceEvaluation.notifications.assigned',
        params: { reference: contract.reference },
        link: '/service-evaluations',
      });
    });
  }

  /** The evaluator steps down from the contract (reason required); officers are told to assign a replacement. */
  async recuse(actor: Actor, contractId: string, reason: string): Promise<void> {
    const cleaned = (reason ?? '').trim();
    if (cleaned.length < 2) throw new ServiceEvaluationInputError({ reason: ['serviceEvaluation.validation.recusalReasonRequired'] });
    if (cleaned.length > 1000) throw new ServiceEvaluationInputError({ reason: [{ key: 'serviceEvaluation.validation.tooLong', params: { max: 1000 } }] });
    await this.dataSource.transaction(async (m) => {
      const contract = await this.contracts.lockContract(m, contractId);
      await this.rounds.assertAssigned(m, contract.id, actor);
      const [submitted] = (await m.query(
        `SELECT 1 FROM milestone_scoresheets s JOIN milestone_evaluation_rounds r USING (contract_id, milestone_position, round)
          WHERE s.contract_id = $1 AND s.evaluator_id = $2 AND s.status = 'submitted' AND r.status = 'open' LIMIT 1`,
        [contract.id, actor.userId],
      )) as unknown[];
      if (submitted) throw new RecusalAfterSubmissionError();
      const now = await this.clock.now(m);
      await m.query(`UPDATE service_evaluators SET status = 'recused', recused_at = $3, recusal_reason = $4 WHERE contract_id = $1 AND evaluator_id = $2`, [contract.id, actor.userId, now, cleaned]);
      const [{ n: remaining }] = (await m.query(`SELECT count(*)::int AS n FROM service_evaluators WHERE contract_id = $1 AND status = 'active'`, [contract.id])) as Array<{ n: number }>;
      await this.audit.record(m, actor, {
        action: 'service_evaluation.evaluator_recused',
        entityType: 'contract',
        entityId: contract.id,
        before: { evaluatorId: actor.userId, status: 'active' },
        after: { evaluatorId: actor.userId, status: 'recused' },
        details: { reason: cleaned, remaining },
      });
      await this.notifications.notify(m, {
        recipients: { roles: ['bureau_officer'] },
        kind: 'service_evaluation.recused',
        titleKey: 'serviceEvaluation.notifications.recused',
        params: { reference: contract.reference, remaining },
        link: `/staff/service-evaluations/${contract.id}`,
      });
      // The others may all have submitted already: then the round completes without the one who stepped down.
      const open = (await m.query(`SELECT milestone_position FROM milestone_evaluation_rounds WHERE contract_id = $1 AND status = 'open' ORDER BY milestone_position`, [contract.id])) as Array<{
        milestone_position: number;
      }>;
      for (const r of open) await this.rounds.completeIfAllSubmitted(m, actor, contract, r.milestone_position);
    });
  }
}
