import { createHash, randomBytes } from 'node:crypto';
import { Actor } from '../../src/audit/actor';
import { CommitteeService } from '../../src/evaluation/committee.service';
import { QualificationService } from '../../src/evaluation/qualification.service';
import { ScoringService } from '../../src/evaluation/scoring.service';
import { TestApp } from '../support/test-app';
import { BiddingOrganisation, createBiddingOrganisation } from './bidding';
import { createEvaluator } from './evaluators';
import { createUser } from './users';
import { enterCalendarYears } from '../support/calendar';

/**
 * Evaluation fixtures. An opened project is written straight in SQL (projects, bids,
 * bid_openings, opened_bids with their decrypted content) as the opening leaves it, so these
 * tests do not depend on the bidding module's own path; everything after the opening goes
 * through the real services and pages.
 */

export interface OpenedBidSpec {
  /** Price in fen; omit with `decrypted: false`. */
  priceMinor?: number;
  decrypted?: boolean;
  nameZh?: string;
}

export interface OpenedProjectSpec {
  method?: 'open_tender' | 'competitive_consultation' | 'request_for_quotation' | 'competitive_negotiation';
  budgetCeilingMinor?: number;
  priceWeight?: number;
  criteria?: Array<{ name: string; weight: number }>;
  categoryCode?: string;
  bids: OpenedBidSpec[];
}

export interface OpenedBid {
  bidId: string;
  organisation: BiddingOrganisation;
  priceMinor: number | null;
}

export interface OpenedProject {
  id: string;
  reference: string;
  title: string;
  budgetCeilingMinor: number;
  officer: { id: string; email: string; password: string };
  bids: OpenedBid[];
}

let counter = 0;

export const DEFAULT_CRITERIA = [
  { name: '服务方案', weight: 40 },
  { name: '人员配置', weight: 30 },
];

export async function createOpenedProject(t: TestApp, spec: OpenedProjectSpec): Promise<OpenedProject> {
  // Its periods (challenge, answer, publication) may reach next year: enter that year's (test) holidays.
  await enterCalendarYears(t);
  counter += 1;
  const officer = await createUser(t, { roles: ['bureau_officer'], displayName: `经办人${counter}` });
  const method = spec.method ?? 'open_tender';
  const ceiling = spec.budgetCeilingMinor ?? 30_000_000;
  const priceOnly = method === 'request_for_quotation' || method === 'competitive_negotiation';
  const priceWeight = spec.priceWeight ?? (priceOnly ? 100 : 30);
  const criteria = priceOnly ? [] : (spec.criteria ?? DEFAULT_CRITERIA);
  const [fund] = (await t.dataSource.query(
    `INSERT INTO funds (name, fiscal_year, owner_level, owner_unit, total_minor, reserved_minor, created_by)
     VALUES ($1, 2026, 'district', '区民政局', $2, $3, $4) RETURNING id`,
    [`评审测试专项资金-${randomBytes(4).toString('hex')}`, ceiling * 4, ceiling, officer.id],
  )) as Array<{ id: string }>;
  const reference = `WH-2026-${String(9000 + counter).padStart(4, '0')}${randomBytes(2).toString('hex').toUpperCase()}`;
  const title = `社区居家养老综合服务项目（评审 ${counter}）`;
  const [project] = (await t.dataSource.query(
    `INSERT INTO projects (reference, purchaser_level, purchaser_name, title, description, service_area, service_start, service_end,
       budget_ceiling_minor, fund_id, reserved_minor, method, method_rule_id, price_weight, eligibility_categories, status,
       published_at, question_deadline_at, bid_deadline_at, closed_at, opened_at, created_by)
     SELECT $1, 'district', '示范区民政局', $2, '为辖区 80 岁以上独居老人提供上门探访、助餐与健康监测服务。', ARRAY['阳光社区'],
       DATE '2027-01-01', DATE '2027-12-31', $3, $4, $3, $5, r.id, $6, true, 'opened',
       app_now() - interval '30 days', app_now() - interval '20 days', app_now() - interval '1 day', app_now() - interval '1 day', app_now() - interval '1 day', $7
       FROM procurement_method_rules r WHERE r.method = $5 ORDER BY r.effective_from DESC LIMIT 1
     RETURNING id`,
    [reference, title, ceiling, fund.id, method, priceWeight, officer.id],
  )) as Array<{ id: string }>;
  const [item] = (await t.dataSource.query(`SELECT code, unit_code FROM catalogue_items WHERE category_code = $1 ORDER BY code LIMIT 1`, [spec.categoryCode ?? 'C01'])) as Array<{
    code: string;
    unit_code: string;
  }>;
  await t.dataSource.query(`INSERT INTO project_items (project_id, position, item_code, quantity, unit_code) VALUES ($1, 1, $2, 1000, $3)`, [project.id, item.code, item.unit_code]);
  for (const [i, c] of criteria.entries()) {
    await t.dataSource.query(`INSERT INTO project_criteria (project_id, position, name, description, weight) VALUES ($1, $2, $3, $4, $5)`, [
      project.id,
      i + 1,
      c.name,
      `${c.name}的评审要点`,
      c.weight,
    ]);
  }
  await t.dataSource.query(
    `INSERT INTO project_milestones (project_id, position, name, due_date, deliverables, payment_share_bp) VALUES ($1, 1, '全年服务交付与结项评估', DATE '2027-12-31', '', 10000)`,
    [project.id],
  );
  await t.dataSource.query(`INSERT INTO bid_openings (project_id, opened_at, opened_by, trigger, bid_count) VALUES ($1, app_now() - interval '1 day', $2, 'staff', $3)`, [
    project.id,
    officer.id,
    spec.bids.length,
  ]);
  const bids: OpenedBid[] = [];
  for (const [i, b] of spec.bids.entries()) {
    const organisation = await createBiddingOrganisation(t, { nameZh: b.nameZh });
    const [bid] = (await t.dataSource.query(
      `INSERT INTO bids (project_id, organisation_id, status, current_version, first_submitted_at, last_changed_at)
       VALUES ($1, $2, 'submitted', 1, app_now() - interval '3 days', app_now() - interval '3 days') RETURNING id`,
      [project.id, organisation.organisationId],
    )) as Array<{ id: string }>;
    const decrypted = b.decrypted !== false;
    const content = decrypted
      ? {
          format: 'marketplace/sealed-bid/1',
          projectId: project.id,
          organisationId: organisation.organisationId,
          bidId: bid.id,
          version: 1,
          priceMinor: b.priceMinor,
          currency: 'CNY',
          proposal: `方案 ${i + 1}：依托社区睦邻点组建社工与志愿者双工团队，为独居老人建立一人一档，每周两次上门探访。`,
          team: [{ name: `社工${i + 1}`, role: '项目主管', qualifications: '中级社会工作师' }],
          deliveryPlan: [{ milestone: 1, milestoneName: '全年服务交付与结项评估', plan: '按季度完成探访与评估。' }],
          attachments: [],
          declaration: { accepted: true, text: '独立投标声明', signerName: '张伟' },
          nonce: randomBytes(16).toString('base64'),
        }
      : null;
    const plaintext = content ? JSON.stringify(content) : `sealed-${bid.id}`;
    await t.dataSource.query(
      `INSERT INTO opened_bids (bid_id, project_id, organisation_id, version, submitted_at, receipt_sha256, decrypted, decrypt_error, price_minor, content)
       VALUES ($1, $2, $3, 1, app_now() - interval '3 days', $4, $5, $6, $7, $8::jsonb)`,
      [
        bid.id,
        project.id,
        organisation.organisationId,
        createHash('sha256').update(plaintext).digest('hex'),
        decrypted,
        decrypted ? null : 'decryption failed: unsupported state or unable to authenticate data',
        decrypted ? b.priceMinor : null,
        content ? plaintext : null,
      ],
    );
    bids.push({ bidId: bid.id, organisation, priceMinor: decrypted ? (b.priceMinor ?? null) : null });
  }
  return { id: project.id, reference, title, budgetCeilingMinor: ceiling, officer: { id: officer.id, email: officer.email, password: officer.password }, bids };
}

