import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Stripe rail's working columns. The outbox gains a 'sending' state held under a lease
 * (locked_until): a worker that dies mid-send leaves a row another instance may take over once
 * the lease has passed, and `attempts` is the fencing token of each claim. Disbursements carry
 * the generation of their transfer (a staff retry after a failure or reversal starts a new one,
 * with a new idempotency key) and the destination account fixed at approval. Open
 * reconciliation issues are unique per kind and transfer/disbursement, so a job that runs every
 * hour flags a mismatch once; resolving one needs a note.
 */
export class AddStripeRail1795540000000 implements MigrationInterface {
  name = 'AddStripeRail1795540000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE payment_outbox DROP CONSTRAINT payment_outbox_status_check`);
    await q.query(`ALTER TABLE payment_outbox ADD CONSTRAINT payment_outbox_status_check CHECK (status IN ('pending', 'sending', 'done', 'dead'))`);
    await q.query(`
      ALTER TABLE payment_outbox
        ADD COLUMN locked_until timestamptz,
        ADD COLUMN generation   integer NOT NULL DEFAULT 1 CHECK (generation >= 1),
        ADD CONSTRAINT payment_outbox_attempts CHECK (attempts >= 0),
        ADD CONSTRAINT payment_outbox_lease CHECK (status <> 'sending' OR locked_until IS NOT NULL)`);
    await q.query(`CREATE INDEX payment_outbox_due_idx ON payment_outbox (next_attempt_at) WHERE status IN ('pending', 'sending')`);
    await q.query(`
      ALTER TABLE disbursements
        ADD COLUMN transfer_generation integer NOT NULL DEFAULT 1 CHECK (transfer_generation >= 1),
        ADD COLUMN stripe_destination  text CHECK (stripe_destination IS NULL OR stripe_destination ~ '^acct_[A-Za-z0-9]+$'),
        ADD CONSTRAINT disbursements_stripe_destination CHECK (rail <> 'stripe' OR status IN ('proposed', 'rejected') OR stripe_destination IS NOT NULL)`);
    await q.query(`ALTER TABLE reconciliation_issues ADD CONSTRAINT reconciliation_issues_kind CHECK (kind IN
      ('transfer_without_disbursement', 'amount_mismatch', 'destination_mismatch', 'paid_in_stripe_not_recorded', 'missing_in_stripe', 'partial_reversal'))`);
    await q.query(
      `ALTER TABLE reconciliation_issues ADD CONSTRAINT reconciliation_issues_resolution CHECK (resolved_at IS NULL OR (resolved_by IS NOT NULL AND length(coalesce(resolution_note, '')) > 0))`,
    );
    await q.query(`CREATE UNIQUE INDEX reconciliation_issues_open ON reconciliation_issues (kind, coalesce(stripe_transfer_id, ''), coalesce(disbursement_id::text, '')) WHERE resolved_at IS NULL`);
    await q.query(`ALTER TABLE stripe_events ADD CONSTRAINT stripe_events_id CHECK (event_id ~ '^evt_[A-Za-z0-9_]+$')`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE stripe_events DROP CONSTRAINT stripe_events_id`);
    await q.query(`DROP INDEX reconciliation_issues_open`);
    await q.query(`ALTER TABLE reconciliation_issues DROP CONSTRAINT reconciliation_issues_resolution, DROP CONSTRAINT reconciliation_issues_kind`);
    await q.query(`ALTER TABLE disbursements DROP CONSTRAINT disbursements_stripe_destination, DROP COLUMN stripe_destination, DROP COLUMN transfer_generation`);
    await q.query(`DROP INDEX payment_outbox_due_idx`);
    await q.query(`ALTER TABLE payment_outbox DROP CONSTRAINT payment_outbox_lease, DROP CONSTRAINT payment_outbox_attempts, DROP COLUMN generation, DROP COLUMN locked_until`);
    await q.query(`ALTER TABLE payment_outbox DROP CONSTRAINT payment_outbox_status_check`);
    await q.query(`ALTER TABLE payment_outbox ADD CONSTRAINT payment_outbox_status_check CHECK (status IN ('pending', 'done', 'dead'))`);
  }
}
