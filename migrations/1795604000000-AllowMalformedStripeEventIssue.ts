import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A signed Stripe event whose object is missing (data.object null) cannot be applied; it is kept
 * in stripe_events and shown to staff as a reconciliation issue of its own kind.
 */
export class AllowMalformedStripeEventIssue1795604000000 implements MigrationInterface {
  name = 'AllowMalformedStripeEventIssue1795604000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE reconciliation_issues DROP CONSTRAINT reconciliation_issues_kind`);
    await q.query(`ALTER TABLE reconciliation_issues ADD CONSTRAINT reconciliation_issues_kind CHECK (kind IN
      ('transfer_without_disbursement', 'amount_mismatch', 'destination_mismatch', 'paid_in_stripe_not_recorded', 'missing_in_stripe', 'partial_reversal', 'malformed_event'))`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE reconciliation_issues DROP CONSTRAINT reconciliation_issues_kind`);
    await q.query(`ALTER TABLE reconciliation_issues ADD CONSTRAINT reconciliation_issues_kind CHECK (kind IN
      ('transfer_without_disbursement', 'amount_mismatch', 'destination_mismatch', 'paid_in_stripe_not_recorded', 'missing_in_stripe', 'partial_reversal'))`);
  }
}
