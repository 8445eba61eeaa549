import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { NotificationsService } from '../notifications/notifications.service';
import { ProjectsService } from '../procurement/projects.service';
import { assertStage, sitting } from './committee.service';
import { anonymise } from './domain/anonymise';
import { computeFlags, usesTechnicalScoring } from './domain/outcome';
import { checkSheet } from './domain/score-input';
import { requireDeclaredSeat } from './evaluation-access';
import {
  AlreadySubmittedError,
  BidNotInEvaluationError,
  BidNotScorableError,
  ChairOnlyError,
  EvaluationInputError,
  FlagNotFoundError,
  SheetsIncompleteError,
  WrongEvaluationStageError,
} from './evaluation.errors';
import { EvaluationRecord, loadEvaluation, loadFlags, loadMembers, loadOpenedBids, loadQualifications, loadSheets, loadSubmissions } from './evaluation.records';

const NOTE_MAX = 1000;

export interface SheetInput {
  points?: Record<string, unknown>;
  comments?: Record<string, unknown>;
}

/**
 * Independent scoring (综合评分法): each declared member scores every technical criterion of
 * every valid bid, seen as "Bidder A, B…"; submitting the last sheet closes scoring exactly once
 * (the evaluation row lock serialises submissions) and computes the abnormal-score flags, which
 * the flagged member resolves by revising or the chair by confirming with a note.
 */
