import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { ContractsService } from '../contracts/contracts.service';
import { SATISFACTION_CODE, checkScoresheet } from './domain/scoring';
import { EvaluationRoundsService, ScoreOutcome } from './evaluation-rounds.service';
import { AlreadySubmittedError, ServiceEvaluationInputError } from './service-evaluation.errors';

export interface ScoreInput {
  points?: Record<string, unknown>;
  comments?: Record<string, unknown>;
}

/** Evaluators' score sheets: drafts and submissions; the last submission completes the round. */
@Injectable()
export class MilestoneScoringService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly contracts: ContractsService,
    private readonly rounds: EvaluationRoundsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * Saves the sheet as a draft, or submits it. `asCompleteDraft` saves a draft but checks it as a
   * submission would (every indicator scored): the step before the confirmation of a submission,
   * so that a missing score is reported before the confirmation page, not after it.
   */
  async saveScores(actor: Actor, contractId: string, position: number, input: ScoreInput, submit: boolean, asCompleteDraft = false): Promise<ScoreOutcome> {
    return this.dataSource.transaction(async (m) => {
      const contract = await this.contracts.lockContract(m, contractId);
      await this.rounds.assertAssigned(m, contract.id, actor);
      const round = await this.rounds.openRound(m, actor, contract, position);
      const [sheet] = (await m.query(`SELECT status FROM milestone_scoresheets WHERE contract_id = $1 AND milestone_position = $2 AND round = $3 AND evaluator_id = $4`, [
        contract.id,
        round.position,
        round.round,
        actor.userId,
      ])) as Array<{ status: string }>;
      if (sheet?.status === 'submitted') throw new AlreadySubmittedError();
      const source = round.satisfactionSource ?? (await this.rounds.currentSatisfactionSource(m, round));
      const check = checkScoresheet(round.indicators, input, { skip: source === 'survey' ? SATISFACTION_CODE : null, submit: submit || asCompleteDraft });
      if (Object.keys(check.problems).length) throw new ServiceEvaluationInputError(check.problems);
      const now = await this.clock.now(m);
      const key = [contract.id, round.position, round.round, actor.userId];
      if (!sheet)
        await m.query(`INSERT INTO milestone_scoresheets (contract_id, milestone_position, round, evaluator_id, status, started_at, updated_at) VALUES ($1, $2, $3, $4, 'draft', $5, $5)`, [
          ...key,
          now,
        ]);
      else await m.query(`UPDATE milestone_scoresheets SET updated_at = $5 WHERE contract_id = $1 AND milestone_position = $2 AND round = $3 AND evaluator_id = $4`, [...key, now]);
      await m.query(`DELETE FROM milestone_scores WHERE contract_id = $1 AND milestone_position = $2 AND round = $3 AND evaluator_id = $4`, key);
      for (const line of check.lines) {
        await m.query(`INSERT INTO milestone_scores (contract_id, milestone_position, round, evaluator_id, indicator_code, weight, points_centi, comment) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
          ...key,
          line.code,
          line.weight,
          line.pointsCenti,
          line.comment,
        ]);
      }
      const totalCenti = check.lines.reduce((s, l) => s + l.pointsCenti, 0);
      if (!submit) {
        await this.audit.record(m, actor, {
          action: 'service_evaluation.scores_saved',
          entityType: 'contract',
          entityId: contract.id,
          details: { position: round.position, round: round.round, totalCenti },
        });
        return { submitted: false, completed: null };
      }
      await m.query(`UPDATE milestone_scoresheets SET status = 'submitted', submitted_at = $5 WHERE contract_id = $1 AND milestone_position = $2 AND round = $3 AND evaluator_id = $4`, [...key, now]);
      if (!round.satisfactionSource) await this.rounds.fixSatisfactionSource(m, round, source);
      await this.audit.record(m, actor, {
        action: 'service_evaluation.scores_submitted',
        entityType: 'contract',
        entityId: contract.id,
        after: { sheet: 'submitted' },
        details: { position: round.position, round: round.round, totalCenti, satisfactionSource: source, lines: check.lines.map((l) => ({ code: l.code, pointsCenti: l.pointsCenti })) },
      });
      const completed = await this.rounds.completeIfAllSubmitted(m, actor, contract, round.position);
      return { submitted: true, completed };
    });
  }
}
