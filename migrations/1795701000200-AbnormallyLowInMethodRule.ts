import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The abnormally-low price threshold becomes part of the method rule (it was a constant 80 % of
 * the mean valid price in code), and a low-price inquiry gets the time limit the committee sets
 * for the bidder's written explanation (财政部令第87号 第六十条: "在评标现场合理的时间内"). An
 * inquiry unanswered when its time has passed is recorded as lapsed, the bid treated as invalid.
 *
 * Existing rule rows keep 80 (what they applied); the append-only trigger does not fire for a
 * column added with a default. Inquiries opened before this have no limit (NULL) and never lapse.
 */
export class AbnormallyLowInMethodRule1795701000200 implements MigrationInterface {
  name = 'AbnormallyLowInMethodRule1795701000200';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE procurement_method_rules ADD COLUMN abnormally_low_percent integer NOT NULL DEFAULT 80
         CONSTRAINT procurement_method_rules_abnormally_low_percent CHECK (abnormally_low_percent BETWEEN 50 AND 100)`,
    );
    await q.query(`ALTER TABLE low_price_inquiries ADD COLUMN explanation_due_at timestamptz, ADD COLUMN lapsed boolean NOT NULL DEFAULT false`);
    await q.query(
      `ALTER TABLE low_price_inquiries
         ADD CONSTRAINT low_price_inquiries_due_after_request CHECK (explanation_due_at IS NULL OR explanation_due_at > requested_at),
         ADD CONSTRAINT low_price_inquiries_lapsed CHECK (NOT lapsed OR (accepted = false AND explanation IS NULL AND explanation_due_at IS NOT NULL AND decided_at >= explanation_due_at)),
         ADD CONSTRAINT low_price_inquiries_explained_in_time CHECK (explained_at IS NULL OR explanation_due_at IS NULL OR explained_at < explanation_due_at)`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE low_price_inquiries DROP CONSTRAINT low_price_inquiries_explained_in_time, DROP CONSTRAINT low_price_inquiries_lapsed,
         DROP CONSTRAINT low_price_inquiries_due_after_request, DROP COLUMN lapsed, DROP COLUMN explanation_due_at`,
    );
    await q.query(`ALTER TABLE procurement_method_rules DROP COLUMN abnormally_low_percent`);
  }
}
