import { paymentRulesOfContract } from '../payments/payment-rules.query';
import { computeTranche } from '../payments/domain/payment-rules';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { writeJournalEntry } from '../common/ledger/journal';
import { Contract } from '../contracts/contract.entity';
import { ContractsService } from '../contracts/contracts.service';
import { DocumentMetadata, DocumentsService } from '../documents/documents.service';
import { EvaluatorsService } from '../evaluators/evaluators.service';
import { calendarDate, isCalendarDate } from '../evaluators/domain/conflicts';
import { toFraction, toDecimal } from '../evaluation/domain/rational';
import { NotificationsService } from '../notifications/notifications.service';
import { pgError } from '../procurement/funds.service';
import { MAX_RECTIFICATION_DAYS, evaluableRound, missedRectification, outcomeOf, rectificationDeadline, terminationPlan, terminationPosting } from './domain/lifecycle';
import {
  MIN_EVALUATORS,
  SATISFACTION_CODE,
  SurveyFigures,
  TemplateIndicator,
  checkScoresheet,
  formatCenti,
  milestoneScore,
  surveyPoints,
  surveyQualifies,
  templateProblems,
} from './domain/scoring';
import {
  AlreadySubmittedError,
  CategoryNotFoundError,
  ContractNotEvaluableError,
  EvaluatorNotEligibleError,
  MilestoneNotDeliveredError,
  MilestoneNotFoundForEvaluationError,
  NoOpenRectificationError,
  NotAssignedError,
  RecusalAfterSubmissionError,
  RectificationNotMissedError,
  RoundCompletedError,
  ServiceEvaluationInputError,
} from './service-evaluation.errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PHOTOS_MAX = 6;

export type SatisfactionSource = 'survey' | 'evaluators' | 'none';

export interface TemplateVersion {
  id: string;
  categoryCode: string;
  version: number;
  effectiveFrom: string;
  indicators: TemplateIndicator[];
  note: string | null;
  createdAt: Date;
}

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

export interface ScoreInput {
  points?: Record<string, unknown>;
  comments?: Record<string, unknown>;
}

export interface SiteVisitInput {
  visitedOn?: string;
  place?: string;
  notes?: string;
}

export interface TemplateInput {
  effectiveFrom?: string;
  note?: string;
  indicators?: Array<Record<string, unknown>> | Record<string, Record<string, unknown>>;
}

export interface ScoreOutcome {
  submitted: boolean;
  completed: { scoreCenti: number; grade: string; milestoneStatus: string; terminated: boolean } | null;
}

interface MilestoneRow {
  position: number;
  name: string;
  status: string;
  amount_minor: string;
}

/**
 * Service evaluation (社会化评估) of milestone deliveries: indicator templates, evaluators of a
 * contract, score sheets, site visits, the milestone result (written to milestone_results, which
 * payments reads), rectification (整改) and termination after a second fail.
 *
 * Every use case takes the contract row lock first, so concurrent submissions, assignments and
 * recusals of one contract run one after another: exactly one of them sees the last sheet and
 * writes the result (and the primary key of milestone_results would refuse a second anyway).
 */
