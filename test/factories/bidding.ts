import { randomBytes, randomInt } from 'node:crypto';
import { TestApp } from '../support/test-app';
import { Session, TEST_PASSWORD, createUser, signIn } from './users';
import { enterCalendarYears } from '../support/calendar';

/**
 * Sealed-bidding fixtures written straight in SQL: approved organisations with a member account,
 * and a fund plus a published project (items, milestones, timetable on the database clock), as
 * procurement would leave them. Independent of the procurement pages, which bidding does not need.
 */

const CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

function creditCode(): string {
  let tail = '';
  for (let i = 0; i < 10; i++) tail += CODE_CHARS[randomInt(CODE_CHARS.length)];
  return `52310115${tail}`;
}

export interface OrganisationOverrides {
  nameZh?: string;
  status?: 'approved' | 'suspended' | 'submitted' | 'draft';
  serviceCategories?: string[];
  staffCount?: number;
  socialWorkerCount?: number;
  evaluationGrade?: string;
}

export interface BiddingOrganisation {
  organisationId: string;
  nameZh: string;
  user: { id: string; email: string; password: string };
  session: Session;
}

let orgCounter = 0;

/** An organisation (approved unless told otherwise) with one org_member account, signed in. */
export async function createBiddingOrganisation(t: TestApp, overrides: OrganisationOverrides = {}): Promise<BiddingOrganisation> {
  orgCounter += 1;
  const nameZh = overrides.nameZh ?? `晨光社工服务中心${orgCounter}-${randomBytes(2).toString('hex')}`;
  const status = overrides.status ?? 'approved';
  const [row] = (await t.dataSource.query(
    `INSERT INTO organisations (name_zh, credit_code, registration_track, registering_authority, legal_representative, contact_person,
       contact_phone, sub_district, community, street_address, founded_on, registered_capital_minor, organisation_type,
       service_categories, staff_count, social_worker_count, evaluation_grade, status, status_reason, approved_at)
     VALUES ($1, $2, 'registered', '区民政局', '张伟', '李娜', '021 5555 0101', '花木街道', '联洋社区', '芳甸路 1 号', '2016-05-01', 5000000,
       'social_service_agency', $3, $4, $5, $6, $7, $8, CASE WHEN $7 = 'approved' THEN now() END)
     RETURNING id`,
    [
      nameZh,
      creditCode(),
      overrides.serviceCategories ?? ['C01', 'C02', 'C03'],
      overrides.staffCount ?? 20,
      overrides.socialWorkerCount ?? 6,
      overrides.evaluationGrade ?? '3A',
      status,
      status === 'suspended' ? '年检未通过，暂停投标资格' : null,
    ],
  )) as Array<{ id: string }>;
  const user = await createUser(t, { roles: ['org_member'], organisationId: row.id });
  return { organisationId: row.id, nameZh, user: { id: user.id, email: user.email, password: TEST_PASSWORD }, session: await signIn(t, user) };
}

export interface ProjectOverrides {
  method?: 'open_tender' | 'competitive_consultation' | 'single_source';
  budgetCeilingMinor?: number;
  /** Deadline this many ms after the database clock's now (default one hour). */
  deadlineInMs?: number;
  categoryCode?: string;
  minSocialWorkers?: number | null;
  minGrade?: string | null;
  invitedOrganisationId?: string;
  status?: 'published' | 'draft';
}

export interface BiddingProject {
  id: string;
  reference: string;
  title: string;
  fundId: string;
  budgetCeilingMinor: number;
  bidDeadlineAt: Date;
  milestones: Array<{ position: number; name: string }>;
}

let projectCounter = 0;

