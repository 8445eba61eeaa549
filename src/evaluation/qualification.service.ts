import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { formatMinor } from '../common/money/money';
import { formatDateTime } from '../common/views/view-helpers';
import { translate } from '../i18n/i18n';
import { NotificationsService } from '../notifications/notifications.service';
import { ProjectsService } from '../procurement/projects.service';
import { assertStage } from './committee.service';
import { usesTechnicalScoring } from './domain/outcome';
import { decisionProblems } from './domain/qualification';
import { toFraction } from './domain/rational';
import { EXPLANATION_HOURS_MAX, EXPLANATION_HOURS_MIN, LOW_PRICE_CITATION, canStillExplain, explanationDueAt, hasLapsed, parseExplanationHours } from './domain/low-price';
import { abnormallyLowPrices } from './domain/scoring';
import { requireOfficerOrMember } from './evaluation-access';
import { BidNotInEvaluationError, EvaluationInputError, ExplanationTooLateError, InquiryAlreadyDecidedError, InquiryNotFoundError, QualificationIncompleteError } from './evaluation.errors';
import { EvaluationRecord, ThresholdNote, loadEvaluation, loadInquiries, loadMembers, loadOpenedBids, loadQualifications } from './evaluation.records';
import { isUuid } from '../common/validation/uuid';

export interface QualificationInput {
  decision: 'valid' | 'invalid';
  reasonCode?: string | null;
  reason?: string | null;
}

const EXPLANATION_MIN = 10;
const EXPLANATION_MAX = 5000;
const NOTE_MAX = 1000;

/**
 * Qualification review (资格审查) and abnormally low prices: a decision per opened bid, the
 * close of the review (invalid bidders told why; 流标 when too few valid bids remain; low-price
 * inquiries opened), the bidder's written explanation and the committee's decision on it.
 */
