import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { minorToYuanInput } from '../common/money/money';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { CatalogueService } from '../catalogue/catalogue.service';
import { ListItemsQuery } from '../catalogue/dto/list-items.query';
import { Clock } from '../common/clock/clock';
import { NotificationsService } from '../notifications/notifications.service';
import { AmendmentDeadlineNote, StoredDeadlineExplanation } from './deadline.presenter';
import { AmendmentChanges, amendmentDeadline, amendmentEffect, checkAmendmentChanges } from './domain/amendment';
import { Criterion } from './domain/criteria';
import { EligibilityOrganisation, EligibilityProblem, EligibilityProject, eligibilityProblems } from './domain/eligibility';
import { localDateOf, localDateTimeOf, parseLocalDateTime } from './domain/local-time';
import { MethodRule, ProcurementMethod, minValidBids } from './domain/method-rules';
import { Milestone, formatBp } from './domain/milestones';
import { addProblem, charLength, hasProblems, mergeProblems, Problems, text } from './domain/problems';
import { CatalogueEntry, DraftContext, ProjectDraft, ProjectFormInput, checkProjectDraft } from './domain/project-draft';
import { ProjectAction, ProjectStatus, checkAwardWithdrawal, checkTransition } from './domain/project-lifecycle';
import { availableMinor } from './fund.entity';
import { FundsService } from './funds.service';
import { loadOrganisationFacts } from './organisation-facts';
import { ProcurementRulesService } from './procurement-rules.service';
import { BidDeadlinePassedError, FundInsufficientError, InvalidTransitionError, ProcurementValidationError, ProjectNotFoundError, ProjectNotPublishableError } from './procurement.errors';
import { Project, ProjectAmendment, ProjectCriterionRecord, ProjectInvitation, ProjectItemRecord, ProjectMilestoneRecord } from './project.entity';
import { isUuid } from '../common/validation/uuid';

/** What the bidding module needs of a project, loaded under a row lock in its transaction. */
export interface BiddingProject extends EligibilityProject {
  id: string;
  reference: string;
  title: string;
  purchaserName: string;
  status: ProjectStatus;
  method: ProcurementMethod;
  publishedAt: Date | null;
  questionDeadlineAt: Date | null;
  bidDeadlineAt: Date | null;
  budgetCeilingMinor: number;
  currency: string;
  priceWeight: number;
  rule: MethodRule;
  criteria: Criterion[];
  milestones: Milestone[];
  /** Every project on this platform purchases services (the services exception of minValidBids applies). */
  purchasesServices: true;
}

export interface ProjectChildren {
  items: ProjectItemRecord[];
  criteria: Criterion[];
  milestones: Milestone[];
  invitedOrganisationIds: string[];
}

export interface AmendmentInput {
  kind: 'clarification' | 'amendment';
  title: string;
  body: string;
  /** Why the amendment cannot affect how bids are prepared ('' when it may: then the amendment period applies). */
  noEffectReason: string;
  description?: string;
  bidDeadline?: string;
  criteria?: Array<{ name?: string; description?: string } | undefined>;
  milestones?: Array<{ dueDate?: string; deliverables?: string } | undefined>;
}

/** The stored project in the shape of the form, for editing and for re-checking at publication. */
export function formInputOf(p: Project, children: ProjectChildren): ProjectFormInput {
  return {
    purchaserLevel: p.purchaserLevel,
    purchaserName: p.purchaserName,
    title: p.title,
    description: p.description,
    serviceArea: p.serviceArea.join('、'),
    serviceStart: p.serviceStart,
    serviceEnd: p.serviceEnd,
    longPeriodJustification: p.longPeriodJustification ?? '',
    budgetCeiling: minorToYuanInput(p.budgetCeilingMinor),
    fundId: p.fundId,
    reservation: minorToYuanInput(p.plannedReservationMinor ?? p.budgetCeilingMinor),
    method: p.method,
    invitedOrganisationId: children.invitedOrganisationIds[0] ?? '',
    eligibilityCategories: p.eligibilityCategories,
    eligibilityMinSocialWorkers: p.eligibilityMinSocialWorkers === null ? '' : String(p.eligibilityMinSocialWorkers),
    eligibilityMinGrade: p.eligibilityMinGrade ?? '',
    priceWeight: String(p.priceWeight),
    items: children.items.map((i) => ({ code: i.itemCode, quantity: String(i.quantity), notes: i.notes ?? '' })),
    criteria: children.criteria.map((c) => ({ name: c.name, description: c.description, weight: String(c.weight) })),
    milestones: children.milestones.map((m) => ({ name: m.name, dueDate: m.dueDate, deliverables: m.deliverables, share: formatBp(m.paymentShareBp) })),
    questionDeadline: p.questionDeadlineAt ? localDateTimeOf(p.questionDeadlineAt) : '',
    bidDeadline: p.bidDeadlineAt ? localDateTimeOf(p.bidDeadlineAt) : '',
  };
}

