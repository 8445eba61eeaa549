import { DEMO_CONTRACT_TITLE, DEMO_PENDING_CONTRACT_TITLE, DEMO_VOUCHER_NO } from '../../src/demo/demo-contract';
import { DEMO_EVALUATORS, DEMO_ORGANISATIONS, DEMO_PASSWORD, DEMO_STAFF, seedDemo } from '../../src/demo/demo-seed';
import { signIn } from '../factories/users';
import { TestApp, createTestApp } from '../support/test-app';

describe('demo district', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Every account signs in below, some twice: more than the default sign-in rate limit allows.
    t = await createTestApp({ LOGIN_RATE_LIMIT: '1000' });
    await expect(seedDemo(t.app)).resolves.toBe(true);
  }, 120_000);
  afterAll(async () => {
    await t.close();
  });

  it('has staff of every role, 5 evaluators and 8 organisations in several states', async () => {
    const roles = await t.dataSource.query(`SELECT DISTINCT unnest(roles) AS role FROM users`);
    expect(roles.map((r: { role: string }) => r.role).sort()).toEqual(['admin', 'auditor', 'bureau_approver', 'bureau_officer', 'evaluator', 'finance_supervisor', 'org_admin', 'org_member']);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM evaluator_profiles WHERE is_active`);
    expect(n).toBe(5);
    const statuses = await t.dataSource.query(`SELECT status, count(*)::int AS n FROM organisations GROUP BY status ORDER BY status`);
    expect(statuses).toEqual([
      { status: 'approved', n: 4 },
      { status: 'draft', n: 1 },
      { status: 'needs_changes', n: 1 },
      { status: 'submitted', n: 1 },
      { status: 'suspended', n: 1 },
    ]);
    const [{ published }] = await t.dataSource.query(`SELECT count(*)::int AS published FROM projects WHERE status = 'published'`);
    expect(published).toBe(1);
  });

  it('lets every listed demo account sign in with the demo password', async () => {
    for (const account of [...DEMO_STAFF, ...DEMO_EVALUATORS, ...DEMO_ORGANISATIONS]) {
      await signIn(t, { email: account.email, password: DEMO_PASSWORD });
    }
  });

  const userId = async (email: string): Promise<string> => (await t.dataSource.query(`SELECT id FROM users WHERE email = $1`, [email]))[0].id;
  const contractOf = async (title: string) =>
    (
      await t.dataSource.query(
        `SELECT c.id, c.reference, c.status, c.amount_minor::int AS amount, c.approved_minor::int AS approved, c.paid_minor::int AS paid, c.fund_id
           FROM contracts c JOIN projects p ON p.id = c.project_id WHERE p.title = $1`,
        [title],
      )
    )[0];
  const milestoneStatuses = async (contractId: string): Promise<string[]> =>
    (await t.dataSource.query(`SELECT status FROM contract_milestones WHERE contract_id = $1 ORDER BY position`, [contractId])).map((r: { status: string }) => r.status);
  const page = async (email: string, url: string): Promise<string> => {
    const s = await signIn(t, { email, password: DEMO_PASSWORD });
    const res = await s.agent.get(url);
    expect(res.status).toBe(200);
    return res.text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
  };

  it('has 乐龄 contracted, milestone 1 delivered, surveyed, scored by two evaluators (优秀) and paid by treasury voucher after maker-checker; milestone 2 delivered and waiting', async () => {
    const c = await contractOf(DEMO_CONTRACT_TITLE);
    expect(c).toMatchObject({ status: 'active', amount: 28_600_000, approved: 8_580_000, paid: 8_580_000 });
    expect(await milestoneStatuses(c.id)).toEqual(['passed', 'delivered', 'pending']);

    const evaluators = await t.dataSource.query(`SELECT u.email FROM service_evaluators s JOIN users u ON u.id = s.evaluator_id WHERE s.contract_id = $1 AND s.status = 'active' ORDER BY u.email`, [
      c.id,
    ]);
    expect(evaluators.map((e: { email: string }) => e.email)).toEqual(['expert1@demo.example', 'expert4@demo.example']);
    const deliveries = await t.dataSource.query(
      `SELECT d.milestone_position AS position, d.late, (SELECT count(*)::int FROM delivery_service_records r WHERE r.delivery_id = d.id) AS records,
              (SELECT count(*)::int FROM delivery_attachments a WHERE a.delivery_id = d.id) AS attachments
         FROM milestone_deliveries d WHERE d.contract_id = $1 ORDER BY d.milestone_position`,
      [c.id],
    );
    expect(deliveries).toEqual([
      { position: 1, late: false, records: 3, attachments: 2 },
      { position: 2, late: false, records: 2, attachments: 1 },
    ]);
    const sheets = await t.dataSource.query(
      `SELECT u.email, s.status FROM milestone_scoresheets s JOIN users u ON u.id = s.evaluator_id WHERE s.contract_id = $1 AND s.milestone_position = 1 ORDER BY u.email`,
      [c.id],
    );
    expect(sheets).toEqual([
      { email: 'expert1@demo.example', status: 'submitted' },
      { email: 'expert4@demo.example', status: 'submitted' },
    ]);
    // (91.90 + 88.40) / 2, the satisfaction indicator from the residents' average of 4.6.
    expect(await t.dataSource.query(`SELECT position, score_centi, grade FROM milestone_results WHERE contract_id = $1`, [c.id])).toEqual([{ position: 1, score_centi: 9015, grade: 'excellent' }]);
    const surveys = await t.dataSource.query(
      `SELECT s.milestone_position AS position, s.min_responses, (SELECT count(*)::int FROM survey_responses r WHERE r.survey_id = s.id) AS responses,
              s.closes_at > app_now() AS open
         FROM milestone_surveys s WHERE s.contract_id = $1 ORDER BY s.milestone_position`,
      [c.id],
    );
    expect(surveys).toEqual([
      { position: 1, min_responses: 3, responses: 5, open: true },
      { position: 2, min_responses: expect.any(Number), responses: 2, open: true },
    ]);

    const [d] = await t.dataSource.query(
      `SELECT d.status, d.rail, d.amount_minor::int AS amount, d.proposed_by, d.decided_by, tp.voucher_no, tp.recorded_by, tp.amount_minor::int AS voucher_amount
         FROM disbursements d JOIN treasury_payments tp ON tp.disbursement_id = d.id WHERE d.contract_id = $1`,
      [c.id],
    );
    expect(d).toEqual({
      status: 'paid',
      rail: 'treasury',
      amount: 8_580_000,
      proposed_by: await userId('officer@demo.example'),
      decided_by: await userId('approver@demo.example'),
      voucher_no: DEMO_VOUCHER_NO,
      recorded_by: await userId('officer2@demo.example'),
      voucher_amount: 8_580_000,
    });
    // The elderly fund: 360 000 reserved by the published project, 286 000 committed, of which 85 800 moved to paid.
    const [fund] = await t.dataSource.query(
      `SELECT reserved_minor::int AS reserved, committed_minor::int AS committed, payable_minor::int AS payable, paid_minor::int AS paid FROM funds WHERE id = $1`,
      [c.fund_id],
    );
    expect(fund).toEqual({ reserved: 36_000_000, committed: 20_020_000, payable: 0, paid: 8_580_000 });
  });

  it('has 同心 contracted, milestone 1 delivered on time, scored 良好, and its disbursement waiting for an approver', async () => {
    const c = await contractOf(DEMO_PENDING_CONTRACT_TITLE);
    expect(c).toMatchObject({ status: 'active', amount: 13_800_000, approved: 0, paid: 0 });
    expect(await milestoneStatuses(c.id)).toEqual(['passed', 'pending']);
    expect(await t.dataSource.query(`SELECT late FROM milestone_deliveries WHERE contract_id = $1`, [c.id])).toEqual([{ late: false }]);
    expect(await t.dataSource.query(`SELECT score_centi, grade FROM milestone_results WHERE contract_id = $1`, [c.id])).toEqual([{ score_centi: 8300, grade: 'good' }]);
    expect(await t.dataSource.query(`SELECT status, amount_minor::int AS amount, proposed_by FROM disbursements WHERE contract_id = $1`, [c.id])).toEqual([
      { status: 'proposed', amount: 6_900_000, proposed_by: await userId('officer2@demo.example') },
    ]);
  });

  it('shows issue 6 to every role: payments to the organisations (their own only), scoring to the evaluators, the queue to the approver, the ledger to the auditor', async () => {
    const paid = await contractOf(DEMO_CONTRACT_TITLE);
    const pending = await contractOf(DEMO_PENDING_CONTRACT_TITLE);
    const leling = await page('leling@demo.example', '/organisation/payments');
    expect(leling).toContain(paid.reference);
    expect(leling).toContain('¥85,800');
    expect(leling).toContain('已支付');
    const tongxin = await page('tongxin@demo.example', '/organisation/payments');
    expect(tongxin).not.toContain(paid.reference);
    expect(tongxin).not.toContain('¥85,800');
    expect(await page('tongxin@demo.example', '/organisation/reports')).toContain('83.00 · 良好');
    expect(await page('leling@demo.example', '/organisation/surveys')).toContain('5 / 3');

    const expert1 = await page('expert1@demo.example', '/dashboard');
    expect(expert1).toContain(`${paid.reference} · 2. 中期服务与评估`);
    expect(await page('expert2@demo.example', '/service-evaluations')).toContain(pending.reference);

    const approverQueue = await page('approver@demo.example', '/staff/disbursements');
    expect(approverQueue).toContain(pending.reference);
    expect(approverQueue).toContain('¥69,000');
    expect(await page('approver2@demo.example', '/dashboard')).toContain('1 笔拨付待审批');
    expect(await page('officer@demo.example', `/staff/contracts/${paid.id}/payments`)).toContain('90.15 · 优秀');
    expect(await page('auditor@demo.example', '/staff/ledger')).toMatch(/总账平衡：\d+ 笔分录均借贷相等；2 项资金、1 份合同与总账一致/); // the contract with money approved; the other has none yet
  });

  it('writes every demo bid as the bidding service does: a sealed version 1 with its receipt, from an organisation registered in the categories', async () => {
    // Every bid of the procurement history has its sealed version, whose hash is the opening record's.
    const bids = await t.dataSource.query(
      `SELECT b.id, b.current_version, v.kind, v.receipt_sha256 = ob.receipt_sha256 AS same_hash, v.sealed_content IS NOT NULL AS sealed
         FROM bids b LEFT JOIN bid_versions v ON v.bid_id = b.id AND v.version = b.current_version LEFT JOIN opened_bids ob ON ob.bid_id = b.id`,
    );
    expect(bids).toHaveLength(4);
    for (const b of bids) expect(b).toMatchObject({ current_version: 1, kind: 'submission', same_hash: true, sealed: true });
    // …and each bidder was eligible by category for the project it bid on.
    const outOfCategory = await t.dataSource.query(
      `SELECT o.name_zh FROM bids b JOIN organisations o ON o.id = b.organisation_id JOIN project_items pi ON pi.project_id = b.project_id
         JOIN catalogue_items ci ON ci.code = pi.item_code WHERE NOT ci.category_code = ANY (o.service_categories)`,
    );
    expect(outOfCategory).toEqual([]);

    // 和事佬 lost the volunteer-station project: its bid page shows its version, hash and receipt.
    const [project] = await t.dataSource.query(`SELECT id, reference FROM projects WHERE title = $1`, [DEMO_PENDING_CONTRACT_TITLE]);
    const [own] = await t.dataSource.query(
      `SELECT b.id, v.receipt_sha256 FROM bids b JOIN bid_versions v ON v.bid_id = b.id JOIN users u ON u.organisation_id = b.organisation_id
        WHERE b.project_id = $1 AND u.email = 'heshilao@demo.example'`,
      [project.id],
    );
    const s = await signIn(t, { email: 'heshilao@demo.example', password: DEMO_PASSWORD });
    const bidPage = await s.agent.get(`/projects/${project.id}/bid`);
    expect(bidPage.status).toBe(200);
    expect(bidPage.text).toContain(own.receipt_sha256);
    expect(bidPage.text).toContain(`/bids/${own.id}/versions/1/receipt`);
    expect(bidPage.text).not.toContain('贵机构未登记本项目所属的服务类别');
    const receipt = await s.agent.get(`/bids/${own.id}/versions/1/receipt`);
    expect(receipt.status).toBe(200);
    expect(receipt.text).toContain(own.receipt_sha256);
    // The opening record verifies its receipt against the opened content.
    const { OpeningService } = await import('../../src/bidding/opening/opening.service');
    await expect(t.app.get(OpeningService).verifyReceipt(project.reference, own.receipt_sha256)).resolves.toMatchObject({ check: { status: 'verified' } });
  });

  it('has dates that agree: no milestone due, service record, visit or payment before its contract took effect (issue 11)', async () => {
    const { demoDateProblems, loadDemoDateFacts } = await import('../../src/demo/demo-dates');
    const { contracts, now } = await loadDemoDateFacts(t.dataSource);
    expect(contracts).toHaveLength(2);
    expect(demoDateProblems(contracts, now)).toEqual([]);
    // The check sees a regression: 同心's milestone 1 moved to before the contract took effect.
    const tongxin = contracts.find((c) => c.milestones.length === 2)!;
    const yesterday = new Date(tongxin.activatedAt.getTime() - 86_400_000).toISOString().slice(0, 10);
    const broken = { ...tongxin, milestones: [{ position: 1, dueDate: yesterday }, tongxin.milestones[1]] };
    expect(demoDateProblems([broken], now).join(' ')).toContain('before the contract took effect');
  });

  it('records the issue 6 story in the audit trail', async () => {
    const actions = (await t.dataSource.query(`SELECT DISTINCT action FROM audit_events`)).map((r: { action: string }) => r.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'demo.procurement_history_written',
        'service_evaluation.evaluator_assigned',
        'delivery.submitted',
        'survey.response_recorded',
        'service_evaluation.scores_submitted',
        'disbursement.paid',
      ]),
    );
  });

  it('writes the whole story into an intact audit chain, and runs only once', async () => {
    const { AuditService } = await import('../../src/audit/audit.service');
    await expect(t.app.get(AuditService).verify()).resolves.toMatchObject({ ok: true });
    await expect(seedDemo(t.app)).resolves.toBe(false);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM contracts`);
    expect(n).toBe(2);
  });
});

describe('demo district ledger', () => {
  it('journals every fund movement, so the trial balance agrees with the funds', async () => {
    const t = await createTestApp();
    try {
      await seedDemo(t.app);
      const { LedgerQueries } = await import('../../src/ledger/ledger.queries');
      const result = await t.app.get(LedgerQueries).verifyLedger();
      expect(result.problems).toEqual([]);
      // Both funds; of the contracts, the one with money approved and paid (the other's disbursement awaits approval).
      expect(result).toMatchObject({ ok: true, funds: 2, contracts: 1 });
    } finally {
      await t.close();
    }
  }, 120_000);
});
