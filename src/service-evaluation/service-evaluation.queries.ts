import { Injectable } from '@nestjs/common';
import { ConfirmationPage } from '../common/http/confirmation';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request } from 'express';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../audit/actor';
import { Clock } from '../common/clock/clock';
import { FormContextProvider } from '../common/http/form-context.registry';
import { Contract } from '../contracts/contract.entity';
import { ContractsService } from '../contracts/contracts.service';
import { DocumentsService, LoadedDocument } from '../documents/documents.service';
import { EvaluatorsService } from '../evaluators/evaluators.service';
import { calendarDate } from '../evaluators/domain/conflicts';
import { parseFraction, toDecimal } from '../evaluation/domain/rational';
import { actorFromRequest } from '../identity/current-actor.decorator';
import { hasAnyRole } from '../identity/domain/roles';
import { missedRectification } from './domain/lifecycle';
import { MIN_EVALUATORS, SATISFACTION_CODE, TemplateIndicator, formatCenti, surveyQualifies } from './domain/scoring';
import { ContractNotFoundForEvaluationError, DocumentNotInEvaluationError, MilestoneNotFoundForEvaluationError, NotAssignedError } from './service-evaluation.errors';
import { EvaluationRoundsService, RoundRecord, toRound } from './evaluation-rounds.service';
import { IndicatorTemplatesService } from './indicator-templates.service';
import { forRoles } from '../identity/form-contexts';
import { isUuid } from '../common/validation/uuid';

const STAFF_READERS = ['bureau_officer', 'bureau_approver', 'auditor'];
export const ROUNDING_RULE_KEY = 'serviceEvaluation.rule.rounding';

interface MilestoneRow {
  position: number;
  name: string;
  due_date: string;
  status: string;
  amount_minor: string;
  deliverables: string;
}

