import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { NotificationsService } from '../notifications/notifications.service';
import { ProjectsService } from '../procurement/projects.service';
import { assertStage, sitting } from './committee.service';
import { EvaluationStatus, signOffBlockers } from './domain/lifecycle';
import { computeResults } from './domain/outcome';
import { toDecimal, toFraction } from './domain/rational';
import { requireDeclaredSeat } from './evaluation-access';
import { QualificationService } from './qualification.service';
import { AlreadySignedError, EvaluationInputError, NotReadyToSignError } from './evaluation.errors';
import {
  EvaluationRecord,
  ResultRecord,
  findLiveEvaluation,
  loadEvaluation,
  loadFlags,
  loadInquiries,
  loadMembers,
  loadOpenedBids,
  loadQualifications,
  loadResults,
  loadSheets,
} from './evaluation.records';

/** What other modules (awards and contracts) see of an evaluation. */
export interface EvaluationSummary {
  id: string;
  projectId: string;
  round: number;
  status: EvaluationStatus;
  committeeSize: number;
  signedOffAt: Date | null;
}

/** One bid's signed-off result: exact scores as `n/d` strings (see domain/rational.ts), rank 1 is best. */
export type EvaluationResult = ResultRecord;

function summaryOf(e: EvaluationRecord): EvaluationSummary {
  return { id: e.id, projectId: e.projectId, round: e.round, status: e.status, committeeSize: e.committeeSize, signedOffAt: e.signedOffAt };
}

/**
 * Sign-off and the results. When the last sitting member signs, the ranking is computed from
 * the recorded sheets (exact arithmetic), stored in `evaluation_results`, the evaluation becomes
 * `signed_off` and the approvers are told an award decision is due.
 *
 * For the awards module: getEvaluation / findLiveEvaluation (status), getResults (signed-off
 * ranking), committeeMemberIds (who sat: an approver who sat may not award), and
 * supersedeEvaluation (an upheld challenge orders a new round).
 */
