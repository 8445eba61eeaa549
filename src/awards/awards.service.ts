import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { parseMinor } from '../common/money/money';
import { NotificationsService } from '../notifications/notifications.service';
import { localDateOf } from '../procurement/domain/local-time';
import { ProcurementRulesService } from '../procurement/procurement-rules.service';
import { ProjectsService } from '../procurement/projects.service';
import { Award, Challenge } from './award.entity';
import { EvaluationResultRow, NoticeCommitteeMember, buildAwardNotice } from './award-notice';
import { AWARDS_CONFIG, AwardsConfig } from './awards.config';
import {
  ApproverRequiredError,
  ApproverTookPartError,
  AwardAlreadyActiveError,
  AwardNotActiveError,
  AwardNotFoundError,
  DeviationReasonRequiredError,
  EvaluationNotSignedOffError,
  NoValidBidsError,
  NotAValidBidderError,
  ProjectNotAwaitingAwardError,
} from './awards.errors';
import { DEVIATION_REASON_MAX, DEVIATION_REASON_MIN, Participation, checkApproverEligibility, checkAwardChoice } from './domain/award-rules';
import { resultChallengePeriod } from './domain/challenge-periods';
import { PeriodExplanation, hasEnded } from './domain/working-day-period';
import { periodEndText } from './period.presenter';
import { assertNotSuspended } from '../common/suspension/procurement-suspension';
import { pgError } from '../common/errors/pg-error';
import { isUuid } from '../common/validation/uuid';

export interface AwardInput {
  bidId: string;
  reason?: string | null;
}

/** The live (not superseded, not failed) evaluation round of a project. */
export interface LiveEvaluation {
  id: string;
  round: number;
  status: string;
  signedOffAt: Date | null;
}

/** What the contracts module needs of an award, read under the award's row lock. */
export interface AwardForContract {
  award: Award;
  openChallenges: number;
  /** The award's challenge period is over (database clock). */
  periodEnded: boolean;
  now: Date;
}

/** An active award whose challenge period is over with no challenge open. */
export interface AwardReadyForContract {
  awardId: string;
  projectId: string;
  projectReference: string;
  projectTitle: string;
  organisationName: string;
  priceMinor: number;
  challengePeriodEndsAt: Date;
  /** "2026-12-03 24:00". */
  challengePeriodEndText: string;
}

interface ResultRecord {
  bid_id: string;
  organisation_id: string;
  price_minor: string;
  price_score: string;
  technical_score: string;
  total_score: string;
  rank: number;
  tie_note: string | null;
  name_zh: string;
  credit_code: string;
  is_valid: boolean;
}

/**
 * The award decision (定标) and what other modules need of awards. One use case per method, in
 * one transaction with its audit events and notifications. Exported to the contracts module:
 * lockAwardForContract, listReadyForContract.
 */
