import { StripeOutboxWorker } from '../../src/payments/stripe/stripe-outbox.worker';
import { StripeReconciliationService } from '../../src/payments/stripe/stripe-reconciliation.service';
import { signInAsUser } from '../factories/awards';
import { createUser, signIn } from '../factories/users';
import { createActiveContract } from '../factories/payments';
import { approvedStripe, createStripeContract, disbursementRow, postWebhook, stripeEnv, useEnv } from '../factories/stripe';
import { FakeStripe, startFakeStripe } from '../support/fake-stripe';
import { TestApp, createTestApp } from '../support/test-app';

describe('payments: Stripe Connect onboarding, the choice of rail, and reconciliation', () => {
  let t: TestApp;
  let fake: FakeStripe;
  let restoreEnv: () => void;
  jest.setTimeout(90_000);

  beforeAll(async () => {
    fake = await startFakeStripe();
    restoreEnv = useEnv(stripeEnv(fake));
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000', PUBLIC_URL: 'https://market.example' });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
    restoreEnv?.();
  });

  it('links the organisation to a new connected account, sends its admin to onboarding and takes Stripe as its rail once ready', async () => {
    const c = await createActiveContract(t);
    const admin = await signInAsUser(t, c.orgAdmin);
    const page = await admin.agent.get('/organisation/payment-account').expect(200);
    expect(page.text).toContain('data-testid="link-form"');
    expect(page.text).toMatch(/name="rail" value="stripe"[^>]* disabled/);

    // Stripe cannot be chosen before the account can receive.
    const early = await admin.form('/organisation/payment-account/rail', { rail: 'stripe' });
    expect(early.status).toBe(422);
    expect(early.text).toContain('Stripe 账户尚未关联或未完成开户');

    const link = await admin.form('/organisation/payment-account/stripe').redirects(0).expect(303);
    const [account] = await t.dataSource.query(`SELECT rail, stripe_account_id, stripe_ready FROM payment_accounts WHERE organisation_id = $1`, [c.organisationId]);
    expect(account).toMatchObject({ rail: 'treasury', stripe_ready: false, stripe_account_id: expect.stringMatching(/^acct_/) });
    expect(link.headers.location).toBe(`https://connect.stripe.test/setup/${account.stripe_account_id}`);
    const created = fake.requests.find((r) => r.method === 'POST' && r.path === '/v1/accounts' && r.body['metadata[organisation_id]'] === c.organisationId)!;
    expect(created.body).toMatchObject({ type: 'express' });
    const linkCall = fake.requests.filter((r) => r.path === '/v1/account_links').at(-1)!;
    expect(linkCall.body).toMatchObject({
      account: account.stripe_account_id,
      type: 'account_onboarding',
      return_url: 'https://market.example/organisation/payment-account/stripe/return',
      refresh_url: 'https://market.example/organisation/payment-account/stripe/refresh',
    });
    // A second click reuses the account.
    await admin.form('/organisation/payment-account/stripe').redirects(0).expect(303);
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/accounts' && r.body['metadata[organisation_id]'] === c.organisationId)).toHaveLength(1);

    // Back from Stripe unfinished; then Stripe says the account is enabled.
    expect((await admin.agent.get('/dashboard').expect(200)).text).toContain('贵机构的 Stripe 账户尚未完成开户');
    const back = await admin.agent.get('/organisation/payment-account/stripe/return').redirects(0).expect(303);
    expect(back.headers.location).toBe('/organisation/payment-account');
    const acct = fake.accounts.get(account.stripe_account_id)!;
    acct.charges_enabled = true;
    acct.payouts_enabled = true;
    await admin.agent.get('/organisation/payment-account/stripe/return').redirects(0).expect(303);
    const [ready] = await t.dataSource.query(`SELECT stripe_ready FROM payment_accounts WHERE organisation_id = $1`, [c.organisationId]);
    expect(ready.stripe_ready).toBe(true);

    const member = await signIn(t, await createUser(t, { roles: ['org_member'], organisationId: c.organisationId }));
    await member.form('/organisation/payment-account/rail', { rail: 'stripe' }).expect(403);
    await admin.form('/organisation/payment-account/rail', { rail: 'bank' }).expect(400);
    await admin.form('/organisation/payment-account/rail', { rail: 'stripe' }).redirects(0).expect(303);
    expect((await admin.agent.get('/dashboard').expect(200)).text).not.toContain('data-testid="stripe-dashboard"');
    const chosen = await admin.agent.get('/organisation/payment-account').expect(200);
    expect(chosen.text).toMatch(/data-testid="rail">Stripe/);
  });

  it('flags mismatches between Stripe and the ledger once, settles a sending disbursement whose webhook was lost, and lets an officer resolve an issue with a note', async () => {
    const c = await createStripeContract(t, fake);
    const worker = t.app.get(StripeOutboxWorker);
    // d1: paid normally. d2: sent, its webhook lost. d3: paid here, but its transfer is gone from Stripe.
    const d1 = await approvedStripe(t, c, 1);
    await worker.sweep();
    await postWebhook(
      t,
      fake,
      'transfer.created',
      fake.transfers.find((x) => x.metadata.disbursement_id === d1.id),
    ).expect(200);
    const d2 = await approvedStripe(t, c, 2);
    await worker.sweep();
    const t2 = fake.transfers.find((x) => x.metadata.disbursement_id === d2.id)!;
    t2.created -= 3600;
    const d3 = await approvedStripe(t, c, 3);
    await worker.sweep();
    const t3 = fake.transfers.find((x) => x.metadata.disbursement_id === d3.id)!;
    await postWebhook(t, fake, 'transfer.created', t3).expect(200);
    fake.transfers.splice(fake.transfers.indexOf(t3), 1);
    // Injected: a transfer nobody here made, and one for d1 with the wrong amount.
    const stray = fake.injectTransfer({ amount: 12345, destination: c.accountId, metadata: {} });
    const wrong = fake.injectTransfer({ amount: d1.amountMinor + 100, destination: c.accountId, metadata: { disbursement_id: d1.id } });
    // 120 newer transfers (reversed long ago, nothing to flag) push the stray one onto the second page of the list.
    for (let i = 0; i < 120; i++) fake.injectTransfer({ amount: 100, destination: c.accountId, reversed: true, amount_reversed: 100, created: Math.floor(Date.now() / 1000) + 60 });
    const listsBefore = fake.requests.filter((r) => r.method === 'GET' && r.path === '/v1/transfers' && !r.query.transfer_group).length;

    const officer = await signInAsUser(t, c.officer);
    await officer.form('/staff/reconciliation/run').redirects(0).expect(303);
    const issues = (await t.dataSource.query(`SELECT kind, disbursement_id, stripe_transfer_id FROM reconciliation_issues WHERE resolved_at IS NULL`)) as Array<{
      kind: string;
      disbursement_id: string | null;
      stripe_transfer_id: string | null;
    }>;
    expect(issues).toEqual(
      expect.arrayContaining([
        { kind: 'transfer_without_disbursement', disbursement_id: null, stripe_transfer_id: stray.id },
        { kind: 'amount_mismatch', disbursement_id: d1.id, stripe_transfer_id: wrong.id },
        { kind: 'missing_in_stripe', disbursement_id: d3.id, stripe_transfer_id: t3.id },
      ]),
    );
    expect(issues.some((i) => i.disbursement_id === d2.id)).toBe(false);
    expect(await disbursementRow(t, d2.id)).toMatchObject({ status: 'paid', stripe_transfer_id: t2.id });
    // Listing went through every page.
    const pages = fake.requests.filter((r) => r.method === 'GET' && r.path === '/v1/transfers' && !r.query.transfer_group).slice(listsBefore);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages[1].query.starting_after).toMatch(/^tr_/);

    // A second run flags nothing new.
    const again = await t.app.get(StripeReconciliationService).runReconciliation();
    expect(again.newIssues).toBe(0);

    const page = await officer.agent.get('/staff/reconciliation').expect(200);
    expect(page.text).toContain(stray.id);
    const [issue] = await t.dataSource.query(`SELECT id FROM reconciliation_issues WHERE stripe_transfer_id = $1`, [stray.id]);
    const auditor = await signIn(t, await createUser(t, { roles: ['auditor'] }));
    await auditor.form(`/staff/reconciliation/${issue.id}/resolve`, { note: 'x' }).expect(403);
    const blank = await officer.form(`/staff/reconciliation/${issue.id}/resolve`, { note: '  ' });
    expect(blank.status).toBe(400);
    await officer.form(`/staff/reconciliation/${issue.id}/resolve`, { note: '平台测试转账，已与 Stripe 核实，无需处理' }).redirects(0).expect(303);
    await officer.form(`/staff/reconciliation/${issue.id}/resolve`, { note: 'again' }).expect(404);
    const [resolved] = await t.dataSource.query(`SELECT resolved_by, resolution_note FROM reconciliation_issues WHERE id = $1`, [issue.id]);
    expect(resolved).toMatchObject({ resolved_by: c.officer.id, resolution_note: '平台测试转账，已与 Stripe 核实，无需处理' });
    const after = await officer.agent.get('/staff/reconciliation').expect(200);
    expect(after.text).toContain('平台测试转账');
  });
});