@Injectable()
export class ServiceEvaluationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly contracts: ContractsService,
    private readonly evaluators: EvaluatorsService,
    private readonly documents: DocumentsService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  // ── Indicator templates ────────────────────────────────────────────────────────────────────

  async templateVersions(categoryCode: string, manager: EntityManager = this.dataSource.manager): Promise<TemplateVersion[]> {
    const rows = (await manager.query(
      `SELECT id, category_code, version, effective_from::text AS effective_from, indicators, note, created_at FROM indicator_templates WHERE category_code = $1 ORDER BY version DESC`,
      [categoryCode],
    )) as Array<Record<string, any>>;
    return rows.map((r) => ({ id: r.id, categoryCode: r.category_code, version: r.version, effectiveFrom: r.effective_from, indicators: r.indicators, note: r.note, createdAt: r.created_at }));
  }

  /** The version in force on `day` (YYYY-MM-DD, Shanghai). */
  async templateOn(categoryCode: string, day: string, manager: EntityManager = this.dataSource.manager): Promise<TemplateVersion | null> {
    const rows = (await manager.query(
      `SELECT id, category_code, version, effective_from::text AS effective_from, indicators, note, created_at FROM indicator_templates
        WHERE category_code = $1 AND effective_from <= $2::date ORDER BY effective_from DESC LIMIT 1`,
      [categoryCode, day],
    )) as Array<Record<string, any>>;
    const r = rows[0];
    return r ? { id: r.id, categoryCode: r.category_code, version: r.version, effectiveFrom: r.effective_from, indicators: r.indicators, note: r.note, createdAt: r.created_at } : null;
  }

  /** A new version of a category's template, effective today or later (history is never rewritten). */
  async createTemplateVersion(actor: Actor, categoryCode: string, input: TemplateInput): Promise<TemplateVersion> {
    const [category] = (await this.dataSource.query(`SELECT code FROM catalogue_categories WHERE code = $1`, [String(categoryCode ?? '').slice(0, 3)])) as Array<{ code: string }>;
    if (!category || category.code !== categoryCode) throw new CategoryNotFoundError();
    const raw = Array.isArray(input.indicators) ? input.indicators : Object.values(input.indicators ?? {});
    const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
    const indicators: TemplateIndicator[] = raw
      .filter((i) => i && typeof i === 'object' && [i.code, i.nameZh, i.nameEn, i.weight].some((v) => str(v) !== ''))
      .map((i) => ({
        code: str(i.code),
        nameZh: str(i.nameZh),
        nameEn: str(i.nameEn),
        weight: /^\d{1,3}$/.test(str(i.weight)) ? Number(str(i.weight)) : Number.NaN,
        guidanceZh: str(i.guidanceZh),
        guidanceEn: str(i.guidanceEn),
      }));
    const problems: Record<string, Array<{ key: string; params?: Record<string, unknown> }>> = { ...templateProblems(indicators) };
    const effectiveFrom = str(input.effectiveFrom);
    const note = str(input.note);
    if (note.length > 1000) problems.note = [{ key: 'serviceEvaluation.validation.tooLong', params: { max: 1000 } }];
    return this.dataSource.transaction(async (m) => {
      const today = calendarDate(await this.clock.now(m));
      if (!isCalendarDate(effectiveFrom)) problems.effectiveFrom = [{ key: 'serviceEvaluation.validation.date' }];
      else if (effectiveFrom < today) problems.effectiveFrom = [{ key: 'serviceEvaluation.validation.effectiveFromPast', params: { today } }];
      if (Object.keys(problems).length) throw new ServiceEvaluationInputError(problems);
      // One writer per category at a time: the versions are numbered without gaps.
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('indicator_templates:' || $1))`, [categoryCode]);
      const [{ next }] = (await m.query(`SELECT coalesce(max(version), 0) + 1 AS next FROM indicator_templates WHERE category_code = $1`, [categoryCode])) as Array<{ next: number }>;
      let row: Record<string, any>;
      try {
        await m.query('SAVEPOINT indicator_template');
        [row] = (await m.query(
          `INSERT INTO indicator_templates (category_code, version, effective_from, indicators, note, created_by) VALUES ($1, $2, $3, $4::jsonb, $5, $6)
           RETURNING id, version, effective_from::text AS effective_from, created_at`,
          [categoryCode, next, effectiveFrom, JSON.stringify(indicators), note || null, actor.userId],
        )) as Array<Record<string, any>>;
        await m.query('RELEASE SAVEPOINT indicator_template');
      } catch (error) {
        const { code, constraint } = pgError(error);
        if (code === '23505' && constraint === 'indicator_templates_category_code_effective_from_key') {
          await m.query('ROLLBACK TO SAVEPOINT indicator_template');
          throw new ServiceEvaluationInputError({ effectiveFrom: [{ key: 'serviceEvaluation.validation.effectiveFromTaken' }] });
        }
        throw error;
      }
      await this.audit.record(m, actor, {
        action: 'service_evaluation.template_versioned',
        entityType: 'indicator_template',
        entityId: row.id,
        after: { categoryCode, version: row.version, effectiveFrom },
        details: { indicators: indicators.map((i) => ({ code: i.code, weight: i.weight })) },
      });
      return { id: row.id, categoryCode, version: row.version, effectiveFrom: row.effective_from, indicators, note: note || null, createdAt: row.created_at };
    });
  }

  // ── Evaluators of a contract ───────────────────────────────────────────────────────────────

  /** Catalogue categories of the contract's items, the first item's first (it picks the template). */
  async categoriesOf(contract: Pick<Contract, 'items'>, manager: EntityManager = this.dataSource.manager): Promise<string[]> {
    const codes = [...contract.items].sort((a, b) => a.position - b.position).map((i) => i.itemCode);
    if (!codes.length) return [];
    const rows = (await manager.query(`SELECT code, category_code FROM catalogue_items WHERE code = ANY($1::text[])`, [codes])) as Array<{ code: string; category_code: string }>;
    const byCode = new Map(rows.map((r) => [r.code, r.category_code]));
    return [...new Set(codes.map((c) => byCode.get(c)).filter((c): c is string => !!c))];
  }

  /**
   * Assigns an evaluator from the pool, under the committees' rules: active in the pool, expert in
   * one of the contract's categories, never a member of an organisation, and no relationship
   * with the contracted organisation within the three years before today.
   */
  async assignEvaluator(actor: Actor, contractId: string, evaluatorId: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const contract = await this.contracts.lockContract(m, contractId);
      if (contract.status !== 'active') throw new ContractNotEvaluableError(contract.status);
      if (!UUID.test(evaluatorId ?? '')) throw new EvaluatorNotEligibleError('not_in_pool');
      const [existing] = (await m.query(`SELECT status FROM service_evaluators WHERE contract_id = $1 AND evaluator_id = $2`, [contract.id, evaluatorId])) as Array<{ status: string }>;
      if (existing) throw new EvaluatorNotEligibleError(existing.status === 'recused' ? 'recused' : 'already_assigned');
      const [user] = (await m.query(`SELECT organisation_id FROM users WHERE id = $1`, [evaluatorId])) as Array<{ organisation_id: string | null }>;
      if (user?.organisation_id) throw new EvaluatorNotEligibleError('organisation_member');
      const pool = await this.evaluators.listActiveEvaluators();
      if (!pool.some((e) => e.userId === evaluatorId)) throw new EvaluatorNotEligibleError('not_in_pool');
      const categories = await this.categoriesOf(contract, m);
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
      await this.assertAssigned(m, contract.id, actor);
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
      for (const r of open) await this.completeIfAllSubmitted(m, actor, contract, r.milestone_position);
    });
  }

  // ── Scoring ────────────────────────────────────────────────────────────────────────────────

  /** Saves the evaluator's sheet (draft) or submits it; the last submission completes the round. */
  /**
   * Saves the sheet as a draft, or submits it. `asCompleteDraft` saves a draft but checks it as a
   * submission would (every indicator scored): the step before the confirmation of a submission,
   * so that a missing score is reported before the confirmation page, not after it.
   */
  async saveScores(actor: Actor, contractId: string, position: number, input: ScoreInput, submit: boolean, asCompleteDraft = false): Promise<ScoreOutcome> {
    return this.dataSource.transaction(async (m) => {
      const contract = await this.contracts.lockContract(m, contractId);
      await this.assertAssigned(m, contract.id, actor);
      const round = await this.openRound(m, actor, contract, position);
      const [sheet] = (await m.query(`SELECT status FROM milestone_scoresheets WHERE contract_id = $1 AND milestone_position = $2 AND round = $3 AND evaluator_id = $4`, [
        contract.id,
        round.position,
        round.round,
        actor.userId,
      ])) as Array<{ status: string }>;
      if (sheet?.status === 'submitted') throw new AlreadySubmittedError();
      const source = round.satisfactionSource ?? (await this.currentSatisfactionSource(m, round));
      const check = checkScoresheet(round.indicators, input, { skip: source === 'survey' ? SATISFACTION_CODE : null, submit: submit || asCompleteDraft });
      if (Object.keys(check.problems).length) throw new ServiceEvaluationInputError(check.problems);
      const now = await this.clock.now(m);
      const key = [contract.id, round.position, round.round, actor.userId];
      if (!sheet) await m.query(`INSERT INTO milestone_scoresheets (contract_id, milestone_position, round, evaluator_id, status, started_at, updated_at) VALUES ($1, $2, $3, $4, 'draft', $5, $5)`, [...key, now]);
      else await m.query(`UPDATE milestone_scoresheets SET updated_at = $5 WHERE contract_id = $1 AND milestone_position = $2 AND round = $3 AND evaluator_id = $4`, [...key, now]);
      await m.query(`DELETE FROM milestone_scores WHERE contract_id = $1 AND milestone_position = $2 AND round = $3 AND evaluator_id = $4`, key);
      for (const line of check.lines) {
        await m.query(
          `INSERT INTO milestone_scores (contract_id, milestone_position, round, evaluator_id, indicator_code, weight, points_centi, comment) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [...key, line.code, line.weight, line.pointsCenti, line.comment],
        );
      }
      const totalCenti = check.lines.reduce((s, l) => s + l.pointsCenti, 0);
      if (!submit) {
        await this.audit.record(m, actor, { action: 'service_evaluation.scores_saved', entityType: 'contract', entityId: contract.id, details: { position: round.position, round: round.round, totalCenti } });
        return { submitted: false, completed: null };
      }
      await m.query(`UPDATE milestone_scoresheets SET status = 'submitted', submitted_at = $5 WHERE contract_id = $1 AND milestone_position = $2 AND round = $3 AND evaluator_id = $4`, [...key, now]);
      if (!round.satisfactionSource) await this.fixSatisfactionSource(m, round, source);
      await this.audit.record(m, actor, {
        action: 'service_evaluation.scores_submitted',
        entityType: 'contract',
        entityId: contract.id,
        after: { sheet: 'submitted' },
        details: { position: round.position, round: round.round, totalCenti, satisfactionSource: source, lines: check.lines.map((l) => ({ code: l.code, pointsCenti: l.pointsCenti })) },
      });
      const completed = await this.completeIfAllSubmitted(m, actor, contract, round.position);
      return { submitted: true, completed };
    });
  }

  /** A site visit (date, place, notes, photos) recorded by an assigned evaluator; it starts the evaluation like a first score. */
  async recordSiteVisit(actor: Actor, contractId: string, position: number, input: SiteVisitInput, photos: Array<{ originalName: string; buffer: Buffer }>): Promise<{ id: string; photos: DocumentMetadata[] }> {
    const visitedOn = (input.visitedOn ?? '').trim();
    const place = (input.place ?? '').trim();
    const notes = (input.notes ?? '').replace(/\r\n?/g, '\n').trim();
    const problems: Record<string, Array<{ key: string; params?: Record<string, unknown> }>> = {};
    if (place.length < 2 || place.length > 200) problems.place = [{ key: 'serviceEvaluation.validation.place' }];
    if (notes.length < 2 || notes.length > 5000) problems.notes = [{ key: 'serviceEvaluation.validation.notes' }];
    if (photos.length > PHOTOS_MAX) problems.photos = [{ key: 'serviceEvaluation.validation.tooManyPhotos', params: { max: PHOTOS_MAX } }];
    return this.dataSource.transaction(async (m) => {
      const today = calendarDate(await this.clock.now(m));
      if (!isCalendarDate(visitedOn)) problems.visitedOn = [{ key: 'serviceEvaluation.validation.date' }];
      else if (visitedOn > today) problems.visitedOn = [{ key: 'serviceEvaluation.validation.visitInFuture' }];
      if (Object.keys(problems).length) throw new ServiceEvaluationInputError(problems);
      const contract = await this.contracts.lockContract(m, contractId);
      await this.assertAssigned(m, contract.id, actor);
      const round = await this.openRound(m, actor, contract, position);
      const [{ id }] = (await m.query(
        `INSERT INTO site_visits (contract_id, milestone_position, round, evaluator_id, visited_on, place, notes) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [contract.id, round.position, round.round, actor.userId, visitedOn, place, notes],
      )) as Array<{ id: string }>;
      const stored: DocumentMetadata[] = [];
      for (const p of photos) {
        stored.push(await this.documents.store(m, { ownerType: 'site_visit', ownerId: id, kind: 'photo', originalName: p.originalName, buffer: p.buffer, uploadedBy: actor.userId, field: 'photos' }));
      }
      await this.audit.record(m, actor, {
        action: 'service_evaluation.site_visit_recorded',
        entityType: 'contract',
        entityId: contract.id,
        details: { visitId: id, position: round.position, round: round.round, visitedOn, place, photos: stored.map((d) => ({ documentId: d.id, sha256: d.sha256 })) },
      });
      return { id, photos: stored };
    });
  }

  // ── Rectification ──────────────────────────────────────────────────────────────────────────

  /** The officer sets the rectification deadline (end of the given day, Shanghai) while the re-delivery is awaited. */
  async setRectificationDeadline(actor: Actor, contractId: string, position: number, input: { deadline?: string; reason?: string }): Promise<void> {
    const day = (input.deadline ?? '').trim();
    const reason = (input.reason ?? '').trim();
    await this.dataSource.transaction(async (m) => {
      const contract = await this.contracts.lockContract(m, contractId);
      const milestone = await this.lockMilestone(m, contract.id, position);
      const [rect] = (await m.query(`SELECT id, opened_at, deadline, reason FROM milestone_rectifications WHERE contract_id = $1 AND milestone_position = $2 FOR UPDATE`, [contract.id, milestone.position])) as Array<{
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
      await m.query(`UPDATE milestone_rectifications SET deadline = $2, reason = $3, deadline_set_by = $4, deadline_set_at = $5 WHERE id = $1`, [rect.id, deadline, reason || rect.reason, actor.userId, now]);
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
  async terminateForMissedRectification(actor: Actor, contractId: string, position: number, reason: string): Promise<void> {
    const cleaned = (reason ?? '').trim();
    if (cleaned.length < 2) throw new ServiceEvaluationInputError({ reason: ['serviceEvaluation.validation.terminationReasonRequired'] });
    if (cleaned.length > 1000) throw new ServiceEvaluationInputError({ reason: [{ key: 'serviceEvaluation.validation.tooLong', params: { max: 1000 } }] });
    await this.dataSource.transaction(async (m) => {
      const contract = await this.contracts.lockContract(m, contractId);
      const milestone = await this.lockMilestone(m, contract.id, position);
      const [rect] = (await m.query(`SELECT status, deadline FROM milestone_rectifications WHERE contract_id = $1 AND milestone_position = $2 FOR UPDATE`, [contract.id, milestone.position])) as Array<{
        status: string;
        deadline: Date;
      }>;
      const now = await this.clock.now(m);
      if (!missedRectification({ contractStatus: contract.status, milestoneStatus: milestone.status, rectificationStatus: rect?.status ?? null, deadline: rect?.deadline ?? null, now })) {
        throw new RectificationNotMissedError();
      }
      await m.query(`UPDATE contract_milestones SET status = 'failed' WHERE contract_id = $1 AND position = $2 AND status = 'rectification'`, [contract.id, milestone.position]);
      await m.query(`UPDATE milestone_rectifications SET status = 'failed', closed_at = $3 WHERE contract_id = $1 AND milestone_position = $2 AND status = 'open'`, [contract.id, milestone.position, now]);
      await this.audit.record(m, actor, {
        action: 'service_evaluation.rectification_missed',
        entityType: 'contract',
        entityId: contract.id,
        before: { milestoneStatus: 'rectification' },
        after: { milestoneStatus: 'failed' },
        details: { position: milestone.position, deadline: rect.deadline.toISOString(), reason: cleaned },
      });
      await this.terminate(m, actor, contract, milestone.position, `第 ${milestone.position} 期整改期限已过未重新交付：${cleaned}`);
    });
  }

  // ── Internals ──────────────────────────────────────────────────────────────────────────────

  private async assertAssigned(m: EntityManager, contractId: string, actor: Actor): Promise<void> {
    const [row] = (await m.query(`SELECT status FROM service_evaluators WHERE contract_id = $1 AND evaluator_id = $2`, [contractId, actor.userId])) as Array<{ status: string }>;
    if (!row || row.status !== 'active') throw new NotAssignedError();
  }

  private async lockMilestone(m: EntityManager, contractId: string, position: number): Promise<MilestoneRow> {
    const p = Number(position);
    if (!Number.isSafeInteger(p) || p < 1) throw new MilestoneNotFoundForEvaluationError();
    const [row] = (await m.query(`SELECT position, name, status, amount_minor::text AS amount_minor FROM contract_milestones WHERE contract_id = $1 AND position = $2 FOR UPDATE`, [contractId, p])) as MilestoneRow[];
    if (!row) throw new MilestoneNotFoundForEvaluationError();
    return row;
  }

  /** The open round of a delivered milestone, opened (template snapshot, delivered → under_evaluation) on first use. */
  private async openRound(m: EntityManager, actor: Actor, contract: Contract, position: number): Promise<RoundRecord> {
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
    const template = await this.templateForContract(m, contract);
    const now = await this.clock.now(m);
    const [row] = (await m.query(
      `INSERT INTO milestone_evaluation_rounds (contract_id, milestone_position, round, template_id, indicators, status, opened_at) VALUES ($1, $2, $3, $4, $5::jsonb, 'open', $6) RETURNING *`,
      [contract.id, milestone.position, decision.round, template.id, JSON.stringify(template.indicators), now],
    )) as RoundRow[];
    await m.query(`UPDATE contract_milestones SET status = 'under_evaluation' WHERE contract_id = $1 AND position = $2 AND status = 'delivered'`, [contract.id, milestone.position]);
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

  /** The template of the contract's main category (its first item's) in force on the day the contract took effect. */
  async templateForContract(m: EntityManager, contract: Contract): Promise<TemplateVersion> {
    const [category] = await this.categoriesOf(contract, m);
    const day = calendarDate(contract.activatedAt ?? contract.createdAt);
    const template = (category && (await this.templateOn(category, day, m))) || (category && (await this.templateVersions(category, m)).at(-1));
    if (!template) throw new CategoryNotFoundError();
    return template;
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
  private async fixSatisfactionSource(m: EntityManager, round: RoundRecord, source: SatisfactionSource): Promise<void> {
    const survey = source === 'survey' ? await this.surveyFigures(m, round.contractId, round.position) : null;
    await m.query(
      `UPDATE milestone_evaluation_rounds SET satisfaction_source = $4, survey_responses = $5, survey_rating_sum = $6 WHERE contract_id = $1 AND milestone_position = $2 AND round = $3`,
      [round.contractId, round.position, round.round, source, survey?.responses ?? null, survey?.ratingSum ?? null],
    );
  }

  /**
   * When every active evaluator (at least two) has submitted: the result, in this transaction.
   * milestone_results row, the milestone's new status, rectification or termination, audit, notices.
   */
  private async completeIfAllSubmitted(m: EntityManager, actor: Actor, contract: Contract, position: number): Promise<ScoreOutcome['completed']> {
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
    const moved = (await m.query(`UPDATE contract_milestones SET status = $3 WHERE contract_id = $1 AND position = $2 AND status = 'under_evaluation' RETURNING position`, [
      contract.id,
      round.position,
      outcome.milestoneStatus,
    ])) as [unknown[], number];
    if (!moved[1]) throw new MilestoneNotDeliveredError('not under evaluation');
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
      await this.terminate(m, actor, contract, round.position, `第 ${round.position} 期整改后复评得分 ${scoreText}，仍不合格`);
      terminated = true;
    }
    return { scoreCenti: score.scoreCenti, grade: score.grade, milestoneStatus: outcome.milestoneStatus, terminated };
  }

  /**
   * A second fail: terminating → terminated in this transaction; milestones that have not passed
   * are cancelled; what is approved, paid, awaiting a decision or a retry, and the tranches still
   * owed for passed milestones stay committed; the rest of the contract amount goes back from
   * committed to the fund's available balance (journal entry and fund row together).
   */
  private async terminate(m: EntityManager, actor: Actor, contract: Contract, failedPosition: number, reason: string): Promise<void> {
    const now = await this.clock.now(m);
    const milestones = (await m.query(`SELECT position, status, amount_minor::text AS amount_minor FROM contract_milestones WHERE contract_id = $1 ORDER BY position FOR UPDATE`, [
      contract.id,
    ])) as MilestoneRow[];
    const [c] = (await m.query(`SELECT amount_minor::text AS amount, approved_minor::text AS approved, status FROM contracts WHERE id = $1 FOR UPDATE`, [contract.id])) as Array<{
      amount: string;
      approved: string;
      status: string;
    }>;
    // Disbursements still to be decided or retried keep their money committed (approval does not look at the contract's status).
    const [{ pending }] = (await m.query(
      `SELECT coalesce(sum(amount_minor), 0)::text AS pending FROM disbursements WHERE contract_id = $1 AND status IN ('proposed', 'failed', 'reversed')`,
      [contract.id],
    )) as Array<{ pending: string }>;
    // Work that passed before the end is still owed: the tranche the rules pay for each passed
    // milestone not yet proposed stays committed, so the officer can still propose it. Hold-backs
    // and retention, due only after a final evaluation that will not come, return to the fund.
    const owed = (await m.query(
      `SELECT r.score_centi, cm.amount_minor::text AS amount_minor
         FROM contract_milestones cm
         JOIN LATERAL (SELECT score_centi FROM milestone_results WHERE contract_id = cm.contract_id AND position = cm.position ORDER BY round DESC LIMIT 1) r ON true
        WHERE cm.contract_id = $1 AND cm.status = 'passed'
          AND NOT EXISTS (SELECT 1 FROM disbursements d WHERE d.contract_id = cm.contract_id AND d.milestone_position = cm.position
                            AND d.kind = 'tranche' AND d.status <> 'rejected')`,
      [contract.id],
    )) as Array<{ score_centi: number; amount_minor: string }>;
    const { rules } = await paymentRulesOfContract(m, contract.id);
    const owedMinor = owed.reduce((sum, o) => sum + computeTranche({ trancheMinor: Number(o.amount_minor), scoreCenti: o.score_centi, rules }).payableMinor, 0);
    const plan = terminationPlan(
      milestones.map((x) => ({ position: x.position, status: x.status, amountMinor: Number(x.amount_minor) })),
      Number(c.amount),
      Number(c.approved),
      Number(pending) + owedMinor,
      failedPosition,
    );
    await m.query(`UPDATE contracts SET status = 'terminating' WHERE id = $1 AND status = 'active'`, [contract.id]);
    await this.audit.record(m, actor, { action: 'contract.terminating', entityType: 'contract', entityId: contract.id, before: { status: 'active' }, after: { status: 'terminating' }, details: { reason, position: failedPosition } });
    if (plan.cancelPositions.length) {
      await m.query(`UPDATE contract_milestones SET status = 'cancelled' WHERE contract_id = $1 AND position = ANY($2::int[])`, [contract.id, plan.cancelPositions]);
    }
    let entryId: string | null = null;
    if (plan.releaseMinor > 0) {
      entryId = await writeJournalEntry(
        m,
        { event: 'contract.terminate', refType: 'contract', refId: contract.id, actorId: actor.userId, memo: reason },
        terminationPosting({ fundId: contract.fundId, projectId: contract.projectId, contractId: contract.id }, plan.releaseMinor),
      );
      await m.query(`UPDATE funds SET committed_minor = committed_minor - $2, updated_at = now() WHERE id = $1`, [contract.fundId, plan.releaseMinor]);
    }
    await m.query(
      `INSERT INTO contract_terminations (contract_id, milestone_position, reason, started_at, terminated_at, released_minor, cancelled_positions, journal_entry_id) VALUES ($1, $2, $3, $4, $4, $5, $6::int[], $7)`,
      [contract.id, failedPosition, reason, now, plan.releaseMinor, plan.cancelPositions, entryId],
    );
    await m.query(`UPDATE contracts SET status = 'terminated' WHERE id = $1 AND status = 'terminating'`, [contract.id]);
    await this.audit.record(m, actor, {
      action: 'contract.terminated',
      entityType: 'contract',
      entityId: contract.id,
      before: { status: 'terminating' },
      after: { status: 'terminated' },
      details: { reason, cancelledPositions: plan.cancelPositions, keptMinor: plan.keptMinor, releasedMinor: plan.releaseMinor, fundId: contract.fundId, journalEntryId: entryId },
    });
    await this.notifications.notify(m, {
      recipients: { organisationIds: [contract.organisationId] },
      kind: 'service_evaluation.terminated',
      titleKey: 'serviceEvaluation.notifications.terminated',
      params: { reference: contract.reference, position: failedPosition },
      link: '/organisation/service-evaluations',
    });
    await this.notifications.notify(m, {
      recipients: { roles: ['bureau_officer', 'bureau_approver'] },
      kind: 'service_evaluation.terminated',
      titleKey: 'serviceEvaluation.notifications.terminated',
      params: { reference: contract.reference, position: failedPosition },
      link: `/staff/service-evaluations/${contract.id}`,
    });
  }
}