/** A fund and a published project on it (reservation = ceiling), created by a bureau officer. */
export async function createPublishedProject(t: TestApp, overrides: ProjectOverrides = {}): Promise<BiddingProject> {
  // Its periods (challenge, answer, publication) may reach next year: enter that year's (test) holidays.
  await enterCalendarYears(t);
  projectCounter += 1;
  const officer = await createUser(t, { roles: ['bureau_officer'] });
  const ceiling = overrides.budgetCeilingMinor ?? 20_000_000;
  const method = overrides.method ?? 'competitive_consultation';
  const [fund] = (await t.dataSource.query(
    `INSERT INTO funds (name, fiscal_year, owner_level, owner_unit, total_minor, reserved_minor, created_by)
     VALUES ($1, 2026, 'district', '区民政局', 100000000, $2, $3) RETURNING id`,
    [`社区服务专项资金-${randomBytes(4).toString('hex')}`, ceiling, officer.id],
  )) as Array<{ id: string }>;
  // The shape the app gives references (WH-<year>-<digits>): the public notice answers 404 to any other.
  const reference = `WH-2026-8${String(projectCounter).padStart(3, '0')}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
  const title = `联洋社区居家养老上门服务项目 ${projectCounter}`;
  const deadlineMs = overrides.deadlineInMs ?? 3_600_000;
  const [project] = (await t.dataSource.query(
    `INSERT INTO projects (reference, purchaser_level, purchaser_name, title, description, service_area, service_start, service_end,
       budget_ceiling_minor, fund_id, reserved_minor, method, method_rule_id, price_weight, eligibility_categories,
       eligibility_min_social_workers, eligibility_min_grade, status, published_at, question_deadline_at, bid_deadline_at, created_by)
     SELECT $1, 'district', '区民政局', $2, '为联洋社区 80 岁以上独居老人提供每周两次上门探访、助餐和健康监测服务。', ARRAY['联洋社区'],
       DATE '2027-01-01', DATE '2027-12-31', $3, $4, $3, $5, r.id, 30, true, $6, $7, $8,
       app_now() - interval '10 days', app_now() + make_interval(secs => $9 / 2000.0), app_now() + make_interval(secs => $9 / 1000.0), $10
       FROM procurement_method_rules r WHERE r.method = $5
     RETURNING id, bid_deadline_at`,
    [reference, title, ceiling, fund.id, method, overrides.minSocialWorkers ?? null, overrides.minGrade ?? null, overrides.status ?? 'published', deadlineMs, officer.id],
  )) as Array<{ id: string; bid_deadline_at: Date }>;
  const [item] = (await t.dataSource.query(`SELECT code FROM catalogue_items WHERE category_code = $1 ORDER BY code LIMIT 1`, [overrides.categoryCode ?? 'C01'])) as Array<{ code: string }>;
  await t.dataSource.query(`INSERT INTO project_items (project_id, position, item_code, quantity, unit_code) SELECT $1, 1, code, 1000, unit_code FROM catalogue_items WHERE code = $2`, [
    project.id,
    item.code,
  ]);
  const milestones = [
    { position: 1, name: '服务启动与需求评估', due: '2027-03-31', share: 3000 },
    { position: 2, name: '全年服务交付与结项评估', due: '2027-12-31', share: 7000 },
  ];
  for (const m of milestones) {
    await t.dataSource.query(`INSERT INTO project_milestones (project_id, position, name, due_date, deliverables, payment_share_bp) VALUES ($1, $2, $3, $4, '', $5)`, [
      project.id,
      m.position,
      m.name,
      m.due,
      m.share,
    ]);
  }
  if (overrides.invitedOrganisationId) {
    await t.dataSource.query(`INSERT INTO project_invitations (project_id, organisation_id) VALUES ($1, $2)`, [project.id, overrides.invitedOrganisationId]);
  }
  return { id: project.id, reference, title, fundId: fund.id, budgetCeilingMinor: ceiling, bidDeadlineAt: project.bid_deadline_at, milestones };
}

/** A complete bid as the JSON API takes it. */
export function bidPayload(project: Pick<BiddingProject, 'milestones'>, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    price: '186000.50',
    proposal: '依托社区睦邻点，组建社工加志愿者的双工团队，为独居老人建立一人一档，每周两次上门探访并开展健康监测。\n\n第二段：建立紧急呼叫响应机制。',
    team: [
      { name: '王芳', role: '项目主管', qualifications: '中级社会工作师' },
      { name: '陈磊', role: '社工', qualifications: '助理社会工作师' },
    ],
    deliveryPlan: project.milestones.map((m) => ({ milestone: m.position, plan: `阶段${m.position}：完成${m.name}的各项工作。` })),
    declarationAccepted: true,
    declarationSigner: '张伟',
    ...overrides,
  };
}

/** POSTs a bid through the JSON API with the session's CSRF token. */
export function submitBid(session: Session, projectId: string, payload: Record<string, unknown>) {
  return session.agent.post(`/api/v1/projects/${projectId}/bids`).set('X-CSRF-Token', session.csrf).send(payload);
}

export { TEST_PASSWORD };

/** A published project open for bids and an approved organisation signed in to bid on it: the start of most bidding tests. */
export async function createProjectWithBidder(t: TestApp, overrides: ProjectOverrides = {}): Promise<{ project: BiddingProject; org: BiddingOrganisation }> {
  const project = await createPublishedProject(t, overrides);
  const org = await createBiddingOrganisation(t);
  return { project, org };
}
