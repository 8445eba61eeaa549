import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock/clock';
import { Criterion } from './domain/criteria';
import { EligibilityProblem, eligibilityProblems } from './domain/eligibility';
import { MethodRule } from './domain/method-rules';
import { Milestone } from './domain/milestones';
import { PaymentTerms } from './domain/payment-terms';
import { PUBLIC_STATUSES, ProjectStatus } from './domain/project-lifecycle';
import { Fund } from './fund.entity';
import { FundsService } from './funds.service';
import { OrganisationFacts, loadOrganisationFacts } from './organisation-facts';
import { ProcurementRulesService } from './procurement-rules.service';
import { ProjectNotFoundError } from './procurement.errors';
import { Project, ProjectAmendment } from './project.entity';
import { ProjectsService } from './projects.service';
import { isUuid } from '../common/validation/uuid';

export interface ProjectItemView {
  position: number;
  itemCode: string;
  quantity: number;
  unitCode: string;
  notes: string | null;
  categoryCode: string;
  nameZh: string;
  nameEn: string;
  unitZh: string;
  unitEn: string;
}

export interface QuestionView {
  id: string;
  question: string;
  askedAt: Date;
  answer: string | null;
  answeredAt: Date | null;
  /** Only for staff pages and the asker's own organisation; never on public pages. */
  organisationId: string;
  organisationName: string;
}

export interface ProjectDetail {
  project: Project;
  items: ProjectItemView[];
  criteria: Criterion[];
  milestones: Milestone[];
  invited: Array<{ id: string; nameZh: string }>;
  amendments: ProjectAmendment[];
  questions: QuestionView[];
  fund: Fund;
  rule: MethodRule | null;
  categoryCodes: string[];
}

export interface ProjectListRow {
  id: string;
  reference: string;
  title: string;
  status: ProjectStatus;
  method: string;
  purchaserName: string;
  budgetCeilingMinor: number;
  publishedAt: Date | null;
  questionDeadlineAt: Date | null;
  bidDeadlineAt: Date | null;
  unanswered: number;
  categoryCodes: string[];
}

export interface Page<T> {
  data: T[];
  meta: { page: number; pageSize: number; total: number };
}

interface ListRow {
  id: string;
  reference: string;
  title: string;
  status: ProjectStatus;
  method: string;
  purchaser_name: string;
  budget_ceiling_minor: string;
  published_at: Date | null;
  question_deadline_at: Date | null;
  bid_deadline_at: Date | null;
  unanswered: number;
  category_codes: string[] | null;
  total: number;
}

const LIST_COLUMNS = `p.id, p.reference, p.title, p.status, p.method, p.purchaser_name, p.budget_ceiling_minor, p.published_at,
  p.question_deadline_at, p.bid_deadline_at,
  (SELECT count(*)::int FROM project_questions q WHERE q.project_id = p.id AND q.answer IS NULL) AS unanswered,
  (SELECT array_agg(DISTINCT c.category_code ORDER BY c.category_code) FROM project_items pi JOIN catalogue_items c ON c.code = pi.item_code
    WHERE pi.project_id = p.id) AS category_codes,
  count(*) OVER ()::int AS total`;

function toListRow(r: ListRow): ProjectListRow {
  return {
    id: r.id,
    reference: r.reference,
    title: r.title,
    status: r.status,
    method: r.method,
    purchaserName: r.purchaser_name,
    budgetCeilingMinor: Number(r.budget_ceiling_minor),
    publishedAt: r.published_at,
    questionDeadlineAt: r.question_deadline_at,
    bidDeadlineAt: r.bid_deadline_at,
    unanswered: r.unanswered,
    categoryCodes: r.category_codes ?? [],
  };
}

