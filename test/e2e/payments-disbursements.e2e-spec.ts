import { DisbursementsService } from '../../src/payments/disbursements.service';
import { verifyLedgerAt } from '../../src/ledger/ledger-verify.cli';
import { LedgerQueries } from '../../src/ledger/ledger.queries';
import { LedgerService } from '../../src/ledger/ledger.service';
import { actorOf, auditActions } from '../factories/awards';
import { PayableContract, contractBalances, createActiveContract, fundPaymentBalances, passMilestone, setMilestoneStatus, voucherNo } from '../factories/payments';
import { TestApp, createTestApp } from '../support/test-app';

describe('payments: maker-checker disbursements, treasury rail, ledger', () => {
  let t: TestApp;
  jest.setTimeout(90_000);
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
  });
  afterAll(async () => {
    await t.close();
  });

  const disbursements = () => t.app.get(DisbursementsService);
  const ledger = () => t.app.get(LedgerQueries);
  const postings = () => t.app.get(LedgerService);
  const voucherFor = (amountMinor: number) => ({ voucherNo: voucherNo(), paidOn: '2026-11-20', payerAccount: '区财政国库单一账户 1102', payeeAccount: '受托机构基本户 6222', amountMinor });

  async function approved(c: PayableContract, position = 1, score = 9500) {
    await passMilestone(t, c.contract.id, position, score);
    const d = await disbursements().proposeDisbursement(actorOf(c.officer), c.contract.id, position);
    return disbursements().approveDisbursement(actorOf(c.approver), d.id);
  }

  it('proposes, approves and pays a passed milestone by treasury voucher; the ledger verifies', async () => {
    const c = await createActiveContract(t);
    const m1 = c.milestones[0];
    await passMilestone(t, c.contract.id, 1, 7000); // pass: 90 %
    const proposed = await disbursements().proposeDisbursement(actorOf(c.officer), c.contract.id, 1);
    expect(proposed.status).toBe('proposed');
    expect(proposed.amountMinor).toBe(Math.floor((Number(m1.amountMinor) * 9000) / 10000));
    expect(proposed.computation).toMatchObject({ grade: 'pass', trancheMinor: Number(m1.amountMinor) });
    expect(proposed.computation.payableMinor + proposed.computation.holdbackMinor).toBe(Number(m1.amountMinor));

    const committedBefore = (await fundPaymentBalances(t, c.contract.fundId)).committed;
    const ok = await disbursements().approveDisbursement(actorOf(c.approver), proposed.id);
    expect(ok.status).toBe('approved');
    expect(await fundPaymentBalances(t, c.contract.fundId)).toEqual({ committed: committedBefore - proposed.amountMinor, payable: proposed.amountMinor, paid: 0 });

    const paid = await disbursements().recordTreasuryPayment(actorOf(c.officer), proposed.id, voucherFor(proposed.amountMinor));
    expect(paid.status).toBe('paid');
    expect(await fundPaymentBalances(t, c.contract.fundId)).toEqual({ committed: committedBefore - proposed.amountMinor, payable: 0, paid: proposed.amountMinor });
    expect(await contractBalances(t, c.contract.id)).toMatchObject({ approved: proposed.amountMinor, paid: proposed.amountMinor });
    const [project] = await t.dataSource.query(`SELECT paid_minor FROM projects WHERE id = $1`, [c.contract.projectId]);
    expect(Number(project.paid_minor)).toBe(proposed.amountMinor);
    expect(await auditActions(t, 'disbursement', proposed.id)).toEqual(['disbursement.proposed', 'disbursement.approved', 'disbursement.paid']);
    const [n] = await t.dataSource.query(`SELECT count(*)::int AS n FROM notifications WHERE kind = 'disbursement.paid' AND user_id = $1`, [c.orgAdmin.id]);
    expect(n.n).toBe(1);

    const v = await ledger().verifyLedger();
    expect(v.problems).toEqual([]);
    expect(v.ok).toBe(true);
  });

  it('refuses the proposer approving their own disbursement', async () => {
    const c = await createActiveContract(t);
    await passMilestone(t, c.contract.id, 1, 9000);
    const officerApprover = { ...c.officer, roles: ['bureau_officer', 'bureau_approver'] };
    const d = await disbursements().proposeDisbursement(actorOf(officerApprover), c.contract.id, 1);
    await expect(disbursements().approveDisbursement(actorOf(officerApprover), d.id)).rejects.toMatchObject({ code: 'PAYMENTS.SELF_APPROVAL' });
    await expect(disbursements().rejectDisbursement(actorOf(officerApprover), d.id, '金额有误')).rejects.toMatchObject({ code: 'PAYMENTS.SELF_APPROVAL' });
    // The database says the same, whatever the service does.
    await expect(t.dataSource.query(`UPDATE disbursements SET decided_by = proposed_by, decided_at = now() WHERE id = $1`, [d.id])).rejects.toMatchObject({ code: '23514' });
    expect((await disbursements().get(d.id)).status).toBe('proposed');
  });

  it('refuses a milestone that has not passed, and a second proposal for the same milestone', async () => {
    const c = await createActiveContract(t);
    await expect(disbursements().proposeDisbursement(actorOf(c.officer), c.contract.id, 1)).rejects.toMatchObject({ code: 'PAYMENTS.MILESTONE_NOT_PASSED' });
    await setMilestoneStatus(t, c.contract.id, 2, 'under_evaluation');
    await expect(disbursements().proposeDisbursement(actorOf(c.officer), c.contract.id, 2)).rejects.toMatchObject({ code: 'PAYMENTS.MILESTONE_NOT_PASSED' });
    await passMilestone(t, c.contract.id, 1, 8500);
    await disbursements().proposeDisbursement(actorOf(c.officer), c.contract.id, 1);
    await expect(disbursements().proposeDisbursement(actorOf(c.officer), c.contract.id, 1)).rejects.toMatchObject({ code: 'PAYMENTS.ALREADY_PROPOSED' });
  });

  it('rejects only with a reason, after which the milestone can be proposed again', async () => {
    const c = await createActiveContract(t);
    await passMilestone(t, c.contract.id, 1, 9200);
    const d = await disbursements().proposeDisbursement(actorOf(c.officer), c.contract.id, 1);
    await expect(disbursements().rejectDisbursement(actorOf(c.approver), d.id, '  ')).rejects.toMatchObject({ code: 'PAYMENTS.REASON_REQUIRED' });
    const rejected = await disbursements().rejectDisbursement(actorOf(c.approver), d.id, '服务记录缺少签字，请补正后重新提出');
    expect(rejected).toMatchObject({ status: 'rejected', decidedBy: c.approver.id });
    await expect(disbursements().approveDisbursement(actorOf(c.approver), d.id)).rejects.toMatchObject({ code: 'PAYMENTS.DISBURSEMENT_NOT_PENDING' });
    expect(await contractBalances(t, c.contract.id)).toMatchObject({ approved: 0 });
    const again = await disbursements().proposeDisbursement(actorOf(c.officer), c.contract.id, 1);
    expect(again.status).toBe('proposed');
    expect(await auditActions(t, 'disbursement', d.id)).toEqual(['disbursement.proposed', 'disbursement.rejected']);
  });

  it('refuses a failed milestone as nothing payable', async () => {
    const c = await createActiveContract(t);
    await passMilestone(t, c.contract.id, 1, 5000); // recorded, but grade fail pays 0 %
    await expect(disbursements().proposeDisbursement(actorOf(c.officer), c.contract.id, 1)).rejects.toMatchObject({ code: 'PAYMENTS.NOTHING_PAYABLE' });
  });

  it('refuses a voucher whose amount differs from the approved disbursement, and a duplicate voucher number', async () => {
    const c = await createActiveContract(t);
    const d1 = await approved(c, 1);
    await expect(disbursements().recordTreasuryPayment(actorOf(c.officer), d1.id, voucherFor(d1.amountMinor - 1))).rejects.toMatchObject({ code: 'PAYMENTS.VOUCHER_AMOUNT_MISMATCH' });
    await expect(disbursements().recordTreasuryPayment(actorOf(c.officer), d1.id, voucherFor(d1.amountMinor + 1))).rejects.toMatchObject({ code: 'PAYMENTS.VOUCHER_AMOUNT_MISMATCH' });
    expect((await disbursements().get(d1.id)).status).toBe('approved');
    const voucher = voucherFor(d1.amountMinor);
    await disbursements().recordTreasuryPayment(actorOf(c.officer), d1.id, voucher);
    await expect(disbursements().recordTreasuryPayment(actorOf(c.officer), d1.id, voucherFor(d1.amountMinor))).rejects.toMatchObject({ code: 'PAYMENTS.DISBURSEMENT_NOT_PENDING' });

    const d2 = await approved(c, 2);
    await expect(disbursements().recordTreasuryPayment(actorOf(c.officer), d2.id, { ...voucher, amountMinor: d2.amountMinor })).rejects.toMatchObject({ code: 'PAYMENTS.DUPLICATE_VOUCHER' });
    expect((await disbursements().get(d2.id)).status).toBe('approved');
    expect((await fundPaymentBalances(t, c.contract.fundId)).paid).toBe(d1.amountMinor);
  });

  it('pays once when two approvers approve the same disbursement at once', async () => {
    const c = await createActiveContract(t);
    await passMilestone(t, c.contract.id, 1, 9500);
    const d = await disbursements().proposeDisbursement(actorOf(c.officer), c.contract.id, 1);
    const results = await Promise.allSettled([disbursements().approveDisbursement(actorOf(c.approver), d.id), disbursements().approveDisbursement(actorOf(c.project.representative), d.id)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: 'PAYMENTS.DISBURSEMENT_NOT_PENDING' });
    expect(await contractBalances(t, c.contract.id)).toMatchObject({ approved: d.amountMinor });
    expect((await fundPaymentBalances(t, c.contract.fundId)).payable).toBe(d.amountMinor);
    const [n] = await t.dataSource.query(`SELECT count(*)::int AS n FROM journal_entries WHERE event = 'disbursement.approve' AND ref_id = $1`, [d.id]);
    expect(n.n).toBe(1);
    expect((await ledger().verifyLedger()).ok).toBe(true);
  });

  it('refuses, in the database, a posting that would pay beyond the contract', async () => {
    const c = await createActiveContract(t);
    const scope = { fundId: c.contract.fundId, projectId: c.contract.projectId, contractId: c.contract.id };
    const amount = Number(c.contract.amountMinor);
    await expect(t.dataSource.transaction((m) => postings().approveDisbursement(m, { id: 'over', ...scope, amountMinor: amount + 1 }, null))).rejects.toMatchObject({
      code: 'PAYMENTS.LIMIT_EXCEEDED',
    });
    expect(await contractBalances(t, c.contract.id)).toMatchObject({ approved: 0, paid: 0 });
    // Within the contract it goes through; then the last fen beyond it does not.
    await t.dataSource.transaction((m) => postings().approveDisbursement(m, { id: 'all', ...scope, amountMinor: amount }, null));
    await expect(t.dataSource.transaction((m) => postings().approveDisbursement(m, { id: 'one-more', ...scope, amountMinor: 1 }, null))).rejects.toMatchObject({ code: 'PAYMENTS.LIMIT_EXCEEDED' });
    // A direct write past the contract amount is refused by the CHECK itself.
    await expect(t.dataSource.query(`UPDATE contracts SET approved_minor = amount_minor + 1 WHERE id = $1`, [c.contract.id])).rejects.toMatchObject({ code: '23514' });
  });

  it('finds a tampered journal line', async () => {
    const c = await createActiveContract(t);
    const d = await approved(c, 1);
    await disbursements().recordTreasuryPayment(actorOf(c.officer), d.id, voucherFor(d.amountMinor));
    expect((await ledger().verifyLedger()).ok).toBe(true);
    const [entry] = await t.dataSource.query(`SELECT id FROM journal_entries WHERE event = 'disbursement.pay' AND ref_id = $1`, [d.id]);
    await t.dataSource.transaction(async (m) => {
      await m.query(`ALTER TABLE journal_lines DISABLE TRIGGER journal_lines_no_change`);
      await m.query(`UPDATE journal_lines SET amount_minor = amount_minor + 100 WHERE entry_id = $1 AND account = 'paid'`, [entry.id]);
      await m.query(`ALTER TABLE journal_lines ENABLE TRIGGER journal_lines_no_change`);
    });
    const v = await ledger().verifyLedger();
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual(
      expect.arrayContaining([
        { kind: 'entry_unbalanced', entryId: String(entry.id), sumMinor: 100 },
        expect.objectContaining({ kind: 'fund_mismatch', fundId: c.contract.fundId, account: 'paid' }),
        expect.objectContaining({ kind: 'contract_mismatch', contractId: c.contract.id, field: 'paid' }),
      ]),
    );
    const printed: string[] = [];
    expect((await verifyLedgerAt(t.databaseUrl, (l) => printed.push(l))).ok).toBe(false);
    expect(printed[0]).toMatch(/^ledger BROKEN/);
  });
});
