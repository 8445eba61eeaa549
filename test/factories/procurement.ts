import { SYSTEM_ACTOR } from '../../src/audit/actor';
import { localDateOf, localDateTimeOf, addDays } from '../../src/procurement/domain/local-time';
import { Fund } from '../../src/procurement/fund.entity';
import { FundsService } from '../../src/procurement/funds.service';
import { enterCalendarYears, onWorkingDay } from '../support/calendar';
import { dbNow } from '../support/clock';
import { TestApp } from '../support/test-app';
import { Session } from './users';

let counter = 0;

/** A fund recorded through the service (total in yuan, as typed). */
export async function createFund(t: TestApp, overrides: { name?: string; total?: string; ownerUnit?: string; fiscalYear?: string } = {}): Promise<Fund> {
  counter += 1;
  return t.app.get(FundsService).create(SYSTEM_ACTOR, {
    name: overrides.name ?? `社区养老服务专项资金${counter}`,
    fiscalYear: overrides.fiscalYear ?? '2026',
    ownerLevel: 'district',
    ownerUnit: overrides.ownerUnit ?? '示范区民政局',
    total: overrides.total ?? '1000000',
  });
}

/**
 * A complete, valid open-tender project form as the page posts it, timed from the database
 * clock: questions close in 10 days, bids in 25 or on the next working day after (the minimum
 * is 20 calendar days), service from day 40 for 300 days. Enters next year's (test) holiday
 * arrangement first, since the periods reach it.
 */
export async function projectForm(t: TestApp, fundId: string, overrides: Record<string, unknown> = {}, options: { enterCalendar?: boolean } = {}): Promise<Record<string, unknown>> {
  if (options.enterCalendar !== false) await enterCalendarYears(t);
  const now = await dbNow(t.dataSource);
  const today = localDateOf(now);
  const start = addDays(today, 40);
  const end = addDays(start, 300);
  return {
    purchaserLevel: 'district',
    purchaserName: '示范区民政局',
    title: '2027 年度社区居家养老助餐服务项目',
    description: '为辖区内 60 周岁以上老年人提供助餐、送餐服务，包括营养配餐、送餐上门和用餐登记。',
    serviceArea: '阳光社区、和平社区',
    serviceStart: start,
    serviceEnd: end,
    longPeriodJustification: '',
    budgetCeiling: '300000',
    fundId,
    reservation: '300000',
    method: 'open_tender',
    invitedOrganisationId: '',
    eligibilityCategories: ['0', '1'],
    eligibilityMinSocialWorkers: '2',
    eligibilityMinGrade: '',
    priceWeight: '30',
    items: [
      { code: 'C01-001', quantity: '12000', notes: '' },
      { code: '', quantity: '', notes: '' },
    ],
    criteria: [
      { name: '服务方案', description: '需求分析、服务流程与质量控制', weight: '40' },
      { name: '人员配置', description: '项目团队专业背景与分工', weight: '30' },
      { name: '', description: '', weight: '' },
    ],
    milestones: [
      { name: '启动与建档', dueDate: addDays(start, 60), deliverables: '服务对象档案、配餐方案', share: '30' },
      { name: '中期评估', dueDate: addDays(start, 180), deliverables: '服务记录、满意度调查', share: '40' },
      { name: '结项验收', dueDate: end, deliverables: '结项报告、财务报告', share: '30' },
    ],
    questionDeadline: localDateTimeOf(new Date(now.getTime() + 10 * 86_400_000)),
    bidDeadline: localDateTimeOf(await onWorkingDay(t, new Date(now.getTime() + 25 * 86_400_000))),
    ...overrides,
  };
}

/** Posts the form as an officer; returns the new draft's id. */
export async function createDraft(session: Session, form: Record<string, unknown>): Promise<string> {
  const res = await session.form('/staff/projects', flattenForm(form));
  if (res.status !== 303) throw new Error(`creating the draft failed: ${res.status} ${fieldErrorsIn(res.text)}`);
  return /\/staff\/projects\/([0-9a-f-]{36})$/.exec(res.headers.location)![1];
}

export function publishProject(session: Session, projectId: string) {
  return session.form(`/staff/projects/${projectId}/publish`, { confirm: 'yes' });
}

/** The project row as stored. */
export async function projectRow(t: TestApp, id: string): Promise<Record<string, any>> {
  const [row] = await t.dataSource.query(`SELECT * FROM projects WHERE id = $1`, [id]);
  return row;
}

export async function fundRow(t: TestApp, id: string): Promise<{ total_minor: string; reserved_minor: string }> {
  const [row] = await t.dataSource.query(`SELECT total_minor, reserved_minor FROM funds WHERE id = $1`, [id]);
  return row;
}

/** A submitted bid, straight into the table (the bidding module's own path is not needed here). */
export async function insertSubmittedBid(t: TestApp, projectId: string, organisationId: string): Promise<string> {
  const [row] = await t.dataSource.query(
    `INSERT INTO bids (project_id, organisation_id, status, current_version, first_submitted_at, last_changed_at)
     VALUES ($1, $2, 'submitted', 1, app_now(), app_now()) RETURNING id`,
    [projectId, organisationId],
  );
  return row.id;
}

/** The field messages a re-rendered form shows, for readable failures. */
export function fieldErrorsIn(html: string): string {
  const messages = [...html.matchAll(/<span class="field-error"[^>]*>([^<]*)<\/span>/g)].map((m) => m[1]);
  const problems = [...html.matchAll(/<ul class="notice notice-error problem-list"[\s\S]*?<\/ul>/g)].map((m) => m[0].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' '));
  const alert = /<div class="notice notice-error" role="alert"[^>]*>([^<]*)</.exec(html)?.[1];
  return JSON.stringify({ alert, messages, problems });
}

/**
 * Field names as the page's inputs carry them (items[0][code]), so rows keep their index as a
 * browser posts them (superagent would write items[][code], which qs reads differently).
 */
export function flattenForm(value: Record<string, unknown>, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    const name = prefix ? `${prefix}[${key}]` : key;
    if (v !== null && typeof v === 'object') Object.assign(out, flattenForm(v as Record<string, unknown>, name));
    else if (v !== undefined) out[name] = String(v);
  }
  return out;
}
