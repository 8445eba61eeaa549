import request from 'supertest';
import { DisbursementsService } from '../../src/payments/disbursements.service';
import { FakeStripe } from '../support/fake-stripe';
import { TestApp } from '../support/test-app';
import { actorOf } from './awards';
import { PayableContract, createActiveContract, passMilestone } from './payments';

/** The environment of an app whose Stripe rail talks to the fake (read by loadStripeConfig from process.env). */
export function stripeEnv(fake: FakeStripe, extra: Record<string, string> = {}): Record<string, string> {
  return {
    STRIPE_SECRET_KEY: 'sk_test_marketplace',
    STRIPE_WEBHOOK_SECRET: fake.webhookSecret,
    STRIPE_API_HOST: fake.host,
    STRIPE_API_PORT: String(fake.port),
    STRIPE_API_PROTOCOL: 'http',
    STRIPE_RETRY_BASE_SECONDS: '0',
    ...extra,
  };
}

/** Sets process.env for the app about to be created; returns a function that restores it. */
export function useEnv(env: Record<string, string>): () => void {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/** Links the contracted organisation to a connected account in the fake, onboarded, on the Stripe rail. */
export async function linkStripeAccount(t: TestApp, fake: FakeStripe, organisationId: string, ready = true): Promise<string> {
  const accountId = `acct_${organisationId.replace(/-/g, '').slice(0, 16)}`;
  fake.accounts.set(accountId, { id: accountId, charges_enabled: ready, payouts_enabled: ready, metadata: { organisation_id: organisationId } });
  await t.dataSource.query(
    `INSERT INTO payment_accounts (organisation_id, rail, stripe_account_id, stripe_ready) VALUES ($1, 'stripe', $2, $3)
     ON CONFLICT (organisation_id) DO UPDATE SET rail = 'stripe', stripe_account_id = $2, stripe_ready = $3`,
    [organisationId, accountId, ready],
  );
  return accountId;
}

export interface StripeContract extends PayableContract {
  accountId: string;
}

export async function createStripeContract(t: TestApp, fake: FakeStripe): Promise<StripeContract> {
  const c = await createActiveContract(t);
  const accountId = await linkStripeAccount(t, fake, c.organisationId);
  return { ...c, accountId };
}

/** Passes milestone `position` and proposes its disbursement (on the Stripe rail). */
export async function proposeStripe(t: TestApp, c: PayableContract, position = 1, score = 9500) {
  await passMilestone(t, c.contract.id, position, score);
  return t.app.get(DisbursementsService).proposeDisbursement(actorOf(c.officer), c.contract.id, position);
}

export async function approvedStripe(t: TestApp, c: PayableContract, position = 1) {
  const d = await proposeStripe(t, c, position);
  return t.app.get(DisbursementsService).approveDisbursement(actorOf(c.approver), d.id);
}

/** POSTs a signed event to the app's webhook, as Stripe would. */
export function postWebhook(t: TestApp, fake: FakeStripe, type: string, object: unknown, options: { account?: string; secret?: string; payload?: string } = {}): request.Test {
  const payload = options.payload ?? fake.event(type, object, options.account).payload;
  return t.http().post('/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', fake.sign(payload, options.secret)).send(payload);
}

export async function disbursementRow(t: TestApp, id: string) {
  const [row] = await t.dataSource.query(
    `SELECT d.status, d.stripe_transfer_id, d.transfer_generation, d.idempotency_key, d.failure_reason, d.stripe_destination, o.status AS outbox_status, o.attempts, o.last_error
       FROM disbursements d LEFT JOIN payment_outbox o ON o.disbursement_id = d.id WHERE d.id = $1`,
    [id],
  );
  return row as {
    status: string;
    stripe_transfer_id: string | null;
    transfer_generation: number;
    idempotency_key: string;
    failure_reason: string | null;
    stripe_destination: string | null;
    outbox_status: string | null;
    attempts: number;
    last_error: string | null;
  };
}