@Injectable()
export class AwardsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
    private readonly projects: ProjectsService,
    private readonly rules: ProcurementRulesService,
    @Inject(AWARDS_CONFIG) private readonly config: AwardsConfig,
  ) {}

  /**
   * What awarding would do, checked by the same rules without writing anything: the winner and
   * the amount, for the confirmation step of the award page. Refuses exactly as awardProject would.
   */
  async previewAward(actor: Actor, projectId: string, input: AwardInput): Promise<{ organisationName: string; priceMinor: number; isTopRanked: boolean; reference: string; title: string }> {
    return this.dataSource.transaction('REPEATABLE READ', async (m) => {
      const { project, choice, chosen } = await this.checkAward(m, actor, projectId, input, 'share');
      return { organisationName: chosen.organisationName, priceMinor: chosen.priceMinor, isTopRanked: choice.isTopRanked, reference: project.reference, title: project.title };
    });
  }

  private async checkAward(m: EntityManager, actor: Actor, projectId: string, input: AwardInput, lock: 'update' | 'share') {
    const project = await this.projects.lockProject(m, projectId, lock);
    await assertNotSuspended(m, project.id);
    const eligibility = checkApproverEligibility(actor, await this.participationOf(m, project.id, actor.userId));
    if (!eligibility.ok) throw eligibility.reason === 'not_approver' ? new ApproverRequiredError() : new ApproverTookPartError(eligibility.capacities);
    if (project.status === 'awarded') throw new AwardAlreadyActiveError();
    if (project.status !== 'evaluation') throw new ProjectNotAwaitingAwardError(project.status);
    const evaluation = await this.liveEvaluation(m, project.id, lock === 'update');
    if (!evaluation || evaluation.status !== 'signed_off') throw new EvaluationNotSignedOffError();

    const results = await this.resultsOf(m, evaluation.id);
    const choice = checkAwardChoice(results, String(input.bidId ?? ''), input.reason);
    if (!choice.ok) {
      if (choice.problem === 'no_valid_bids') throw new NoValidBidsError();
      if (choice.problem === 'not_a_valid_bidder') throw new NotAValidBidderError();
      throw new DeviationReasonRequiredError(DEVIATION_REASON_MIN, DEVIATION_REASON_MAX, choice.problem === 'reason_too_long');
    }
    const chosen = results.find((r) => r.bidId === choice.bid.bidId)!;
    return { project, evaluation, results, choice, chosen };
  }

  /**
   * Awards a project whose evaluation is signed off, as a bureau approver who took no part in
   * it, to the top-ranked valid bidder or (with a published reason) another valid one. The
   * project row lock serialises approvers; the one-active-award index is the backstop: either
   * way the second gets AwardAlreadyActiveError (409), never a 500.
   */
  async awardProject(actor: Actor, projectId: string, input: AwardInput): Promise<Award> {
    try {
      return await this.dataSource.transaction(async (m) => {
        const { project, evaluation, results, choice, chosen } = await this.checkAward(m, actor, projectId, input, 'update');
        const now = await this.clock.now(m);
        const calendar = await this.rules.loadCalendar(m, localDateOf(now));
        const period = resultChallengePeriod(now, calendar, { noticeWorkingDays: this.config.awardNoticeWorkingDays, challengeWorkingDays: this.config.challengePeriodWorkingDays });
        const notice = buildAwardNotice({
          project: {
            id: project.id,
            reference: project.reference,
            title: project.title,
            purchaserName: project.purchaserName,
            method: project.method,
            budgetCeilingMinor: project.budgetCeilingMinor,
            currency: project.currency,
          },
          evaluation: { id: evaluation.id, round: evaluation.round, signedOffAt: evaluation.signedOffAt?.toISOString() ?? null },
          results,
          committee: await this.committeeOf(m, evaluation.id),
          chosen,
          isTopRanked: choice.isTopRanked,
          deviationReason: choice.reason,
          awardedAt: now,
          challengePeriodEndsAt: period.endsAt,
          challengePeriodWorkingDays: this.config.challengePeriodWorkingDays,
          noticeWorkingDays: this.config.awardNoticeWorkingDays,
        });

        const [{ id: awardId }] = (await m.query(
          `INSERT INTO awards (project_id, evaluation_id, bid_id, organisation_id, price_minor, is_top_ranked, deviation_reason, status,
             awarded_by, awarded_at, challenge_period_ends_at, challenge_period_explanation, notice)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $8, $9, $10, $11::jsonb, $12::jsonb) RETURNING id`,
          [
            project.id,
            evaluation.id,
            chosen.bidId,
            chosen.organisationId,
            chosen.priceMinor,
            choice.isTopRanked,
            choice.reason,
            actor.userId,
            now,
            period.endsAt,
            JSON.stringify(period.explanation),
            JSON.stringify(notice),
          ],
        )) as Array<{ id: string }>;
        await this.projects.recordAward(m, project.id);

        // The winner and every other bidder each hear their own result; staff hear that the award was made.
        const bidders = await this.bidderOrganisations(m, project.id);
        const params = { reference: project.reference, title: project.title, winner: chosen.organisationName };
        await this.notifications.notify(m, {
          recipients: { organisationIds: [chosen.organisationId] },
          kind: 'award.won',
          titleKey: 'awards.notifications.won',
          params,
          link: `/organisation/awards/${awardId}`,
        });
        await this.notifications.notify(m, {
          recipients: { organisationIds: bidders.filter((id) => id !== chosen.organisationId) },
          kind: 'award.not_won',
          titleKey: 'awards.notifications.notWon',
          params,
          link: `/organisation/awards/${awardId}`,
        });
        await this.audit.record(m, actor, {
          action: 'award.made',
          entityType: 'award',
          entityId: awardId,
          after: {
            status: 'active',
            projectId: project.id,
            bidId: chosen.bidId,
            organisationId: chosen.organisationId,
            priceMinor: chosen.priceMinor,
            isTopRanked: choice.isTopRanked,
            deviationReason: choice.reason,
            challengePeriodEndsAt: period.endsAt.toISOString(),
          },
          details: {
            evaluationId: evaluation.id,
            round: evaluation.round,
            rank: chosen.rank,
            challengePeriodWorkingDays: this.config.challengePeriodWorkingDays,
            awardNoticeWorkingDays: this.config.awardNoticeWorkingDays,
            noticeSha256: createHash('sha256').update(JSON.stringify(notice)).digest('hex'),
          },
        });
        await this.audit.record(m, actor, {
          action: 'project.awarded',
          entityType: 'project',
          entityId: project.id,
          before: { status: 'evaluation' },
          after: { status: 'awarded' },
          details: { awardId },
        });
        return m.findOneByOrFail(Award, { id: awardId });
      });
    } catch (error) {
      // The backstop: should two awards ever reach the insert, the index refuses the second.
      const { code, constraint } = pgError(error);
      if (code === '23505' && constraint === 'awards_one_active_per_project') throw new AwardAlreadyActiveError();
      throw error;
    }
  }

  // ── For the contracts module ────────────────────────────────────────────────────────────────

  /**
   * The award locked FOR UPDATE in the caller's transaction (a challenge being filed holds it
   * FOR SHARE, so the two cannot cross), with the open challenges and whether the challenge
   * period is over on the database clock.
   */
  async lockAwardForContract(manager: EntityManager, awardId: string): Promise<AwardForContract> {
    const award = isUuid(awardId) ? await manager.findOne(Award, { where: { id: awardId }, lock: { mode: 'pessimistic_write' } }) : null;
    if (!award) throw new AwardNotFoundError();
    if (award.status !== 'active') throw new AwardNotActiveError(award.status);
    const [{ n }] = (await manager.query(`SELECT count(*)::int AS n FROM challenges WHERE award_id = $1 AND status = 'open'`, [award.id])) as Array<{ n: number }>;
    const now = await this.clock.now(manager);
    return { award, openChallenges: n, periodEnded: hasEnded(now, award.challengePeriodEndsAt), now };
  }

  /** Active awards past their challenge period with no challenge open, oldest first (for the contracts dashboard). */
  async listReadyForContract(): Promise<AwardReadyForContract[]> {
    const rows = (await this.dataSource.query(
      `SELECT a.id, a.project_id, a.notice->'winner'->>'organisationName' AS organisation_name, a.price_minor, a.challenge_period_ends_at, a.challenge_period_explanation
         FROM awards a
        WHERE a.status = 'active' AND a.challenge_period_ends_at <= app_now()
          AND NOT EXISTS (SELECT 1 FROM challenges c WHERE c.award_id = a.id AND c.status = 'open')
        ORDER BY a.challenge_period_ends_at`,
    )) as Array<{ id: string; project_id: string; organisation_name: string; price_minor: string; challenge_period_ends_at: Date; challenge_period_explanation: PeriodExplanation }>;
    const labels = await this.projects.labelsOf(rows.map((r) => r.project_id));
    return rows.map((r) => ({
      awardId: r.id,
      projectId: r.project_id,
      projectReference: labels.get(r.project_id)!.reference,
      projectTitle: labels.get(r.project_id)!.title,
      organisationName: r.organisation_name,
      priceMinor: parseMinor(r.price_minor)!,
      challengePeriodEndsAt: r.challenge_period_ends_at,
      challengePeriodEndText: periodEndText(r.challenge_period_explanation),
    }));
  }

  /** An award by id (any status), for pages of other modules. */
  async getAward(awardId: string, manager: EntityManager = this.dataSource.manager): Promise<Award> {
    const award = isUuid(awardId) ? await manager.findOneBy(Award, { id: awardId }) : null;
    if (!award) throw new AwardNotFoundError();
    return award;
  }

  /** Could this user take award decisions on the project (approver, no part in any round)? */
  async canAward(actor: Pick<Actor, 'userId' | 'roles'>, projectId: string): Promise<ReturnType<typeof checkApproverEligibility>> {
    return checkApproverEligibility(actor, await this.participationOf(this.dataSource.manager, projectId, actor.userId));
  }

  // ── Reads shared with the pages ─────────────────────────────────────────────────────────────

  /** Every part the user took in any evaluation round of the project. */
  async participationOf(m: EntityManager, projectId: string, userId: string | null): Promise<Participation[]> {
    if (!userId) return [];
    const rows = (await m.query(
      `SELECT cm.user_id, cm.role AS capacity, e.round FROM committee_members cm JOIN evaluations e ON e.id = cm.evaluation_id
        WHERE e.project_id = $1 AND cm.user_id = $2
       UNION SELECT q.decided_by, 'qualification_reviewer', e.round FROM qualification_reviews q JOIN evaluations e ON e.id = q.evaluation_id
        WHERE e.project_id = $1 AND q.decided_by = $2
       UNION SELECT l.decided_by, 'low_price_reviewer', e.round FROM low_price_inquiries l JOIN evaluations e ON e.id = l.evaluation_id
        WHERE e.project_id = $1 AND l.decided_by = $2
       UNION SELECT s.user_id, 'scorer', e.round FROM score_sheets s JOIN evaluations e ON e.id = s.evaluation_id
        WHERE e.project_id = $1 AND s.user_id = $2
       UNION SELECT s.user_id, 'scorer', e.round FROM score_submissions s JOIN evaluations e ON e.id = s.evaluation_id
        WHERE e.project_id = $1 AND s.user_id = $2`,
      [projectId, userId],
    )) as Array<{ user_id: string; capacity: Participation['capacity']; round: number }>;
    return rows.map((r) => ({ userId: r.user_id, capacity: r.capacity, round: r.round }));
  }

  async liveEvaluation(m: EntityManager, projectId: string, lock = false): Promise<LiveEvaluation | null> {
    const rows = (await m.query(
      `SELECT id, round, status, signed_off_at FROM evaluations WHERE project_id = $1 AND status NOT IN ('superseded', 'failed')
        ORDER BY round DESC LIMIT 1${lock ? ' FOR SHARE' : ''}`,
      [projectId],
    )) as Array<{ id: string; round: number; status: string; signed_off_at: Date | null }>;
    const r = rows[0];
    return r ? { id: r.id, round: r.round, status: r.status, signedOffAt: r.signed_off_at } : null;
  }

  /** The evaluation's results, best rank first, with the qualification review's verdict. */
  async resultsOf(m: EntityManager, evaluationId: string): Promise<EvaluationResultRow[]> {
    const rows = (await m.query(
      `SELECT r.bid_id, r.organisation_id, r.price_minor, r.price_score, r.technical_score, r.total_score, r.rank, r.tie_note,
              o.name_zh, o.credit_code, coalesce(q.is_valid, true) AS is_valid
         FROM evaluation_results r
         JOIN organisation_labels o ON o.id = r.organisation_id
         LEFT JOIN qualification_reviews q ON q.evaluation_id = r.evaluation_id AND q.bid_id = r.bid_id
        WHERE r.evaluation_id = $1
        ORDER BY r.rank, r.bid_id`,
      [evaluationId],
    )) as ResultRecord[];
    return rows.map((r) => ({
      bidId: r.bid_id,
      organisationId: r.organisation_id,
      organisationName: r.name_zh,
      creditCode: r.credit_code,
      priceMinor: parseMinor(r.price_minor)!,
      priceScore: r.price_score,
      technicalScore: r.technical_score,
      totalScore: r.total_score,
      rank: r.rank,
      tieNote: r.tie_note,
      isValid: r.is_valid,
    }));
  }

  /** The committee who served (recused members did not), chair first. */
  async committeeOf(m: EntityManager, evaluationId: string): Promise<NoticeCommitteeMember[]> {
    const rows = (await m.query(
      `SELECT u.display_name, cm.role, cm.is_chair FROM committee_members cm JOIN user_names u ON u.id = cm.user_id
        WHERE cm.evaluation_id = $1 AND cm.status <> 'recused'
        ORDER BY cm.is_chair DESC, cm.role = 'bureau_representative', u.display_name`,
      [evaluationId],
    )) as Array<{ display_name: string; role: NoticeCommitteeMember['role']; is_chair: boolean }>;
    return rows.map((r) => ({ name: r.display_name, role: r.role, isChair: r.is_chair }));
  }

  async bidderOrganisations(m: EntityManager, projectId: string): Promise<string[]> {
    const rows = (await m.query(`SELECT DISTINCT organisation_id FROM bids WHERE project_id = $1`, [projectId])) as Array<{ organisation_id: string }>;
    return rows.map((r) => r.organisation_id);
  }

  /** The challenges of an award, oldest first. */
  async challengesOf(awardId: string, manager: EntityManager = this.dataSource.manager): Promise<Challenge[]> {
    return manager.find(Challenge, { where: { awardId }, order: { filedAt: 'ASC', id: 'ASC' } });
  }

  /** Notices of a project, newest first (earlier ones were cancelled or superseded). */
  async awardsOfProject(projectId: string): Promise<Award[]> {
    return this.dataSource.getRepository(Award).find({ where: { projectId }, order: { awardedAt: 'DESC', id: 'DESC' } });
  }
}