/** A small audit snapshot of a draft (long texts by length and hash only). */
function auditSnapshot(d: ProjectDraft) {
  return {
    title: d.title,
    purchaser: `${d.purchaserLevel}:${d.purchaserName}`,
    descriptionSha256: createHash('sha256').update(d.description).digest('hex'),
    serviceArea: d.serviceArea,
    servicePeriod: `${d.serviceStart}..${d.serviceEnd}`,
    budgetCeilingMinor: d.budgetCeilingMinor,
    fundId: d.fundId,
    plannedReservationMinor: d.reservationMinor,
    method: d.method,
    methodRuleId: d.rule.id,
    invitedOrganisationId: d.invitedOrganisationId,
    eligibility: { categories: d.eligibilityCategories, minSocialWorkers: d.eligibilityMinSocialWorkers, minGrade: d.eligibilityMinGrade },
    priceWeight: d.priceWeight,
    items: d.items.map((i) => `${i.itemCode}×${i.quantity}`),
    criteria: d.criteria.map((c) => `${c.name}:${c.weight}`),
    milestones: d.milestones.map((m) => `${m.dueDate}:${m.paymentShareBp}bp`),
    questionDeadline: d.questionDeadline.toISOString(),
    bidDeadline: d.bidDeadline.toISOString(),
  };
}

/**
 * Procurement projects: drafts, publication (with the fund reservation), amendments and
 * clarifications, cancellation and failure. One use case per method, each in one transaction
 * with its audit event. Exported to the bidding module: getProjectForBidding, markFailed,
 * minValidBids, eligibilityProblems.
 */
/**
 * Flags the submitted bids of a project whose amendment changed what bidders submit, in the
 * amending transaction, and returns the organisations whose bids were flagged. The bidding
 * module owns the bids and registers it at start-up (it depends on procurement, not the reverse).
 */
export type SubmissionChangedHandler = (manager: EntityManager, projectId: string) => Promise<string[]>;