describe('payments: without STRIPE_SECRET_KEY the treasury is the only rail', () => {
  let t: TestApp;
  jest.setTimeout(90_000);
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('hides the Stripe options, refuses them clearly, and refuses every webhook', async () => {
    const c = await createActiveContract(t);
    const admin = await signInAsUser(t, c.orgAdmin);
    const page = await admin.agent.get('/organisation/payment-account').expect(200);
    expect(page.text).toContain('data-testid="stripe-off"');
    expect(page.text).not.toContain('value="stripe"');
    const link = await admin.form('/organisation/payment-account/stripe');
    expect(link.status).toBe(422);
    expect(link.text).toContain('本平台未启用 Stripe');
    const rail = await admin.agent.post('/organisation/payment-account/rail').set('Accept', 'application/json').set('X-CSRF-Token', admin.csrf).send({ rail: 'stripe' });
    expect(rail.status).toBe(422);
    expect(rail.body.error.code).toBe('PAYMENTS.STRIPE_NOT_CONFIGURED');
    // An organisation left on the Stripe rail from before cannot be proposed for silently.
    await t.dataSource.query(`INSERT INTO payment_accounts (organisation_id, rail, stripe_account_id, stripe_ready) VALUES ($1, 'stripe', 'acct_old', true)`, [c.organisationId]);
    const { proposeStripe } = await import('../factories/stripe');
    await expect(proposeStripe(t, c)).rejects.toMatchObject({ code: 'PAYMENTS.STRIPE_NOT_CONFIGURED' });
    const hook = await t.http().post('/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', 't=1,v1=abc').send('{"id":"evt_1"}');
    expect(hook.status).toBe(400);
  });
});