/** `count` active evaluators expert in `expertise`, with known passwords and readable names. */
export async function createEvaluatorPool(t: TestApp, count: number, options: { expertise?: string[]; prefix?: string } = {}) {
  const pool = [];
  for (let i = 0; i < count; i++) {
    pool.push(await createEvaluator(t, { expertise: options.expertise ?? ['C01'], displayName: `${options.prefix ?? '专家'}${String.fromCharCode(0x7532 + i)}${counter}` }));
  }
  return pool;
}

export function actorOf(user: { id: string }, roles: string[], organisationId: string | null = null): Actor {
  return { userId: user.id, roles, organisationId, requestId: null, ip: null };
}

export function committeeService(t: TestApp): CommitteeService {
  return t.app.get(CommitteeService);
}

/** Requests a committee through the service as the project's officer. */
export async function requestCommittee(t: TestApp, project: OpenedProject, options: { representativeId?: string } = {}): Promise<string> {
  const { id } = await t.app.get(CommitteeService).requestCommittee(actorOf(project.officer, ['bureau_officer']), project.id, options);
  return id;
}

export async function committeeOf(t: TestApp, evaluationId: string): Promise<Array<{ user_id: string; display_name: string; status: string; is_chair: boolean; role: string }>> {
  return t.dataSource.query(
    `SELECT m.user_id, u.display_name, m.status, m.is_chair, m.role FROM committee_members m JOIN users u ON u.id = m.user_id WHERE m.evaluation_id = $1 ORDER BY m.is_chair DESC, u.display_name`,
    [evaluationId],
  );
}

/** Every sitting member declares through the service. */
export async function declareAll(t: TestApp, evaluationId: string): Promise<void> {
  for (const m of (await committeeOf(t, evaluationId)).filter((x) => x.status === 'drawn')) {
    await t.app.get(CommitteeService).declare(actorOf({ id: m.user_id }, ['evaluator']), evaluationId, { accepted: true, signerName: m.display_name });
  }
}

/** The officer marks every bid valid (or as given) and closes the review. */
export async function qualifyAll(t: TestApp, project: OpenedProject, evaluationId: string, invalid: Record<string, string> = {}): Promise<{ failed: boolean }> {
  const officer = actorOf(project.officer, ['bureau_officer']);
  const service = t.app.get(QualificationService);
  for (const bid of project.bids) {
    const code = invalid[bid.bidId];
    await service.decide(officer, evaluationId, bid.bidId, code ? { decision: 'invalid', reasonCode: code, reason: '测试：不符合要求' } : { decision: 'valid' });
  }
  return service.close(officer, evaluationId, { explanationHours: '24' });
}

/** The letter each bid got (sorted bid id). */
export function lettersOf(project: OpenedProject): Map<string, string> {
  const sorted = project.bids.map((b) => b.bidId).sort();
  return new Map(sorted.map((id, i) => [id, String.fromCharCode(65 + i)]));
}

/** Scores one bid for one member through the service ({ c1: '30', c2: '20' }). */
export async function score(t: TestApp, evaluationId: string, userId: string, letter: string, points: Record<string, string>, comments: Record<string, string> = {}) {
  return t.app.get(ScoringService).saveSheet(actorOf({ id: userId }, ['evaluator']), evaluationId, letter, { points, comments });
}