@Injectable()
export class ResultsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly projects: ProjectsService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
    private readonly qualification: QualificationService,
  ) {}

  async getEvaluation(evaluationId: string, manager: EntityManager = this.dataSource.manager): Promise<EvaluationSummary> {
    return summaryOf(await loadEvaluation(manager, evaluationId));
  }

  /** The project's evaluation that is not superseded or failed (at most one), or null. */
  async findLiveEvaluation(projectId: string, manager: EntityManager = this.dataSource.manager): Promise<EvaluationSummary | null> {
    const live = await findLiveEvaluation(manager, projectId);
    return live ? summaryOf(live) : null;
  }

  /** The stored results of a signed-off evaluation, best rank first (empty before sign-off). */
  async getResults(evaluationId: string, manager: EntityManager = this.dataSource.manager): Promise<EvaluationResult[]> {
    const evaluation = await loadEvaluation(manager, evaluationId);
    return evaluation.status === 'signed_off' || evaluation.status === 'superseded' ? loadResults(manager, evaluation.id) : [];
  }

  /** User ids of the members who sat (drawn or declared); with `includeRecused`, everyone ever drawn or seated. */
  async committeeMemberIds(evaluationId: string, options: { includeRecused?: boolean; manager?: EntityManager } = {}): Promise<string[]> {
    const manager = options.manager ?? this.dataSource.manager;
    const evaluation = await loadEvaluation(manager, evaluationId);
    const members = await loadMembers(manager, evaluation.id);
    return (options.includeRecused ? members : sitting(members)).map((m) => m.userId);
  }

  /** The member signs the report; the last signature completes the evaluation. */
  async signOff(actor: Actor, evaluationId: string): Promise<{ completed: boolean; failed?: boolean }> {
    return this.dataSource.transaction(async (m) => {
      const evaluation = await loadEvaluation(m, evaluationId, 'update');
      const members = await loadMembers(m, evaluation.id);
      const me = requireDeclaredSeat(members, actor);
      if (me.signedOffAt) throw new AlreadySignedError();
      assertStage('sign_off', evaluation);
      const now = await this.clock.now(m);
      // 财政部令第87号 第六十条: an inquiry unanswered in the time the committee set makes the bid invalid; the sign-off goes on.
      const lapse = await this.qualification.lapseOverdueInquiries(m, actor, evaluation, now);
      if (lapse.failed) return { completed: false, failed: true };
      const blockers = await this.blockers(m, evaluation);
      if (blockers.length) throw new NotReadyToSignError(blockers);
      await m.query(`UPDATE committee_members SET signed_off_at = $3 WHERE evaluation_id = $1 AND user_id = $2`, [evaluation.id, me.userId, now]);
      await this.audit.record(m, actor, {
        action: 'evaluation.member_signed_off',
        entityType: 'evaluation',
        entityId: evaluation.id,
        before: { signedOff: false },
        after: { signedOff: true },
        details: { userId: me.userId, role: me.role },
      });
      const seated = sitting(members);
      if (seated.some((x) => x.userId !== me.userId && !x.signedOffAt)) return { completed: false };
      await this.complete(
        m,
        actor,
        evaluation,
        seated.map((x) => x.userId),
        now,
      );
      return { completed: true };
    });
  }

  /**
   * For the awards module, in its transaction: an upheld challenge ordering a re-run supersedes
   * the evaluation (its records stay as they are); a new committee may then be requested.
   */
  async supersedeEvaluation(manager: EntityManager, actor: Actor, evaluationId: string, reason: string, options: { excludedMemberIds?: readonly string[] } = {}): Promise<void> {
    const cleaned = (reason ?? '').trim();
    if (cleaned.length < 2) throw new EvaluationInputError({ reason: ['evaluation.validation.reasonRequired'] });
    const evaluation = await loadEvaluation(manager, evaluationId, 'update');
    assertStage('supersede', evaluation);
    const excluded = [...new Set(options.excludedMemberIds ?? [])];
    const members = new Set((await loadMembers(manager, evaluation.id)).map((x) => x.userId));
    if (excluded.some((id) => !members.has(id))) throw new EvaluationInputError({ faultedMemberIds: ['evaluation.validation.notAMember'] });
    const now = await this.clock.now(manager);
    await manager.query(`UPDATE evaluations SET status = 'superseded', ended_at = $2, ended_reason = $3 WHERE id = $1`, [evaluation.id, now, cleaned]);
    // 财政部令第87号 第六十七条: members found at fault may not sit on the reconstituted committee.
    for (const userId of excluded) {
      await manager.query(
        `INSERT INTO committee_exclusions (project_id, user_id, evaluation_id, reason, excluded_at, excluded_by) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (project_id, user_id) DO NOTHING`,
        [evaluation.projectId, userId, evaluation.id, cleaned, now, actor.userId],
      );
    }
    await this.audit.record(manager, actor, {
      action: 'evaluation.superseded',
      entityType: 'evaluation',
      entityId: evaluation.id,
      before: { status: evaluation.status },
      after: { status: 'superseded' },
      details: { reason: cleaned, excludedMemberIds: excluded },
    });
  }

  /** Users found at fault in an earlier round of the project, who may not sit again (财政部令第87号 第六十七条). */
  async excludedFromProject(manager: EntityManager, projectId: string): Promise<string[]> {
    const rows = (await manager.query(`SELECT user_id FROM committee_exclusions WHERE project_id = $1`, [projectId])) as Array<{ user_id: string }>;
    return rows.map((r) => r.user_id);
  }

  /** What blocks sign-off now (i18n keys); flags and inquiries on bids that are no longer valid do not count. */
  async blockers(m: EntityManager, evaluation: EvaluationRecord): Promise<string[]> {
    const valid = new Set((await loadQualifications(m, evaluation.id)).filter((q) => q.isValid).map((q) => q.bidId));
    const flags = (await loadFlags(m, evaluation.id)).filter((f) => valid.has(f.bidId) && f.resolution === null);
    const inquiries = (await loadInquiries(m, evaluation.id)).filter((i) => valid.has(i.bidId) && i.accepted === null);
    return signOffBlockers({ status: evaluation.status, unresolvedFlags: flags.length, undecidedInquiries: inquiries.length });
  }

  private async complete(m: EntityManager, actor: Actor, evaluation: EvaluationRecord, scorerIds: string[], now: Date): Promise<void> {
    const project = await this.projects.getProjectForBidding(m, evaluation.projectId, { lock: 'share' });
    const bids = await loadOpenedBids(m, evaluation.projectId);
    const valid = new Set((await loadQualifications(m, evaluation.id)).filter((q) => q.isValid).map((q) => q.bidId));
    const validBids = bids.filter((b) => valid.has(b.bidId) && b.priceMinor !== null);
    const results = computeResults({
      scoring: evaluation.scoring,
      priceWeight: evaluation.priceWeight,
      criteria: project.criteria,
      validBids: validBids.map((b) => ({ bidId: b.bidId, priceMinor: b.priceMinor! })),
      scorerIds,
      sheets: await loadSheets(m, evaluation.id),
    });
    for (const r of results) {
      const bid = validBids.find((b) => b.bidId === r.bidId)!;
      await m.query(
        `INSERT INTO evaluation_results (evaluation_id, bid_id, organisation_id, price_minor, price_score, technical_score, total_score, rank, tie_note)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [evaluation.id, r.bidId, bid.organisationId, r.priceMinor, toFraction(r.priceScore), toFraction(r.technicalScore), toFraction(r.totalScore), r.rank, r.tieNote],
      );
    }
    await m.query(`UPDATE evaluations SET status = 'signed_off', signed_off_at = $2 WHERE id = $1`, [evaluation.id, now]);
    await this.audit.record(m, actor, {
      action: 'evaluation.signed_off',
      entityType: 'evaluation',
      entityId: evaluation.id,
      before: { status: 'review' },
      after: { status: 'signed_off' },
      details: {
        projectId: evaluation.projectId,
        results: results.map((r) => ({ bidId: r.bidId, rank: r.rank, total: toFraction(r.totalScore), tieNote: r.tieNote })),
      },
    });
    const top = results.filter((r) => r.rank === 1).map((r) => bids.find((b) => b.bidId === r.bidId)!.organisationName);
    await this.notifications.notify(m, {
      recipients: { roles: ['bureau_approver'], userIds: [evaluation.requestedBy] },
      kind: 'evaluation.award_due',
      titleKey: 'evaluation.notifications.awardDue',
      params: { reference: project.reference, title: project.title, top: top.join('、'), total: results[0] ? toDecimal(results[0].totalScore) : '' },
      link: `/staff/evaluations/${evaluation.id}/report`,
    });
  }
}
