import { randomBytes, randomInt } from 'node:crypto';
import { Actor } from '../../src/audit/actor';
import { Award } from '../../src/awards/award.entity';
import { AwardsService } from '../../src/awards/awards.service';
import { advanceClock, dbNow } from '../support/clock';
import { TestApp } from '../support/test-app';
import { Session, TEST_PASSWORD, createUser, signIn } from './users';
import { enterCalendarYears } from '../support/calendar';

/**
 * Award-stage fixtures written straight in SQL, as procurement, bidding and evaluation would
 * leave them: a fund and a project in evaluation, opened bids, and a signed-off evaluation round
 * with its committee and exact results. Independent of the evaluation module being written.
 */

export interface TestUser {
  id: string;
  email: string;
  password: string;
  displayName: string;
  roles: string[];
}

export interface Bidder {
  organisationId: string;
  nameZh: string;
  bidId: string;
  priceMinor: number;
  rank: number;
  /** org_member + org_admin. */
  admin: TestUser;
  /** org_member only. */
  member: TestUser;
}

export interface EvaluatedProject {
  id: string;
  reference: string;
  title: string;
  fundId: string;
  reservedMinor: number;
  evaluationId: string;
  officer: TestUser;
  bidders: Bidder[];
  /** Committee experts; experts[0] also holds the bureau_approver role. */
  experts: TestUser[];
  /** The bureau representative on the committee, a bureau_approver. */
  representative: TestUser;
  milestones: Array<{ position: number; name: string; dueDate: string; shareBp: number }>;
}

export interface BidderSpec {
  nameZh?: string;
  priceMinor: number;
  priceScore: string;
  technicalScore: string;
  totalScore: string;
  rank: number;
  isValid?: boolean;
}

export const DEFAULT_BIDDERS: BidderSpec[] = [
  { nameZh: '浦东新区晨光社工服务中心', priceMinor: 18_000_000, priceScore: '88/3', technicalScore: '5615/100', totalScore: '257/3', rank: 1 },
  { nameZh: '联洋社区互助服务社', priceMinor: 17_500_050, priceScore: '30', technicalScore: '1079/20', totalScore: '8395/100', rank: 2 },
  { nameZh: '花木街道睦邻服务中心', priceMinor: 19_200_000, priceScore: '55/2', technicalScore: '1011/20', totalScore: '7805/100', rank: 3 },
];

const CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

function creditCode(): string {
  let tail = '';
  for (let i = 0; i < 10; i++) tail += CODE_CHARS[randomInt(CODE_CHARS.length)];
  return `52310115${tail}`;
}

async function user(t: TestApp, roles: string[], displayName: string, organisationId: string | null = null): Promise<TestUser> {
  const u = await createUser(t, { roles, displayName, organisationId });
  return { id: u.id, email: u.email, password: TEST_PASSWORD, displayName, roles };
}

export function actorOf(u: { id: string; roles: string[] }, organisationId: string | null = null): Actor {
  return { userId: u.id, roles: u.roles, organisationId, requestId: null, ip: null };
}

let counter = 0;

/**
 * A project in evaluation whose round 1 is signed off: bidders (default three, ranked 1–3 with
 * exact "n/d" scores), a committee of four experts and a bureau representative, a fund holding
 * the project's reservation. Shares default to 33.33/33.33/33.34 % so amounts need exact allocation.
 */