@Injectable()
export class QualificationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly projects: ProjectsService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  /** Marks one opened bid valid or invalid (with a reason); may be changed until the review closes. */
  async decide(actor: Actor, evaluationId: string, bidId: string, input: QualificationInput): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const evaluation = await loadEvaluation(m, evaluationId, 'update');
      requireOfficerOrMember(await loadMembers(m, evaluation.id), actor);
      assertStage('decide_qualification', evaluation);
      const bid = (await loadOpenedBids(m, evaluation.projectId)).find((b) => b.bidId === bidId);
      if (!bid) throw new BidNotInEvaluationError();
      const project = await this.projects.getProjectForBidding(m, evaluation.projectId, { lock: 'share' });
      const isValid = input.decision === 'valid';
      if (input.decision !== 'valid' && input.decision !== 'invalid') throw new EvaluationInputError({ decision: ['evaluation.validation.decisionRequired'] });
      const problems = decisionProblems(bid, project.budgetCeilingMinor, { isValid, reasonCode: input.reasonCode, reason: input.reason });
      if (Object.keys(problems).length) throw new EvaluationInputError(problems);
      const reasonCode = isValid ? null : input.reasonCode!;
      const reason = (input.reason ?? '').trim() || null;
      const previous = (await loadQualifications(m, evaluation.id)).find((q) => q.bidId === bid.bidId);
      const now = await this.clock.now(m);
      await m.query(
        `INSERT INTO qualification_reviews (evaluation_id, bid_id, is_valid, reason_code, reason, decided_by, decided_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (evaluation_id, bid_id) DO UPDATE
           SET is_valid = EXCLUDED.is_valid, reason_code = EXCLUDED.reason_code, reason = EXCLUDED.reason, decided_by = EXCLUDED.decided_by, decided_at = EXCLUDED.decided_at`,
        [evaluation.id, bid.bidId, isValid, reasonCode, reason, actor.userId, now],
      );
      await this.audit.record(m, actor, {
        action: isValid ? 'evaluation.bid_qualified' : 'evaluation.bid_disqualified',
        entityType: 'evaluation',
        entityId: evaluation.id,
        before: previous ? { isValid: previous.isValid, reasonCode: previous.reasonCode, reason: previous.reason } : null,
        after: { isValid, reasonCode, reason },
        details: { bidId: bid.bidId, organisationId: bid.organisationId },
      });
    });
  }

  /**
   * Closes the review: every bid decided, every member declared. Invalid bidders are told why;
   * with fewer valid bids than the method needs the project fails (流标); otherwise prices below
   * the method rule's percentage of the mean valid price get an inquiry, answerable within the
   * `explanationHours` the committee sets (财政部令第87号 第六十条), and scoring (or, for
   * price-only methods, the review) begins.
   */
  async close(actor: Actor, evaluationId: string, input: { explanationHours?: string } = {}): Promise<{ failed: boolean }> {
    return this.dataSource.transaction(async (m) => {
      const evaluation = await loadEvaluation(m, evaluationId, 'update');
      const members = await loadMembers(m, evaluation.id);
      requireOfficerOrMember(members, actor, { chairOnly: true });
      const undeclared = members.filter((x) => x.status === 'drawn').length;
      if (evaluation.status === 'committee') throw new QualificationIncompleteError(0, undeclared);
      assertStage('close_qualification', evaluation);
      const bids = await loadOpenedBids(m, evaluation.projectId);
      const decisions = await loadQualifications(m, evaluation.id);
      const undecided = bids.filter((b) => !decisions.some((d) => d.bidId === b.bidId)).length;
      if (undecided > 0) throw new QualificationIncompleteError(undecided, undeclared);
      const project = await this.projects.getProjectForBidding(m, evaluation.projectId, { lock: 'update' });
      const now = await this.clock.now(m);
      const valid = bids.filter((b) => decisions.find((d) => d.bidId === b.bidId)?.isValid && b.priceMinor !== null);
      const invalid = decisions.filter((d) => !d.isValid);
      await m.query(`UPDATE evaluations SET qualification_closed_at = $2 WHERE id = $1`, [evaluation.id, now]);
      for (const decision of invalid) {
        const bid = bids.find((b) => b.bidId === decision.bidId)!;
        await this.notifications.notify(m, {
          recipients: { organisationIds: [bid.organisationId] },
          kind: 'evaluation.bid_invalid',
          titleKey: 'evaluation.notifications.bidInvalid',
          params: { reference: project.reference, title: project.title, reasonCode: decision.reasonCode, reason: decision.reason ?? '' },
          link: `/bids/${bid.bidId}/evaluation`,
        });
      }
      const minimum = this.projects.minValidBids(project);
      if (valid.length < minimum) {
        await this.fail(m, actor, evaluation, translate('zh-CN', 'evaluation.failedReason', { count: valid.length, minimum }), now, {
          validBids: valid.length,
          minimum,
        });
        return { failed: true };
      }
      const low = abnormallyLowPrices(
        valid.map((b) => ({ bidId: b.bidId, priceMinor: b.priceMinor! })),
        project.rule.abnormallyLowPercent,
      );
      const hours = parseExplanationHours(input.explanationHours);
      if (low.length && hours === null) {
        throw new EvaluationInputError({ explanationHours: [{ key: 'evaluation.validation.explanationHours', params: { min: EXPLANATION_HOURS_MIN, max: EXPLANATION_HOURS_MAX } }] });
      }
      const dueAt = hours === null ? null : explanationDueAt(now, hours);
      for (const flag of low) {
        const note: ThresholdNote = {
          priceMinor: flag.priceMinor,
          meanMinor: toFraction(flag.meanMinor),
          thresholdMinor: toFraction(flag.thresholdMinor),
          thresholdPercent: flag.thresholdPercent,
          validBids: flag.validBids,
        };
        await m.query(`INSERT INTO low_price_inquiries (evaluation_id, bid_id, threshold_note, requested_at, explanation_due_at) VALUES ($1, $2, $3, $4, $5)`, [
          evaluation.id,
          flag.bidId,
          JSON.stringify(note),
          now,
          dueAt,
        ]);
        // Inbox and email: the bidder answers on its bid page before the time the committee set.
        await this.notifications.notify(m, {
          recipients: { organisationIds: [bids.find((b) => b.bidId === flag.bidId)!.organisationId] },
          kind: 'evaluation.low_price_inquiry',
          titleKey: 'evaluation.notifications.lowPriceInquiry',
          params: { reference: project.reference, title: project.title, price: formatMinor(flag.priceMinor), due: formatDateTime(dueAt) },
          link: `/bids/${flag.bidId}/evaluation`,
        });
      }
      const next = usesTechnicalScoring(evaluation.scoring) ? 'scoring' : 'review';
      await m.query(`UPDATE evaluations SET status = $2, scoring_closed_at = CASE WHEN $2 = 'review' THEN $3::timestamptz END WHERE id = $1`, [evaluation.id, next, now]);
      await this.audit.record(m, actor, {
        action: 'evaluation.qualification_closed',
        entityType: 'evaluation',
        entityId: evaluation.id,
        before: { status: 'qualification' },
        after: { status: next },
        details: {
          valid: valid.map((b) => b.bidId),
          invalid: invalid.map((d) => ({ bidId: d.bidId, reasonCode: d.reasonCode })),
          abnormallyLow: low.map((f) => f.bidId),
          abnormallyLowPercent: project.rule.abnormallyLowPercent,
          explanationDueAt: dueAt?.toISOString() ?? null,
          minimum,
        },
      });
      await this.notifications.notify(m, {
        recipients: { userIds: members.filter((x) => x.status === 'declared').map((x) => x.userId) },
        kind: next === 'scoring' ? 'evaluation.scoring_open' : 'evaluation.review_open',
        titleKey: next === 'scoring' ? 'evaluation.notifications.scoringOpen' : 'evaluation.notifications.reviewOpen',
        params: { reference: project.reference, title: project.title },
        link: `/evaluations/${evaluation.id}`,
      });
      return { failed: false };
    });
  }

  /** The bidder's written explanation of an abnormally low price (until the committee decides). */
  async explainLowPrice(actor: Actor, bidId: string, explanation: string): Promise<void> {
    const text = (explanation ?? '').replace(/\r\n?/g, '\n').trim();
    if (text.length < EXPLANATION_MIN || text.length > EXPLANATION_MAX) {
      throw new EvaluationInputError({ explanation: [{ key: 'evaluation.validation.explanationLength', params: { min: EXPLANATION_MIN, max: EXPLANATION_MAX } }] });
    }
    await this.dataSource.transaction(async (m) => {
      const evaluationId = await this.liveEvaluationOfOwnBid(m, actor, bidId);
      const evaluation = await loadEvaluation(m, evaluationId, 'update');
      assertStage('explain_low_price', evaluation);
      const inquiry = (await loadInquiries(m, evaluation.id)).find((i) => i.bidId === bidId);
      if (!inquiry) throw new InquiryNotFoundError();
      if (inquiry.decidedAt) throw new InquiryAlreadyDecidedError();
      const now = await this.clock.now(m);
      if (!canStillExplain(inquiry, now)) throw new ExplanationTooLateError(inquiry.explanationDueAt!);
      await m.query(`UPDATE low_price_inquiries SET explanation = $3, explained_at = $4, explained_by = $5 WHERE evaluation_id = $1 AND bid_id = $2`, [evaluation.id, bidId, text, now, actor.userId]);
      await this.audit.record(m, actor, {
        action: 'evaluation.low_price_explained',
        entityType: 'evaluation',
        entityId: evaluation.id,
        before: { explained: inquiry.explanation !== null },
        after: { explained: true },
        details: { bidId, organisationId: actor.organisationId, length: text.length },
      });
      const chair = (await loadMembers(m, evaluation.id)).find((x) => x.isChair && x.status !== 'recused');
      await this.notifications.notify(m, {
        recipients: { userIds: [evaluation.requestedBy, ...(chair ? [chair.userId] : [])] },
        kind: 'evaluation.low_price_explained',
        titleKey: 'evaluation.notifications.lowPriceExplained',
        params: {},
        link: `/staff/evaluations/${evaluation.id}`,
      });
    });
  }

  /** The committee (its chair) or the officer accepts the explanation, or rejects it and the bid becomes invalid. */
  async decideLowPrice(actor: Actor, evaluationId: string, bidId: string, input: { accept: boolean; note?: string | null }): Promise<{ failed: boolean }> {
    const note = (input.note ?? '').trim();
    if (note.length > NOTE_MAX) throw new EvaluationInputError({ note: ['evaluation.validation.reasonTooLong'] });
    if (!input.accept && note.length < 2) throw new EvaluationInputError({ note: ['evaluation.validation.rejectionNoteRequired'] });
    return this.dataSource.transaction(async (m) => {
      const evaluation = await loadEvaluation(m, evaluationId, 'update');
      const members = await loadMembers(m, evaluation.id);
      requireOfficerOrMember(members, actor, { chairOnly: true });
      assertStage('decide_low_price', evaluation);
      const inquiry = (await loadInquiries(m, evaluation.id)).find((i) => i.bidId === bidId);
      if (!inquiry) throw new InquiryNotFoundError();
      if (inquiry.decidedAt) throw new InquiryAlreadyDecidedError();
      if (input.accept && !inquiry.explanation) throw new EvaluationInputError({ note: ['evaluation.validation.noExplanationYet'] });
      const now = await this.clock.now(m);
      await m.query(`UPDATE low_price_inquiries SET accepted = $3, decided_at = $4, decided_by = $5, decision_note = $6 WHERE evaluation_id = $1 AND bid_id = $2`, [
        evaluation.id,
        bidId,
        input.accept,
        now,
        actor.userId,
        note || null,
      ]);
      await this.audit.record(m, actor, {
        action: input.accept ? 'evaluation.low_price_accepted' : 'evaluation.low_price_rejected',
        entityType: 'evaluation',
        entityId: evaluation.id,
        before: { accepted: null },
        after: { accepted: input.accept },
        details: { bidId, note: note || null },
      });
      const bids = await loadOpenedBids(m, evaluation.projectId);
      const bid = bids.find((b) => b.bidId === bidId)!;
      const project = await this.projects.getProjectForBidding(m, evaluation.projectId, { lock: 'update' });
      await this.notifications.notify(m, {
        recipients: { organisationIds: [bid.organisationId] },
        kind: input.accept ? 'evaluation.low_price_accepted' : 'evaluation.bid_invalid',
        titleKey: input.accept ? 'evaluation.notifications.lowPriceAccepted' : 'evaluation.notifications.bidInvalid',
        params: { reference: project.reference, title: project.title, reasonCode: 'abnormally_low_price', reason: note },
        link: `/bids/${bidId}/evaluation`,
      });
      if (input.accept) return { failed: false };
      await m.query(
        `UPDATE qualification_reviews SET is_valid = false, reason_code = 'abnormally_low_price', reason = $3, decided_by = $4, decided_at = $5
          WHERE evaluation_id = $1 AND bid_id = $2`,
        [evaluation.id, bidId, note, actor.userId, now],
      );
      await this.audit.record(m, actor, {
        action: 'evaluation.bid_disqualified',
        entityType: 'evaluation',
        entityId: evaluation.id,
        before: { isValid: true },
        after: { isValid: false, reasonCode: 'abnormally_low_price', reason: note },
        details: { bidId, organisationId: bid.organisationId },
      });
      const validCount = (await loadQualifications(m, evaluation.id)).filter((q) => q.isValid).length;
      const minimum = this.projects.minValidBids(project);
      if (validCount < minimum) {
        await this.fail(m, actor, evaluation, translate('zh-CN', 'evaluation.failedReason', { count: validCount, minimum }), now, { validBids: validCount, minimum });
        return { failed: true };
      }
      return { failed: false };
    });
  }

  /**
   * For the sign-off, in its transaction: every inquiry on a still-valid bid left unanswered
   * past the time the committee set is recorded as lapsed and the bid becomes invalid for an
   * abnormally low price (财政部令第87号 第六十条), so the sign-off proceeds without it. With fewer
   * valid bids than the method needs, the evaluation fails (流标) instead.
   */
  async lapseOverdueInquiries(m: EntityManager, actor: Actor, evaluation: EvaluationRecord, now: Date): Promise<{ lapsed: string[]; failed: boolean }> {
    const valid = new Set((await loadQualifications(m, evaluation.id)).filter((q) => q.isValid).map((q) => q.bidId));
    const overdue = (await loadInquiries(m, evaluation.id)).filter((i) => valid.has(i.bidId) && hasLapsed(i, now));
    if (!overdue.length) return { lapsed: [], failed: false };
    const project = await this.projects.getProjectForBidding(m, evaluation.projectId, { lock: 'update' });
    const bids = await loadOpenedBids(m, evaluation.projectId);
    const note = translate('zh-CN', 'evaluation.inquiry.lapsedNote', { due: formatDateTime(overdue[0].explanationDueAt) });
    for (const inquiry of overdue) {
      const bid = bids.find((b) => b.bidId === inquiry.bidId)!;
      await m.query(`UPDATE low_price_inquiries SET accepted = false, lapsed = true, decided_at = $3, decided_by = $4, decision_note = $5 WHERE evaluation_id = $1 AND bid_id = $2`, [
        evaluation.id,
        inquiry.bidId,
        now,
        actor.userId,
        note,
      ]);
      await m.query(
        `UPDATE qualification_reviews SET is_valid = false, reason_code = 'abnormally_low_price', reason = $3, decided_by = $4, decided_at = $5
          WHERE evaluation_id = $1 AND bid_id = $2`,
        [evaluation.id, inquiry.bidId, note, actor.userId, now],
      );
      await this.audit.record(m, actor, {
        action: 'evaluation.low_price_lapsed',
        entityType: 'evaluation',
        entityId: evaluation.id,
        before: { accepted: null, isValid: true },
        after: { accepted: false, lapsed: true, isValid: false, reasonCode: 'abnormally_low_price' },
        details: { bidId: inquiry.bidId, organisationId: bid.organisationId, explanationDueAt: inquiry.explanationDueAt?.toISOString(), citation: LOW_PRICE_CITATION.zh },
      });
      await this.notifications.notify(m, {
        recipients: { organisationIds: [bid.organisationId] },
        kind: 'evaluation.bid_invalid',
        titleKey: 'evaluation.notifications.bidInvalid',
        params: { reference: project.reference, title: project.title, reasonCode: 'abnormally_low_price', reason: note },
        link: `/bids/${inquiry.bidId}/evaluation`,
      });
    }
    const validCount = valid.size - overdue.length;
    const minimum = this.projects.minValidBids(project);
    if (validCount < minimum) {
      await this.fail(m, actor, evaluation, translate('zh-CN', 'evaluation.failedReason', { count: validCount, minimum }), now, { validBids: validCount, minimum });
      return { lapsed: overdue.map((i) => i.bidId), failed: true };
    }
    return { lapsed: overdue.map((i) => i.bidId), failed: false };
  }

  private async fail(m: EntityManager, actor: Actor, evaluation: EvaluationRecord, reason: string, now: Date, details: Record<string, unknown>): Promise<void> {
    await m.query(`UPDATE evaluations SET status = 'failed', ended_at = $2, ended_reason = $3 WHERE id = $1`, [evaluation.id, now, reason]);
    await this.audit.record(m, actor, {
      action: 'evaluation.failed',
      entityType: 'evaluation',
      entityId: evaluation.id,
      before: { status: evaluation.status },
      after: { status: 'failed' },
      details: { reason, ...details },
    });
    await this.projects.markFailed(m, actor, evaluation.projectId, reason);
  }

  /** The live evaluation of a bid of the actor's own organisation. */
  private async liveEvaluationOfOwnBid(m: EntityManager, actor: Actor, bidId: string): Promise<string> {
    if (!isUuid(bidId) || !actor.organisationId) throw new BidNotInEvaluationError();
    const [row] = (await m.query(
      `SELECT e.id FROM bids b JOIN evaluations e ON e.project_id = b.project_id AND e.status NOT IN ('superseded', 'failed')
        WHERE b.id = $1 AND b.organisation_id = $2`,
      [bidId, actor.organisationId],
    )) as Array<{ id: string }>;
    if (!row) throw new BidNotInEvaluationError();
    return row.id;
  }
}