/** Page data for service evaluation (what to show and which actions apply; the rules live in the service and domain/). */
@Injectable()
export class ServiceEvaluationQueries {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly templates: IndicatorTemplatesService,
    private readonly rounds: EvaluationRoundsService,
    private readonly contracts: ContractsService,
    private readonly evaluators: EvaluatorsService,
    private readonly documents: DocumentsService,
    private readonly clock: Clock,
  ) {}

  // ── Templates ──────────────────────────────────────────────────────────────────────────────

  async templatesPage(actor: Actor) {
    const today = calendarDate(await this.clock.now(this.dataSource.manager));
    const categories = (await this.dataSource.query(`SELECT code, name_zh, name_en FROM catalogue_categories ORDER BY sort_order, code`)) as Array<{ code: string; name_zh: string; name_en: string }>;
    const rows = [];
    for (const c of categories) {
      const versions = await this.templates.templateVersions(c.code);
      const current = await this.templates.templateOn(c.code, today);
      rows.push({
        code: c.code,
        nameZh: c.name_zh,
        nameEn: c.name_en,
        current: current ? { ...current, indicators: current.indicators.map(presentIndicator) } : null,
        versions: versions.map((v) => ({
          version: v.version,
          effectiveFrom: v.effectiveFrom,
          isCurrent: v.id === current?.id,
          isFuture: v.effectiveFrom > today,
          weights: v.indicators.map((i) => `${i.nameZh} ${i.weight}`).join(' · '),
        })),
      });
    }
    return { titleKey: 'serviceEvaluation.templates.title', categories: rows, canEdit: hasAnyRole(actor.roles, ['admin']) };
  }

  async templateFormPage(categoryCode: string) {
    const [category] = (await this.dataSource.query(`SELECT code, name_zh, name_en FROM catalogue_categories WHERE code = $1`, [String(categoryCode ?? '').slice(0, 3)])) as Array<{
      code: string;
      name_zh: string;
      name_en: string;
    }>;
    if (!category || category.code !== categoryCode) throw new ContractNotFoundForEvaluationError();
    const today = calendarDate(await this.clock.now(this.dataSource.manager));
    const versions = await this.templates.templateVersions(category.code);
    const base = versions[0];
    const indicators: Array<Record<string, unknown>> = [...(base?.indicators ?? []).map((i) => ({ ...i, weight: String(i.weight) }))];
    while (indicators.length < 8) indicators.push({ code: '', nameZh: '', nameEn: '', weight: '', guidanceZh: '', guidanceEn: '' });
    return {
      titleKey: 'serviceEvaluation.templates.newTitle',
      category: { code: category.code, nameZh: category.name_zh, nameEn: category.name_en },
      latestVersion: base?.version ?? 0,
      rows: indicators.map((_, index) => ({ index })),
      values: { effectiveFrom: today, indicators },
    };
  }

  // ── Staff ──────────────────────────────────────────────────────────────────────────────────

  async staffListPage() {
    const rows = (await this.dataSource.query(
      `SELECT c.id, c.reference, c.status, c.parties->'provider'->>'name' AS provider, c.amount_minor::text AS amount_minor,
              (SELECT count(*)::int FROM service_evaluators e WHERE e.contract_id = c.id AND e.status = 'active') AS evaluators,
              (SELECT count(*)::int FROM contract_milestones m WHERE m.contract_id = c.id AND m.status IN ('delivered', 'under_evaluation')) AS awaiting,
              (SELECT count(*)::int FROM contract_milestones m WHERE m.contract_id = c.id AND m.status = 'rectification') AS rectifying
         FROM contracts c WHERE c.status IN ('active', 'terminating', 'terminated', 'completed') ORDER BY c.activated_at DESC NULLS LAST, c.reference`,
    )) as Array<Record<string, any>>;
    return {
      titleKey: 'serviceEvaluation.staff.title',
      contracts: rows.map((r) => ({
        id: r.id,
        reference: r.reference,
        provider: r.provider,
        amountMinor: Number(r.amount_minor),
        statusKey: `contracts.status.${r.status}`,
        status: r.status,
        evaluators: r.evaluators,
        awaiting: r.awaiting,
        rectifying: r.rectifying,
        understaffed: r.status === 'active' && r.evaluators < MIN_EVALUATORS,
      })),
    };
  }

  async staffContractPage(contractId: string, actor: Actor) {
    const contract = await this.contract(contractId);
    const isOfficer = hasAnyRole(actor.roles, ['bureau_officer']);
    const evaluators = (await this.dataSource.query(
      `SELECT e.evaluator_id, u.display_name, e.status, e.assigned_at, e.recused_at, e.recusal_reason FROM service_evaluators e JOIN user_names u ON u.id = e.evaluator_id
        WHERE e.contract_id = $1 ORDER BY e.assigned_at`,
      [contract.id],
    )) as Array<Record<string, any>>;
    const active = evaluators.filter((e) => e.status === 'active');
    const milestones = await this.milestoneSummaries(
      this.dataSource.manager,
      contract,
      active.map((e) => e.evaluator_id),
    );
    const candidates = isOfficer && contract.status === 'active' ? await this.candidates(contract, new Set(evaluators.map((e) => e.evaluator_id))) : { eligible: [], excluded: [] };
    const [termination] = (await this.dataSource.query(
      `SELECT milestone_position, reason, terminated_at, released_minor::text AS released_minor, cancelled_positions FROM contract_terminations WHERE contract_id = $1`,
      [contract.id],
    )) as Array<Record<string, any>>;
    const template = await this.templates.templateForContract(this.dataSource.manager, contract);
    const now = await this.clock.now(this.dataSource.manager);
    return {
      titleKey: 'serviceEvaluation.contract.title',
      contract: this.presentContract(contract),
      template: { version: template.version, categoryCode: template.categoryCode, indicators: template.indicators.map(presentIndicator) },
      evaluators: evaluators.map((e) => ({
        id: e.evaluator_id,
        name: e.display_name,
        status: e.status,
        statusKey: `serviceEvaluation.evaluatorStatus.${e.status}`,
        assignedAt: e.assigned_at,
        recusedAt: e.recused_at,
        reason: e.recusal_reason,
      })),
      activeCount: active.length,
      understaffed: contract.status === 'active' && active.length < MIN_EVALUATORS,
      minEvaluators: MIN_EVALUATORS,
      canAssign: isOfficer && contract.status === 'active',
      candidates,
      milestones: milestones.map((m) => ({
        ...m,
        canSetDeadline: isOfficer && m.status === 'rectification' && !!m.rectification && contract.status === 'active',
        canTerminate:
          isOfficer &&
          missedRectification({ contractStatus: contract.status, milestoneStatus: m.status, rectificationStatus: m.rectification?.status ?? null, deadline: m.rectification?.deadline ?? null, now }),
      })),
      termination: termination
        ? {
            position: termination.milestone_position,
            reason: termination.reason,
            terminatedAt: termination.terminated_at,
            releasedMinor: Number(termination.released_minor),
            cancelled: (termination.cancelled_positions as number[]).join(', '),
          }
        : null,
      ruleKey: ROUNDING_RULE_KEY,
    };
  }

  async staffMilestonePage(contractId: string, position: string) {
    const contract = await this.contract(contractId);
    const milestone = await this.milestone(contract.id, position);
    const rounds = await this.roundsOf(contract.id, milestone.position);
    const detail = [];
    for (const r of rounds) {
      const sheets = (await this.dataSource.query(
        `SELECT s.evaluator_id, u.display_name, s.status, s.submitted_at, e.status AS assignment
           FROM milestone_scoresheets s JOIN user_names u ON u.id = s.evaluator_id LEFT JOIN service_evaluators e ON e.contract_id = s.contract_id AND e.evaluator_id = s.evaluator_id
          WHERE s.contract_id = $1 AND s.milestone_position = $2 AND s.round = $3 ORDER BY u.display_name`,
        [contract.id, milestone.position, r.round],
      )) as Array<Record<string, any>>;
      const lines = (await this.dataSource.query(`SELECT evaluator_id, indicator_code, points_centi, comment FROM milestone_scores WHERE contract_id = $1 AND milestone_position = $2 AND round = $3`, [
        contract.id,
        milestone.position,
        r.round,
      ])) as Array<{ evaluator_id: string; indicator_code: string; points_centi: number; comment: string | null }>;
      detail.push({
        ...this.presentRound(r),
        sheets: sheets.map((s) => ({
          name: s.display_name,
          statusKey: `serviceEvaluation.sheetStatus.${s.status}`,
          recused: s.assignment === 'recused',
          submittedAt: s.submitted_at,
          lines: r.indicators.map((i) => {
            const l = lines.find((x) => x.evaluator_id === s.evaluator_id && x.indicator_code === i.code);
            return { nameZh: i.nameZh, nameEn: i.nameEn, weight: i.weight, points: l ? formatCenti(l.points_centi) : '—', comment: l?.comment ?? null };
          }),
          total: formatCenti(
            lines.filter((x) => x.evaluator_id === s.evaluator_id && !(r.satisfactionSource === 'survey' && x.indicator_code === SATISFACTION_CODE)).reduce((sum, x) => sum + x.points_centi, 0),
          ),
        })),
        visits: await this.visitsOf(contract.id, milestone.position, r.round, true),
      });
    }
    return {
      titleKey: 'serviceEvaluation.milestone.title',
      contract: this.presentContract(contract),
      milestone: this.presentMilestone(milestone),
      deliveries: await this.deliveriesOf(contract.id, milestone.position),
      survey: await this.surveyView(contract.id, milestone.position),
      kpis: await this.kpisOf(contract),
      rounds: detail,
      documentBase: `/staff/service-evaluations/${contract.id}/documents`,
      ruleKey: ROUNDING_RULE_KEY,
    };
  }

  // ── Evaluators ─────────────────────────────────────────────────────────────────────────────

  async evaluatorListPage(actor: Actor) {
    const contracts = (await this.dataSource.query(
      `SELECT c.id, c.reference, c.status, c.parties->'provider'->>'name' AS provider FROM service_evaluators e JOIN contracts c ON c.id = e.contract_id
        WHERE e.evaluator_id = $1 AND e.status = 'active' ORDER BY e.assigned_at DESC`,
      [actor.userId],
    )) as Array<Record<string, any>>;
    const out = [];
    for (const c of contracts) {
      const milestones = (await this.dataSource.query(
        `SELECT m.position, m.name, m.status, s.status AS sheet_status
           FROM contract_milestones m
           LEFT JOIN LATERAL (SELECT max(round) AS round FROM milestone_evaluation_rounds r WHERE r.contract_id = m.contract_id AND r.milestone_position = m.position) lr ON true
           LEFT JOIN milestone_scoresheets s ON s.contract_id = m.contract_id AND s.milestone_position = m.position AND s.round = lr.round AND s.evaluator_id = $2
          WHERE m.contract_id = $1 ORDER BY m.position`,
        [c.id, actor.userId],
      )) as Array<Record<string, any>>;
      out.push({
        id: c.id,
        reference: c.reference,
        provider: c.provider,
        statusKey: `contracts.status.${c.status}`,
        milestones: milestones.map((m) => ({
          position: m.position,
          name: m.name,
          statusKey: `contracts.milestoneStatus.${m.status}`,
          sheetKey: m.sheet_status ? `serviceEvaluation.sheetStatus.${m.sheet_status}` : null,
          canScore: c.status === 'active' && (m.status === 'delivered' || (m.status === 'under_evaluation' && m.sheet_status !== 'submitted')),
        })),
      });
    }
    return { titleKey: 'serviceEvaluation.evaluator.title', contracts: out };
  }

  /** The confirmation step before an evaluator submits final scores for a milestone (they decide its payment). */
  async submitScoresConfirmation(contractId: string, position: string, actor: Actor): Promise<ConfirmationPage> {
    const contract = await this.contract(contractId);
    await this.assertEvaluatorOf(contract.id, actor);
    const milestone = await this.milestone(contract.id, position);
    return {
      titleKey: 'serviceEvaluation.confirm.submitTitle',
      consequenceKey: 'serviceEvaluation.confirm.submitConsequence',
      params: { position: milestone.position, reference: contract.reference },
      amountMinor: Number(milestone.amount_minor),
      amountLabelKey: 'serviceEvaluation.confirm.milestoneAmount',
      facts: [
        { labelKey: 'serviceEvaluation.confirm.contract', value: contract.reference },
        { labelKey: 'serviceEvaluation.confirm.provider', value: contract.parties.provider.name, lang: 'zh-CN' },
        { labelKey: 'serviceEvaluation.confirm.milestone', value: `${milestone.position} ${milestone.name}`, lang: 'zh-CN' },
      ],
      confirmKey: 'serviceEvaluation.confirm.submit',
      backUrl: `/service-evaluations/${contract.id}/milestones/${milestone.position}`,
    };
  }

  /** The confirmation step before terminating a contract for a missed rectification. */
  async terminationConfirmation(contractId: string, position: string): Promise<ConfirmationPage> {
    const contract = await this.contract(contractId);
    const milestone = await this.milestone(contract.id, position);
    return {
      titleKey: 'serviceEvaluation.confirm.terminateTitle',
      consequenceKey: 'serviceEvaluation.confirm.terminateConsequence',
      params: { reference: contract.reference, provider: contract.parties.provider.name, position: milestone.position },
      amountMinor: contract.amountMinor,
      amountLabelKey: 'serviceEvaluation.confirm.contractAmount',
      facts: [
        { labelKey: 'serviceEvaluation.confirm.contract', value: contract.reference },
        { labelKey: 'serviceEvaluation.confirm.provider', value: contract.parties.provider.name, lang: 'zh-CN' },
        { labelKey: 'serviceEvaluation.confirm.milestone', value: `${milestone.position} ${milestone.name}`, lang: 'zh-CN' },
      ],
      confirmKey: 'serviceEvaluation.confirm.terminate',
      backUrl: `/staff/service-evaluations/${contract.id}`,
      isDanger: true,
    };
  }

  async evaluatorMilestonePage(contractId: string, position: string, actor: Actor) {
    const contract = await this.contract(contractId);
    await this.assertEvaluatorOf(contract.id, actor);
    const milestone = await this.milestone(contract.id, position);
    const rounds = await this.roundsOf(contract.id, milestone.position);
    const [rect] = (await this.dataSource.query(`SELECT 1 FROM milestone_rectifications WHERE contract_id = $1 AND milestone_position = $2`, [contract.id, milestone.position])) as unknown[];
    const roundNo = rect ? 2 : 1;
    const open = rounds.find((r) => r.round === roundNo && r.status === 'open') ?? null;
    const indicators = open?.indicators ?? (await this.templates.templateForContract(this.dataSource.manager, contract)).indicators;
    const survey = await this.surveyView(contract.id, milestone.position);
    const source = open?.satisfactionSource ?? (indicators.some((i) => i.code === SATISFACTION_CODE) ? (survey?.qualifies ? 'survey' : 'evaluators') : 'none');
    const [sheet] = open
      ? ((await this.dataSource.query(`SELECT status, submitted_at FROM milestone_scoresheets WHERE contract_id = $1 AND milestone_position = $2 AND round = $3 AND evaluator_id = $4`, [
          contract.id,
          milestone.position,
          open.round,
          actor.userId,
        ])) as Array<{ status: string; submitted_at: Date | null }>)
      : [];
    const lines = open
      ? ((await this.dataSource.query(`SELECT indicator_code, points_centi, comment FROM milestone_scores WHERE contract_id = $1 AND milestone_position = $2 AND round = $3 AND evaluator_id = $4`, [
          contract.id,
          milestone.position,
          open.round,
          actor.userId,
        ])) as Array<{ indicator_code: string; points_centi: number; comment: string | null }>)
      : [];
    const evaluable = contract.status === 'active' && (milestone.status === 'delivered' || milestone.status === 'under_evaluation');
    const canScore = evaluable && sheet?.status !== 'submitted';
    const kpis = await this.kpisOf(contract);
    return {
      titleKey: 'serviceEvaluation.scoring.title',
      contract: this.presentContract(contract),
      milestone: this.presentMilestone(milestone),
      round: roundNo,
      deliveries: await this.deliveriesOf(contract.id, milestone.position),
      survey,
      satisfactionFromSurvey: source === 'survey',
      kpis,
      indicators: indicators.map((i) => ({
        ...presentIndicator(i),
        scored: !(source === 'survey' && i.code === SATISFACTION_CODE),
        isSatisfaction: i.code === SATISFACTION_CODE,
        isOutput: i.code === 'output_quantity',
        pointsKey: `points.${i.code}`,
        commentKey: `comments.${i.code}`,
        surveyPoints: source === 'survey' && i.code === SATISFACTION_CODE ? survey?.points(i.weight) : null,
      })),
      values: { points: Object.fromEntries(lines.map((l) => [l.indicator_code, formatCenti(l.points_centi)])), comments: Object.fromEntries(lines.map((l) => [l.indicator_code, l.comment ?? ''])) },
      submitted: sheet?.status === 'submitted',
      submittedAt: sheet?.submitted_at ?? null,
      canScore,
      canVisit: evaluable,
      visits: open ? await this.visitsOf(contract.id, milestone.position, open.round, false, actor.userId ?? undefined) : [],
      results: rounds.filter((r) => r.status === 'completed').map((r) => this.presentRound(r)),
      documentBase: `/service-evaluations/${contract.id}/documents`,
      ruleKey: ROUNDING_RULE_KEY,
      today: calendarDate(await this.clock.now(this.dataSource.manager)),
    };
  }

  // ── Organisations ──────────────────────────────────────────────────────────────────────────

  async organisationPage(actor: Actor) {
    const contracts = (await this.dataSource.query(`SELECT id FROM contracts WHERE organisation_id = $1 AND status <> 'awaiting_confirmation' ORDER BY activated_at DESC NULLS LAST`, [
      actor.organisationId,
    ])) as Array<{ id: string }>;
    const out = [];
    for (const { id } of contracts) out.push(await this.contractResults(id));
    return { titleKey: 'serviceEvaluation.organisation.title', contracts: out, ruleKey: ROUNDING_RULE_KEY };
  }

  /** Scores and grades per milestone and round (no evaluator's name or sheet): the organisation's page and the JSON API. */
  async contractResults(contractId: string, actor?: Actor) {
    const contract = await this.contract(contractId);
    if (actor && !hasAnyRole(actor.roles, STAFF_READERS) && contract.organisationId !== actor.organisationId) throw new ContractNotFoundForEvaluationError();
    const milestones = await this.contracts.milestonesOf(contract.id);
    const rounds = (await this.dataSource.query(`SELECT * FROM milestone_evaluation_rounds WHERE contract_id = $1 ORDER BY milestone_position, round`, [contract.id])) as Parameters<
      typeof toRound
    >[0][];
    const rects = (await this.dataSource.query(`SELECT milestone_position, deadline, reason, status, opened_at FROM milestone_rectifications WHERE contract_id = $1`, [contract.id])) as Array<
      Record<string, any>
    >;
    const [termination] = (await this.dataSource.query(`SELECT reason, terminated_at, cancelled_positions FROM contract_terminations WHERE contract_id = $1`, [contract.id])) as Array<
      Record<string, any>
    >;
    return {
      id: contract.id,
      reference: contract.reference,
      status: contract.status,
      statusKey: `contracts.status.${contract.status}`,
      termination: termination ? { reason: termination.reason, terminatedAt: termination.terminated_at } : null,
      milestones: milestones.map((m) => {
        const rect = rects.find((r) => r.milestone_position === m.position);
        return {
          position: m.position,
          name: m.name,
          status: m.status,
          statusKey: `contracts.milestoneStatus.${m.status}`,
          results: rounds
            .filter((r) => r.milestone_position === m.position && r.status === 'completed')
            .map((r) => this.presentRound(toRound(r)))
            .map(({ round, score, scoreCenti, grade, gradeKey, evaluatorCount, satisfactionSource, surveyResponses, surveyAverage, completedAt }) => ({
              round,
              score,
              scoreCenti,
              grade,
              gradeKey,
              evaluatorCount,
              satisfactionSource,
              surveyResponses,
              surveyAverage,
              completedAt,
            })),
          rectification: rect
            ? { deadline: rect.deadline, reason: rect.reason, status: rect.status, statusKey: `serviceEvaluation.rectificationStatus.${rect.status}`, openedAt: rect.opened_at }
            : null,
        };
      }),
    };
  }

  // ── Documents ──────────────────────────────────────────────────────────────────────────────

  /** A delivery attachment or site-visit photo of this contract; evaluators must be assigned to it. */
  async documentOf(contractId: string, documentId: string, actor: Actor): Promise<LoadedDocument> {
    const contract = await this.contract(contractId);
    if (!hasAnyRole(actor.roles, STAFF_READERS)) await this.assertEvaluatorOf(contract.id, actor);
    if (!isUuid(documentId ?? '')) throw new DocumentNotInEvaluationError();
    const [visit] = (await this.dataSource.query(`SELECT 1 FROM documents d JOIN site_visits v ON v.id::text = d.owner_id WHERE d.id = $1 AND d.owner_type = 'site_visit' AND v.contract_id = $2`, [
      documentId,
      contract.id,
    ])) as unknown[];
    let found = !!visit;
    if (!found && (await this.hasTable('delivery_attachments'))) {
      const [att] = (await this.dataSource.query(`SELECT 1 FROM delivery_attachments a JOIN milestone_deliveries d ON d.id = a.delivery_id WHERE a.document_id = $1 AND d.contract_id = $2`, [
        documentId,
        contract.id,
      ])) as unknown[];
      found = !!att;
    }
    if (!found) throw new DocumentNotInEvaluationError();
    return this.documents.load(documentId);
  }

  // ── Pieces ─────────────────────────────────────────────────────────────────────────────────

  private async contract(contractId: string): Promise<Contract> {
    if (!isUuid(contractId ?? '')) throw new ContractNotFoundForEvaluationError();
    const contract = await this.contracts.getContract(contractId).catch(() => null);
    if (!contract || contract.status === 'awaiting_confirmation') throw new ContractNotFoundForEvaluationError();
    return contract;
  }

  private async milestone(contractId: string, position: string): Promise<MilestoneRow> {
    const p = /^\d{1,4}$/.test(String(position ?? '')) ? Number(position) : NaN;
    const [row] = Number.isNaN(p)
      ? []
      : ((await this.dataSource.query(
          `SELECT position, name, due_date::text AS due_date, status, amount_minor::text AS amount_minor, deliverables FROM contract_milestones WHERE contract_id = $1 AND position = $2`,
          [contractId, p],
        )) as MilestoneRow[]);
    if (!row) throw new MilestoneNotFoundForEvaluationError();
    return row;
  }

  private async assertEvaluatorOf(contractId: string, actor: Actor): Promise<void> {
    const [row] = (await this.dataSource.query(`SELECT status FROM service_evaluators WHERE contract_id = $1 AND evaluator_id = $2`, [contractId, actor.userId])) as Array<{ status: string }>;
    if (!row || row.status !== 'active') throw new NotAssignedError();
  }

  private async roundsOf(contractId: string, position: number): Promise<RoundRecord[]> {
    const rows = (await this.dataSource.query(`SELECT * FROM milestone_evaluation_rounds WHERE contract_id = $1 AND milestone_position = $2 ORDER BY round`, [contractId, position])) as Parameters<
      typeof toRound
    >[0][];
    return rows.map(toRound);
  }

  private presentContract(c: Contract) {
    return {
      id: c.id,
      reference: c.reference,
      provider: c.parties.provider.name,
      amountMinor: c.amountMinor,
      status: c.status,
      statusKey: `contracts.status.${c.status}`,
      organisationId: c.organisationId,
    };
  }

  private presentMilestone(m: MilestoneRow) {
    return {
      position: m.position,
      name: m.name,
      dueDate: m.due_date,
      status: m.status,
      statusKey: `contracts.milestoneStatus.${m.status}`,
      amountMinor: Number(m.amount_minor),
      deliverables: m.deliverables,
    };
  }

  private presentRound(r: RoundRecord) {
    const surveyAverage = r.surveyResponses && r.surveyRatingSum !== null ? (r.surveyRatingSum / r.surveyResponses).toFixed(2) : null;
    return {
      round: r.round,
      status: r.status,
      statusKey: `serviceEvaluation.roundStatus.${r.status}`,
      openedAt: r.openedAt,
      completedAt: r.completedAt,
      score: r.scoreCenti === null ? null : formatCenti(r.scoreCenti),
      scoreCenti: r.scoreCenti,
      exact: r.scoreExact ? toDecimal(parseFraction(r.scoreExact), 4) : null,
      grade: r.grade,
      gradeKey: r.grade ? `payments.grade.${r.grade}` : null,
      evaluatorCount: r.evaluatorCount,
      satisfactionSource: r.satisfactionSource,
      fromSurvey: r.satisfactionSource === 'survey',
      surveyResponses: r.surveyResponses,
      surveyAverage,
      indicators: r.indicators.map(presentIndicator),
    };
  }

  private async milestoneSummaries(m: EntityManager, contract: Contract, activeIds: string[]) {
    const milestones = (await m.query(
      `SELECT position, name, due_date::text AS due_date, status, amount_minor::text AS amount_minor, deliverables FROM contract_milestones WHERE contract_id = $1 ORDER BY position`,
      [contract.id],
    )) as MilestoneRow[];
    const rounds = (await m.query(`SELECT * FROM milestone_evaluation_rounds WHERE contract_id = $1 ORDER BY milestone_position, round`, [contract.id])) as Parameters<typeof toRound>[0][];
    const submitted = (await m.query(`SELECT milestone_position, round, evaluator_id FROM milestone_scoresheets WHERE contract_id = $1 AND status = 'submitted'`, [contract.id])) as Array<{
      milestone_position: number;
      round: number;
      evaluator_id: string;
    }>;
    const rects = (await m.query(`SELECT milestone_position, deadline, reason, status FROM milestone_rectifications WHERE contract_id = $1`, [contract.id])) as Array<Record<string, any>>;
    return milestones.map((x) => {
      const mine = rounds.filter((r) => r.milestone_position === x.position).map(toRound);
      const open = mine.find((r) => r.status === 'open');
      const rect = rects.find((r) => r.milestone_position === x.position);
      return {
        ...this.presentMilestone(x),
        results: mine.filter((r) => r.status === 'completed').map((r) => this.presentRound(r)),
        progress: open
          ? { round: open.round, submitted: submitted.filter((s) => s.milestone_position === x.position && s.round === open.round && activeIds.includes(s.evaluator_id)).length, of: activeIds.length }
          : null,
        rectification: rect
          ? { deadline: rect.deadline, deadlineDay: calendarDate(rect.deadline), reason: rect.reason, status: rect.status, statusKey: `serviceEvaluation.rectificationStatus.${rect.status}` }
          : null,
      };
    });
  }

  private async candidates(contract: Contract, taken: Set<string>) {
    const categories = await this.templates.categoriesOf(contract);
    const pool = (await this.evaluators.listActiveEvaluators({ categories })).filter((e) => !taken.has(e.userId));
    const conflicts = await this.evaluators.conflictsFor(
      pool.map((e) => e.userId),
      [contract.organisationId],
      await this.clock.now(this.dataSource.manager),
    );
    const conflicted = new Set(conflicts.map((c) => c.evaluatorId));
    return {
      eligible: pool.filter((e) => !conflicted.has(e.userId)).map((e) => ({ id: e.userId, name: e.displayName, employer: e.employer })),
      excluded: pool.filter((e) => conflicted.has(e.userId)).map((e) => ({ id: e.userId, name: e.displayName, reasonKey: 'serviceEvaluation.contract.excludedConflict' })),
    };
  }

  private async hasTable(name: string): Promise<boolean> {
    const [{ present }] = (await this.dataSource.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [name])) as Array<{ present: boolean }>;
    return present;
  }

  /** The deliveries of the milestone (the delivery module's tables), newest round first. */
  private async deliveriesOf(contractId: string, position: number) {
    if (!(await this.hasTable('milestone_deliveries'))) return [];
    const deliveries = (await this.dataSource.query(
      `SELECT id, round, narrative, submitted_at, late FROM milestone_deliveries WHERE contract_id = $1 AND milestone_position = $2 ORDER BY round DESC`,
      [contractId, position],
    )) as Array<Record<string, any>>;
    const out = [];
    for (const d of deliveries) {
      const records = (await this.dataSource.query(
        `SELECT r.line, r.item_code, ci.name_zh, ci.name_en, r.service_date::text AS service_date, r.sessions, r.person_visits, r.households, r.hours_centi, r.note
           FROM delivery_service_records r LEFT JOIN catalogue_items ci ON ci.code = r.item_code WHERE r.delivery_id = $1 ORDER BY r.line`,
        [d.id],
      )) as Array<Record<string, any>>;
      const attachments = (await this.dataSource.query(`SELECT document_id, kind, original_name, sha256, uploaded_at FROM delivery_attachments WHERE delivery_id = $1 ORDER BY position`, [
        d.id,
      ])) as Array<Record<string, any>>;
      const totals = records.reduce(
        (t, r) => ({ sessions: t.sessions + r.sessions, personVisits: t.personVisits + r.person_visits, households: t.households + r.households, hoursCenti: t.hoursCenti + r.hours_centi }),
        { sessions: 0, personVisits: 0, households: 0, hoursCenti: 0 },
      );
      out.push({
        round: d.round,
        narrative: d.narrative,
        submittedAt: d.submitted_at,
        late: d.late,
        records: records.map((r) => ({
          line: r.line,
          itemCode: r.item_code,
          nameZh: r.name_zh,
          nameEn: r.name_en,
          serviceDate: r.service_date,
          sessions: r.sessions,
          personVisits: r.person_visits,
          households: r.households,
          hours: formatCenti(r.hours_centi),
          note: r.note,
        })),
        totals: { ...totals, hours: formatCenti(totals.hoursCenti) },
        attachments: attachments.map((a) => ({ id: a.document_id, kindKey: `serviceEvaluation.attachmentKind.${a.kind}`, name: a.original_name, sha256: a.sha256, uploadedAt: a.uploaded_at })),
      });
    }
    return out;
  }

  private async surveyView(contractId: string, position: number) {
    const figures = await this.rounds.surveyFigures(this.dataSource.manager, contractId, position);
    if (!figures) return null;
    const qualifies = surveyQualifies(figures);
    return {
      responses: figures.responses,
      minResponses: figures.minResponses,
      average: figures.responses ? (figures.ratingSum / figures.responses).toFixed(2) : null,
      qualifies,
      points: (weight: number) => (figures.responses ? toDecimal({ n: BigInt(figures.ratingSum * weight), d: BigInt(figures.responses * 5) }, 2) : null),
    };
  }

  /** The contract's items with their catalogue KPIs, shown beside the indicators. */
  private async kpisOf(contract: Contract) {
    const rows = (await this.dataSource.query(`SELECT code, kpis FROM catalogue_items WHERE code = ANY($1::text[])`, [contract.items.map((i) => i.itemCode)])) as Array<{
      code: string;
      kpis: Array<{ zh: string; en: string }>;
    }>;
    const byCode = new Map(rows.map((r) => [r.code, r.kpis]));
    return contract.items.map((i) => ({
      code: i.itemCode,
      nameZh: i.nameZh,
      nameEn: i.nameEn,
      quantity: i.quantity,
      unitZh: i.unitZh,
      unitEn: i.unitEn,
      kpis: (byCode.get(i.itemCode) ?? []).map((k) => ({ textZh: k.zh, textEn: k.en })),
    }));
  }

  private async visitsOf(contractId: string, position: number, round: number, withNames: boolean, evaluatorId?: string) {
    const rows = (await this.dataSource.query(
      `SELECT v.id, v.visited_on::text AS visited_on, v.place, v.notes, v.created_at, u.display_name FROM site_visits v JOIN user_names u ON u.id = v.evaluator_id
        WHERE v.contract_id = $1 AND v.milestone_position = $2 AND v.round = $3 AND ($4::uuid IS NULL OR v.evaluator_id = $4) ORDER BY v.visited_on, v.created_at`,
      [contractId, position, round, evaluatorId ?? null],
    )) as Array<Record<string, any>>;
    const out = [];
    for (const v of rows) {
      const photos = await this.documents.listFor('site_visit', v.id);
      out.push({
        id: v.id,
        visitedOn: v.visited_on,
        place: v.place,
        notes: v.notes,
        by: withNames ? v.display_name : null,
        photos: photos.map((p) => ({ id: p.id, name: p.originalName, sha256: p.sha256 })),
      });
    }
    return out;
  }

  formContexts(): Record<string, FormContextProvider> {
    const p = (req: Request, name: string) => String(req.params?.[name] ?? '');
    return {
      'service-evaluation/template-form': forRoles(['admin'], (req) => this.templateFormPage(p(req, 'category')).then(({ values, ...rest }) => rest)),
      'service-evaluation/staff-contract': forRoles(STAFF_READERS, (req) => this.staffContractPage(p(req, 'contractId'), actorFromRequest(req))),
      'service-evaluation/scoring': forRoles(['evaluator'], (req) => this.evaluatorMilestonePage(p(req, 'contractId'), p(req, 'position'), actorFromRequest(req)).then(({ values, ...rest }) => rest)),
      'service-evaluation/evaluator-list': forRoles(['evaluator'], (req) => this.evaluatorListPage(actorFromRequest(req))),
    };
  }
}

function presentIndicator(i: TemplateIndicator) {
  return { ...i, weightText: String(i.weight) };
}