@Injectable()
export class ProjectsService {
  private submissionChanged?: SubmissionChangedHandler;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly funds: FundsService,
    private readonly rules: ProcurementRulesService,
    private readonly catalogue: CatalogueService,
    private readonly notifications: NotificationsService,
  ) {}

  // ── For the bidding module ──────────────────────────────────────────────────────────────────

  /** Bidding registers what happens to submitted bids when an amendment changes the submission. */
  onSubmissionChanged(handler: SubmissionChangedHandler): void {
    this.submissionChanged = handler;
  }

  /**
   * The project row locked FOR SHARE (submissions) or FOR UPDATE (opening) until the caller
   * commits. Drafts do not exist outside the bureau: ProjectNotFoundError.
   */
  async getProjectForBidding(manager: EntityManager, projectId: string, options: { lock: 'share' | 'update' }): Promise<BiddingProject> {
    if (!isUuid(projectId)) throw new ProjectNotFoundError();
    // The bid path runs this for every submission: the locked project row and everything under
    // it in one query (each round trip costs a syscall and a wake-up per bid under load).
    const { entities, raw } = await manager
      .getRepository(Project)
      .createQueryBuilder('p')
      .where('p.id = :id', { id: projectId })
      .setLock(options.lock === 'share' ? 'pessimistic_read' : 'pessimistic_write')
      .addSelect(
        `coalesce((SELECT json_agg(json_build_object('position', position, 'name', name, 'description', description, 'weight', weight) ORDER BY position)
                     FROM project_criteria WHERE project_id = p.id), '[]')`,
        'criteria',
      )
      .addSelect(
        `coalesce((SELECT json_agg(json_build_object('position', position, 'name', name, 'dueDate', to_char(due_date, 'YYYY-MM-DD'),
                                                     'deliverables', deliverables, 'paymentShareBp', payment_share_bp) ORDER BY position)
                     FROM project_milestones WHERE project_id = p.id), '[]')`,
        'milestones',
      )
      .addSelect(`coalesce((SELECT json_agg(organisation_id) FROM project_invitations WHERE project_id = p.id), '[]')`, 'invited')
      .addSelect(
        `coalesce((SELECT json_agg(DISTINCT c.category_code ORDER BY c.category_code)
                     FROM project_items pi JOIN catalogue_items c ON c.code = pi.item_code WHERE pi.project_id = p.id), '[]')`,
        'categories',
      )
      .getRawAndEntities<{ criteria: ProjectChildren['criteria']; milestones: ProjectChildren['milestones']; invited: string[]; categories: string[] }>();
    const project = entities[0];
    const row = raw[0];
    if (!project || project.status === 'draft') throw new ProjectNotFoundError();
    const children = { criteria: row.criteria, milestones: row.milestones, invitedOrganisationIds: row.invited };
    const categoryCodes = row.categories;
    const rule = await this.rules.getRule(project.methodRuleId, manager);
    if (!rule) throw new Error(`project ${project.id} cites unknown rule ${project.methodRuleId}`);
    return {
      id: project.id,
      reference: project.reference,
      title: project.title,
      purchaserName: project.purchaserName,
      status: project.status,
      method: project.method,
      publishedAt: project.publishedAt,
      questionDeadlineAt: project.questionDeadlineAt,
      bidDeadlineAt: project.bidDeadlineAt,
      budgetCeilingMinor: project.budgetCeilingMinor,
      currency: project.currency,
      priceWeight: project.priceWeight,
      eligibilityCategories: project.eligibilityCategories,
      categoryCodes,
      eligibilityMinSocialWorkers: project.eligibilityMinSocialWorkers,
      eligibilityMinGrade: project.eligibilityMinGrade,
      invitedOrganisationIds: children.invitedOrganisationIds,
      invitedOnly: rule.invitedOnly,
      rule,
      criteria: children.criteria,
      milestones: children.milestones,
      purchasesServices: true,
    };
  }

  /**
   * Published projects whose bid deadline falls within `horizonSeconds` of the database clock
   * (overdue ones too), with the seconds left: what the opening job queues.
   */
  async dueForOpening(horizonSeconds: number): Promise<Array<{ id: string; bidDeadlineAt: Date; delaySeconds: number }>> {
    const rows = (await this.dataSource.query(
      `SELECT id, bid_deadline_at, greatest(0, ceil(extract(epoch FROM bid_deadline_at - app_now())))::int AS delay
         FROM projects
        WHERE status = 'published' AND bid_deadline_at <= app_now() + make_interval(secs => $1)`,
      [horizonSeconds],
    )) as Array<{ id: string; bid_deadline_at: Date; delay: number }>;
    return rows.map((r) => ({ id: r.id, bidDeadlineAt: r.bid_deadline_at, delaySeconds: r.delay }));
  }

  /** Published projects whose bid deadline has passed (database clock), oldest deadline first: still to be opened. */
  async pastDeadlineNotOpened(limit: number): Promise<Array<{ id: string; reference: string; title: string; bidDeadlineAt: Date }>> {
    const rows = (await this.dataSource.query(
      `SELECT id, reference, title, bid_deadline_at FROM projects WHERE status = 'published' AND bid_deadline_at <= app_now() ORDER BY bid_deadline_at LIMIT $1`,
      [limit],
    )) as Array<{ id: string; reference: string; title: string; bid_deadline_at: Date }>;
    return rows.map((r) => ({ id: r.id, reference: r.reference, title: r.title, bidDeadlineAt: r.bid_deadline_at }));
  }

  /** Reference and title of each project, for other modules' lists (awards ready for a contract …). */
  async labelsOf(projectIds: readonly string[], manager: EntityManager = this.dataSource.manager): Promise<Map<string, { reference: string; title: string }>> {
    if (!projectIds.length) return new Map();
    const rows = (await manager.query(`SELECT id, reference, title FROM projects WHERE id = ANY($1::uuid[])`, [[...new Set(projectIds)]])) as Array<{ id: string; reference: string; title: string }>;
    return new Map(rows.map((r) => [r.id, { reference: r.reference, title: r.title }]));
  }

  /** The id of the published (non-draft) project with this public reference. */
  async findProjectIdByReference(manager: EntityManager, reference: string): Promise<string> {
    const rows = (await manager.query(`SELECT id FROM projects WHERE reference = $1 AND status <> 'draft'`, [reference])) as Array<{ id: string }>;
    if (!rows[0]) throw new ProjectNotFoundError();
    return rows[0].id;
  }

  /** Valid bids the project needs (its method rule, with the purchased-services exception). */
  minValidBids(project: { rule: Pick<MethodRule, 'minValidBids' | 'minValidBidsServices'>; purchasesServices?: boolean }): number {
    return minValidBids(project);
  }

  eligibilityProblems(organisation: EligibilityOrganisation, project: EligibilityProject): EligibilityProblem[] {
    return eligibilityProblems(organisation, project);
  }

  /**
   * Fails the project (流标) in the caller's transaction: releases the reservation, records why,
   * tells bidders. From published, closed, opened or evaluation.
   */
  async markFailed(manager: EntityManager, actor: Actor, projectId: string, reason: string): Promise<void> {
    const project = await this.lockProject(manager, projectId, 'update');
    this.assertCan('fail', project);
    const cleaned = text(reason);
    if (charLength(cleaned) < 2 || charLength(cleaned) > 2000) {
      const problems: Problems = {};
      addProblem(problems, 'reason', 'textLength', { min: 2, max: 2000 });
      throw new ProcurementValidationError(problems);
    }
    const now = await this.clock.now(manager);
    await this.end(manager, actor, project, 'failed', cleaned, now);
  }

  // ── The steps other modules cause: the project state machine moves only here ───────────────

  /** published → closed as the opening starts (bidding), in the opener's transaction. */
  async markClosed(manager: EntityManager, projectId: string, closedAt: Date): Promise<void> {
    const project = await this.lockProject(manager, projectId, 'update');
    this.assertCan('close', project);
    await manager.query(`UPDATE projects SET status = 'closed', closed_at = $2, updated_at = now() WHERE id = $1`, [project.id, closedAt]);
  }

  /** closed → opened once the sealed bids are opened (bidding), in the opener's transaction. */
  async markOpened(manager: EntityManager, projectId: string, openedAt: Date): Promise<void> {
    const project = await this.lockProject(manager, projectId, 'update');
    this.assertCan('open', project);
    await manager.query(`UPDATE projects SET status = 'opened', opened_at = $2, updated_at = now() WHERE id = $1`, [project.id, openedAt]);
  }

  /** opened → evaluation when the evaluation committee is complete (evaluation), audited. */
  async markEvaluationStarted(manager: EntityManager, actor: Actor, projectId: string, evaluationId: string): Promise<void> {
    const project = await this.lockProject(manager, projectId, 'update');
    this.assertCan('start_evaluation', project);
    await manager.query(`UPDATE projects SET status = 'evaluation', updated_at = now() WHERE id = $1`, [project.id]);
    await this.audit.record(manager, actor, {
      action: 'project.evaluation_started',
      entityType: 'project',
      entityId: project.id,
      before: { status: 'opened' },
      after: { status: 'evaluation' },
      details: { evaluationId },
    });
  }

  /** evaluation → awarded, in the transaction that makes the award (awards; the award is audited there). */
  async recordAward(manager: EntityManager, projectId: string): Promise<void> {
    const project = await this.lockProject(manager, projectId, 'update');
    this.assertCan('award', project);
    await manager.query(`UPDATE projects SET status = 'awarded', updated_at = now() WHERE id = $1`, [project.id]);
  }

  /** awarded → evaluation when an upheld challenge withdraws the award (awards), audited. */
  async withdrawAward(manager: EntityManager, actor: Actor, projectId: string, details: { awardId: string; challengeId: string; outcome: string }): Promise<void> {
    const project = await this.lockProject(manager, projectId, 'update');
    const check = checkAwardWithdrawal(project.status);
    if (!check.ok) throw new InvalidTransitionError(check.action, project.status);
    await manager.query(`UPDATE projects SET status = $2, updated_at = now() WHERE id = $1`, [project.id, check.to]);
    await this.audit.record(manager, actor, {
      action: 'project.award_withdrawn',
      entityType: 'project',
      entityId: project.id,
      before: { status: 'awarded' },
      after: { status: check.to },
      details,
    });
  }

  // ── Drafts ──────────────────────────────────────────────────────────────────────────────────

  async createDraft(actor: Actor, input: ProjectFormInput): Promise<{ id: string }> {
    return this.dataSource.transaction(async (manager) => {
      const now = await this.clock.now(manager);
      const draft = await this.checkDraft(manager, input, now);
      const id = randomUUID();
      await manager.insert(Project, {
        id,
        reference: `DRAFT-${id}`,
        ...this.columnsOf(draft),
        currency: 'CNY',
        reservedMinor: 0,
        status: 'draft',
        createdBy: actor.userId!,
        createdAt: now,
        updatedAt: now,
      });
      await this.writeChildren(manager, id, draft);
      await this.audit.record(manager, actor, { action: 'project.created', entityType: 'project', entityId: id, after: auditSnapshot(draft) });
      return { id };
    });
  }

  async updateDraft(actor: Actor, projectId: string, input: ProjectFormInput): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const project = await this.lockProject(manager, projectId, 'update');
      this.assertCan('edit', project);
      const now = await this.clock.now(manager);
      const before = formInputOf(project, await this.loadChildren(manager, project.id));
      const draft = await this.checkDraft(manager, input, now);
      await manager.update(Project, { id: project.id }, { ...this.columnsOf(draft), updatedAt: now });
      for (const table of [ProjectItemRecord, ProjectCriterionRecord, ProjectMilestoneRecord, ProjectInvitation]) await manager.delete(table, { projectId: project.id });
      await this.writeChildren(manager, project.id, draft);
      await this.audit.record(manager, actor, {
        action: 'project.updated',
        entityType: 'project',
        entityId: project.id,
        before: { title: before.title, budgetCeiling: before.budgetCeiling, method: before.method, bidDeadline: before.bidDeadline },
        after: auditSnapshot(draft),
      });
    });
  }

  // ── Publication ─────────────────────────────────────────────────────────────────────────────

  /**
   * Checks everything again against the database time, the rules in force today and the fund;
   * reserves the fund; assigns the reference (WH-<year>-<nnnn>); stores how the earliest deadline
   * was found. All or nothing.
   */
  /**
   * Publication's preconditions (a draft, complete under the rule in force, a fund that can cover
   * the reservation), checked before the confirmation step is shown: nobody confirms and is only
   * then told it was never allowed. `publish` decides again under its locks.
   */
  async checkPublication(projectId: string): Promise<void> {
    await this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const project = await this.lockProject(manager, projectId, 'share');
      this.assertCan('publish', project);
      const now = await this.clock.now(manager);
      const input = formInputOf(project, await this.loadChildren(manager, project.id));
      const { draft, problems } = checkProjectDraft(input, await this.draftContext(manager, input, now));
      if (!draft) throw new ProjectNotPublishableError(problems);
      const fund = await this.funds.get(draft.fundId, manager);
      if (availableMinor(fund) < draft.reservationMinor) throw new FundInsufficientError(availableMinor(fund), draft.reservationMinor);
    });
  }

  async publish(actor: Actor, projectId: string): Promise<{ id: string; reference: string }> {
    return this.dataSource.transaction(async (manager) => {
      const project = await this.lockProject(manager, projectId, 'update');
      this.assertCan('publish', project);
      const now = await this.clock.now(manager);
      const children = await this.loadChildren(manager, project.id);
      const input = formInputOf(project, children);
      const context = await this.draftContext(manager, input, now);
      const { draft, problems } = checkProjectDraft(input, context);
      if (!draft) throw new ProjectNotPublishableError(problems);

      await this.funds.reserve(manager, actor, draft.fundId, draft.reservationMinor, project.id);
      // The number is drawn only once the reservation holds, so refusals leave no gaps.
      const [{ n }] = (await manager.query(`SELECT nextval('project_reference_seq')::int AS n`)) as { n: number }[];
      const reference = `WH-${localDateOf(now).slice(0, 4)}-${String(n).padStart(4, '0')}`;
      const explanation: StoredDeadlineExplanation = { publication: draft.deadlineExplanation, amendments: [] };
      await manager.update(
        Project,
        { id: project.id },
        { status: 'published', reference, reservedMinor: draft.reservationMinor, publishedAt: now, methodRuleId: draft.rule.id, deadlineExplanation: explanation, updatedAt: now },
      );
      await this.audit.record(manager, actor, {
        action: 'project.published',
        entityType: 'project',
        entityId: project.id,
        before: { status: 'draft' },
        after: { status: 'published', reference, reservedMinor: draft.reservationMinor, publishedAt: now.toISOString(), methodRuleId: draft.rule.id },
        details: { fundId: draft.fundId, earliestDeadline: draft.deadlineExplanation.earliest, bidDeadline: draft.bidDeadline.toISOString() },
      });
      const categories = [...new Set(draft.items.map((i) => i.categoryCode))];
      const invited = draft.invitedOrganisationId ? [draft.invitedOrganisationId] : await this.organisationsFor(manager, categories, draft.eligibilityCategories);
      await this.notifications.notify(manager, {
        recipients: { organisationIds: invited },
        kind: draft.invitedOrganisationId ? 'project.invited' : 'project.published',
        titleKey: draft.invitedOrganisationId ? 'procurement.notifications.invited' : 'procurement.notifications.published',
        params: { reference, title: draft.title },
        link: `/projects/${project.id}`,
      });
      return { id: project.id, reference };
    });
  }

  // ── After publication: clarifications and amendments ────────────────────────────────────────

  async amend(actor: Actor, projectId: string, input: AmendmentInput): Promise<{ sequence: number; deadline: Date; extended: boolean; bidsFlagged: number }> {
    return this.dataSource.transaction(async (manager) => {
      const project = await this.lockProject(manager, projectId, 'update');
      this.assertCan('amend', project);
      const now = await this.clock.now(manager);
      if (!project.bidDeadlineAt || now.getTime() >= project.bidDeadlineAt.getTime()) throw new BidDeadlinePassedError();
      const children = await this.loadChildren(manager, project.id);
      const rule = (await this.rules.getRule(project.methodRuleId, manager))!;

      const problems: Problems = {};
      const title = text(input.title);
      const body = text(input.body);
      if (charLength(title) < 2 || charLength(title) > 200) addProblem(problems, 'title', 'textLength', { min: 2, max: 200 });
      if (charLength(body) < 2 || charLength(body) > 20000) addProblem(problems, 'body', 'textLength', { min: 2, max: 20000 });
      const isAmendment = input.kind === 'amendment';
      const checked = isAmendment
        ? checkAmendmentChanges(
            { description: project.description, criteria: children.criteria, milestones: children.milestones, serviceStart: project.serviceStart, serviceEnd: project.serviceEnd },
            input,
          )
        : { changes: {} as AmendmentChanges, criteria: children.criteria, milestones: children.milestones, problems: {} };
      mergeProblems(problems, checked.problems);
      const changes = checked.changes;

      let requestedDeadline: Date | null = null;
      const rawDeadline = text(input.bidDeadline);
      const movesDeadline = isAmendment && rawDeadline !== '' && rawDeadline !== localDateTimeOf(project.bidDeadlineAt);
      if (movesDeadline) {
        requestedDeadline = parseLocalDateTime(rawDeadline);
        if (!requestedDeadline) addProblem(problems, 'bidDeadline', 'dateTime');
      }
      const effect = amendmentEffect({ kind: input.kind, changes, movesDeadline, noEffectReason: input.noEffectReason });
      mergeProblems(problems, effect.problems);
      const changesSubmission = effect.affectsBids;
      const calendar = await this.rules.loadCalendar(manager, localDateOf(project.publishedAt!));
      const deadline = amendmentDeadline({
        amendedAt: now,
        publishedAt: project.publishedAt!,
        currentDeadline: project.bidDeadlineAt,
        requestedDeadline,
        questionDeadline: project.questionDeadlineAt!,
        changesSubmission,
        rule,
        calendar,
      });
      if (!deadline.ok) addProblem(problems, 'bidDeadline', deadline.problem, deadline.explanation ? { explanation: deadline.explanation } : deadline.params);
      if (hasProblems(problems) || !deadline.ok) throw new ProcurementValidationError(problems, 'The amendment has problems', 'PROCUREMENT.AMENDMENT_INVALID');

      const moved = deadline.deadline.getTime() !== project.bidDeadlineAt.getTime();
      if (moved) changes.bidDeadline = { before: project.bidDeadlineAt.toISOString(), after: deadline.deadline.toISOString(), extended: deadline.extended };
      const [{ next }] = (await manager.query(`SELECT coalesce(max(sequence), 0) + 1 AS next FROM project_amendments WHERE project_id = $1`, [project.id])) as { next: number }[];
      const amendmentId = randomUUID();
      await manager.insert(ProjectAmendment, {
        id: amendmentId,
        projectId: project.id,
        sequence: next,
        kind: input.kind,
        title,
        body,
        changesSubmission,
        noEffectReason: effect.noEffectReason,
        previousDeadlineAt: moved ? project.bidDeadlineAt : null,
        newDeadlineAt: moved ? deadline.deadline : null,
        changes,
        publishedAt: now,
        publishedBy: actor.userId!,
      });

      const stored: StoredDeadlineExplanation = project.deadlineExplanation ?? { publication: null as never, amendments: [] };
      if (moved || deadline.amendmentExplanation) {
        const note: AmendmentDeadlineNote = {
          sequence: next,
          previousDeadline: project.bidDeadlineAt.toISOString(),
          newDeadline: deadline.deadline.toISOString(),
          extended: deadline.extended,
          explanation: deadline.extended ? deadline.amendmentExplanation : null,
        };
        stored.amendments = [...(stored.amendments ?? []), note];
      }
      await manager.update(
        Project,
        { id: project.id },
        { description: changes.description?.after ?? project.description, bidDeadlineAt: deadline.deadline, deadlineExplanation: stored, updatedAt: now },
      );
      for (const c of changes.criteria ?? []) {
        await manager.update(ProjectCriterionRecord, { projectId: project.id, position: c.position }, { name: c.name.after, description: c.description.after });
      }
      for (const m of changes.milestones ?? []) {
        await manager.update(ProjectMilestoneRecord, { projectId: project.id, position: m.position }, { dueDate: m.dueDate.after, deliverables: m.deliverables.after });
      }

      // Bidders who already submitted must look again when what they submit has changed.
      let flagged: string[] = [];
      if (changesSubmission) {
        if (!this.submissionChanged) throw new Error('no module flags the submitted bids of an amended project (BiddingModule registers it)');
        flagged = await this.submissionChanged(manager, project.id);
      }
      await this.audit.record(manager, actor, {
        action: isAmendment ? 'project.amended' : 'project.clarified',
        entityType: 'project',
        entityId: project.id,
        before: moved ? { bidDeadlineAt: project.bidDeadlineAt.toISOString() } : undefined,
        after: moved ? { bidDeadlineAt: deadline.deadline.toISOString() } : undefined,
        details: {
          amendmentId,
          sequence: next,
          kind: input.kind,
          changesSubmission,
          noEffectReason: effect.noEffectReason,
          changed: Object.keys(changes),
          extended: deadline.extended,
          bidsFlaggedForReview: flagged.length,
        },
      });
      const params = { reference: project.reference, title: project.title, sequence: next };
      if (flagged.length) {
        await this.notifications.notify(manager, {
          recipients: { organisationIds: flagged },
          kind: 'bid.needs_review',
          titleKey: 'procurement.notifications.reviewBid',
          params,
          link: `/projects/${project.id}`,
        });
      }
      const others = (await this.followerOrganisations(manager, project.id)).filter((id) => !flagged.includes(id));
      await this.notifications.notify(manager, {
        recipients: { organisationIds: [...new Set([...others, ...children.invitedOrganisationIds.filter((id) => !flagged.includes(id))])] },
        kind: isAmendment ? 'project.amended' : 'project.clarified',
        titleKey: isAmendment ? 'procurement.notifications.amended' : 'procurement.notifications.clarified',
        params,
        link: `/projects/${project.id}`,
      });
      return { sequence: next, deadline: deadline.deadline, extended: deadline.extended, bidsFlagged: flagged.length };
    });
  }

  // ── Cancellation ────────────────────────────────────────────────────────────────────────────

  /** Cancels before the opening with a public reason; the reservation goes back to the fund. */
  async cancel(actor: Actor, projectId: string, reason: string): Promise<void> {
    const cleaned = text(reason);
    if (charLength(cleaned) < 5 || charLength(cleaned) > 2000) {
      const problems: Problems = {};
      addProblem(problems, 'reason', 'textLength', { min: 5, max: 2000 });
      throw new ProcurementValidationError(problems);
    }
    await this.dataSource.transaction(async (manager) => {
      const project = await this.lockProject(manager, projectId, 'update');
      this.assertCan('cancel', project);
      const now = await this.clock.now(manager);
      await this.end(manager, actor, project, 'cancelled', cleaned, now);
    });
  }

  // ── Internals ───────────────────────────────────────────────────────────────────────────────

  private async end(manager: EntityManager, actor: Actor, project: Project, status: 'cancelled' | 'failed', reason: string, now: Date): Promise<void> {
    const releasing = project.reservedMinor > 0 && project.reservationReleasedAt === null;
    if (releasing) await this.funds.release(manager, actor, project.fundId, project.reservedMinor, project.id, status);
    await manager.update(
      Project,
      { id: project.id },
      status === 'cancelled'
        ? { status, cancelledAt: now, cancelReason: reason, reservationReleasedAt: releasing ? now : project.reservationReleasedAt, updatedAt: now }
        : { status, failedAt: now, failedReason: reason, reservationReleasedAt: releasing ? now : project.reservationReleasedAt, updatedAt: now },
    );
    await this.audit.record(manager, actor, {
      action: status === 'cancelled' ? 'project.cancelled' : 'project.failed',
      entityType: 'project',
      entityId: project.id,
      before: { status: project.status },
      after: { status },
      details: { reason, releasedMinor: releasing ? project.reservedMinor : 0, fundId: project.fundId },
    });
    const invited = (await manager.find(ProjectInvitation, { where: { projectId: project.id } })).map((i) => i.organisationId);
    await this.notifications.notify(manager, {
      recipients: { organisationIds: [...new Set([...(await this.followerOrganisations(manager, project.id)), ...invited])] },
      kind: `project.${status}`,
      titleKey: `procurement.notifications.${status}`,
      params: { reference: project.reference, title: project.title, reason },
      link: `/notices/projects/${project.reference}`,
    });
  }

  private assertCan(action: ProjectAction, project: Project): void {
    const check = checkTransition(action, project.status);
    if (!check.ok) throw new InvalidTransitionError(action, project.status);
  }

  async lockProject(manager: EntityManager, projectId: string, lock: 'share' | 'update'): Promise<Project> {
    const project = isUuid(projectId) ? await manager.findOne(Project, { where: { id: projectId }, lock: { mode: lock === 'share' ? 'pessimistic_read' : 'pessimistic_write' } }) : null;
    if (!project) throw new ProjectNotFoundError();
    return project;
  }

  async loadChildren(manager: EntityManager, projectId: string): Promise<ProjectChildren> {
    // One after the other: a transaction's connection runs one query at a time.
    const items = await manager.find(ProjectItemRecord, { where: { projectId }, order: { position: 'ASC' } });
    const criteria = await manager.find(ProjectCriterionRecord, { where: { projectId }, order: { position: 'ASC' } });
    const milestones = await manager.find(ProjectMilestoneRecord, { where: { projectId }, order: { position: 'ASC' } });
    const invitations = await manager.find(ProjectInvitation, { where: { projectId } });
    return {
      items,
      criteria: criteria.map((c) => ({ position: c.position, name: c.name, description: c.description, weight: c.weight })),
      milestones: milestones.map((m) => ({ position: m.position, name: m.name, dueDate: m.dueDate, deliverables: m.deliverables, paymentShareBp: m.paymentShareBp })),
      invitedOrganisationIds: invitations.map((i) => i.organisationId),
    };
  }

  async categoriesOf(manager: EntityManager, projectId: string): Promise<string[]> {
    const rows = (await manager.query(`SELECT DISTINCT c.category_code FROM project_items pi JOIN catalogue_items c ON c.code = pi.item_code WHERE pi.project_id = $1 ORDER BY 1`, [
      projectId,
    ])) as Array<{ category_code: string }>;
    return rows.map((r) => r.category_code);
  }

  async catalogueEntries(): Promise<Map<string, CatalogueEntry>> {
    const page = await this.catalogue.listItems(Object.assign(new ListItemsQuery(), { page: 1, pageSize: 10_000 }));
    return new Map(page.data.map((i) => [i.code, { categoryCode: i.categoryCode, unitCode: i.unitCode }]));
  }

  private async draftContext(manager: EntityManager, input: ProjectFormInput, now: Date): Promise<DraftContext> {
    const fundId = text(input.fundId);
    const invitedId = text(input.invitedOrganisationId);
    const catalogue = await this.catalogueEntries();
    const rules = await this.rules.listRules(manager);
    const fund = await this.funds.find(fundId, manager);
    const invited = invitedId ? await loadOrganisationFacts(manager, invitedId) : null;
    const calendar = await this.rules.loadCalendar(manager, localDateOf(now));
    return {
      catalogue,
      rules,
      fund: fund ? { id: fund.id, availableMinor: availableMinor(fund), isActive: fund.isActive } : null,
      invited: invited ? { id: invited.id, status: invited.status } : null,
      calendar,
      now,
    };
  }

  private async checkDraft(manager: EntityManager, input: ProjectFormInput, now: Date): Promise<ProjectDraft> {
    const { draft, problems } = checkProjectDraft(input, await this.draftContext(manager, input, now));
    if (!draft) throw new ProcurementValidationError(problems, 'The project has problems', 'PROCUREMENT.PROJECT_INVALID');
    return draft;
  }

  private columnsOf(d: ProjectDraft): Partial<Project> {
    return {
      purchaserLevel: d.purchaserLevel,
      purchaserName: d.purchaserName,
      title: d.title,
      description: d.description,
      serviceArea: d.serviceArea,
      serviceStart: d.serviceStart,
      serviceEnd: d.serviceEnd,
      longPeriodJustification: d.longPeriodJustification,
      budgetCeilingMinor: d.budgetCeilingMinor,
      fundId: d.fundId,
      plannedReservationMinor: d.reservationMinor,
      method: d.method,
      methodRuleId: d.rule.id,
      priceWeight: d.priceWeight,
      eligibilityCategories: d.eligibilityCategories,
      eligibilityMinSocialWorkers: d.eligibilityMinSocialWorkers,
      eligibilityMinGrade: d.eligibilityMinGrade,
      questionDeadlineAt: d.questionDeadline,
      bidDeadlineAt: d.bidDeadline,
    };
  }

  private async writeChildren(manager: EntityManager, projectId: string, d: ProjectDraft): Promise<void> {
    if (d.items.length) {
      await manager.insert(
        ProjectItemRecord,
        d.items.map((i) => ({ projectId, position: i.position, itemCode: i.itemCode, quantity: i.quantity, unitCode: i.unitCode, notes: i.notes })),
      );
    }
    if (d.criteria.length)
      await manager.insert(
        ProjectCriterionRecord,
        d.criteria.map((c) => ({ projectId, ...c })),
      );
    if (d.milestones.length)
      await manager.insert(
        ProjectMilestoneRecord,
        d.milestones.map((m) => ({ projectId, ...m })),
      );
    if (d.invitedOrganisationId) await manager.insert(ProjectInvitation, { projectId, organisationId: d.invitedOrganisationId });
  }

  /** Organisations following a project: those that bid on it or asked a question about it (they hear of amendments and cancellation). */
  private async followerOrganisations(manager: EntityManager, projectId: string): Promise<string[]> {
    const rows = (await manager.query(`SELECT organisation_id FROM bids WHERE project_id = $1 UNION SELECT organisation_id FROM project_questions WHERE project_id = $1`, [projectId])) as Array<{
      organisation_id: string;
    }>;
    return rows.map((r) => r.organisation_id);
  }

  /** Approved organisations registered for the project's categories (told about a new project). */
  private async organisationsFor(manager: EntityManager, categories: string[], mustMatch: boolean): Promise<string[]> {
    const rows = (await manager.query(
      mustMatch
        ? `SELECT id FROM organisations WHERE status = 'approved' AND service_categories @> $1::text[]`
        : `SELECT id FROM organisations WHERE status = 'approved' AND service_categories && $1::text[]`,
      [categories],
    )) as Array<{ id: string }>;
    return rows.map((r) => r.id);
  }
}
