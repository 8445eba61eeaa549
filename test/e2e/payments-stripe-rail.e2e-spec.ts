import { DisbursementsService } from '../../src/payments/disbursements.service';
import { LedgerQueries } from '../../src/ledger/ledger.queries';
import { StripeOutboxWorker } from '../../src/payments/stripe/stripe-outbox.worker';
import { transferIdempotencyKey } from '../../src/payments/stripe/domain/transfer-rules';
import { actorOf, auditActions, signInAsUser } from '../factories/awards';
import { contractBalances, fundPaymentBalances } from '../factories/payments';
import { approvedStripe, createStripeContract, disbursementRow, postWebhook, proposeStripe, stripeEnv, useEnv } from '../factories/stripe';
import { FakeStripe, startFakeStripe } from '../support/fake-stripe';
import { TestApp, createTestApp } from '../support/test-app';

describe('payments: the Stripe rail (outbox worker, webhooks, retries) against a fake Stripe', () => {
  let t: TestApp;
  let fake: FakeStripe;
  let restoreEnv: () => void;
  jest.setTimeout(90_000);

  beforeAll(async () => {
    fake = await startFakeStripe();
    restoreEnv = useEnv(stripeEnv(fake, { STRIPE_TIMEOUT_MS: '800', STRIPE_MAX_ATTEMPTS: '4' }));
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
    restoreEnv?.();
  });

  const worker = () => t.app.get(StripeOutboxWorker);
  const ledger = () => t.app.get(LedgerQueries);
  const creationsFor = (id: string) => fake.transferCreations().filter((r) => r.body['metadata[disbursement_id]'] === id);
  const transfersFor = (id: string) => fake.transfers.filter((x) => x.metadata.disbursement_id === id);

  it('sends one transfer for an approved disbursement and settles it as paid from the signed webhook', async () => {
    const c = await createStripeContract(t, fake);
    const d = await approvedStripe(t, c);
    expect(await disbursementRow(t, d.id)).toMatchObject({ status: 'approved', outbox_status: 'pending', stripe_destination: c.accountId, idempotency_key: transferIdempotencyKey(d.id, 1) });
    const committed = (await fundPaymentBalances(t, c.contract.fundId)).committed;

    expect(await worker().sweep()).toEqual(['sent']);
    const [call] = creationsFor(d.id);
    expect(creationsFor(d.id)).toHaveLength(1);
    expect(call.idempotencyKey).toBe(`disbursement-${d.id}-g1`);
    expect(call.body).toMatchObject({
      amount: String(d.amountMinor),
      currency: 'cny',
      destination: c.accountId,
      transfer_group: c.contract.id,
      'metadata[disbursement_id]': d.id,
      'metadata[milestone]': '1',
    });
    const sent = await disbursementRow(t, d.id);
    expect(sent).toMatchObject({ status: 'sending', outbox_status: 'done', stripe_transfer_id: fake.transfers.at(-1)!.id });
    // Sent is not paid: the money is payable until Stripe confirms.
    expect((await fundPaymentBalances(t, c.contract.fundId)).payable).toBe(d.amountMinor);
    expect(await worker().sweep()).toEqual([]);
    const approverSession = await signInAsUser(t, c.approver);
    const queue = await approverSession.agent.get('/staff/disbursements').expect(200);
    expect(queue.text).toMatch(new RegExp(`data-testid="awaiting-payment"[\\s\\S]*/staff/disbursements/${d.id}`));

    const res = await postWebhook(t, fake, 'transfer.created', fake.transfers.at(-1)).expect(200);
    expect(res.body).toMatchObject({ received: true, duplicate: false, outcome: 'paid' });
    expect(await disbursementRow(t, d.id)).toMatchObject({ status: 'paid' });
    expect(await fundPaymentBalances(t, c.contract.fundId)).toEqual({ committed, payable: 0, paid: d.amountMinor });
    expect(await contractBalances(t, c.contract.id)).toMatchObject({ approved: d.amountMinor, paid: d.amountMinor });
    expect(await auditActions(t, 'disbursement', d.id)).toEqual(['disbursement.proposed', 'disbursement.approved', 'disbursement.transfer_sent', 'disbursement.paid']);
    const [n] = await t.dataSource.query(`SELECT count(*)::int AS n FROM notifications WHERE kind = 'disbursement.paid' AND user_id = $1`, [c.orgAdmin.id]);
    expect(n.n).toBe(1);
    expect((await ledger().verifyLedger()).problems).toEqual([]);

    // Both sides see it paid.
    const staff = await signInAsUser(t, c.officer);
    const page = await staff.agent.get(`/staff/disbursements/${d.id}`).expect(200);
    expect(page.text).toContain(fake.transfers.at(-1)!.id);
    expect(page.text).toMatch(/data-testid="status">已支付/);
  });

  it('retries a transfer Stripe failed to answer (5xx) with the same idempotency key, after the back-off', async () => {
    const c = await createStripeContract(t, fake);
    const d = await approvedStripe(t, c);
    fake.failNextTransfers({ status: 500, message: 'Stripe is having a moment' });
    expect(await worker().sweep()).toEqual(['retry_later']);
    expect(await disbursementRow(t, d.id)).toMatchObject({ status: 'sending', outbox_status: 'pending', attempts: 1, last_error: expect.stringContaining('500') });
    expect(transfersFor(d.id)).toHaveLength(0);
    expect(await worker().sweep()).toEqual(['sent']);
    const calls = creationsFor(d.id);
    expect(calls).toHaveLength(2);
    expect(new Set(calls.map((r) => r.idempotencyKey))).toEqual(new Set([`disbursement-${d.id}-g1`]));
    expect(transfersFor(d.id)).toHaveLength(1);
    // Before the retry it looked for an existing transfer of the contract's group.
    const lookups = fake.requests.filter((r) => r.method === 'GET' && r.path === '/v1/transfers' && r.query.transfer_group === c.contract.id);
    expect(lookups.length).toBeGreaterThanOrEqual(2);
    expect(await disbursementRow(t, d.id)).toMatchObject({ outbox_status: 'done', attempts: 2, last_error: null });
  });

  it('does not send a second transfer when Stripe accepted one but the answer came too late, even after Stripe forgot the key', async () => {
    const c = await createStripeContract(t, fake);
    const d = await approvedStripe(t, c);
    fake.forgetIdempotencyKeys = true;
    try {
      fake.failNextTransfers({ acceptThenDelayMs: 3000 });
      expect(await worker().sweep()).toEqual(['retry_later']);
      expect(transfersFor(d.id)).toHaveLength(1);
      expect((await disbursementRow(t, d.id)).last_error).toMatch(/StripeConnectionError|timed out|timeout/i);
      expect(await worker().sweep()).toEqual(['adopted']);
    } finally {
      fake.forgetIdempotencyKeys = false;
    }
    expect(creationsFor(d.id)).toHaveLength(1);
    expect(transfersFor(d.id)).toHaveLength(1);
    expect(await disbursementRow(t, d.id)).toMatchObject({ stripe_transfer_id: transfersFor(d.id)[0].id, outbox_status: 'done' });
    expect(await auditActions(t, 'disbursement', d.id)).toContain('disbursement.transfer_adopted');
    await postWebhook(t, fake, 'transfer.created', transfersFor(d.id)[0]).expect(200);
    expect((await disbursementRow(t, d.id)).status).toBe('paid');
  });

  it('fails a transfer Stripe refused (insufficient balance), shows the reason, and lets staff retry it once with a new key', async () => {
    const c = await createStripeContract(t, fake);
    const d = await approvedStripe(t, c);
    const committed = (await fundPaymentBalances(t, c.contract.fundId)).committed;
    fake.failNextTransfers({ status: 400, code: 'balance_insufficient', message: 'Insufficient funds in Stripe account' });
    expect(await worker().sweep()).toEqual(['failed']);
    const failed = await disbursementRow(t, d.id);
    expect(failed).toMatchObject({ status: 'failed', outbox_status: 'dead', failure_reason: expect.stringContaining('balance_insufficient') });
    // The approved money is committed again, not payable.
    expect(await fundPaymentBalances(t, c.contract.fundId)).toMatchObject({ committed: committed + d.amountMinor, payable: 0 });
    expect((await ledger().verifyLedger()).ok).toBe(true);

    const officer = await signInAsUser(t, c.officer);
    const page = await officer.agent.get(`/staff/disbursements/${d.id}`).expect(200);
    expect(page.text).toContain('Insufficient funds in Stripe account');
    expect(page.text).toContain('data-testid="retry-form"');
    const approver = await signInAsUser(t, c.approver);
    await approver.form(`/staff/disbursements/${d.id}/retry`).expect(403);

    await officer.form(`/staff/disbursements/${d.id}/retry`).redirects(0).expect(303);
    expect(await disbursementRow(t, d.id)).toMatchObject({ status: 'approved', transfer_generation: 2, idempotency_key: `disbursement-${d.id}-g2`, outbox_status: 'pending', attempts: 0 });
    const again = await officer.agent.post(`/staff/disbursements/${d.id}/retry`).set('Accept', 'application/json').set('X-CSRF-Token', officer.csrf);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('PAYMENTS.NOT_RETRYABLE');

    expect(await worker().sweep()).toEqual(['sent']);
    expect(creationsFor(d.id).map((r) => r.idempotencyKey)).toEqual([`disbursement-${d.id}-g1`, `disbursement-${d.id}-g2`]);
    await postWebhook(t, fake, 'transfer.created', transfersFor(d.id)[0]).expect(200);
    expect((await disbursementRow(t, d.id)).status).toBe('paid');
    expect(transfersFor(d.id)).toHaveLength(1);
    expect(await contractBalances(t, c.contract.id)).toMatchObject({ approved: d.amountMinor, paid: d.amountMinor });
    expect((await ledger().verifyLedger()).ok).toBe(true);
  });

  it('gives up after the configured attempts of lost answers, with the error for staff', async () => {
    const c = await createStripeContract(t, fake);
    const d = await approvedStripe(t, c);
    fake.failNextTransfers({ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 });
    for (let i = 0; i < 3; i++) expect(await worker().sweep()).toEqual(['retry_later']);
    expect(await worker().sweep()).toEqual(['failed']);
    expect(await disbursementRow(t, d.id)).toMatchObject({ status: 'failed', outbox_status: 'dead', attempts: 4, failure_reason: expect.stringMatching(/gave up after 4 attempts/) });
    expect(transfersFor(d.id)).toHaveLength(0);
    const officer = await signInAsUser(t, c.officer);
    const page = await officer.agent.get('/staff/reconciliation').expect(200);
    expect(page.text).toContain(`/staff/disbursements/${d.id}`);
    const dashboard = await officer.agent.get('/dashboard').expect(200);
    expect(dashboard.text).toMatch(/data-testid="stripe-dashboard">\d+ 个对账差异待处理，[1-9]\d* 笔 Stripe 转账失败或被冲回/);
  });

  it('refuses unsigned, wrongly signed and tampered webhooks with 400, and stores nothing', async () => {
    const c = await createStripeContract(t, fake);
    const d = await approvedStripe(t, c);
    await worker().sweep();
    const transfer = transfersFor(d.id)[0];
    const { payload } = fake.event('transfer.created', transfer);
    const unsigned = await t.http().post('/webhooks/stripe').set('Content-Type', 'application/json').send(payload);
    expect(unsigned.status).toBe(400);
    expect(unsigned.body.error.code).toBe('PAYMENTS.WEBHOOK_SIGNATURE_INVALID');
    await postWebhook(t, fake, 'transfer.created', transfer, { payload, secret: 'whsec_someoneelse' }).expect(400);
    const tampered = payload.replace(`"amount":${transfer.amount}`, `"amount":${transfer.amount + 1}`);
    await t.http().post('/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', fake.sign(payload)).send(tampered).expect(400);
    // The same JSON serialised differently is not the signed body either: the raw bytes are verified.
    await t
      .http()
      .post('/webhooks/stripe')
      .set('Content-Type', 'application/json')
      .set('Stripe-Signature', fake.sign(payload))
      .send(JSON.stringify(JSON.parse(payload), null, 2))
      .expect(400);
    const [n] = await t.dataSource.query(`SELECT count(*)::int AS n FROM stripe_events WHERE payload->'data'->'object'->>'id' = $1`, [transfer.id]);
    expect(n.n).toBe(0);
    expect((await disbursementRow(t, d.id)).status).toBe('sending');
  });

  it('acknowledges a replayed webhook and ignores it: one event row, one payment', async () => {
    const c = await createStripeContract(t, fake);
    const d = await approvedStripe(t, c);
    await worker().sweep();
    const { id, payload } = fake.event('transfer.created', transfersFor(d.id)[0]);
    const first = await postWebhook(t, fake, 'transfer.created', null, { payload }).expect(200);
    expect(first.body.duplicate).toBe(false);
    const replays = await Promise.all([postWebhook(t, fake, 'x', null, { payload }), postWebhook(t, fake, 'x', null, { payload })]);
    for (const r of replays) expect(r.status).toBe(200);
    expect(replays.map((r) => r.body.duplicate)).toEqual([true, true]);
    const [events] = await t.dataSource.query(`SELECT count(*)::int AS n FROM stripe_events WHERE event_id = $1`, [id]);
    expect(events.n).toBe(1);
    const [pays] = await t.dataSource.query(`SELECT count(*)::int AS n FROM journal_entries WHERE event = 'disbursement.pay' AND ref_id = $1`, [d.id]);
    expect(pays.n).toBe(1);
    // A different event about the same transfer (transfer.updated) changes nothing either.
    const updated = await postWebhook(t, fake, 'transfer.updated', transfersFor(d.id)[0]).expect(200);
    expect(updated.body.outcome).toBe('already_paid');
    expect((await fundPaymentBalances(t, c.contract.fundId)).paid).toBe(d.amountMinor);
  });

  it('does not settle from a webhook whose transfer disagrees with the disbursement, and flags it for staff', async () => {
    const c = await createStripeContract(t, fake);
    const d = await approvedStripe(t, c);
    await worker().sweep();
    const real = transfersFor(d.id)[0];
    const forged = { ...real, amount: real.amount + 1 };
    const wrongAmount = await postWebhook(t, fake, 'transfer.created', forged).expect(200);
    expect(wrongAmount.body.outcome).toBe('amount_mismatch');
    const wrongPlace = await postWebhook(t, fake, 'transfer.created', { ...real, destination: 'acct_elsewhere' }).expect(200);
    expect(wrongPlace.body.outcome).toBe('destination_mismatch');
    const stray = await postWebhook(t, fake, 'transfer.created', { ...real, id: 'tr_stray_hook', metadata: {} }).expect(200);
    expect(stray.body.outcome).toBe('unmatched');
    expect((await disbursementRow(t, d.id)).status).toBe('sending');
    const kinds = (await t.dataSource.query(`SELECT kind FROM reconciliation_issues WHERE resolved_at IS NULL AND (disbursement_id = $1 OR stripe_transfer_id = 'tr_stray_hook') ORDER BY kind`, [
      d.id,
    ])) as Array<{ kind: string }>;
    expect(kinds.map((k) => k.kind)).toEqual(['amount_mismatch', 'destination_mismatch', 'transfer_without_disbursement']);
    await postWebhook(t, fake, 'transfer.created', real).expect(200);
    expect((await disbursementRow(t, d.id)).status).toBe('paid');
  });

  it('reverses a paid transfer in the ledger, and a staff retry pays it again exactly once', async () => {
    const c = await createStripeContract(t, fake);
    const d = await approvedStripe(t, c);
    await worker().sweep();
    const first = transfersFor(d.id)[0];
    await postWebhook(t, fake, 'transfer.created', first).expect(200);
    const paid = await fundPaymentBalances(t, c.contract.fundId);
    fake.reverse(first.id);
    const res = await postWebhook(t, fake, 'transfer.reversed', first).expect(200);
    expect(res.body.outcome).toBe('reversed');
    expect(await disbursementRow(t, d.id)).toMatchObject({ status: 'reversed', failure_reason: expect.stringContaining(first.id) });
    expect(await fundPaymentBalances(t, c.contract.fundId)).toEqual({ committed: paid.committed + d.amountMinor, payable: 0, paid: paid.paid - d.amountMinor });
    expect(await contractBalances(t, c.contract.id)).toMatchObject({ approved: 0, paid: 0 });
    expect((await ledger().verifyLedger()).ok).toBe(true);

    const officer = await signInAsUser(t, c.officer);
    await officer.form(`/staff/disbursements/${d.id}/retry`).redirects(0).expect(303);
    // Stripe sends the old reversal again under another event id: generation 2 is not touched.
    const late = await postWebhook(t, fake, 'transfer.updated', first).expect(200);
    expect(late.body.outcome).toBe('earlier_generation');
    expect((await disbursementRow(t, d.id)).status).toBe('approved');
    // The reversed transfer is not adopted: a new one, under generation 2.
    expect(await worker().sweep()).toEqual(['sent']);
    const live = transfersFor(d.id).filter((x) => !x.reversed);
    expect(live).toHaveLength(1);
    expect(live[0].metadata.generation).toBe('2');
    await postWebhook(t, fake, 'transfer.created', live[0]).expect(200);
    expect(await contractBalances(t, c.contract.id)).toMatchObject({ approved: d.amountMinor, paid: d.amountMinor });
    expect(await auditActions(t, 'disbursement', d.id)).toEqual([
      'disbursement.proposed',
      'disbursement.approved',
      'disbursement.transfer_sent',
      'disbursement.paid',
      'disbursement.reversed',
      'disbursement.retried',
      'disbursement.transfer_sent',
      'disbursement.paid',
    ]);
    expect((await ledger().verifyLedger()).ok).toBe(true);
  });

  it('refuses a retry when the milestone has been proposed again meanwhile (never two live payments)', async () => {
    const c = await createStripeContract(t, fake);
    const d = await approvedStripe(t, c);
    fake.failNextTransfers({ status: 400, code: 'account_invalid' });
    await worker().sweep();
    const again = await t.app.get(DisbursementsService).proposeDisbursement(actorOf(c.officer), c.contract.id, 1);
    expect(again.status).toBe('proposed');
    const officer = await signInAsUser(t, c.officer);
    const res = await officer.agent.post(`/staff/disbursements/${d.id}/retry`).set('Accept', 'application/json').set('X-CSRF-Token', officer.csrf);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('PAYMENTS.ALREADY_PROPOSED');
    expect((await disbursementRow(t, d.id)).status).toBe('failed');
  });

  it('pays once when two approvers approve the same Stripe disbursement at once: one outbox row, one transfer', async () => {
    const c = await createStripeContract(t, fake);
    const d = await proposeStripe(t, c);
    const results = await Promise.allSettled([
      t.app.get(DisbursementsService).approveDisbursement(actorOf(c.approver), d.id),
      t.app.get(DisbursementsService).approveDisbursement(actorOf(c.project.representative), d.id),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ code: 'PAYMENTS.DISBURSEMENT_NOT_PENDING' });
    const [rows] = await t.dataSource.query(`SELECT count(*)::int AS n FROM payment_outbox WHERE disbursement_id = $1`, [d.id]);
    expect(rows.n).toBe(1);
    // Two sweeps and the per-disbursement job at once (as several instances would): one claim.
    const outcomes = (
      await Promise.all([
        worker().sweep(),
        worker().sweep(),
        worker()
          .sendDisbursement(d.id)
          .then((o) => [o]),
      ])
    ).flat();
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(1);
    expect(creationsFor(d.id)).toHaveLength(1);
    expect(transfersFor(d.id)).toHaveLength(1);
    await postWebhook(t, fake, 'transfer.created', transfersFor(d.id)[0]).expect(200);
    expect(await contractBalances(t, c.contract.id)).toMatchObject({ approved: d.amountMinor, paid: d.amountMinor });
  });

  it("updates the organisation's readiness from account.updated and tells it about payouts", async () => {
    const c = await createStripeContract(t, fake);
    const off = await postWebhook(t, fake, 'account.updated', { id: c.accountId, object: 'account', charges_enabled: true, payouts_enabled: false }, { account: c.accountId }).expect(200);
    expect(off.body.outcome).toBe('account_not_ready');
    const [row] = await t.dataSource.query(`SELECT stripe_ready FROM payment_accounts WHERE organisation_id = $1`, [c.organisationId]);
    expect(row.stripe_ready).toBe(false);
    await expect(proposeStripe(t, c)).rejects.toMatchObject({ code: 'PAYMENTS.STRIPE_ACCOUNT_NOT_READY' });
    const on = await postWebhook(t, fake, 'account.updated', { id: c.accountId, object: 'account', charges_enabled: true, payouts_enabled: true }, { account: c.accountId }).expect(200);
    expect(on.body.outcome).toBe('account_ready');
    const failed = await postWebhook(
      t,
      fake,
      'payout.failed',
      { id: 'po_1', object: 'payout', amount: 1000, currency: 'cny', failure_code: 'account_closed', failure_message: 'The bank account has been closed' },
      { account: c.accountId },
    ).expect(200);
    expect(failed.body.outcome).toBe('payout.failed');
    const [n] = await t.dataSource.query(`SELECT count(*)::int AS n FROM notifications WHERE kind = 'payout.failed' AND user_id = $1`, [c.orgAdmin.id]);
    expect(n.n).toBe(1);
    expect(await auditActions(t, 'organisation', c.organisationId)).toEqual(expect.arrayContaining(['payment_account.stripe_readiness', 'stripe_payout.failed']));
  });
});
