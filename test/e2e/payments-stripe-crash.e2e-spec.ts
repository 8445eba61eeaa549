import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { verifyLedgerAt } from '../../src/ledger/ledger-verify.cli';
import { createStripeContract, proposeStripe, stripeEnv, useEnv } from '../factories/stripe';
import { FakeStripe, startFakeStripe } from '../support/fake-stripe';
import { appPort } from '../support/ports';
import { createTestApp } from '../support/test-app';
import { createTestDatabase } from '../support/test-database';

/**
 * Crash safety of the Stripe outbox with the real app in its own process (src/main.ts under
 * ts-node, jobs on): approve a disbursement through HTTP, let the worker claim the outbox row and
 * hang just before it would call Stripe (a test-only setting), kill -9 the process, start it
 * again, and check that the restarted worker takes the row over once its lease has passed and
 * that Stripe receives exactly one transfer, settled as paid by the signed webhook.
 */
const ROOT = path.resolve(__dirname, '..', '..');

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('payments: the Stripe outbox survives a crash between approval and the Stripe call', () => {
  jest.setTimeout(120_000);
  let fake: FakeStripe;
  let database: { url: string; drop: () => Promise<void> };
  let db: Client;
  let dataDir: string;
  const children: ChildProcess[] = [];
  let output = '';

  function startApp(port: number, extra: Record<string, string>): ChildProcess {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'src', 'main.ts')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        TS_NODE_TRANSPILE_ONLY: '1',
        DATABASE_URL: database.url,
        DATABASE_POOL_SIZE: '5',
        DATA_DIR: dataDir,
        MIGRATIONS_RUN: 'false',
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'warn',
        LOGIN_RATE_LIMIT: '100000',
        JOBS_ENABLED: 'true',
        ...stripeEnv(fake, { STRIPE_OUTBOX_LEASE_SECONDS: '2', STRIPE_OUTBOX_POLL_SECONDS: '1' }),
        ...extra,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    children.push(child);
    return child;
  }

  const healthy = (port: number) =>
    until(`the app on ${port}`, 45_000, async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok).catch((error: Error) => {
      throw new Error(`${error.message}; its output:\n${output.slice(-3000)}`);
    });

  beforeAll(async () => {
    fake = await startFakeStripe();
    database = await createTestDatabase();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stripe-crash-'));
    db = new Client({ connectionString: database.url });
    await db.connect();
  });

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await db?.end();
    await fake?.close();
    await database?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends exactly one transfer after a kill -9 and a restart, and the disbursement ends paid', async () => {
    // The contract, the organisation's onboarded Stripe account and the proposal, in-process.
    const restore = useEnv(stripeEnv(fake));
    const setup = await createTestApp({ LOGIN_RATE_LIMIT: '100000' }, { database, keepDatabase: true });
    let approver: { email: string; password: string };
    let disbursementId: string;
    let contractId: string;
    try {
      const c = await createStripeContract(setup, fake);
      const d = await proposeStripe(setup, c);
      approver = c.approver;
      disbursementId = d.id;
      contractId = c.contract.id;
    } finally {
      await setup.close();
      restore();
    }

    // First life: approve through HTTP; the worker claims the row and hangs before Stripe.
    const port1 = await appPort();
    const first = startApp(port1, { STRIPE_TEST_HANG_BEFORE_SEND_MS: '600000' });
    await healthy(port1);
    fake.webhookUrl = `http://127.0.0.1:${port1}/webhooks/stripe`;
    const base = `http://127.0.0.1:${port1}`;
    const anon = await fetch(`${base}/api/v1/session`);
    let cookie = anon.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const signedIn = await fetch(`${base}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': ((await anon.json()) as { csrfToken: string }).csrfToken },
      body: JSON.stringify({ email: approver.email, password: approver.password }),
    });
    expect(signedIn.status).toBe(200);
    cookie =
      signedIn.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ') || cookie;
    const csrf = ((await signedIn.json()) as { csrfToken: string }).csrfToken;
    const approved = await fetch(`${base}/staff/disbursements/${disbursementId}/approve`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ _csrf: csrf, confirm: 'yes' }).toString(),
    });
    expect(approved.status).toBe(303);
    await until('the worker to claim the outbox row', 20_000, async () => {
      const { rows } = await db.query(`SELECT status FROM payment_outbox WHERE disbursement_id = $1`, [disbursementId]);
      return rows[0]?.status === 'sending';
    });
    expect(fake.transferCreations()).toHaveLength(0);

    first.kill('SIGKILL');
    await until('the first process to die', 10_000, () => Promise.resolve(first.signalCode === 'SIGKILL'));
    const { rows: afterCrash } = await db.query(`SELECT d.status, o.status AS outbox, o.attempts FROM disbursements d JOIN payment_outbox o ON o.disbursement_id = d.id WHERE d.id = $1`, [
      disbursementId,
    ]);
    expect(afterCrash[0]).toMatchObject({ status: 'sending', outbox: 'sending', attempts: 1 });

    // Second life: the lease passes, the sweep takes the row over, looks first, sends once.
    const port2 = await appPort();
    fake.webhookUrl = `http://127.0.0.1:${port2}/webhooks/stripe`;
    const second = startApp(port2, {});
    await healthy(port2);
    const paid = await until('the disbursement to be paid', 30_000, async () => {
      const { rows } = await db.query(`SELECT status, stripe_transfer_id FROM disbursements WHERE id = $1`, [disbursementId]);
      return rows[0]?.status === 'paid' ? rows[0] : null;
    });
    await fake.settled();

    const creations = fake.transferCreations();
    expect(creations).toHaveLength(1);
    expect(creations[0].idempotencyKey).toBe(`disbursement-${disbursementId}-g1`);
    expect(fake.transfers).toHaveLength(1);
    expect(paid.stripe_transfer_id).toBe(fake.transfers[0].id);
    // The takeover looked for an existing transfer of the contract before sending.
    const lookup = fake.requests.findIndex((r) => r.method === 'GET' && r.path === '/v1/transfers' && r.query.transfer_group === contractId);
    expect(lookup).toBeGreaterThanOrEqual(0);
    expect(lookup).toBeLessThan(fake.requests.indexOf(creations[0]));
    const { rows: outbox } = await db.query(`SELECT status, attempts FROM payment_outbox WHERE disbursement_id = $1`, [disbursementId]);
    expect(outbox[0]).toMatchObject({ status: 'done', attempts: 2 });
    const { rows: pays } = await db.query(`SELECT count(*)::int AS n FROM journal_entries WHERE event = 'disbursement.pay' AND ref_id = $1`, [disbursementId]);
    expect(pays[0].n).toBe(1);
    expect((await verifyLedgerAt(database.url, () => undefined)).ok).toBe(true);

    second.kill('SIGTERM');
    await until('the second process to stop', 20_000, () => Promise.resolve(second.exitCode !== null || second.signalCode !== null));
  });
});
