import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { Contract } from '../contracts/contract.entity';
import { ContractStatesService } from '../contracts/contract-states.service';
import { ContractsService } from '../contracts/contracts.service';
import { toFraction, toDecimal } from '../evaluation/domain/rational';
import { NotificationsService } from '../notifications/notifications.service';
import { ContractTerminationService } from './contract-termination.service';
import { evaluableRound, outcomeOf, rectificationDeadline } from './domain/lifecycle';
import { MIN_EVALUATORS, SATISFACTION_CODE, SurveyFigures, TemplateIndicator, formatCenti, milestoneScore, surveyPoints, surveyQualifies } from './domain/scoring';
import { IndicatorTemplatesService } from './indicator-templates.service';
import { ContractNotEvaluableError, MilestoneNotDeliveredError, MilestoneNotFoundForEvaluationError, NotAssignedError, RoundCompletedError } from './service-evaluation.errors';

export type SatisfactionSource = 'survey' | 'evaluators' | 'none';

export interface RoundRecord {
  contractId: string;
  position: number;
  round: number;
  templateId: string;
  indicators: TemplateIndicator[];
  status: 'open' | 'completed';
  openedAt: Date;
  completedAt: Date | null;
  evaluatorCount: number | null;
  scoreExact: string | null;
  scoreCenti: number | null;
  grade: string | null;
  satisfactionSource: SatisfactionSource | null;
  surveyResponses: number | null;
  surveyRatingSum: number | null;
}

interface RoundRow {
  contract_id: string;
  milestone_position: number;
  round: number;
  template_id: string;
  indicators: TemplateIndicator[];
  status: 'open' | 'completed';
  opened_at: Date;
  completed_at: Date | null;
  evaluator_count: number | null;
  score_exact: string | null;
  score_centi: number | null;
  grade: string | null;
  satisfaction_source: SatisfactionSource | null;
  survey_responses: number | null;
  survey_rating_sum: number | null;
}

export function toRound(r: RoundRow): RoundRecord {
  return {
    contractId: r.contract_id,
    position: r.milestone_position,
    round: r.round,
    templateId: r.template_id,
    indicators: r.indicators,
    status: r.status,
    openedAt: r.opened_at,
    completedAt: r.completed_at,
    evaluatorCount: r.evaluator_count,
    scoreExact: r.score_exact,
    scoreCenti: r.score_centi,
    grade: r.grade,
    satisfactionSource: r.satisfaction_source,
    surveyResponses: r.survey_responses,
    surveyRatingSum: r.survey_rating_sum,
  };
}

export interface ScoreOutcome {
  submitted: boolean;
  completed: { scoreCenti: number; grade: string; milestoneStatus: string; terminated: boolean } | null;
}

interface MilestoneRow {
  position: number;
  name: string;
  status: string;
}

/**
 * Evaluation rounds of a milestone, shared by the use cases of service evaluation (scoring, site
 * visits, recusal, rectification): who is assigned, the milestone row lock, the open round
 * (template snapshot) and its completion with the milestone result (written to milestone_results,
 * which payments reads), rectification or termination after a second fail.
 *
 * Every use case takes the contract row lock first, so concurrent submissions, assignments and
 * recusals of one contract run one after another: exactly one of them sees the last sheet and
 * writes the result (and the primary key of milestone_results would refuse a second anyway).
 * The methods here run inside the caller's transaction and expect that lock held.
 */
