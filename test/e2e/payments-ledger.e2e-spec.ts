import * as ExcelJS from 'exceljs';
import { formatMinor } from '../../src/common/money/money';
import { verifyLedgerAt } from '../../src/ledger/ledger-verify.cli';
import { LedgerQueries } from '../../src/ledger/ledger.queries';
import { signInAsUser } from '../factories/awards';
import { PayableContract, createActiveContract, passMilestone, voucherNo } from '../factories/payments';
import { Session, signInAs } from '../factories/users';
import { TestApp, createTestApp } from '../support/test-app';

/** The text of every cell of a table row matched by a CSS-free regex over the rendered page. */
function rowOf(html: string, attrs: string): string {
  const at = html.indexOf(attrs);
  if (at < 0) throw new Error(`no row with ${attrs}`);
  return html.slice(at, html.indexOf('</tr>', at));
}

function binary(req: ReturnType<Session['agent']['get']>) {
  return req.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });
}

describe('ledger pages: trial balance, journal and exports', () => {
  let t: TestApp;
  let c: PayableContract;
  let auditor: Session;
  let trancheMinor: number;
  jest.setTimeout(120_000);

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
    c = await createActiveContract(t);
    await passMilestone(t, c.contract.id, 1, 9000);
    trancheMinor = Number(c.milestones[0].amountMinor);
    // One tranche proposed, approved and paid through the pages: commit, approve and pay are in the journal.
    const officer = await signInAsUser(t, c.officer);
    const approver = await signInAsUser(t, c.approver);
    const proposed = await officer.form(`/staff/contracts/${c.contract.id}/milestones/1/disbursements`).expect(303);
    const id = proposed.headers.location.split('/').pop()!;
    await approver.form(`/staff/disbursements/${id}/approve`, { confirm: 'yes' }).expect(303);
    const amount = formatMinor(trancheMinor, { plain: true });
    await officer
      .form(`/staff/disbursements/${id}/treasury-payment`, { voucherNo: voucherNo(), paidOn: '2026-11-20', payerAccount: '区财政国库单一账户', payeeAccount: '机构基本户 6222', amount })
      .expect(303);
    auditor = (await signInAs(t, ['auditor'])).session;
  });
  afterAll(async () => {
    await t.close();
  });

  it('shows the trial balance figures that ledger:verify checks, per account, fund and contract', async () => {
    const printed: string[] = [];
    const verified = await verifyLedgerAt(t.databaseUrl, (l) => printed.push(l));
    expect(verified.ok).toBe(true);

    const page = await auditor.agent.get('/staff/ledger').expect(200);
    expect(page.text).toContain('data-testid="ledger-ok"');
    expect(page.text).toContain(`${verified.entries} 笔分录`);

    // Per account over the journal: debits and credits from the lines, and they are equal.
    const sums = (await t.dataSource.query(
      `SELECT account, coalesce(sum(amount_minor) FILTER (WHERE amount_minor > 0), 0)::text AS debit, coalesce(-sum(amount_minor) FILTER (WHERE amount_minor < 0), 0)::text AS credit FROM journal_lines GROUP BY account`,
    )) as Array<{ account: string; debit: string; credit: string }>;
    let debit = 0;
    for (const s of sums) {
      const row = rowOf(page.text, `<tr data-account="${s.account}"><th scope="row">`);
      expect(row).toContain(`data-testid="debit">${formatMinor(Number(s.debit))}<`);
      expect(row).toContain(`data-testid="credit">${formatMinor(Number(s.credit))}<`);
      debit += Number(s.debit);
    }
    expect(page.text).toContain(`data-testid="total-debit">${formatMinor(debit)}<`);
    expect(page.text).toContain(`data-testid="total-credit">${formatMinor(debit)}<`);

    // Per fund: each account's journal balance beside the fund row's running total (what verify compares).
    const [fund] = (await t.dataSource.query(`SELECT payable_minor::text AS payable, paid_minor::text AS paid, committed_minor::text AS committed FROM funds WHERE id = $1`, [
      c.contract.fundId,
    ])) as Array<Record<string, string>>;
    const balances = await t.app.get(LedgerQueries).fundBalances(c.contract.fundId);
    expect(balances.paidMinor).toBe(Number(fund.paid));
    const fundTable = page.text.slice(page.text.indexOf(`data-fund-id="${c.contract.fundId}"`));
    expect(rowOf(fundTable, '<tr data-account="paid">')).toContain(`data-testid="balance">${formatMinor(trancheMinor)}<`);
    expect(rowOf(fundTable, '<tr data-account="committed">')).toContain(`data-testid="balance">${formatMinor(Number(fund.committed))}<`);

    // Per contract: committed, payable and paid, and the approved/paid check against the contract row.
    const contractRows = page.text.slice(page.text.indexOf(`data-contract-id="${c.contract.id}"`));
    expect(rowOf(contractRows, `data-account="paid">`)).toContain(`data-testid="balance">${formatMinor(trancheMinor)}<`);
    expect(rowOf(contractRows, `data-account="payable">`)).toContain(`data-testid="balance">${formatMinor(0)}<`);
    expect(rowOf(contractRows, 'class="subtotal"')).toContain('一致');
  });

  it('reports a fund whose row disagrees with the journal, as ledger:verify does', async () => {
    await t.dataSource.query(`ALTER TABLE funds DISABLE TRIGGER USER`).catch(() => undefined);
    await t.dataSource.query(`UPDATE funds SET paid_minor = paid_minor + 1 WHERE id = $1`, [c.contract.fundId]);
    try {
      expect((await verifyLedgerAt(t.databaseUrl, () => undefined)).ok).toBe(false);
      const page = await auditor.agent.get('/staff/ledger').expect(200);
      expect(page.text).toContain('data-testid="ledger-broken"');
      const fundTable = page.text.slice(page.text.indexOf(`data-fund-id="${c.contract.fundId}"`));
      expect(rowOf(fundTable, '<tr data-account="paid">')).toContain('≠');
    } finally {
      await t.dataSource.query(`UPDATE funds SET paid_minor = paid_minor - 1 WHERE id = $1`, [c.contract.fundId]);
      await t.dataSource.query(`ALTER TABLE funds ENABLE TRIGGER USER`).catch(() => undefined);
    }
    expect((await verifyLedgerAt(t.databaseUrl, () => undefined)).ok).toBe(true);
  });

  it('filters the journal by contract, account and date, and pages it', async () => {
    const all = await auditor.agent.get('/staff/ledger/journal').expect(200);
    expect(all.text).toContain('data-testid="journal-lines"');
    const byContract = await auditor.agent.get(`/staff/ledger/journal?contractId=${c.contract.id}&account=paid`).expect(200);
    const [{ n }] = (await t.dataSource.query(`SELECT count(*)::int AS n FROM journal_lines WHERE contract_id = $1 AND account = 'paid'`, [c.contract.id])) as Array<{ n: number }>;
    expect(n).toBe(1);
    expect(byContract.text).toContain('共 1 行');
    expect(byContract.text).toContain('拨付已支付');
    expect(byContract.text).toContain(`data-testid="debit">${formatMinor(trancheMinor)}<`);

    // Nothing before the first entry; today (Shanghai) holds every line.
    await auditor.agent
      .get('/staff/ledger/journal?to=2001-01-01')
      .expect(200)
      .expect((r) => expect(r.text).toContain('共 0 行'));
    const [{ today, lines }] = (await t.dataSource.query(`SELECT to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS today, (SELECT count(*)::int FROM journal_lines) AS lines`)) as Array<{
      today: string;
      lines: number;
    }>;
    await auditor.agent
      .get(`/staff/ledger/journal?from=${today}&to=${today}`)
      .expect(200)
      .expect((r) => expect(r.text).toContain(`共 ${lines} 行`));

    // 60 more lines that net to zero per account (the fund row stays level), so a second page exists.
    await t.dataSource.transaction(async (m) => {
      for (let i = 0; i < 30; i += 1) {
        const [e] = (await m.query(`INSERT INTO journal_entries (event, ref_type, ref_id, memo) VALUES ('fund.opening', 'fund', $1, 'paging') RETURNING id`, [c.contract.fundId])) as Array<{
          id: string;
        }>;
        const sign = i % 2 === 0 ? 1 : -1;
        await m.query(`INSERT INTO journal_lines (entry_id, line, fund_id, account, amount_minor) VALUES ($1, 1, $2, 'available', $3), ($1, 2, $2, 'reserved', $4)`, [
          e.id,
          c.contract.fundId,
          -sign,
          sign,
        ]);
      }
    });
    const first = await auditor.agent.get(`/staff/ledger/journal?fundId=${c.contract.fundId}`).expect(200);
    expect(first.text).toContain('rel="next"');
    const second = await auditor.agent.get(`/staff/ledger/journal?fundId=${c.contract.fundId}&page=2`).expect(200);
    expect(second.text).toContain('rel="prev"');
    const firstIds = [...first.text.matchAll(/data-entry-id="(\d+)"/g)].map((m) => m[1]);
    const secondIds = [...second.text.matchAll(/data-entry-id="(\d+)"/g)].map((m) => m[1]);
    expect(firstIds).toHaveLength(50);
    expect(Math.min(...firstIds.map(Number))).toBeGreaterThanOrEqual(Math.max(...secondIds.map(Number)));
    expect((await verifyLedgerAt(t.databaseUrl, () => undefined)).ok).toBe(true);
  });

  it('refuses a bad filter with every field named and the input kept', async () => {
    const res = await auditor.agent.get('/staff/ledger/journal?fundId=nope&account=cash&from=2026-02-30&to=x&contractId=1').expect(400);
    for (const message of ['请选择列表中的资金', '请选择列表中的科目', '请选择列表中的合同', '请输入有效日期']) expect(res.text).toContain(message);
    expect(res.text).toContain('value="2026-02-30"');
    const json = await auditor.agent.get('/staff/ledger/journal.csv?from=2026-12-07&to=2026-12-01').set('Accept', 'application/json').expect(400);
    expect(json.body.error.fields.to).toHaveLength(1);
    await auditor.agent.get('/staff/ledger/journal?from=2026-12-07&to=2026-12-01').expect(400);
  });

  it('exports the filtered journal and the trial balance as CSV and XLSX with equal totals', async () => {
    const csv = await auditor.agent.get(`/staff/ledger/journal.csv?contractId=${c.contract.id}`).expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="journal-/);
    expect(csv.headers['cache-control']).toContain('no-store');
    const lines = csv.text.trim().split('\r\n');
    const [{ n }] = (await t.dataSource.query(`SELECT count(*)::int AS n FROM journal_lines WHERE contract_id = $1`, [c.contract.id])) as Array<{ n: number }>;
    expect(lines).toHaveLength(n + 2); // header, lines, total
    expect(lines[0]).toContain('借方（元）');
    expect(lines.at(-1)).toMatch(/^"合计"/);
    // The contract's lines sum to its balances: the fen column totals to committed + payable + paid.
    const [{ total }] = (await t.dataSource.query(`SELECT sum(amount_minor)::text AS total FROM journal_lines WHERE contract_id = $1`, [c.contract.id])) as Array<{ total: string }>;
    expect(lines.at(-1)!.endsWith(`"${total}"`)).toBe(true);

    const xlsx = await binary(auditor.agent.get('/staff/ledger/trial-balance.xlsx')).expect(200);
    expect(xlsx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    const last = sheet.getRow(sheet.rowCount);
    expect(last.getCell(1).value).toBe('合计');
    expect(last.getCell(4).value).toBe(last.getCell(5).value); // debits = credits
    expect(last.getCell(7).value).toBe(0);

    const en = await auditor.agent.get('/staff/ledger/trial-balance.csv').set('Cookie', 'lang=en').expect(200);
    expect(en.text).toContain('Debit (yuan)');
  });

  it('is for bureau staff and auditors only', async () => {
    const org = await signInAsUser(t, c.orgAdmin);
    await org.agent.get('/staff/ledger').expect(403);
    await org.agent.get('/staff/ledger/journal.csv').expect(403);
    await t.http().get('/staff/ledger/journal').expect(303);
  });
});