@Injectable()
export class ScoringService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly projects: ProjectsService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  /**
   * Saves the member's points for one bid (every criterion, comments where required). While
   * scoring is open until they submit; in review only to revise a flagged sheet.
   */
  async saveSheet(actor: Actor, evaluationId: string, letter: string, input: SheetInput): Promise<{ revised: boolean; stillFlagged: boolean }> {
    return this.dataSource.transaction(async (m) => {
      const evaluation = await loadEvaluation(m, evaluationId, 'update');
      const me = requireDeclaredSeat(await loadMembers(m, evaluation.id), actor);
      if (!usesTechnicalScoring(evaluation.scoring)) throw new WrongEvaluationStageError('score', evaluation.status);
      const bidId = await this.bidIdOf(m, evaluation, letter);
      const revising = evaluation.status === 'review';
      if (revising) {
        const flag = (await loadFlags(m, evaluation.id)).find((f) => f.userId === me.userId && f.bidId === bidId && f.resolution === null);
        if (!flag) throw new BidNotScorableError();
      } else {
        assertStage('score', evaluation);
        if ((await loadSubmissions(m, evaluation.id)).some((s) => s.userId === me.userId)) throw new AlreadySubmittedError();
      }
      const project = await this.projects.getProjectForBidding(m, evaluation.projectId, { lock: 'share' });
      const { lines, problems } = checkSheet(project.criteria, input);
      if (!lines) throw new EvaluationInputError(problems);
      const before = (await loadSheets(m, evaluation.id, me.userId)).filter((s) => s.bidId === bidId).map((s) => s.pointsCenti);
      const now = await this.clock.now(m);
      for (const line of lines) {
        await m.query(
          `INSERT INTO score_sheets (evaluation_id, user_id, bid_id, criterion, points_centi, comment, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (evaluation_id, user_id, bid_id, criterion) DO UPDATE SET points_centi = EXCLUDED.points_centi, comment = EXCLUDED.comment, updated_at = EXCLUDED.updated_at`,
          [evaluation.id, me.userId, bidId, line.criterion, line.pointsCenti, line.comment, now],
        );
      }
      await this.audit.record(m, actor, {
        action: revising ? 'evaluation.scores_revised' : 'evaluation.scores_saved',
        entityType: 'evaluation',
        entityId: evaluation.id,
        before: before.length ? { pointsCenti: before } : null,
        after: { pointsCenti: lines.map((l) => l.pointsCenti) },
        details: { userId: me.userId, bidId, letter },
      });
      if (!revising) return { revised: false, stillFlagged: false };
      await m.query(`UPDATE score_submissions SET revision = revision + 1 WHERE evaluation_id = $1 AND user_id = $2`, [evaluation.id, me.userId]);
      const stillFlagged = await this.refreshFlags(m, evaluation, bidId, me.userId, now);
      return { revised: true, stillFlagged };
    });
  }

  /**
   * The submission's preconditions (a declared seat, not yet submitted, scoring open, every valid
   * bid scored on every criterion), checked before the confirmation step is shown so nobody
   * confirms and is only then told it was never allowed. `submitSheets` checks them again locked.
   */
  async checkSubmission(actor: Actor, evaluationId: string): Promise<void> {
    await this.dataSource.transaction('REPEATABLE READ', (m) => this.assertMaySubmit(m, actor, evaluationId, null));
  }

  /** Submits the member's sheets; the last submission moves the evaluation to review, once. */
  async submitSheets(actor: Actor, evaluationId: string): Promise<{ closed: boolean }> {
    return this.dataSource.transaction(async (m) => {
      const { evaluation, members, me, project, valid } = await this.assertMaySubmit(m, actor, evaluationId, 'update');
      const now = await this.clock.now(m);
      await m.query(`INSERT INTO score_submissions (evaluation_id, user_id, submitted_at) VALUES ($1, $2, $3)`, [evaluation.id, me.userId, now]);
      await this.audit.record(m, actor, {
        action: 'evaluation.scores_submitted',
        entityType: 'evaluation',
        entityId: evaluation.id,
        details: { userId: me.userId, bids: valid.length },
      });
      const submitted = new Set((await loadSubmissions(m, evaluation.id)).map((s) => s.userId));
      const scorers = sitting(members);
      if (scorers.some((x) => !submitted.has(x.userId))) return { closed: false };
      await this.closeScoring(
        m,
        actor,
        evaluation,
        scorers.map((x) => x.userId),
        valid,
        project,
        now,
      );
      return { closed: true };
    });
  }

  private async assertMaySubmit(m: EntityManager, actor: Actor, evaluationId: string, lock: 'update' | null) {
    const evaluation = await loadEvaluation(m, evaluationId, lock);
    const members = await loadMembers(m, evaluation.id);
    const me = requireDeclaredSeat(members, actor);
    if ((await loadSubmissions(m, evaluation.id)).some((s) => s.userId === me.userId)) throw new AlreadySubmittedError();
    assertStage('submit_scores', evaluation);
    const project = await this.projects.getProjectForBidding(m, evaluation.projectId, { lock: 'share' });
    const letters = anonymise((await loadOpenedBids(m, evaluation.projectId)).map((b) => b.bidId));
    const valid = (await loadQualifications(m, evaluation.id)).filter((q) => q.isValid).map((q) => q.bidId);
    const mine = await loadSheets(m, evaluation.id, me.userId);
    const missing = valid.filter((bidId) => project.criteria.some((c) => !mine.some((s) => s.bidId === bidId && s.criterion === c.position)));
    if (missing.length) throw new SheetsIncompleteError(missing.map((id) => letters.get(id) ?? '?').sort());
    return { evaluation, members, me, project, valid };
  }

  /** The chair confirms a flagged score as it stands, with a note. */
  async confirmFlag(actor: Actor, evaluationId: string, letter: string, userId: string, note: string): Promise<void> {
    const cleaned = (note ?? '').trim();
    if (cleaned.length < 2) throw new EvaluationInputError({ note: ['evaluation.validation.confirmNoteRequired'] });
    if (cleaned.length > NOTE_MAX) throw new EvaluationInputError({ note: ['evaluation.validation.reasonTooLong'] });
    await this.dataSource.transaction(async (m) => {
      const evaluation = await loadEvaluation(m, evaluationId, 'update');
      const me = requireDeclaredSeat(await loadMembers(m, evaluation.id), actor);
      if (!me.isChair) throw new ChairOnlyError();
      assertStage('resolve_flag', evaluation);
      const bidId = await this.bidIdOf(m, evaluation, letter);
      const flag = (await loadFlags(m, evaluation.id)).find((f) => f.userId === userId && f.bidId === bidId && f.resolution === null);
      if (!flag) throw new FlagNotFoundError();
      const now = await this.clock.now(m);
      await m.query(`UPDATE score_flags SET resolution = 'confirmed', resolved_at = $4, resolved_by = $5, note = $6 WHERE evaluation_id = $1 AND user_id = $2 AND bid_id = $3`, [
        evaluation.id,
        userId,
        bidId,
        now,
        me.userId,
        cleaned,
      ]);
      await this.audit.record(m, actor, {
        action: 'evaluation.flag_confirmed',
        entityType: 'evaluation',
        entityId: evaluation.id,
        before: { resolution: null },
        after: { resolution: 'confirmed' },
        details: { userId, bidId, letter, deviationCenti: flag.deviationCenti, note: cleaned },
      });
    });
  }

  // ── Internals ─────────────────────────────────────────────────────────────────────────────

  private async bidIdOf(m: EntityManager, evaluation: EvaluationRecord, letter: string): Promise<string> {
    const letters = anonymise((await loadOpenedBids(m, evaluation.projectId)).map((b) => b.bidId));
    const bidId = [...letters.entries()].find(([, l]) => l === letter)?.[0];
    if (!bidId) throw new BidNotInEvaluationError();
    const decision = (await loadQualifications(m, evaluation.id)).find((q) => q.bidId === bidId);
    if (!decision?.isValid) throw new BidNotScorableError();
    return bidId;
  }

  private async closeScoring(
    m: EntityManager,
    actor: Actor,
    evaluation: EvaluationRecord,
    scorerIds: string[],
    validBidIds: string[],
    project: { reference: string; title: string; criteria: Array<{ position: number; weight: number }> },
    now: Date,
  ): Promise<void> {
    const bids = await loadOpenedBids(m, evaluation.projectId);
    const flags = computeFlags({
      scoring: evaluation.scoring,
      priceWeight: evaluation.priceWeight,
      criteria: project.criteria,
      validBids: bids.filter((b) => validBidIds.includes(b.bidId)).map((b) => ({ bidId: b.bidId, priceMinor: b.priceMinor! })),
      scorerIds,
      sheets: await loadSheets(m, evaluation.id),
    });
    for (const f of flags) {
      await m.query(`INSERT INTO score_flags (evaluation_id, user_id, bid_id, deviation_centi) VALUES ($1, $2, $3, $4)`, [evaluation.id, f.userId, f.bidId, f.deviationCenti]);
    }
    await m.query(`UPDATE evaluations SET status = 'review', scoring_closed_at = $2 WHERE id = $1`, [evaluation.id, now]);
    await this.audit.record(m, actor, {
      action: 'evaluation.scoring_closed',
      entityType: 'evaluation',
      entityId: evaluation.id,
      before: { status: 'scoring' },
      after: { status: 'review' },
      details: { scorers: scorerIds.length, flags: flags.map((f) => ({ userId: f.userId, bidId: f.bidId, deviationCenti: f.deviationCenti })) },
    });
    await this.notifications.notify(m, {
      recipients: { userIds: [evaluation.requestedBy, ...scorerIds] },
      kind: 'evaluation.review_open',
      titleKey: flags.length ? 'evaluation.notifications.reviewOpenFlags' : 'evaluation.notifications.reviewOpen',
      params: { reference: project.reference, title: project.title, flags: flags.length },
      link: `/evaluations/${evaluation.id}`,
    });
  }

  /**
   * After a revision: recomputes the deviations on that bid. The reviser's flag is resolved as
   * revised when their total is now within 20 points, else stays open with the new deviation;
   * other members' open flags take the new deviation, and newly abnormal totals get a flag.
   */
  private async refreshFlags(m: EntityManager, evaluation: EvaluationRecord, bidId: string, reviserId: string, now: Date): Promise<boolean> {
    const members = sitting(await loadMembers(m, evaluation.id));
    const project = await this.projects.getProjectForBidding(m, evaluation.projectId, { lock: 'share' });
    const bid = (await loadOpenedBids(m, evaluation.projectId)).find((b) => b.bidId === bidId)!;
    const computed = computeFlags({
      scoring: evaluation.scoring,
      priceWeight: evaluation.priceWeight,
      criteria: project.criteria,
      validBids: [{ bidId, priceMinor: bid.priceMinor! }],
      scorerIds: members.map((x) => x.userId),
      sheets: await loadSheets(m, evaluation.id),
    });
    const existing = (await loadFlags(m, evaluation.id)).filter((f) => f.bidId === bidId);
    let stillFlagged = false;
    for (const flag of existing) {
      const now_ = computed.find((c) => c.userId === flag.userId);
      if (flag.userId === reviserId) {
        if (now_) {
          stillFlagged = true;
          await m.query(`UPDATE score_flags SET deviation_centi = $4 WHERE evaluation_id = $1 AND user_id = $2 AND bid_id = $3`, [evaluation.id, flag.userId, bidId, now_.deviationCenti]);
        } else {
          await m.query(`UPDATE score_flags SET resolution = 'revised', resolved_at = $4, resolved_by = $2 WHERE evaluation_id = $1 AND user_id = $2 AND bid_id = $3 AND resolution IS NULL`, [
            evaluation.id,
            flag.userId,
            bidId,
            now,
          ]);
        }
      } else if (flag.resolution === null && now_) {
        await m.query(`UPDATE score_flags SET deviation_centi = $4 WHERE evaluation_id = $1 AND user_id = $2 AND bid_id = $3`, [evaluation.id, flag.userId, bidId, now_.deviationCenti]);
      }
    }
    for (const c of computed.filter((c) => !existing.some((f) => f.userId === c.userId))) {
      await m.query(`INSERT INTO score_flags (evaluation_id, user_id, bid_id, deviation_centi) VALUES ($1, $2, $3, $4)`, [evaluation.id, c.userId, bidId, c.deviationCenti]);
    }
    return stillFlagged;
  }
}
