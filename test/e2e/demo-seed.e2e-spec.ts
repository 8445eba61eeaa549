import { DEMO_EVALUATORS, DEMO_ORGANISATIONS, DEMO_PASSWORD, DEMO_STAFF, seedDemo } from '../../src/demo/demo-seed';
import { signIn } from '../factories/users';
import { TestApp, createTestApp } from '../support/test-app';

describe('demo district', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await expect(seedDemo(t.app)).resolves.toBe(true);
  }, 120_000);
  afterAll(async () => {
    await t.close();
  });

  it('has staff of every role, 5 evaluators and 8 organisations in several states', async () => {
    const roles = await t.dataSource.query(`SELECT DISTINCT unnest(roles) AS role FROM users`);
    expect(roles.map((r: { role: string }) => r.role).sort()).toEqual(['admin', 'auditor', 'bureau_approver', 'bureau_officer', 'evaluator', 'org_admin', 'org_member']);
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

  it('writes the whole story into an intact audit chain, and runs only once', async () => {
    const { AuditService } = await import('../../src/audit/audit.service');
    await expect(t.app.get(AuditService).verify()).resolves.toMatchObject({ ok: true });
    await expect(seedDemo(t.app)).resolves.toBe(false);
  });
});

describe('demo district ledger', () => {
  it('journals every fund movement, so the trial balance agrees with the funds', async () => {
    const t = await createTestApp();
    try {
      await seedDemo(t.app);
      const { LedgerService } = await import('../../src/payments/ledger.service');
      const result = await t.app.get(LedgerService).verifyLedger();
      expect(result.problems).toEqual([]);
      expect(result.funds).toBeGreaterThanOrEqual(1);
    } finally {
      await t.close();
    }
  }, 120_000);
});
