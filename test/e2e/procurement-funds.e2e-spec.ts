import { SYSTEM_ACTOR } from '../../src/audit/actor';
import { FundInsufficientError } from '../../src/procurement/procurement.errors';
import { FundsService } from '../../src/procurement/funds.service';
import { createDraft, createFund, fieldErrorsIn, flattenForm, fundRow, projectForm, projectRow, publishProject } from '../factories/procurement';
import { Session, signInAs } from '../factories/users';
import { TestApp, createTestApp } from '../support/test-app';
import { waitForLockWait } from '../support/waits';

describe('funds and reservations', () => {
  let t: TestApp;
  let officer: Session;
  beforeAll(async () => {
    t = await createTestApp();
    officer = (await signInAs(t, ['bureau_officer'])).session;
  });
  afterAll(async () => {
    await t.close();
  });

  it('records a fund from the form in yuan, kept in fen, and shows its totals', async () => {
    await officer.agent.get('/staff/funds/new').expect(200);
    const res = await officer
      .form('/staff/funds', { name: '2027 年社区养老服务专项资金', fiscalYear: '2027', ownerLevel: 'sub_district', ownerUnit: '花木街道办事处', total: '1,234,567.89' })
      .expect(303);
    const id = /\/staff\/funds\/([0-9a-f-]{36})$/.exec(res.headers.location)![1];
    expect(await fundRow(t, id)).toEqual({ total_minor: '123456789', reserved_minor: '0' });
    const page = await officer.agent.get(`/staff/funds/${id}`).expect(200);
    expect(page.text).toMatch(/data-testid="fund-available"><strong>¥1,234,567.89<\/strong>/);
    const list = await officer.agent.get('/staff/funds').expect(200);
    expect(list.text).toContain('2027 年社区养老服务专项资金');
    const [event] = await t.dataSource.query(`SELECT action, summary FROM audit_events WHERE entity_type = 'fund' AND entity_id = $1`, [id]);
    expect(event.action).toBe('fund.created');
    expect(event.summary.after.totalMinor).toBe(123456789);
  });

  it('refuses a malformed amount and a duplicate name with field messages', async () => {
    const bad = await officer.form('/staff/funds', { name: '测试资金', fiscalYear: '2027', ownerLevel: 'district', ownerUnit: '示范区民政局', total: '12.345' }).expect(400);
    expect(fieldErrorsIn(bad.text)).toContain('请填写金额（元），最多两位小数');
    await officer.form('/staff/funds', { name: '重复资金', fiscalYear: '2027', ownerLevel: 'district', ownerUnit: '示范区民政局', total: '100' }).expect(303);
    const dup = await officer.form('/staff/funds', { name: '重复资金', fiscalYear: '2027', ownerLevel: 'district', ownerUnit: '示范区民政局', total: '100' }).expect(400);
    expect(fieldErrorsIn(dup.text)).toContain('已有同名资金');
  });

  it('lets only officers record funds', async () => {
    const { session: approver } = await signInAs(t, ['bureau_approver']);
    await approver.agent.get('/staff/funds').expect(200);
    await approver.form('/staff/funds', { name: '越权资金', fiscalYear: '2027', ownerLevel: 'district', ownerUnit: '示范区民政局', total: '100' }).expect(403);
    const { session: evaluator } = await signInAs(t, ['evaluator']);
    await evaluator.agent.get('/staff/funds').expect(403);
  });

  it('refuses to over-reserve: a project larger than what is left cannot be saved or published', async () => {
    const fund = await createFund(t, { total: '200000' });
    const res = await officer.form('/staff/projects', flattenForm(await projectForm(t, fund.id))).expect(400);
    expect(fieldErrorsIn(res.text)).toContain('该资金仅剩 ¥200,000.00 可用');
    // The reservation itself: the CHECK refuses, and the error says what is left.
    await expect(t.dataSource.transaction((m) => t.app.get(FundsService).reserve(m, SYSTEM_ACTOR, fund.id, 20_000_001, fund.id))).rejects.toBeInstanceOf(FundInsufficientError);
    expect((await fundRow(t, fund.id)).reserved_minor).toBe('0');
  });

  it('lets exactly one of two officers publishing at the same moment reserve the last of a fund', async () => {
    const fund = await createFund(t, { total: '500000' });
    const other = (await signInAs(t, ['bureau_officer'])).session;
    const a = await createDraft(officer, await projectForm(t, fund.id));
    const b = await createDraft(other, await projectForm(t, fund.id, { title: '2027 年度社区助餐服务（二标段）' }));
    const results = await Promise.all([publishProject(officer, a), publishProject(other, b)]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses[0]).toBe(303);
    expect([409, 422]).toContain(statuses[1]);
    const loser = results.find((r) => r.status !== 303)!;
    expect(loser.text).toMatch(/仅剩 ¥200,000.00/);
    const rows = [await projectRow(t, a), await projectRow(t, b)];
    expect(rows.map((r) => r.status).sort()).toEqual(['draft', 'published']);
    const { total_minor, reserved_minor } = await fundRow(t, fund.id);
    expect(reserved_minor).toBe('30000000');
    expect(Number(reserved_minor)).toBeLessThanOrEqual(Number(total_minor));
    // Only the published one drew a reference number.
    expect(rows.filter((r) => /^WH-/.test(r.reference))).toHaveLength(1);
  });

  it('the CHECK decides when two reservations race inside their transactions', async () => {
    const fund = await createFund(t, { total: '1000' });
    const funds = t.app.get(FundsService);
    // Reservations are journaled against a real project.
    const { session } = await signInAs(t, ['bureau_officer']);
    const projectId = await createDraft(session, await projectForm(t, fund.id, { budgetCeiling: '500', reservation: '500' }));
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstReserved!: () => void;
    const reserved = new Promise<void>((resolve) => (firstReserved = resolve));
    const first = t.dataSource.transaction(async (m) => {
      await funds.reserve(m, SYSTEM_ACTOR, fund.id, 60_000, projectId);
      firstReserved();
      await firstHolds;
    });
    await reserved;
    const second = t.dataSource.transaction((m) => funds.reserve(m, SYSTEM_ACTOR, fund.id, 60_000, projectId));
    // The second reservation is queued behind the first one's row lock on the fund.
    await waitForLockWait(t.dataSource, 'UPDATE funds SET reserved_minor%');
    releaseFirst();
    await first;
    await expect(second).rejects.toMatchObject({ code: 'PROCUREMENT.FUND_INSUFFICIENT', availableMinor: 40_000 });
    expect((await fundRow(t, fund.id)).reserved_minor).toBe('60000');
  });
});
