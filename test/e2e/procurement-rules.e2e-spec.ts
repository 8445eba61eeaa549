import { Session, signInAs } from '../factories/users';
import { fieldErrorsIn } from '../factories/procurement';
import { dbNow } from '../support/clock';
import { TestApp, createTestApp } from '../support/test-app';
import { addDays, localDateOf } from '../../src/procurement/domain/local-time';

describe('procurement rules and the working-day calendar', () => {
  let t: TestApp;
  let admin: Session;
  beforeAll(async () => {
    t = await createTestApp();
    admin = (await signInAs(t, ['admin'])).session;
  });
  afterAll(async () => {
    await t.close();
  });

  it('shows every method with the rule in force and its citation', async () => {
    const res = await admin.agent.get('/staff/procurement-rules').expect(200);
    expect(res.text).toContain('财政部令第87号');
    expect(res.text).toContain('竞争性磋商');
    const { session: officer } = await signInAs(t, ['bureau_officer']);
    await officer.agent.get('/staff/procurement-rules').expect(200);
    await officer.agent.get('/staff/procurement-rules/new').expect(403);
  });

  it('adds a rule row effective from a later date; rows are never changed', async () => {
    const form = await admin.agent.get('/staff/procurement-rules/new?method=open_tender').expect(200);
    expect(form.text).toContain('value="20"');
    const from = addDays(localDateOf(await dbNow(t.dataSource)), 30);
    const fields = {
      method: 'open_tender',
      effectiveFrom: from,
      minPeriod: '25',
      periodUnit: 'calendar_days',
      minValidBids: '3',
      minValidBidsServices: '',
      scoring: 'comprehensive',
      priceWeightMin: '10',
      priceWeightMax: '30',
      committeeMinSize: '5',
      committeeLargeSize: '7',
      largeBudgetYuan: '10000000',
      allowsBureauRepresentative: '1',
      invitedOnly: '0',
      amendmentMinPeriod: '15',
      amendmentPeriodUnit: 'calendar_days',
      abnormallyLowPercent: '85',
      citationZh: '测试：本地规定等标期不少于25日',
      citationEn: 'Test: local rule of at least 25 days',
    };
    // The abnormally-low threshold is part of the rule (the form proposes the rule in force's 80 %).
    expect(form.text).toMatch(/name="abnormallyLowPercent"[^>]*value="80"|value="80"[^>]*name="abnormallyLowPercent"/);
    const tooLow = await admin.form('/staff/procurement-rules', { ...fields, abnormallyLowPercent: '49' }).expect(400);
    expect(tooLow.text).toContain('id="f-abnormallyLowPercent-error"');
    await admin.form('/staff/procurement-rules', fields).expect(303);
    const rows = await t.dataSource.query(`SELECT min_period, abnormally_low_percent FROM procurement_method_rules WHERE method = 'open_tender' ORDER BY effective_from`);
    expect(rows.map((r: { min_period: number }) => r.min_period)).toEqual([20, 25]);
    expect(rows.map((r: { abnormally_low_percent: number }) => r.abnormally_low_percent)).toEqual([80, 85]);
    const list = await admin.agent.get('/staff/procurement-rules').expect(200);
    expect(list.text).toContain('低于有效报价平均值的 85%');
    const dup = await admin.form('/staff/procurement-rules', fields).expect(400);
    expect(fieldErrorsIn(dup.text)).toContain('已有规则');
    const past = await admin.form('/staff/procurement-rules', { ...fields, effectiveFrom: '2020-01-01' }).expect(400);
    expect(fieldErrorsIn(past.text)).toContain('不能追溯');
    await expect(t.dataSource.query(`UPDATE procurement_method_rules SET min_period = 1`)).rejects.toThrow(/never changed/);
    const [event] = await t.dataSource.query(`SELECT action FROM audit_events WHERE entity_type = 'procurement_method_rule'`);
    expect(event.action).toBe('procurement_rule.added');
  });

  it('refuses a rule looser than the law, every field at once with its provision, keeping the input; a stricter one is accepted', async () => {
    const from = addDays(localDateOf(await dbNow(t.dataSource)), 40);
    const fields = {
      method: 'competitive_consultation',
      effectiveFrom: from,
      minPeriod: '7',
      periodUnit: 'calendar_days',
      minValidBids: '3',
      minValidBidsServices: '1',
      scoring: 'comprehensive',
      priceWeightMin: '5',
      priceWeightMax: '40',
      committeeMinSize: '3',
      committeeLargeSize: '5',
      largeBudgetYuan: '10000000',
      allowsBureauRepresentative: '1',
      invitedOnly: '0',
      amendmentMinPeriod: '3',
      amendmentPeriodUnit: 'calendar_days',
      abnormallyLowPercent: '80',
      citationZh: '测试：更宽松的本地规定',
      citationEn: 'Test: a looser local rule',
    };
    const page = await admin.form('/staff/procurement-rules', fields).expect(400);
    const errors = fieldErrorsIn(page.text);
    expect(errors).toContain('低于法定标准：应不少于10日（《政府采购竞争性磋商采购方式管理暂行办法》（财库〔2014〕214号）第十条');
    expect(errors).toContain('第二十四条：服务项目的价格分值比重为10%至30%');
    for (const field of ['minPeriod', 'minValidBidsServices', 'priceWeightMin', 'priceWeightMax', 'amendmentMinPeriod']) expect(page.text).toContain(`id="f-${field}-error"`);
    expect(page.text).toContain('测试：更宽松的本地规定');
    const json = await admin.agent
      .post('/staff/procurement-rules')
      .set('Accept', 'application/json')
      .type('form')
      .send({ ...fields, _csrf: admin.csrf })
      .expect(400);
    expect(Object.keys(json.body.error.fields).sort()).toEqual(['amendmentMinPeriod', 'minPeriod', 'minValidBidsServices', 'priceWeightMax', 'priceWeightMin']);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM procurement_method_rules WHERE method = 'competitive_consultation'`);
    expect(n).toBe(1);
    await admin.form('/staff/procurement-rules', { ...fields, minPeriod: '12', minValidBidsServices: '2', priceWeightMin: '15', priceWeightMax: '25', amendmentMinPeriod: '7' }).expect(303);
  });

  it('cites 第五十五条 for the services floor only, the 10–30 % range to 财库〔2014〕214号', async () => {
    const [row] = await t.dataSource.query(`SELECT citation_zh FROM procurement_method_rules WHERE method = 'open_tender' AND effective_from = '2000-01-01'`);
    expect(row.citation_zh).toContain('第五十五条（服务项目价格分值不低于10%');
    expect(row.citation_zh).not.toContain('第五十五条（服务项目价格分值10%–30%）');
  });

  it('lists the calendar by year and lets admins add, change and remove a day, audited', async () => {
    const list = await admin.agent.get('/staff/calendar?year=2026').expect(200);
    expect(list.text).toContain('2026-10-10');
    expect(list.text).toContain('国庆节调休上班');
    await admin.form('/staff/calendar', { day: '2027-01-01', kind: 'holiday', nameZh: '元旦', nameEn: "New Year's Day" }).expect(303);
    await admin.form('/staff/calendar', { day: '2027-01-01', kind: 'holiday', nameZh: '元旦节', nameEn: "New Year's Day" }).expect(303);
    const bad = await admin.form('/staff/calendar', { day: '2027-02-30', kind: 'holiday', nameZh: '错误', nameEn: 'Wrong' }).expect(400);
    expect(fieldErrorsIn(bad.text)).toContain('有效日期');
    await admin.form('/staff/calendar/2027-01-01/remove').expect(303);
    const events = await t.dataSource.query(`SELECT action FROM audit_events WHERE entity_type = 'calendar_day' AND entity_id = '2027-01-01' ORDER BY id`);
    expect(events.map((e: { action: string }) => e.action)).toEqual(['calendar_day.added', 'calendar_day.changed', 'calendar_day.removed']);
    const { session: officer } = await signInAs(t, ['bureau_officer']);
    await officer.agent.get('/staff/calendar').expect(200);
    await officer.form('/staff/calendar', { day: '2027-01-02', kind: 'holiday', nameZh: '越权', nameEn: 'No' }).expect(403);
  });
});