export async function createEvaluatedProject(
  t: TestApp,
  options: {
    bidders?: BidderSpec[];
    evaluationStatus?: 'signed_off' | 'review' | 'scoring';
    reservedMinor?: number;
    fundTotalMinor?: number;
    title?: string;
    shares?: number[];
  } = {},
): Promise<EvaluatedProject> {
  counter += 1;
  // Its periods (challenge, answer, publication) may reach next year: enter that year's (test) holidays.
  await enterCalendarYears(t);
  const tag = randomBytes(2).toString('hex');
  const specs = options.bidders ?? DEFAULT_BIDDERS.map((b) => ({ ...b, nameZh: `${b.nameZh}${counter}${tag}` }));
  const reservedMinor = options.reservedMinor ?? 20_000_000;
  const officer = await user(t, ['bureau_officer'], `经办人${counter}`);
  const [fund] = (await t.dataSource.query(
    `INSERT INTO funds (name, fiscal_year, owner_level, owner_unit, total_minor, reserved_minor, created_by)
     VALUES ($1, 2026, 'district', '示范区民政局', $2, $3, $4) RETURNING id`,
    [`社区养老服务专项资金-${tag}-${counter}`, options.fundTotalMinor ?? 100_000_000, reservedMinor, officer.id],
  )) as Array<{ id: string }>;
  const title = options.title ?? `联洋社区居家养老上门服务项目 ${counter}`;
  const [project] = (await t.dataSource.query(
    `INSERT INTO projects (reference, purchaser_level, purchaser_name, title, description, service_area, service_start, service_end,
       budget_ceiling_minor, fund_id, reserved_minor, method, method_rule_id, price_weight, eligibility_categories, status,
       published_at, question_deadline_at, bid_deadline_at, closed_at, opened_at, created_by)
     SELECT 'WH-' || to_char(app_now() AT TIME ZONE 'Asia/Shanghai', 'YYYY') || '-' || lpad(nextval('project_reference_seq')::text, 4, '0'),
       'district', '示范区民政局', $1, '为联洋社区 80 岁以上独居老人提供每周两次上门探访、助餐和健康监测服务。', ARRAY['联洋社区', '阳光社区'],
       DATE '2027-01-01', DATE '2027-12-31', $2, $3, $2, 'open_tender', r.id, 30, true, 'evaluation',
       app_now() - interval '40 days', app_now() - interval '30 days', app_now() - interval '20 days', app_now() - interval '20 days', app_now() - interval '20 days', $4
       FROM procurement_method_rules r WHERE r.method = 'open_tender' ORDER BY r.effective_from DESC LIMIT 1
     RETURNING id, reference`,
    [title, reservedMinor, fund.id, officer.id],
  )) as Array<{ id: string; reference: string }>;
  await t.dataSource.query(
    `INSERT INTO project_items (project_id, position, item_code, quantity, unit_code, notes)
     SELECT $1, row_number() OVER (ORDER BY code), code, 1200, unit_code, NULL FROM (SELECT code, unit_code FROM catalogue_items WHERE category_code = 'C01' ORDER BY code LIMIT 2) c`,
    [project.id],
  );
  const shares = options.shares ?? [3333, 3333, 3334];
  const names = ['服务启动与需求评估', '中期服务交付与评估', '全年服务交付与结项评估'];
  const dues = ['2027-03-31', '2027-06-30', '2027-12-31'];
  const milestones = shares.map((shareBp, i) => ({ position: i + 1, name: names[i] ?? `阶段${i + 1}`, dueDate: dues[i] ?? `2027-1${i - 2}-15`, shareBp }));
  for (const m of milestones) {
    await t.dataSource.query(`INSERT INTO project_milestones (project_id, position, name, due_date, deliverables, payment_share_bp) VALUES ($1, $2, $3, $4, $5, $6)`, [
      project.id,
      m.position,
      m.name,
      m.dueDate,
      `${m.name}报告、服务记录`,
      m.shareBp,
    ]);
  }

  await t.dataSource.query(`INSERT INTO bid_openings (project_id, opened_at, opened_by, trigger, bid_count) VALUES ($1, app_now() - interval '20 days', NULL, 'job', $2)`, [project.id, specs.length]);
  const bidders: Bidder[] = [];
  for (const [i, spec] of specs.entries()) {
    const nameZh = spec.nameZh ?? `测试社工服务中心${counter}-${i}`;
    const [org] = (await t.dataSource.query(
      `INSERT INTO organisations (name_zh, credit_code, registration_track, registering_authority, legal_representative, contact_person,
         contact_phone, sub_district, community, street_address, founded_on, registered_capital_minor, organisation_type,
         service_categories, staff_count, social_worker_count, evaluation_grade, status, approved_at)
       VALUES ($1, $2, 'registered', '浦东新区民政局', '张伟', '李娜', '021 5555 0101', '花木街道', '联洋社区', '芳甸路 1 号', '2016-05-01', 5000000,
         'social_service_agency', ARRAY['C01','C02'], 20, 6, '3A', 'approved', now())
       RETURNING id`,
      [nameZh, creditCode()],
    )) as Array<{ id: string }>;
    const admin = await user(t, ['org_member', 'org_admin'], `管理员${i}`, org.id);
    const member = await user(t, ['org_member'], `成员${i}`, org.id);
    const [bid] = (await t.dataSource.query(
      `INSERT INTO bids (project_id, organisation_id, status, current_version, first_submitted_at, last_changed_at)
       VALUES ($1, $2, 'submitted', 1, app_now() - interval '25 days', app_now() - interval '25 days') RETURNING id`,
      [project.id, org.id],
    )) as Array<{ id: string }>;
    const content = {
      format: 'marketplace/sealed-bid/1',
      projectId: project.id,
      organisationId: org.id,
      bidId: bid.id,
      version: 1,
      priceMinor: spec.priceMinor,
      currency: 'CNY',
      proposal: '依托社区睦邻点，组建社工加志愿者的双工团队。',
      team: [{ name: '王芳', role: '项目主管', qualifications: '中级社会工作师' }],
      deliveryPlan: milestones.map((m) => ({ milestone: m.position, milestoneName: m.name, plan: `阶段${m.position}：完成${m.name}。` })),
      attachments: [],
      declaration: { accepted: true, text: '独立投标声明', signerName: '张伟' },
      nonce: randomBytes(16).toString('base64'),
    };
    await t.dataSource.query(
      `INSERT INTO opened_bids (bid_id, project_id, organisation_id, version, submitted_at, receipt_sha256, decrypted, price_minor, content)
       VALUES ($1, $2, $3, 1, app_now() - interval '25 days', $4, true, $5, $6::jsonb)`,
      [bid.id, project.id, org.id, randomBytes(32).toString('hex'), spec.priceMinor, JSON.stringify(content)],
    );
    bidders.push({ organisationId: org.id, nameZh, bidId: bid.id, priceMinor: spec.priceMinor, rank: spec.rank, admin, member });
  }

  const experts = [
    await user(t, ['evaluator', 'bureau_approver'], `王评审${counter}`),
    await user(t, ['evaluator'], `李评审${counter}`),
    await user(t, ['evaluator'], `赵评审${counter}`),
    await user(t, ['evaluator'], `钱评审${counter}`),
  ];
  const representative = await user(t, ['bureau_approver'], `孙代表${counter}`);
  const status = options.evaluationStatus ?? 'signed_off';
  const [evaluation] = (await t.dataSource.query(
    `INSERT INTO evaluations (project_id, round, status, committee_size, requested_by, created_at, scoring_closed_at, signed_off_at, scoring, price_weight)
     VALUES ($1, 1, $2, 5, $3, app_now() - interval '15 days', app_now() - interval '2 days', CASE WHEN $2 = 'signed_off' THEN app_now() - interval '1 day' END, 'comprehensive', 30)
     RETURNING id`,
    [project.id, status, officer.id],
  )) as Array<{ id: string }>;
  const members: Array<[TestUser, string, boolean]> = [
    [experts[0], 'expert', true],
    [experts[1], 'expert', false],
    [experts[2], 'expert', false],
    [experts[3], 'expert', false],
    [representative, 'bureau_representative', false],
  ];
  for (const [u, role, isChair] of members) {
    await t.dataSource.query(
      `INSERT INTO committee_members (evaluation_id, user_id, role, is_chair, status, declared_at, declaration_sha256, declaration_text, declaration_signer, signed_off_at)
       VALUES ($1, $2, $3, $4, 'declared', app_now() - interval '14 days', $5, '本人与各投标人无利害关系。', $6, CASE WHEN $7 THEN app_now() - interval '1 day' END)`,
      [evaluation.id, u.id, role, isChair, randomBytes(32).toString('hex'), u.displayName, status === 'signed_off'],
    );
  }
  for (const [i, spec] of specs.entries()) {
    await t.dataSource.query(
      `INSERT INTO evaluation_results (evaluation_id, bid_id, organisation_id, price_minor, price_score, technical_score, total_score, rank)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [evaluation.id, bidders[i].bidId, bidders[i].organisationId, spec.priceMinor, spec.priceScore, spec.technicalScore, spec.totalScore, spec.rank],
    );
    if (spec.isValid === false) {
      await t.dataSource.query(
        `INSERT INTO qualification_reviews (evaluation_id, bid_id, is_valid, reason, reason_code, decided_by, decided_at) VALUES ($1, $2, false, '未提供有效资质证明', 'missing_document', $3, app_now() - interval '10 days')`,
        [evaluation.id, bidders[i].bidId, experts[1].id],
      );
    }
  }
  return { id: project.id, reference: project.reference, title, fundId: fund.id, reservedMinor, evaluationId: evaluation.id, officer, bidders, experts, representative, milestones };
}

/** A bureau approver who took no part in any evaluation. */
export function createApprover(t: TestApp, displayName = '周审批'): Promise<TestUser> {
  return user(t, ['bureau_approver'], displayName);
}

export function createOfficer(t: TestApp, displayName = '吴经办'): Promise<TestUser> {
  return user(t, ['bureau_officer'], displayName);
}

export function signInAsUser(t: TestApp, u: TestUser): Promise<Session> {
  return signIn(t, u);
}

/** Awards through the service (the top-ranked bid unless told), as an independent approver. */
export async function awardProject(t: TestApp, project: EvaluatedProject, options: { approver?: TestUser; bidId?: string; reason?: string } = {}): Promise<Award> {
  const approver = options.approver ?? (await createApprover(t));
  const top = [...project.bidders].sort((a, b) => a.rank - b.rank)[0];
  return t.app.get(AwardsService).awardProject(actorOf(approver), project.id, { bidId: options.bidId ?? top.bidId, reason: options.reason });
}

/** Moves the database clock just past the award's challenge period. */
export async function passChallengePeriod(t: TestApp, awardId: string, extraMs = 60_000): Promise<void> {
  const [row] = (await t.dataSource.query(`SELECT challenge_period_ends_at FROM awards WHERE id = $1`, [awardId])) as Array<{ challenge_period_ends_at: Date }>;
  const now = await dbNow(t.dataSource);
  await advanceClock(t.dataSource, row.challenge_period_ends_at.getTime() - now.getTime() + extraMs);
}

/** Files a challenge through the page (multipart; the CSRF token as a body field). */
export function fileChallenge(session: Session, awardId: string, grounds: string, attachments: Array<{ name: string; bytes: Buffer }> = []) {
  let req = session.agent.post(`/organisation/awards/${awardId}/challenge`).field('_csrf', session.csrf).field('grounds', grounds);
  for (const a of attachments) req = req.attach('attachments', a.bytes, a.name);
  return req;
}

export async function fundRow(t: TestApp, fundId: string): Promise<{ reserved: number; committed: number; total: number }> {
  const [row] = (await t.dataSource.query(`SELECT reserved_minor, committed_minor, total_minor FROM funds WHERE id = $1`, [fundId])) as Array<Record<string, string>>;
  return { reserved: Number(row.reserved_minor), committed: Number(row.committed_minor), total: Number(row.total_minor) };
}

export async function auditActions(t: TestApp, entityType: string, entityId: string): Promise<string[]> {
  const rows = (await t.dataSource.query(`SELECT action FROM audit_events WHERE entity_type = $1 AND entity_id = $2 ORDER BY id`, [entityType, entityId])) as Array<{ action: string }>;
  return rows.map((r) => r.action);
}
