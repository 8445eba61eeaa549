import { DeliveryService } from '../../src/delivery/delivery.service';
import { LOG_HEADER, countDeliveries, csv, milestoneStatus, postDelivery, setClockTo, xlsx } from '../factories/delivery';
import { actorOf, signInAsUser } from '../factories/awards';
import { PayableContract, createActiveContract, setMilestoneStatus } from '../factories/payments';
import { Session } from '../factories/users';
import { TestApp, createTestApp } from '../support/test-app';

describe('delivery: service logs (CSV/XLSX), late flag by the database clock, concurrency, API', () => {
  let t: TestApp;
  jest.setTimeout(180_000);
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
  });
  afterAll(async () => {
    await t.close();
  });

  async function contract(): Promise<{ c: PayableContract; org: Session; a: string; b: string }> {
    const c = await createActiveContract(t);
    return { c, org: await signInAsUser(t, c.orgAdmin), a: c.contract.items[0].itemCode, b: c.contract.items[1].itemCode };
  }

  it('reports every bad CSV line (line number, column, value) and imports nothing; the corrected file imports every line', async () => {
    const { c, org, a, b } = await contract();
    await setClockTo(t, '2027-03-20T10:00:00+08:00');
    const bad = csv([
      LOG_HEADER,
      [a, '2027-03-01', '1', '12', '0', '1.5', ''],
      ['C09-999', '2027-03-02', '1', '12', '0', '1', ''],
      [a, '2027-02-30', 'two', '12', '0', '1', ''],
      [b, '2026-12-31', '1', '-3', '0', '1.255', ''],
      [a, '2027-03-25', '0', '0', '0', '0', ''],
    ]);
    const res = await postDelivery(org, c.contract.id, 1, { serviceLog: { bytes: bad, name: '服务台账.csv' } }).expect(400);
    expect(res.text).toContain('data-testid="service-log-report"');
    expect(res.text).toContain('共 8 处问题');
    for (const line of [
      '第 3 行“项目编码”：“C09-999”不是本合同的服务项目',
      '第 4 行“服务日期”：“2027-02-30”不是有效日期',
      '第 4 行“场次”：“two”须为不小于 0 的整数',
      '第 5 行“服务日期”：2026-12-31 不在合同服务期限 2027-01-01 至 2027-12-31 内',
      '第 5 行“服务人次”：“-3”须为不小于 0 的整数',
      '第 5 行“服务时长(小时)”：“1.255”须为不小于 0 的小时数',
      '第 6 行“服务日期”：2027-03-25 晚于今天',
      '第 6 行：场次、人次、户数和时长均为 0',
    ]) {
      expect(res.text).toContain(line);
    }
    expect(res.text).not.toContain('第 2 行');
    const api = await postDelivery(org, c.contract.id, 1, { serviceLog: { bytes: bad, name: 'log.csv' } }, { api: true })
      .set('Accept-Language', 'en')
      .expect(400);
    expect(api.body.error.code).toBe('DELIVERY.SERVICE_LOG_REJECTED');
    expect(api.body.error.fields.serviceLog[0]).toContain('8 problems');
    expect(api.body.error.fields.serviceLog).toContain('Line 3, “项目编码”: “C09-999” is not a service item of this contract');
    expect(await countDeliveries(t, c.contract.id)).toMatchObject({ deliveries: 0, records: 0 });
    expect(await milestoneStatus(t, c.contract.id, 1)).toBe('pending');

    const good = csv([LOG_HEADER, [a, '2027-03-01', '1', '12', '0', '1.5', '讲座'], [b, '2027/3/2', '', '', '8', '2', ''], ['', '', '', '', '', '', ''], [a, '', '2', '20', '', '', '"含, 逗号"']]);
    const ok = await postDelivery(org, c.contract.id, 1, { serviceLog: { bytes: good, name: '服务台账.csv' } }).expect(303);
    const d = await t.app.get(DeliveryService).getDelivery(c.contract.id, 1, 1);
    expect(ok.headers.location).toContain('/deliveries/1');
    expect(d.recordsSource).toBe('csv');
    expect(d.serviceLog).toMatchObject({ name: '服务台账.csv' });
    expect(d.records.map((r) => [r.line, r.itemCode, r.serviceDate, r.sessions, r.personVisits, r.households, r.hoursCenti, r.note])).toEqual([
      [1, a, '2027-03-01', 1, 12, 0, 150, '讲座'],
      [2, b, '2027-03-02', 0, 0, 8, 200, null],
      [3, a, null, 2, 20, 0, 0, '含, 逗号'],
    ]);
    expect(d.totals).toEqual({ sessions: 3, personVisits: 32, households: 8, hoursCenti: 350 });
  });

  it('reports bad XLSX lines and imports nothing; a good workbook imports; a legacy .xls and a log plus form rows are refused', async () => {
    const { c, org, a } = await contract();
    await setClockTo(t, '2027-03-20T10:00:00+08:00');
    const bad = await xlsx([LOG_HEADER, [a, new Date(Date.UTC(2027, 2, 1)), 1, 10, 0, 1.5, ''], [a, 'soon', 1.5, 10, 0, 1, '']]);
    const res = await postDelivery(org, c.contract.id, 1, { serviceLog: { bytes: bad, name: 'log.xlsx' } }).expect(400);
    expect(res.text).toContain('共 2 处问题');
    expect(res.text).toContain('第 3 行“服务日期”：“soon”不是有效日期');
    expect(res.text).toContain('第 3 行“场次”：“1.5”须为不小于 0 的整数');
    expect(await countDeliveries(t, c.contract.id)).toMatchObject({ deliveries: 0, records: 0 });

    const missing = await xlsx([
      ['项目编码', '场次'],
      [a, 1],
    ]);
    const noColumns = await postDelivery(org, c.contract.id, 1, { serviceLog: { bytes: missing, name: 'log.xlsx' } }).expect(400);
    expect(noColumns.text).toContain('第 1 行（表头）：缺少“服务人次 person-visits”列');
    const legacy = await postDelivery(org, c.contract.id, 1, { serviceLog: { bytes: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]), name: 'log.xls' } }).expect(400);
    expect(legacy.text).toContain('不支持旧版 .xls 格式');
    const good = await xlsx([LOG_HEADER, [a, new Date(Date.UTC(2027, 2, 1)), 1, 10, 0, 0.1 + 0.2, '']]);
    const both = await postDelivery(org, c.contract.id, 1, { serviceLog: { bytes: good, name: 'log.xlsx' }, records: [{ itemCode: a, sessions: '1' }] }).expect(400);
    expect(both.text).toContain('二者选其一');
    expect(await countDeliveries(t, c.contract.id)).toMatchObject({ deliveries: 0 });

    await postDelivery(org, c.contract.id, 1, { serviceLog: { bytes: good, name: 'log.xlsx' } }).expect(303);
    const d = await t.app.get(DeliveryService).getDelivery(c.contract.id, 1, 1);
    expect(d).toMatchObject({ recordsSource: 'xlsx', records: [{ itemCode: a, serviceDate: '2027-03-01', sessions: 1, personVisits: 10, hoursCenti: 30 }] });
  });

  it('flags late by the database clock: on time at 23:59 on the due date (Asia/Shanghai), late a minute after midnight', async () => {
    const { c, org, a } = await contract();
    await setClockTo(t, '2027-03-31T23:59:00+08:00');
    await postDelivery(org, c.contract.id, 1, { records: [{ itemCode: a, sessions: '1' }] }).expect(303);
    const onTime = await t.app.get(DeliveryService).getDelivery(c.contract.id, 1, 1);
    expect(onTime.late).toBe(false);
    expect(onTime.deadlineAt.toISOString()).toBe('2027-03-31T16:00:00.000Z');
    expect(onTime.submittedAt.toISOString().slice(0, 16)).toBe('2027-03-31T15:59');

    await setClockTo(t, '2027-07-01T00:01:00+08:00');
    const list = await org.agent.get(`/organisation/contracts/${c.contract.id}/milestones`).expect(200);
    expect(list.text).toContain('data-testid="overdue-2"');
    const form = await org.agent.get(`/organisation/contracts/${c.contract.id}/milestones/2/deliver`).expect(200);
    expect(form.text).toContain('data-testid="overdue-warning"');
    const res = await postDelivery(org, c.contract.id, 2, { records: [{ itemCode: a, sessions: '1' }] }).expect(303);
    const late = await t.app.get(DeliveryService).getDelivery(c.contract.id, 2, 1);
    expect(late.late).toBe(true);
    const page = await org.agent.get(res.headers.location).expect(200);
    expect(page.text).toContain('data-testid="delivery-late"');
    const [n] = await t.dataSource.query(`SELECT count(*)::int AS n FROM notifications WHERE kind = 'delivery.submitted_late' AND user_id = $1`, [c.officer.id]);
    expect(n.n).toBe(1);
    const staff = await (await signInAsUser(t, c.officer)).agent.get(`/staff/contracts/${c.contract.id}/deliveries`).expect(200);
    expect(staff.text).toContain('data-testid="late-2-1"');
    expect(staff.text).not.toContain('data-testid="late-1-1"');
  });

  it('takes a second delivery after rectification, measured against the rectification deadline', async () => {
    const { c, org, a } = await contract();
    await setClockTo(t, '2027-03-20T10:00:00+08:00');
    await postDelivery(org, c.contract.id, 1, { records: [{ itemCode: a, sessions: '1' }] }).expect(303);
    await setMilestoneStatus(t, c.contract.id, 1, 'rectification');
    const [{ exists }] = await t.dataSource.query(`SELECT to_regclass('public.milestone_rectifications') IS NOT NULL AS exists`);
    if (exists) {
      await t.dataSource.query(
        `INSERT INTO milestone_rectifications (contract_id, milestone_position, opened_at, deadline, reason, status) VALUES ($1, 1, '2027-04-01T00:00:00+08:00', '2027-04-15T18:00:00+08:00', '服务记录不全', 'open')`,
        [c.contract.id],
      );
    }
    await setClockTo(t, '2027-04-10T10:00:00+08:00');
    const form = await org.agent.get(`/organisation/contracts/${c.contract.id}/milestones/1/deliver`).expect(200);
    expect(form.text).toContain('整改后交付');
    const res = await postDelivery(org, c.contract.id, 1, { records: [{ itemCode: a, sessions: '3' }] }).expect(303);
    expect(res.headers.location).toContain('/milestones/1/deliveries/2');
    const second = await t.app.get(DeliveryService).getDelivery(c.contract.id, 1, 2);
    // With the evaluation's deadline (15 April) the delivery on 10 April is on time; without it, the due date (31 March) decides.
    expect(second.late).toBe(!exists);
    expect(second.deadlineAt.toISOString()).toBe(exists ? '2027-04-15T10:00:00.000Z' : '2027-03-31T16:00:00.000Z');
    expect(await milestoneStatus(t, c.contract.id, 1)).toBe('delivered');
    expect((await t.app.get(DeliveryService).latestDelivery(c.contract.id, 1))?.round).toBe(2);
    await postDelivery(org, c.contract.id, 1, { records: [{ itemCode: a, sessions: '3' }] }).expect(409);
  });

  it('keeps one delivery when the same milestone is submitted twice at once', async () => {
    const { c, a } = await contract();
    await setClockTo(t, '2027-03-20T10:00:00+08:00');
    const service = t.app.get(DeliveryService);
    const actor = actorOf(c.orgAdmin, c.organisationId);
    const input = { narrative: '并发提交测试：两次同时提交同一里程碑。', formRows: [{ itemCode: a, sessions: '1' }] };
    const results = await Promise.allSettled([service.submitDelivery(actor, c.contract.id, 3, input), service.submitDelivery(actor, c.contract.id, 3, input)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(['DELIVERY.MILESTONE_NOT_OPEN', 'DELIVERY.ALREADY_DELIVERED']).toContain(refused.reason.code);
    expect(await countDeliveries(t, c.contract.id)).toMatchObject({ deliveries: 1, records: 1 });
    const [a1] = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'delivery.submitted' AND summary->'details'->>'contractId' = $1`, [c.contract.id]);
    expect(a1.n).toBe(1);
  });

  it('serves the JSON API: milestones with deliveries, delivery by JSON with field errors by row, refused on a contract not active', async () => {
    const { c, org, a } = await contract();
    await setClockTo(t, '2027-03-20T10:00:00+08:00');
    const list = await org.agent.get(`/api/v1/contracts/${c.contract.id}/deliveries`).expect(200);
    expect(list.body.milestones).toHaveLength(3);
    expect(list.body.milestones[0]).toMatchObject({ position: 1, dueDate: '2027-03-31', status: 'pending', isOverdue: false, openRound: 1, deliveries: [] });
    const url = `/api/v1/contracts/${c.contract.id}/milestones/1/deliveries`;
    const bad = await org.agent
      .post(url)
      .set('X-CSRF-Token', org.csrf)
      .send({
        narrative: '按计划完成本阶段全部服务内容。',
        records: [
          { itemCode: a, sessions: -1 },
          { itemCode: 'C09-001', sessions: 2 },
        ],
      })
      .expect(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['records.0.sessions', 'records.1.itemCode']);
    await org.agent
      .post(url)
      .set('X-CSRF-Token', org.csrf)
      .send({ narrative: '按计划完成本阶段全部服务内容。', records: [{ itemCode: a, sessions: 2 }], extra: 1 })
      .expect(400);
    const ok = await org.agent
      .post(url)
      .set('X-CSRF-Token', org.csrf)
      .send({ narrative: '按计划完成本阶段全部服务内容。', records: [{ itemCode: a, sessions: 2, hours: 1.25 }] })
      .expect(201);
    expect(ok.body).toMatchObject({ milestonePosition: 1, round: 1, late: false, recordsSource: 'form', records: [{ sessions: 2, hoursCenti: 125 }] });
    await org.agent
      .post(url)
      .set('X-CSRF-Token', org.csrf)
      .send({ narrative: '按计划完成本阶段全部服务内容。', records: [{ itemCode: a, sessions: 2 }] })
      .expect(409);
    await org.agent
      .post(url)
      .send({ narrative: '没有 CSRF 令牌的请求被拒绝。', records: [{ itemCode: a, sessions: 2 }] })
      .expect(403);

    await t.dataSource.query(`UPDATE contracts SET status = 'terminating' WHERE id = $1`, [c.contract.id]);
    const refused = await org.agent
      .post(`/api/v1/contracts/${c.contract.id}/milestones/2/deliveries`)
      .set('X-CSRF-Token', org.csrf)
      .send({ narrative: '按计划完成本阶段全部服务内容。', records: [{ itemCode: a, sessions: 2 }] })
      .expect(422);
    expect(refused.body.error.code).toBe('DELIVERY.CONTRACT_NOT_ACTIVE');
  });
});