/** Read models of projects for the staff, organisation and public pages. */
@Injectable()
export class ProjectQueries {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly projects: ProjectsService,
    private readonly funds: FundsService,
    private readonly rules: ProcurementRulesService,
    private readonly clock: Clock,
  ) {}

  now(): Promise<Date> {
    return this.clock.now(this.dataSource.manager);
  }

  async getDetail(id: string, manager: EntityManager = this.dataSource.manager): Promise<ProjectDetail> {
    const project = isUuid(id) ? await manager.findOneBy(Project, { id }) : null;
    if (!project) throw new ProjectNotFoundError();
    return this.detailOf(manager, project);
  }

  /** A published (or later) project by its reference; drafts do not exist publicly. */
  /** The payment terms fixed when the project was published (null before publication): shown on the award notice. */
  async paymentTermsOf(projectId: string): Promise<PaymentTerms | null> {
    const project = await this.dataSource.manager.findOne(Project, { where: { id: projectId }, select: { id: true, paymentTerms: true } });
    return project?.paymentTerms ?? null;
  }

  async getPublicByReference(reference: string): Promise<ProjectDetail> {
    const project = /^WH-\d{4}-\d{4,}$/.test(reference) ? await this.dataSource.manager.findOneBy(Project, { reference }) : null;
    if (!project || project.status === 'draft') throw new ProjectNotFoundError();
    return this.detailOf(this.dataSource.manager, project);
  }

  /** A project as organisations see it: never a draft. */
  async getPublished(id: string): Promise<ProjectDetail> {
    const detail = await this.getDetail(id);
    if (detail.project.status === 'draft') throw new ProjectNotFoundError();
    return detail;
  }

  private async detailOf(manager: EntityManager, project: Project): Promise<ProjectDetail> {
    const children = await this.projects.loadChildren(manager, project.id);
    const items = (await manager.query(
      `SELECT pi.position, pi.item_code, pi.quantity, pi.unit_code, pi.notes, c.category_code, c.name_zh, c.name_en, c.unit_zh, c.unit_en
         FROM project_items pi JOIN catalogue_items c ON c.code = pi.item_code WHERE pi.project_id = $1 ORDER BY pi.position`,
      [project.id],
    )) as Array<Record<string, string | number | null>>;
    const amendments = await manager.find(ProjectAmendment, { where: { projectId: project.id }, order: { sequence: 'ASC' } });
    const questions = (await manager.query(
      `SELECT q.id, q.question, q.asked_at, q.answer, q.answered_at, q.organisation_id, o.name_zh
         FROM project_questions q JOIN organisation_labels o ON o.id = q.organisation_id WHERE q.project_id = $1 ORDER BY q.asked_at`,
      [project.id],
    )) as Array<{ id: string; question: string; asked_at: Date; answer: string | null; answered_at: Date | null; organisation_id: string; name_zh: string }>;
    const fund = await this.funds.get(project.fundId, manager);
    const rule = await this.rules.getRule(project.methodRuleId, manager);
    const categoryCodes = await this.projects.categoriesOf(manager, project.id);
    const invited = children.invitedOrganisationIds.length
      ? ((await manager.query(`SELECT id, name_zh FROM organisation_labels WHERE id = ANY($1::uuid[])`, [children.invitedOrganisationIds])) as Array<{ id: string; name_zh: string }>).map((o) => ({
          id: o.id,
          nameZh: o.name_zh,
        }))
      : [];
    return {
      project,
      items: items.map((r) => ({
        position: Number(r.position),
        itemCode: String(r.item_code),
        quantity: Number(r.quantity),
        unitCode: String(r.unit_code),
        notes: (r.notes as string | null) ?? null,
        categoryCode: String(r.category_code),
        nameZh: String(r.name_zh),
        nameEn: String(r.name_en),
        unitZh: String(r.unit_zh),
        unitEn: String(r.unit_en),
      })),
      criteria: children.criteria,
      milestones: children.milestones,
      invited,
      amendments,
      questions: questions.map((q) => ({
        id: q.id,
        question: q.question,
        askedAt: q.asked_at,
        answer: q.answer,
        answeredAt: q.answered_at,
        organisationId: q.organisation_id,
        organisationName: q.name_zh,
      })),
      fund,
      rule,
      categoryCodes,
    };
  }

  async listForStaff(filter: { status?: string; page: number; pageSize: number }): Promise<Page<ProjectListRow>> {
    const rows = (await this.dataSource.query(
      `SELECT ${LIST_COLUMNS} FROM projects p
        WHERE ($1::text IS NULL OR p.status = $1)
        ORDER BY (p.status = 'draft') DESC, coalesce(p.published_at, p.updated_at) DESC
        LIMIT $2 OFFSET $3`,
      [filter.status ?? null, filter.pageSize, (filter.page - 1) * filter.pageSize],
    )) as ListRow[];
    return { data: rows.map(toListRow), meta: { page: filter.page, pageSize: filter.pageSize, total: rows[0]?.total ?? 0 } };
  }

  async statusCounts(): Promise<Record<string, number>> {
    const rows = (await this.dataSource.query(`SELECT status, count(*)::int AS n FROM projects GROUP BY status`)) as Array<{ status: string; n: number }>;
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  /** The public notice board: every project but drafts, newest first. */
  async listPublic(filter: { status?: string; category?: string; page: number; pageSize: number }): Promise<Page<ProjectListRow>> {
    const statuses = filter.status ? [filter.status].filter((s) => (PUBLIC_STATUSES as readonly string[]).includes(s)) : [...PUBLIC_STATUSES];
    const rows = (await this.dataSource.query(
      `SELECT ${LIST_COLUMNS} FROM projects p
        WHERE p.status = ANY($1::text[]) AND p.status <> 'draft'
          AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM project_items pi JOIN catalogue_items c ON c.code = pi.item_code
                                             WHERE pi.project_id = p.id AND c.category_code = $2))
        ORDER BY p.published_at DESC, p.reference DESC
        LIMIT $3 OFFSET $4`,
      [statuses, filter.category ?? null, filter.pageSize, (filter.page - 1) * filter.pageSize],
    )) as ListRow[];
    return { data: rows.map(toListRow), meta: { page: filter.page, pageSize: filter.pageSize, total: rows[0]?.total ?? 0 } };
  }

  /** Projects open for bids now, each with what (if anything) keeps the organisation from bidding. */
  async listOpenFor(organisationId: string | null): Promise<{ organisation: OrganisationFacts | null; rows: Array<ProjectListRow & { problems: EligibilityProblem[] }> }> {
    const manager = this.dataSource.manager;
    const organisation = organisationId ? await loadOrganisationFacts(manager, organisationId) : null;
    const rows = (await manager.query(
      `SELECT ${LIST_COLUMNS}, p.eligibility_categories, p.eligibility_min_social_workers, p.eligibility_min_grade,
              (SELECT array_agg(organisation_id::text) FROM project_invitations i WHERE i.project_id = p.id) AS invited
         FROM projects p WHERE p.status = 'published' AND p.bid_deadline_at > app_now()
        ORDER BY p.bid_deadline_at ASC`,
    )) as Array<ListRow & { eligibility_categories: boolean; eligibility_min_social_workers: number | null; eligibility_min_grade: string | null; invited: string[] | null }>;
    return {
      organisation,
      rows: rows.map((r) => {
        const row = toListRow(r);
        const problems = organisation
          ? eligibilityProblems(organisation, {
              method: r.method,
              eligibilityCategories: r.eligibility_categories,
              categoryCodes: row.categoryCodes,
              eligibilityMinSocialWorkers: r.eligibility_min_social_workers,
              eligibilityMinGrade: r.eligibility_min_grade,
              invitedOrganisationIds: r.invited ?? [],
            })
          : [];
        return { ...row, problems };
      }),
    };
  }

  async organisationFacts(organisationId: string | null): Promise<OrganisationFacts | null> {
    return organisationId ? loadOrganisationFacts(this.dataSource.manager, organisationId) : null;
  }

  /** The officer's dashboard: drafts, deadlines within 3 days, unanswered questions. */
  async officerDashboard(): Promise<{ drafts: ProjectListRow[]; dueSoon: ProjectListRow[]; unanswered: ProjectListRow[] }> {
    const rows = (await this.dataSource.query(
      `SELECT ${LIST_COLUMNS} FROM projects p
        WHERE p.status = 'draft'
           OR (p.status = 'published' AND (p.bid_deadline_at BETWEEN app_now() AND app_now() + interval '3 days'
                                           OR p.question_deadline_at BETWEEN app_now() AND app_now() + interval '3 days'))
           OR EXISTS (SELECT 1 FROM project_questions q WHERE q.project_id = p.id AND q.answer IS NULL)
        ORDER BY coalesce(p.bid_deadline_at, p.updated_at) ASC
        LIMIT 60`,
    )) as ListRow[];
    const list = rows.map(toListRow);
    const now = await this.now();
    const soon = now.getTime() + 3 * 86_400_000;
    const within = (d: Date | null) => d !== null && d.getTime() >= now.getTime() && d.getTime() <= soon;
    return {
      drafts: list.filter((r) => r.status === 'draft'),
      dueSoon: list.filter((r) => r.status === 'published' && (within(r.bidDeadlineAt) || within(r.questionDeadlineAt))),
      unanswered: list.filter((r) => r.unanswered > 0),
    };
  }
}
