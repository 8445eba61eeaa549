import { DisbursementsService } from '../../src/payments/disbursements.service';
import { computeTranche, DEFAULT_PAYMENT_RULES } from '../../src/payments/domain/payment-rules';
import { verifyLedgerAt } from '../../src/ledger/ledger-verify.cli';
import { LedgerQueries } from '../../src/ledger/ledger.queries';
import { FundsService } from '../../src/procurement/funds.service';
import { ReleasesService } from '../../src/payments/releases.service';
import { actorOf, auditActions, createApprover, signInAsUser } from '../factories/awards';
import { PayableContract, contractBalances, createActiveContract, fundPaymentBalances, passMilestone, voucherNo } from '../factories/payments';
import { TestApp, createTestApp } from '../support/test-app';

describe('payments: hold-back and retention releases, settlement', () => {
  let t: TestApp;
  jest.setTimeout(120_000);
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
  });
  afterAll(async () => {
    await t.close();
  });

  const disbursements = () => t.app.get(DisbursementsService);
  const releases = () => t.app.get(ReleasesService);
  const ledger = () => t.app.get(LedgerQueries);
  const voucherFor = (amountMinor: number) => ({ voucherNo: voucherNo(), paidOn: '2026-11-20', payerAccount: '区财政国库单一账户 1102', payeeAccount: '受托机构基本户 6222', amountMinor });

  /** Passes every milestone at the given scores and pays each tranche through the treasury. */
  async function payAllTranches(c: PayableContract, scores: number[]) {
    const paid: number[] = [];
    for (const [i, m] of c.milestones.entries()) {
      await passMilestone(t, c.contract.id, m.position, scores[i]);
      const d = await disbursements().proposeDisbursement(actorOf(c.officer), c.contract.id, m.position);
      await disbursements().approveDisbursement(actorOf(c.approver), d.id);
      await disbursements().recordTreasuryPayment(actorOf(c.officer), d.id, voucherFor(d.amountMinor));
      paid.push(d.amountMinor);
    }
    return paid;
  }

  async function available(fundId: string): Promise<number> {
    const [f] = await t.dataSource.query(`SELECT total_minor - reserved_minor - committed_minor - payable_minor - paid_minor AS a FROM funds WHERE id = $1`, [fundId]);
    return Number(f.a);
  }

  it('refuses a hold-back release before the final evaluation, on the page and over JSON', async () => {
    const c = await createActiveContract(t);
    await passMilestone(t, c.contract.id, 1, 7000);
    const officer = await signInAsUser(t, c.officer);
    const page = await officer.agent.get(`/staff/contracts/${c.contract.id}/releases`).expect(200);
    expect(page.text).toContain('data-testid="blockers"');
    expect(page.text).toContain('第 2 期尚未通过评估');
    expect(page.text).not.toContain('data-testid="propose-holdback"');
    const refused = await officer.form(`/staff/contracts/${c.contract.id}/releases/holdback`).expect(422);
    expect(refused.text).toContain('尚未到期');
    const json = await officer.agent.post(`/staff/contracts/${c.contract.id}/releases/retention`).set('X-CSRF-Token', officer.csrf).set('Accept', 'application/json').expect(422);
    expect(json.body.error.code).toBe('PAYMENTS.RELEASE_NOT_DUE');
    await officer.form(`/staff/contracts/${c.contract.id}/releases/bonus`).expect(404);
    await officer.form(`/staff/contracts/${c.contract.id}/settlement`).expect(422);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM disbursements WHERE contract_id = $1 AND kind <> 'tranche'`, [c.contract.id]);
    expect(n).toBe(0);
  });

  it('waits for every tranche to be approved before the release is due', async () => {
    const c = await createActiveContract(t);
    for (const m of c.milestones) await passMilestone(t, c.contract.id, m.position, 7500);
    await disbursements().proposeDisbursement(actorOf(c.officer), c.contract.id, 1);
    await expect(releases().proposeRelease(actorOf(c.officer), c.contract.id, 'holdback_release')).rejects.toMatchObject({ code: 'PAYMENTS.RELEASE_NOT_DUE' });
  });

  it('releases the pass hold-back through maker-checker when the average is good; tranches + release = contract amount to the fen', async () => {
    const c = await createActiveContract(t);
    const scores = [7000, 9500, 9000]; // average 85 → good; milestone 1 held back 10 %
    const paid = await payAllTranches(c, scores);
    const held = Number(c.milestones[0].amountMinor) - paid[0];
    expect(held).toBe(computeTranche({ trancheMinor: Number(c.milestones[0].amountMinor), scoreCenti: 7000, rules: DEFAULT_PAYMENT_RULES }).holdbackMinor);
    expect(held).toBeGreaterThan(0);

    const officer = await signInAsUser(t, c.officer);
    const approver = await signInAsUser(t, c.approver);
    const page = await officer.agent.get(`/staff/contracts/${c.contract.id}/releases`).expect(200);
    expect(page.text).toContain('data-testid="propose-holdback"');
    expect(page.text).not.toContain('data-testid="propose-retention"'); // no retention by default
    const ok = await officer.form(`/staff/contracts/${c.contract.id}/releases/holdback`, { amountMinor: '1' }).expect(303);
    const id = ok.headers.location.split('/').pop()!;
    const d = await disbursements().get(id);
    expect(d).toMatchObject({ kind: 'holdback_release', amountMinor: held, status: 'proposed', milestonePosition: c.milestones[c.milestones.length - 1].position });
    await officer.form(`/staff/contracts/${c.contract.id}/releases/holdback`).expect(409); // once
    await officer.form(`/staff/disbursements/${id}/approve`).expect(403); // the maker cannot check
    const shown = await approver.agent.get(`/staff/disbursements/${id}`).expect(200);
    expect(shown.text).toContain('合格暂扣款');
    expect(shown.text).toContain('予以支付');
    await approver.form(`/staff/disbursements/${id}/approve`, { confirm: 'yes' }).expect(303);
    await disbursements().recordTreasuryPayment(actorOf(c.officer), id, voucherFor(held));

    const balances = await contractBalances(t, c.contract.id);
    expect(balances.paid).toBe(balances.amount);
    expect(paid.reduce((s, x) => s + x, 0) + held).toBe(balances.amount);

    // Settlement returns nothing (everything was paid) and completes the contract.
    const settled = await officer.form(`/staff/contracts/${c.contract.id}/settlement`).expect(303);
    expect(settled.headers.location).toBe(`/staff/contracts/${c.contract.id}/releases`);
    const [row] = await t.dataSource.query(`SELECT c.status, s.returned_minor, s.journal_entry_id FROM contracts c JOIN contract_settlements s ON s.contract_id = c.id WHERE c.id = $1`, [
      c.contract.id,
    ]);
    expect(row).toMatchObject({ status: 'completed', returned_minor: '0', journal_entry_id: null });
    expect((await fundPaymentBalances(t, c.contract.fundId)).committed).toBe(0);
    expect(await auditActions(t, 'contract', c.contract.id)).toContain('contract.settled');
    await officer.form(`/staff/contracts/${c.contract.id}/settlement`).expect(409);
    const v = await ledger().verifyLedger();
    expect(v.problems).toEqual([]);
  });

  it('decides on the figure it shows (one rounding rule): 79.99, 80.00 and 80.00 average 79.9967, shown and treated as 80.00 良好, so the hold-back is released', async () => {
    const c = await createActiveContract(t);
    const paid = await payAllTranches(c, [7999, 8000, 8000]);
    expect(Number(c.milestones[0].amountMinor) - paid[0]).toBeGreaterThan(0); // 79.99 is 合格: held back
    const officer = await signInAsUser(t, c.officer);
    const page = await officer.agent.get(`/staff/contracts/${c.contract.id}/releases`).expect(200);
    expect(page.text).toContain('80.00');
    expect(page.text).toContain('data-testid="propose-holdback"');
    const ok = await officer.form(`/staff/contracts/${c.contract.id}/releases/holdback`).expect(303);
    const d = await disbursements().get(ok.headers.location.split('/').pop()!);
    expect(d).toMatchObject({ kind: 'holdback_release', amountMinor: Number(c.milestones[0].amountMinor) - paid[0] });
  });

  it('forfeits the hold-back when the average is below good: refused as a release, returned to the fund at settlement', async () => {
    const c = await createActiveContract(t);
    const paid = await payAllTranches(c, [7000, 7000, 8500]); // average 75 → pass
    const tranches = c.milestones.map((m) => Number(m.amountMinor));
    const forfeited = tranches[0] - paid[0] + (tranches[1] - paid[1]);
    await expect(releases().proposeRelease(actorOf(c.officer), c.contract.id, 'holdback_release')).rejects.toMatchObject({ code: 'PAYMENTS.NOTHING_TO_RELEASE' });
    const officer = await signInAsUser(t, c.officer);
    const page = await officer.agent.get(`/staff/contracts/${c.contract.id}/releases`).expect(200);
    expect(page.text).toContain('退回资金');
    expect(page.text).not.toContain('data-testid="propose-holdback"');
    expect(page.text).toContain('data-testid="settle"');

    const before = { available: await available(c.contract.fundId), committed: (await fundPaymentBalances(t, c.contract.fundId)).committed };
    expect(before.committed).toBe(forfeited);
    const s = await releases().settleContract(actorOf(c.officer), c.contract.id);
    expect(s).toMatchObject({ returnedMinor: forfeited, forfeitedHoldbackMinor: forfeited, withheldMinor: 0, cancelledMinor: 0 });
    expect(await available(c.contract.fundId)).toBe(before.available + forfeited);
    expect((await fundPaymentBalances(t, c.contract.fundId)).committed).toBe(0);
    const lines = await t.dataSource.query(
      `SELECT l.account, l.amount_minor::bigint::text AS amount FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id WHERE e.event = 'contract.settle' AND e.ref_id = $1 ORDER BY l.line`,
      [c.contract.id],
    );
    expect(lines).toEqual([
      { account: 'committed', amount: String(-forfeited) },
      { account: 'available', amount: String(forfeited) },
    ]);
    await expect(releases().settleContract(actorOf(c.officer), c.contract.id)).rejects.toMatchObject({ code: 'PAYMENTS.CONTRACT_SETTLED' });
    // The database refuses any further approval on a settled contract, whatever the service does.
    await expect(t.dataSource.query(`UPDATE contracts SET approved_minor = approved_minor + 1 WHERE id = $1`, [c.contract.id])).rejects.toMatchObject({ code: '23514' });
    await expect(t.dataSource.query(`DELETE FROM contract_settlements WHERE contract_id = $1`, [c.contract.id])).rejects.toThrow(/append-only/);
    expect((await ledger().verifyLedger()).problems).toEqual([]);
  });

  it('holds a retention from every tranche and releases it when the final milestone passes, to the fen', async () => {
    await t.dataSource.query(`INSERT INTO payment_rules (effective_from, excellent_bp, good_bp, pass_bp, fail_bp, retention_bp) VALUES (DATE '2001-01-01', 10000, 10000, 9000, 0, 500)`);
    try {
      const c = await createActiveContract(t);
      const paid = await payAllTranches(c, [9100, 7300, 8800]); // average 84 → good: hold-back released too
      const amount = Number(c.contract.amountMinor);
      const splits = c.milestones.map((m, i) => computeTranche({ trancheMinor: Number(m.amountMinor), scoreCenti: [9100, 7300, 8800][i], rules: { ...DEFAULT_PAYMENT_RULES, retentionBp: 500 } }));
      expect(paid).toEqual(splits.map((s) => s.payableMinor));
      const retention = splits.reduce((s, x) => s + x.retentionMinor, 0);
      const holdback = splits.reduce((s, x) => s + x.holdbackMinor, 0);
      expect(retention).toBeGreaterThan(0);

      await expect(releases().settleContract(actorOf(c.officer), c.contract.id)).rejects.toMatchObject({ code: 'PAYMENTS.RELEASE_OUTSTANDING' });
      const r = await releases().proposeRelease(actorOf(c.officer), c.contract.id, 'retention_release');
      expect(r.amountMinor).toBe(retention);
      const h = await releases().proposeRelease(actorOf(c.officer), c.contract.id, 'holdback_release');
      expect(h.amountMinor).toBe(holdback);
      await expect(releases().settleContract(actorOf(c.officer), c.contract.id)).rejects.toMatchObject({ code: 'PAYMENTS.RELEASE_OUTSTANDING' });
      for (const d of [r, h]) {
        await disbursements().approveDisbursement(actorOf(c.approver), d.id);
        await disbursements().recordTreasuryPayment(actorOf(c.officer), d.id, voucherFor(d.amountMinor));
      }
      expect(paid.reduce((s, x) => s + x, 0) + retention + holdback).toBe(amount);
      expect(await contractBalances(t, c.contract.id)).toEqual({ approved: amount, paid: amount, amount });
      const s = await releases().settleContract(actorOf(c.officer), c.contract.id);
      expect(s.returnedMinor).toBe(0);
      expect((await ledger().verifyLedger()).problems).toEqual([]);
    } finally {
      await t.dataSource.query(`DELETE FROM payment_rules WHERE effective_from = DATE '2001-01-01'`);
    }
  });

  it('lets a second approval of a release pay once when two approvers race', async () => {
    const c = await createActiveContract(t);
    await payAllTranches(c, [6500, 9000, 9000]);
    const h = await releases().proposeRelease(actorOf(c.officer), c.contract.id, 'holdback_release');
    const other = await createApprover(t, '第二审批');
    const results = await Promise.allSettled([disbursements().approveDisbursement(actorOf(c.approver), h.id), disbursements().approveDisbursement(actorOf(other), h.id)]);
    expect(results.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
    expect(await contractBalances(t, c.contract.id)).toMatchObject({ approved: Number(c.contract.amountMinor) });
  });

  it('keeps the trial balance through a full life: reserve, release, commit, pay, hold back, forfeit, settle', async () => {
    const c = await createActiveContract(t);
    const actor = actorOf(c.officer);
    // A further reservation and its release on the same fund, through the funds service (journaled).
    await t.dataSource.transaction((m) => t.app.get(FundsService).reserve(m, actor, c.contract.fundId, 1_000_000, c.contract.projectId));
    await t.dataSource.transaction((m) => t.app.get(FundsService).release(m, actor, c.contract.fundId, 400_000, c.contract.projectId, 'cancelled'));
    const paid = await payAllTranches(c, [6000, 8000, 8000]); // average 73.33 → pass: hold-back of milestone 1 forfeited
    await releases().settleContract(actor, c.contract.id);
    const amount = Number(c.contract.amountMinor);
    const forfeited = Number(c.milestones[0].amountMinor) - paid[0];

    // The trial balance by hand: every account of the fund from the journal equals the fund row, and the accounts sum to zero.
    const rows = await t.dataSource.query(`SELECT account, sum(amount_minor)::bigint::text AS total FROM journal_lines WHERE fund_id = $1 GROUP BY account`, [c.contract.fundId]);
    const tb = Object.fromEntries(rows.map((r: { account: string; total: string }) => [r.account, Number(r.total)])) as Record<string, number>;
    const [f] = await t.dataSource.query(`SELECT total_minor, reserved_minor, committed_minor, payable_minor, paid_minor FROM funds WHERE id = $1`, [c.contract.fundId]);
    expect({ reserved: tb.reserved ?? 0, committed: tb.committed ?? 0, payable: tb.payable ?? 0, paid: tb.paid ?? 0 }).toEqual({
      reserved: Number(f.reserved_minor),
      committed: Number(f.committed_minor),
      payable: Number(f.payable_minor),
      paid: Number(f.paid_minor),
    });
    expect(Object.values(tb).reduce((s, x) => s + x, 0)).toBe(0);
    expect(tb.paid).toBe(amount - forfeited);
    expect(tb.committed ?? 0).toBe(0);
    expect(tb.payable ?? 0).toBe(0);
    expect(tb.reserved).toBe(600_000);
    const [p] = await t.dataSource.query(`SELECT paid_minor FROM projects WHERE id = $1`, [c.contract.projectId]);
    expect(Number(p.paid_minor)).toBe(amount - forfeited);

    const v = await ledger().verifyLedger();
    expect(v.problems).toEqual([]);
    expect(v.projects).toBeGreaterThan(0);
    const printed: string[] = [];
    expect((await verifyLedgerAt(t.databaseUrl, (l) => printed.push(l))).ok).toBe(true);
    expect(printed.join('\n')).toMatch(/^ledger OK: .*append-only/m);
  });

  it('finds a project paid beyond the journal, a missing journal line and a disabled append-only guard', async () => {
    const c = await createActiveContract(t);
    await payAllTranches(c, [9000, 9000, 9000]);
    expect((await ledger().verifyLedger()).ok).toBe(true);
    await t.dataSource.transaction((m) => t.app.get(FundsService).reserve(m, actorOf(c.officer), c.contract.fundId, 1000, c.contract.projectId));
    const [entry] = await t.dataSource.query(`SELECT e.id FROM journal_entries e WHERE e.event = 'fund.reserved' AND e.ref_id = $1 ORDER BY e.id DESC LIMIT 1`, [c.contract.projectId]);
    await t.dataSource.transaction(async (m) => {
      await m.query(`ALTER TABLE journal_lines DISABLE TRIGGER journal_lines_no_change`);
      await m.query(`ALTER TABLE journal_lines DISABLE TRIGGER journal_lines_balance`);
      await m.query(
        `INSERT INTO journal_lines (entry_id, line, fund_id, account, amount_minor) SELECT id, 7, (SELECT fund_id FROM journal_lines WHERE entry_id = $1 LIMIT 1), 'available', 1 FROM journal_entries WHERE id = $1`,
        [entry.id],
      );
      await m.query(`ALTER TABLE journal_lines ENABLE TRIGGER journal_lines_no_change`);
      await m.query(`ALTER TABLE journal_lines ENABLE TRIGGER journal_lines_balance`);
    });
    await t.dataSource.query(`UPDATE projects SET paid_minor = paid_minor - 1 WHERE id = $1`, [c.contract.projectId]);
    await t.dataSource.query(`ALTER TABLE journal_entries DISABLE TRIGGER journal_entries_no_change`);
    try {
      const v = await ledger().verifyLedger();
      expect(v.ok).toBe(false);
      const kinds = v.problems.map((x) => x.kind);
      expect(kinds).toEqual(expect.arrayContaining(['project_mismatch', 'append_only_unguarded']));
      expect(v.problems).toContainEqual({ kind: 'append_only_unguarded', trigger: 'journal_entries_no_change' });
      expect(v.problems).toContainEqual(expect.objectContaining({ kind: 'project_mismatch', projectId: c.contract.projectId }));
      expect(v.problems).toContainEqual({ kind: 'entry_lines_gap', entryId: String(entry.id), lines: 3, maxLine: 7 });
    } finally {
      await t.dataSource.query(`ALTER TABLE journal_entries ENABLE TRIGGER journal_entries_no_change`);
      await t.dataSource.query(`UPDATE projects SET paid_minor = paid_minor + 1 WHERE id = $1`, [c.contract.projectId]);
    }
  });

  it('refuses, in the database, a project paid beyond its award', async () => {
    const c = await createActiveContract(t);
    const [{ cap }] = await t.dataSource.query(`SELECT project_award_cap_minor($1)::text AS cap FROM projects WHERE id = $1`, [c.contract.projectId]);
    expect(Number(cap)).toBe(Number(c.contract.amountMinor));
    await expect(t.dataSource.query(`UPDATE projects SET paid_minor = $2 WHERE id = $1`, [c.contract.projectId, Number(cap) + 1])).rejects.toMatchObject({
      code: '23514',
      constraint: 'projects_paid_within_award',
    });
    // Up to the award itself it is allowed (rolled back so the ledger stays level).
    const reached = await t.dataSource
      .transaction(async (m) => {
        await m.query(`UPDATE projects SET paid_minor = $2 WHERE id = $1`, [c.contract.projectId, Number(cap)]);
        throw new Error('rollback');
      })
      .catch((e: Error) => e.message);
    expect(reached).toBe('rollback');
    // (An earlier test tampered with the journal; this project still agrees with it.)
    expect((await ledger().verifyLedger()).problems.filter((p) => p.kind.startsWith('project'))).toEqual([]);
  });
});
