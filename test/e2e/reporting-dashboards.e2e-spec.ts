import { formatMinor } from '../../src/common/money/money';
import { DisbursementsService } from '../../src/payments/disbursements.service';
import { actorOf, createApprover, signInAsUser } from '../factories/awards';
import { PayableContract, createActiveContract, passMilestone, setMilestoneStatus, voucherNo } from '../factories/payments';
import { signInAs } from '../factories/users';
import { TestApp, createTestApp } from '../support/test-app';

const money = (minor: number) => formatMinor(minor);
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

describe('reporting: bureau and organisation dashboards', () => {
  let t: TestApp;
  let a: PayableContract;
  let b: PayableContract;
  let paidMinor: number;
  let pendingId: string;
  let fundName: string;
  jest.setTimeout(120_000);

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
    a = await createActiveContract(t);
    b = await createActiveContract(t);
    const disbursements = t.app.get(DisbursementsService);
    // Contract A: milestone 1 passed at 70 and paid; milestone 2 passed at 95, proposed (awaiting approval).
    await passMilestone(t, a.contract.id, 1, 7000);
    const d1 = await disbursements.proposeDisbursement(actorOf(a.officer), a.contract.id, 1);
    await disbursements.approveDisbursement(actorOf(a.approver), d1.id);
    await disbursements.recordTreasuryPayment(actorOf(a.officer), d1.id, {
      voucherNo: voucherNo(),
      paidOn: '2026-11-20',
      payerAccount: '国库 1102',
      payeeAccount: '机构 6222',
      amountMinor: d1.amountMinor,
    });
    paidMinor = d1.amountMinor;
    await passMilestone(t, a.contract.id, 2, 9500);
    pendingId = (await disbursements.proposeDisbursement(actorOf(a.officer), a.contract.id, 2)).id;
    // Contract B: milestone 1 failed evaluation (rectification), milestone 2 overdue and not delivered.
    await t.dataSource.query(`INSERT INTO milestone_results (contract_id, position, round, score_centi, grade) VALUES ($1, 1, 1, 5500, 'fail')`, [b.contract.id]);
    await setMilestoneStatus(t, b.contract.id, 1, 'rectification');
    await t.dataSource.query(`UPDATE contract_milestones SET due_date = (app_now() AT TIME ZONE 'Asia/Shanghai')::date - 3 WHERE contract_id = $1 AND position = 2`, [b.contract.id]);
    [{ name: fundName }] = await t.dataSource.query(`SELECT name FROM funds WHERE id = $1`, [a.contract.fundId]);
  }, 180_000);

  afterAll(async () => {
    await t?.close();
  });

  it('shows the bureau charts with accessible titles and a data table, milestones needing attention and approvals waiting', async () => {
    const officer = await signInAsUser(t, a.officer);
    const res = await officer.agent.get('/staff/reports').expect(200);
    for (const id of ['funds', 'communities', 'categories']) {
      expect(res.text).toContain(`data-testid="chart-${id}"`);
      expect(res.text).toMatch(new RegExp(`<svg[^>]*role="img"[^>]*aria-labelledby="chart-${id}-title chart-${id}-desc"`));
      expect(res.text).toContain(`<title id="chart-${id}-title">`);
      expect(res.text).toContain(`<desc id="chart-${id}-desc">`);
      expect(res.text).toContain(`data-testid="table-${id}"`);
    }
    expect(res.text).toContain('各项资金的预算、预留、承诺与支付');
    // Fund A's row: its total and what was paid, in the chart (bar title) and in the table.
    const [f] = await t.dataSource.query(`SELECT total_minor, committed_minor FROM funds WHERE id = $1`, [a.contract.fundId]);
    expect(res.text).toContain(esc(fundName));
    expect(res.text).toContain(`已支付: ${money(paidMinor)}`);
    expect(res.text).toContain(money(Number(f.total_minor)));
    expect(res.text).toContain(money(Number(f.committed_minor)));
    // Communities from the projects' service areas; categories from the catalogue.
    expect(res.text).toContain('联洋社区');
    expect(res.text).toContain('阳光社区');
    expect(res.text).toContain('C01');
    // Attention: B's failed milestone and B's overdue one; nothing of A (A's milestones are not overdue).
    const attention = res.text.slice(res.text.indexOf('data-testid="attention"'), res.text.indexOf('id="pending"'));
    expect(attention).toContain(b.contract.reference);
    expect(attention).toContain('整改中');
    expect(attention).toContain('已逾期未交付');
    expect(attention).not.toContain(a.contract.reference);
    // Waiting for approval: A's milestone 2.
    expect(res.text).toContain(`/staff/disbursements/${pendingId}`);
    expect(res.text).toContain('data-testid="export-form"');
  });

  it('lets approvers and auditors read it, in English too, and nobody else', async () => {
    const approver = await signInAsUser(t, a.approver);
    await approver.agent.get('/staff/reports').expect(200);
    const { session: auditor } = await signInAs(t, ['auditor']);
    const en = await auditor.agent.get('/staff/reports').set('Cookie', 'lang=en').expect(200);
    expect(en.text).toContain('Budget, reserved, committed and paid per fund');
    expect(en.text).toContain(`Paid: ${money(paidMinor)}`);
    const org = await signInAsUser(t, a.orgAdmin);
    await org.agent.get('/staff/reports').expect(403);
    const { session: evaluator } = await signInAs(t, ['evaluator']);
    await evaluator.agent.get('/staff/reports').expect(403);
    await evaluator.agent.get('/organisation/reports').expect(403);
  });

  it('moves the fund chart when a disbursement is approved', async () => {
    const before = (await (await signInAsUser(t, a.officer)).agent.get('/staff/reports').expect(200)).text;
    const [{ amount_minor }] = await t.dataSource.query(`SELECT amount_minor FROM disbursements WHERE id = $1`, [pendingId]);
    const other = await createApprover(t, '报表审批');
    await t.app.get(DisbursementsService).approveDisbursement(actorOf(other), pendingId);
    const after = (await (await signInAsUser(t, a.officer)).agent.get('/staff/reports').expect(200)).text;
    expect(before).toContain(`/staff/disbursements/${pendingId}`);
    expect(after).not.toContain(`/staff/disbursements/${pendingId}`);
    expect(after).toContain(money(Number(amount_minor))); // approved, unpaid in the table
    expect(after).not.toEqual(before);
  });

  it('shows an organisation its own contracts, milestones, scores and payments only', async () => {
    const orgA = await signInAsUser(t, a.orgAdmin);
    const res = await orgA.agent.get('/organisation/reports').expect(200);
    expect(res.text).toContain(a.contract.reference);
    expect(res.text).not.toContain(b.contract.reference);
    expect(res.text).toContain('70.00');
    expect(res.text).toContain('合格');
    expect(res.text).toContain(money(paidMinor));
    const orgB = await signInAsUser(t, b.orgAdmin);
    const resB = await orgB.agent.get('/organisation/reports').expect(200);
    expect(resB.text).toContain(b.contract.reference);
    expect(resB.text).not.toContain(a.contract.reference);
    expect(resB.text).toContain('55.00');
    expect(resB.text).toContain('已逾期未交付');
    await orgB.agent.get('/staff/reports').expect(403);
  });

  it('links the reports from the dashboards and the navigation', async () => {
    const officer = await signInAsUser(t, a.officer);
    const home = await officer.agent.get('/dashboard').expect(200);
    expect(home.text).toContain('href="/staff/reports"');
    expect(home.text).toMatch(/个里程碑逾期或未通过/);
    const org = await signInAsUser(t, a.orgAdmin);
    const orgHome = await org.agent.get('/dashboard').expect(200);
    expect(orgHome.text).toContain('href="/organisation/reports"');
  });

  it('re-renders the page with field messages and the input kept for a bad filter', async () => {
    const officer = await signInAsUser(t, a.officer);
    const res = await officer.agent.get('/staff/reports?from=2026-02-30&to=2026-01-01&fundId=nope').expect(400);
    expect(res.text).toContain('请输入有效日期');
    expect(res.text).toContain('请选择一项资金');
    expect(res.text).toContain('value="2026-02-30"');
    expect(res.text).toContain('data-testid="chart-funds"');
    const org = await signInAsUser(t, a.orgAdmin);
    const range = await org.agent.get('/organisation/reports?from=2026-12-02&to=2026-12-01').expect(400);
    expect(range.text).toContain('截止日期不能早于起始日期');
  });

  it('draws empty charts without error when there is no data', async () => {
    const empty = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
    try {
      const { session } = await signInAs(empty, ['auditor']);
      const res = await session.agent.get('/staff/reports').expect(200);
      expect(res.text).toContain('data-testid="chart-empty"');
      expect(res.text).toContain('没有逾期或未通过的里程碑');
      expect(res.text).not.toContain('NaN');
      expect(res.text).not.toContain('Infinity');
    } finally {
      await empty.close();
    }
  });
});