@Injectable()
export class EvaluationRoundsService {
  constructor(
    private readonly templates: IndicatorTemplatesService,
    private readonly termination: ContractTerminationService,
    private readonly contracts: ContractsService,
    private readonly contractStates: ContractStatesService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  async assertAssigned(m: EntityManager, contractId: string, actor: Actor): Promise<void> {
    const [row] = (await m.query(`SELECT status FROM service_evaluators WHERE contract_id = $1 AND evaluator_id = $2`, [contractId, actor.userId])) as Array<{ status: string }>;
    if (!row || row.status !== 'active') throw new NotAssignedError();
  }

  async lockMilestone(m: EntityManager, contractId: string, position: number): Promise<MilestoneRow> {
    const p = Number(position);
    if (!Number.isSafeInteger(p) || p < 1) throw new MilestoneNotFoundForEvaluationError();
    const row = await this.contracts.lockMilestone(m, contractId, p);
    if (!row) throw new MilestoneNotFoundForEvaluationError();
    return { position: row.position, name: row.name, status: row.status };
  }

  /** The open round of a delivered milestone, opened (template snapshot, delivered → under_evaluation) on first use. */
  async openRound(m: EntityManager, actor: Actor, contract: Contract, position: number): Promise<RoundRecord> {
    const milestone = await this.lockMilestone(m, contract.id, position);
    const [rect] = (await m.query(`SELECT 1 FROM milestone_rectifications WHERE contract_id = $1 AND milestone_position = $2`, [contract.id, milestone.position])) as unknown[];
    const decision = evaluableRound({ contractStatus: contract.status, milestoneStatus: milestone.status, hasRectification: !!rect });
    if ('blocker' in decision) {
      if (decision.blocker === 'contract_not_active') throw new ContractNotEvaluableError(contract.status);
      throw new MilestoneNotDeliveredError(milestone.status);
    }
    const [existing] = (await m.query(`SELECT * FROM milestone_evaluation_rounds WHERE contract_id = $1 AND milestone_position = $2 AND round = $3 FOR UPDATE`, [
      contract.id,
      milestone.position,
      decision.round,
    ])) as RoundRow[];
    if (existing) {
      if (existing.status === 'completed') throw new RoundCompletedError();
      return toRound(existing);
    }
    const template = await this.templates.templateForContract(m, contract);
    const now = await this.clock.now(m);
    const [row] = (await m.query(
      `INSERT INTO milestone_evaluation_rounds (contract_id, milestone_position, round, template_id, indicators, status, opened_at) VALUES ($1, $2, $3, $4, $5::jsonb, 'open', $6) RETURNING *`,
      [contract.id, milestone.position, decision.round, template.id, JSON.stringify(template.indicators), now],
    )) as RoundRow[];
    await this.contractStates.startMilestoneEvaluation(m, contract.id, milestone.position);
    await this.audit.record(m, actor, {
      action: 'service_evaluation.started',
      entityType: 'contract',
      entityId: contract.id,
      before: { milestoneStatus: milestone.status },
      after: { milestoneStatus: 'under_evaluation' },
      details: { position: milestone.position, round: decision.round, templateId: template.id, templateVersion: template.version },
    });
    return toRound(row);
  }

  /** The residents' survey of a milestone (the surveys module's view), or null while it does not exist. */
  async surveyFigures(m: EntityManager, contractId: string, position: number): Promise<SurveyFigures | null> {
    const [{ present }] = (await m.query(`SELECT to_regclass('milestone_satisfaction') IS NOT NULL AS present`)) as Array<{ present: boolean }>;
    if (!present) return null;
    const [row] = (await m.query(`SELECT responses, rating_sum, min_responses FROM milestone_satisfaction WHERE contract_id = $1 AND milestone_position = $2`, [contractId, position])) as Array<{
      responses: number | string;
      rating_sum: number | string;
      min_responses: number | string;
    }>;
    return row ? { responses: Number(row.responses), ratingSum: Number(row.rating_sum), minResponses: Number(row.min_responses) } : null;
  }

  async currentSatisfactionSource(m: EntityManager, round: Pick<RoundRecord, 'contractId' | 'position' | 'indicators'>): Promise<SatisfactionSource> {
    if (!round.indicators.some((i) => i.code === SATISFACTION_CODE)) return 'none';
    return surveyQualifies(await this.surveyFigures(m, round.contractId, round.position)) ? 'survey' : 'evaluators';
  }

  /** The first submission fixes who scores satisfaction for the round, so every sheet of it is scored the same way. */
  async fixSatisfactionSource(m: EntityManager, round: RoundRecord, source: SatisfactionSource): Promise<void> {
    const survey = source === 'survey' ? await this.surveyFigures(m, round.contractId, round.position) : null;
    await m.query(`UPDATE milestone_evaluation_rounds SET satisfaction_source = $4, survey_responses = $5, survey_rating_sum = $6 WHERE contract_id = $1 AND milestone_position = $2 AND round = $3`, [
      round.contractId,
      round.position,
      round.round,
      source,
      survey?.responses ?? null,
      survey?.ratingSum ?? null,
    ]);
  }

  /**
   * When every active evaluator (at least two) has submitted: the result, in this transaction.
   * milestone_results row, the milestone's new status, rectification or termination, audit, notices.
   */
  async completeIfAllSubmitted(m: EntityManager, actor: Actor, contract: Contract, position: number): Promise<ScoreOutcome['completed']> {
    const [row] = (await m.query(`SELECT * FROM milestone_evaluation_rounds WHERE contract_id = $1 AND milestone_position = $2 AND status = 'open' FOR UPDATE`, [contract.id, position])) as RoundRow[];
    if (!row) return null;
    const round = toRound(row);
    const active = (await m.query(`SELECT evaluator_id FROM service_evaluators WHERE contract_id = $1 AND status = 'active'`, [contract.id])) as Array<{ evaluator_id: string }>;
    if (active.length < MIN_EVALUATORS) return null;
    const sheets = (await m.query(
      `SELECT s.evaluator_id, coalesce(sum(l.points_centi) FILTER (WHERE l.indicator_code <> $4 OR $5::boolean = false), 0)::int AS total
         FROM milestone_scoresheets s LEFT JOIN milestone_scores l USING (contract_id, milestone_position, round, evaluator_id)
        WHERE s.contract_id = $1 AND s.milestone_position = $2 AND s.round = $3 AND s.status = 'submitted'
        GROUP BY s.evaluator_id`,
      [contract.id, round.position, round.round, SATISFACTION_CODE, round.satisfactionSource === 'survey'],
    )) as Array<{ evaluator_id: string; total: number }>;
    const byEvaluator = new Map(sheets.map((s) => [s.evaluator_id, s.total]));
    if (active.some((a) => !byEvaluator.has(a.evaluator_id))) return null;
    const totals = active.map((a) => byEvaluator.get(a.evaluator_id) as number);

    let surveyPart = null;
    let survey: { responses: number; ratingSum: number } | null = null;
    if (round.satisfactionSource === 'survey') {
      const now = await this.surveyFigures(m, contract.id, round.position);
      survey = surveyQualifies(now) ? now : { responses: round.surveyResponses ?? 0, ratingSum: round.surveyRatingSum ?? 0 };
      const weight = round.indicators.find((i) => i.code === SATISFACTION_CODE)?.weight ?? 0;
      surveyPart = survey.responses > 0 ? surveyPoints({ ...survey, minResponses: 1 }, weight) : null;
    }
    const score = milestoneScore(totals, surveyPart);
    const now = await this.clock.now(m);
    await m.query(
      `UPDATE milestone_evaluation_rounds SET status = 'completed', completed_at = $4, evaluator_count = $5, score_exact = $6, score_centi = $7, grade = $8,
              survey_responses = coalesce($9, survey_responses), survey_rating_sum = coalesce($10, survey_rating_sum)
        WHERE contract_id = $1 AND milestone_position = $2 AND round = $3`,
      [contract.id, round.position, round.round, now, totals.length, toFraction(score.exact), score.scoreCenti, score.grade, survey?.responses ?? null, survey?.ratingSum ?? null],
    );
    await m.query(`INSERT INTO milestone_results (contract_id, position, round, score_centi, grade, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)`, [
      contract.id,
      round.position,
      round.round,
      score.scoreCenti,
      score.grade,
      now,
    ]);
    const outcome = outcomeOf(round.round, score.grade);
    if (!(await this.contractStates.recordMilestoneResult(m, contract.id, round.position, outcome.milestoneStatus))) throw new MilestoneNotDeliveredError('not under evaluation');
    const scoreText = formatCenti(score.scoreCenti);
    if (outcome.opensRectification) {
      const deadline = rectificationDeadline(now);
      await m.query(`INSERT INTO milestone_rectifications (contract_id, milestone_position, opened_at, deadline, reason, status) VALUES ($1, $2, $3, $4, $5, 'open')`, [
        contract.id,
        round.position,
        now,
        deadline,
        `第 1 轮评估得分 ${scoreText}，不合格（低于 60 分），须整改后重新交付。`,
      ]);
    }
    if (outcome.closesRectification) {
      await m.query(`UPDATE milestone_rectifications SET status = $3, closed_at = $4 WHERE contract_id = $1 AND milestone_position = $2 AND status = 'open'`, [
        contract.id,
        round.position,
        outcome.closesRectification,
        now,
      ]);
    }
    await this.audit.record(m, actor, {
      action: 'service_evaluation.completed',
      entityType: 'contract',
      entityId: contract.id,
      before: { milestoneStatus: 'under_evaluation' },
      after: { milestoneStatus: outcome.milestoneStatus },
      details: {
        position: round.position,
        round: round.round,
        scoreExact: toFraction(score.exact),
        score: toDecimal(score.exact),
        scoreCenti: score.scoreCenti,
        grade: score.grade,
        evaluatorTotalsCenti: totals,
        satisfactionSource: round.satisfactionSource,
        survey,
        rule: 'mean of the evaluators’ totals, exact; rounded half up to hundredths',
      },
    });
    const notice = outcome.opensRectification ? 'rectification' : outcome.milestoneStatus === 'passed' ? 'passed' : 'failed';
    await this.notifications.notify(m, {
      recipients: { organisationIds: [contract.organisationId] },
      kind: `service_evaluation.${notice}`,
      titleKey: `serviceEvaluation.notifications.${notice}`,
      params: { reference: contract.reference, position: round.position, score: scoreText, round: round.round },
      link: '/organisation/service-evaluations',
    });
    await this.notifications.notify(m, {
      recipients: { roles: ['bureau_officer'] },
      kind: `service_evaluation.${notice}`,
      titleKey: `serviceEvaluation.notifications.${notice}`,
      params: { reference: contract.reference, position: round.position, score: scoreText, round: round.round },
      link: `/staff/service-evaluations/${contract.id}`,
    });
    let terminated = false;
    if (outcome.terminatesContract) {
      await this.termination.terminate(m, actor, contract, round.position, `第 ${round.position} 期整改后复评得分 ${scoreText}，仍不合格`);
      terminated = true;
    }
    return { scoreCenti: score.scoreCenti, grade: score.grade, milestoneStatus: outcome.milestoneStatus, terminated };
  }
}
