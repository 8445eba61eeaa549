import { formatMinor } from '../../src/common/money/money';
import { signInAsUser } from '../factories/awards';
import { createActiveContract, passMilestone, voucherNo } from '../factories/payments';
import { TestApp, createTestApp } from '../support/test-app';

describe('payments pages: propose → approve → treasury voucher → paid', () => {
  let t: TestApp;
  jest.setTimeout(90_000);
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
  });
  afterAll(async () => {
    await t.close();
  });

  const yuan = (minor: number) => `${Math.trunc(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;

  it('walks a milestone payment through the pages, and the trial balance verifies', async () => {
    const c = await createActiveContract(t);
    await passMilestone(t, c.contract.id, 1, 8000);
    const tranche = Number(c.milestones[0].amountMinor);
    const officer = await signInAsUser(t, c.officer);
    const approver = await signInAsUser(t, c.approver);

    const page = await officer.agent.get(`/staff/contracts/${c.contract.id}/payments`).expect(200);
    expect(page.text).toContain('data-testid="propose-1"');
    expect(page.text).not.toContain('data-testid="propose-2"');
    // A milestone that has not passed: 422 with the message, on the page.
    const refused = await officer.form(`/staff/contracts/${c.contract.id}/milestones/2/disbursements`).expect(422);
    expect(refused.text).toContain('该里程碑尚未通过评估');

    // The amount comes from the rules; anything typed is ignored.
    const ok = await officer.form(`/staff/contracts/${c.contract.id}/milestones/1/disbursements`, { amountMinor: '1' }).expect(303);
    const id = ok.headers.location.split('/').pop()!;
    const [row] = await t.dataSource.query(`SELECT amount_minor FROM disbursements WHERE id = $1`, [id]);
    expect(Number(row.amount_minor)).toBe(tranche);
    const own = await officer.agent.get(`/staff/disbursements/${id}`).expect(200);
    expect(own.text).toContain(formatMinor(tranche));
    expect(own.text).not.toContain('data-testid="approve-form"');

    // Officers cannot approve; the organisation cannot see staff pages.
    await officer.form(`/staff/disbursements/${id}/approve`).expect(403);
    const queue = await approver.agent.get('/staff/disbursements').expect(200);
    expect(queue.text).toContain(`/staff/disbursements/${id}`);
    // A refusal comes before the confirmation step, not after it: a rejection without a reason.
    const noReason = await approver.form(`/staff/disbursements/${id}/reject`, { reason: ' ' }).expect(400);
    expect(noReason.text).not.toContain('data-testid="confirmation"');
    const step = await approver.form(`/staff/disbursements/${id}/approve`).expect(200);
    expect(step.text).toContain('data-testid="confirmation"');
    expect(step.text).toContain(formatMinor(tranche));
    await approver.form(`/staff/disbursements/${id}/approve`, { confirm: 'yes' }).expect(303);
    // Once decided, the step is not offered again: 409 at once.
    await approver.form(`/staff/disbursements/${id}/approve`).expect(409);
    const again = await approver.agent.post(`/staff/disbursements/${id}/approve`).set('X-CSRF-Token', approver.csrf).set('Accept', 'application/json').expect(409);
    expect(again.body.error.code).toBe('PAYMENTS.DISBURSEMENT_NOT_PENDING');

    const voucher = { voucherNo: voucherNo(), paidOn: '2026-11-20', payerAccount: '区财政国库单一账户', payeeAccount: '机构基本户 6222', amount: yuan(tranche - 1) };
    const wrong = await officer.form(`/staff/disbursements/${id}/treasury-payment`, voucher).expect(422);
    expect(wrong.text).toContain('须等于批准金额');
    expect(wrong.text).toContain(voucher.voucherNo); // the input is kept
    await officer.form(`/staff/disbursements/${id}/treasury-payment`, { ...voucher, amount: yuan(tranche) }).expect(303);
    const paid = await officer.agent.get(`/staff/disbursements/${id}`).expect(200);
    expect(paid.text).toContain('data-testid="voucher"');
    expect(paid.text).toContain('已支付');

    const org = await signInAsUser(t, c.orgAdmin);
    const mine = await org.agent.get('/organisation/payments').expect(200);
    expect(mine.text).toContain(c.contract.reference);
    expect(mine.text).toContain(formatMinor(tranche));
    await org.agent.get('/staff/disbursements').expect(403);

    const csv = await officer.agent.get('/staff/disbursements.csv').expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text).toContain(`"${id}","${c.contract.reference}"`);
    expect(csv.text).toContain(`"${yuan(tranche)}"`);

    const fund = await officer.agent.get(`/staff/funds/${c.contract.fundId}/payments`).expect(200);
    expect(fund.text).toContain('data-testid="fund-payments"');
    const ledger = await approver.agent.get('/staff/ledger').expect(200);
    expect(ledger.text).toContain('data-testid="ledger-ok"');
  });
});
