import * as ExcelJS from 'exceljs';
import type { Response } from 'supertest';
import { DisbursementsService } from '../../src/payments/disbursements.service';
import { actorOf, signInAsUser } from '../factories/awards';
import { PayableContract, createActiveContract, passMilestone, voucherNo } from '../factories/payments';
import { Session, signInAs } from '../factories/users';
import { TestApp, createTestApp } from '../support/test-app';

/** RFC 4180 with quoted fields (what the export writes). */
function parseCsv(text: string): string[][] {
  expect(text.startsWith('\uFEFF')).toBe(true);
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const s = text.slice(1);
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && s[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

function binary(req: ReturnType<Session['agent']['get']>) {
  return req.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });
}

async function readXlsx(res: Response): Promise<Array<Array<unknown>>> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(res.body as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  const rows: unknown[][] = [];
  sheet.eachRow((r) => rows.push((r.values as unknown[]).slice(1)));
  return rows;
}

describe('reporting: CSV and XLSX exports of disbursements and milestone scores', () => {
  let t: TestApp;
  let a: PayableContract;
  let b: PayableContract;
  /** A's disbursements: milestone 1 paid, milestone 2 proposed (not yet approved). */
  let aAmounts: number[];
  let bAmount: number;
  jest.setTimeout(120_000);

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
    a = await createActiveContract(t);
    b = await createActiveContract(t);
    const disbursements = t.app.get(DisbursementsService);
    const pay = async (c: PayableContract, position: number, score: number, approve = true) => {
      await passMilestone(t, c.contract.id, position, score);
      const d = await disbursements.proposeDisbursement(actorOf(c.officer), c.contract.id, position);
      if (!approve) return d.amountMinor;
      await disbursements.approveDisbursement(actorOf(c.approver), d.id);
      await disbursements.recordTreasuryPayment(actorOf(c.officer), d.id, {
        voucherNo: voucherNo(),
        paidOn: '2026-11-20',
        payerAccount: '国库 1102',
        payeeAccount: '机构 6222',
        amountMinor: d.amountMinor,
      });
      return d.amountMinor;
    };
    aAmounts = [await pay(a, 1, 7333), await pay(a, 2, 9150, false)];
    bAmount = await pay(b, 1, 8800);
    // A provider name that a spreadsheet would execute.
    await t.dataSource.query(`UPDATE contracts SET parties = jsonb_set(parties, '{provider,name}', to_jsonb($2::text)) WHERE id = $1`, [a.contract.id, '=HYPERLINK("http://evil.example","点我")']);
  }, 180_000);

  afterAll(async () => {
    await t?.close();
  });

  it('exports every disbursement as CSV with exact yuan, a UTF-8 filename and formula-safe cells', async () => {
    const officer = await signInAsUser(t, a.officer);
    const res = await officer.agent.get('/staff/reports/disbursements.csv').expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="disbursements-\d{4}-\d{2}-\d{2}\.csv"; filename\*=UTF-8''%E6%8B%A8%E4%BB%98%E6%98%8E%E7%BB%86-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(res.headers['cache-control']).toBe('private, no-store');
    const [header, ...rows] = parseCsv(res.text);
    expect(header).toEqual([
      '拨付编号',
      '合同编号',
      '承接机构',
      '资金',
      '里程碑',
      '里程碑名称',
      '款项类型',
      '金额（元）',
      '金额（分）',
      '支付渠道',
      '状态',
      '提出时间',
      '审批时间',
      '支付时间',
      '凭证号',
    ]);
    expect(rows).toHaveLength(3);
    const fen = rows.map((r) => Number(r[8]));
    expect(fen.reduce((s, x) => s + x, 0)).toBe(aAmounts[0] + aAmounts[1] + bAmount);
    for (const r of rows) expect(r[7]).toBe(`${Math.trunc(Number(r[8]) / 100)}.${String(Number(r[8]) % 100).padStart(2, '0')}`);
    const aRows = rows.filter((r) => r[1] === a.contract.reference);
    expect(aRows).toHaveLength(2);
    expect(aRows[0][2]).toBe(`'=HYPERLINK("http://evil.example","点我")`);
    expect(aRows.map((r) => r[10]).sort()).toEqual(['已支付', '待审批'].sort());
    expect(rows.find((r) => r[1] === b.contract.reference)![13]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  });

  it('filters by fund and by date, and refuses a bad filter with the field named', async () => {
    const officer = await signInAsUser(t, a.officer);
    const byFund = parseCsv((await officer.agent.get(`/staff/reports/disbursements.csv?fundId=${b.contract.fundId}`).expect(200)).text);
    expect(byFund.slice(1).map((r) => r[1])).toEqual([b.contract.reference]);
    const [{ today }] = await t.dataSource.query(`SELECT to_char((app_now() AT TIME ZONE 'Asia/Shanghai')::date, 'YYYY-MM-DD') AS today`);
    const todays = await officer.agent.get(`/staff/reports/disbursements.csv?from=${today}&to=${today}`).expect(200);
    expect(parseCsv(todays.text)).toHaveLength(4);
    expect(todays.headers['content-disposition']).toContain(`filename="disbursements-${today}_${today}.csv"`);
    expect(parseCsv((await officer.agent.get('/staff/reports/disbursements.csv?from=2099-01-01').expect(200)).text)).toHaveLength(1);
    const bad = await officer.agent.get('/staff/reports/disbursements.csv?from=2026-13-01&fundId=1').set('Accept', 'application/json').expect(400);
    expect(bad.body.error.code).toBe('REPORTING.FILTER_INVALID');
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['from', 'fundId']);
  });

  it('exports disbursements as XLSX that reads back with the right totals', async () => {
    const { session: auditor } = await signInAs(t, ['auditor']);
    const res = await binary(auditor.agent.get('/staff/reports/disbursements.xlsx')).expect(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toMatch(/filename="disbursements-[\d-]+\.xlsx"; filename\*=UTF-8''%E6%8B%A8/);
    const [header, ...rest] = await readXlsx(res);
    expect(header[7]).toBe('金额（元）');
    const total = rest.pop()!;
    expect(rest).toHaveLength(3);
    const fenSum = rest.reduce((s, r) => s + (r[8] as number), 0);
    expect(fenSum).toBe(aAmounts[0] + aAmounts[1] + bAmount);
    for (const r of rest) expect(Math.round((r[7] as number) * 100)).toBe(r[8]);
    expect(total[0]).toBe('合计');
    expect(total[8]).toBe(fenSum);
    expect(Math.round((total[7] as number) * 100)).toBe(fenSum);
    const evil = rest.find((r) => r[1] === a.contract.reference)!;
    expect(evil[2]).toBe(`'=HYPERLINK("http://evil.example","点我")`);
  });

  it('exports milestone scores as CSV and XLSX with exact two-decimal scores', async () => {
    const officer = await signInAsUser(t, a.officer);
    const csv = parseCsv((await officer.agent.get('/staff/reports/scores.csv').expect(200)).text);
    expect(csv[0]).toEqual(['合同编号', '承接机构', '资金', '里程碑', '里程碑名称', '评估轮次', '得分', '等级', '记录时间']);
    const scores = csv.slice(1).map((r) => [r[0], r[3], r[6], r[7]]);
    expect(scores).toEqual(
      expect.arrayContaining([
        [a.contract.reference, '1', '73.33', '合格'],
        [a.contract.reference, '2', '91.50', '优秀'],
        [b.contract.reference, '1', '88.00', '良好'],
      ]),
    );
    expect(scores).toHaveLength(3);
    const xlsx = await readXlsx(await binary(officer.agent.get(`/staff/reports/scores.xlsx?fundId=${a.contract.fundId}`)).expect(200));
    expect(xlsx.slice(1).map((r) => [r[0], r[3], r[6]])).toEqual([
      [a.contract.reference, 1, 73.33],
      [a.contract.reference, 2, 91.5],
    ]);
  });

  it('gives an organisation only its own rows, and only what was approved for it', async () => {
    const orgA = await signInAsUser(t, a.orgAdmin);
    const csv = await orgA.agent.get('/organisation/reports/disbursements.csv').expect(200);
    expect(csv.text).toContain(a.contract.reference);
    expect(csv.text).not.toContain(b.contract.reference);
    const rows = parseCsv(csv.text).slice(1);
    expect(rows.map((r) => Number(r[8]))).toEqual([aAmounts[0]]); // the proposal awaiting approval is internal
    // Filtering by another organisation's fund still gives only its own (nothing).
    expect(parseCsv((await orgA.agent.get(`/organisation/reports/disbursements.csv?fundId=${b.contract.fundId}`).expect(200)).text)).toHaveLength(1);

    const orgB = await signInAsUser(t, b.orgAdmin);
    const xlsx = await readXlsx(await binary(orgB.agent.get('/organisation/reports/disbursements.xlsx')).expect(200));
    expect(JSON.stringify(xlsx)).not.toContain(a.contract.reference);
    expect(xlsx.slice(1, -1).map((r) => r[8])).toEqual([bAmount]);
    const scores = await orgB.agent.get('/organisation/reports/scores.csv').expect(200);
    expect(scores.text).toContain(b.contract.reference);
    expect(scores.text).not.toContain(a.contract.reference);
    const scoresX = await readXlsx(await binary(orgB.agent.get('/organisation/reports/scores.xlsx')).expect(200));
    expect(scoresX.slice(1).map((r) => r[0])).toEqual([b.contract.reference]);

    await orgB.agent.get('/staff/reports/disbursements.csv').expect(403);
    await orgB.agent.get('/organisation/reports/scores.csv?to=yesterday').expect(400);
  });

  it('writes English headers and filenames for the English interface', async () => {
    const officer = await signInAsUser(t, a.officer);
    const res = await officer.agent.get('/staff/reports/scores.csv').set('Cookie', 'lang=en').expect(200);
    expect(parseCsv(res.text)[0][6]).toBe('Score');
    expect(res.headers['content-disposition']).toMatch(/filename\*=UTF-8''milestone-scores-/);
  });
});
