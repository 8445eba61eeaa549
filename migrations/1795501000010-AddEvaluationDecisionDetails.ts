import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the evaluation records beyond CreateEvaluations: the scoring method and price weight as
 * they were when the committee was requested; when the qualification review closed and why an
 * evaluation ended; the exact declaration each member signed (text, its sha256 and the name
 * typed); a reason code beside each invalid bid's reason; who resolved an abnormal-score flag,
 * with a note required to confirm one. One chair and at most one bureau representative per
 * evaluation; lookups by member and by status are indexed.
 */
export class AddEvaluationDecisionDetails1795501000010 implements MigrationInterface {
  name = 'AddEvaluationDecisionDetails1795501000010';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE evaluations
        ADD COLUMN scoring text NOT NULL DEFAULT 'comprehensive' CHECK (scoring IN ('comprehensive', 'lowest_price', 'negotiated')),
        ADD COLUMN price_weight integer NOT NULL DEFAULT 100 CHECK (price_weight BETWEEN 0 AND 100),
        ADD COLUMN qualification_closed_at timestamptz,
        ADD COLUMN ended_at timestamptz,
        ADD COLUMN ended_reason text,
        ADD CONSTRAINT evaluations_ended_reason CHECK (status NOT IN ('superseded', 'failed') OR length(coalesce(ended_reason, '')) > 0),
        ADD CONSTRAINT evaluations_signed_off_at CHECK ((status = 'signed_off') = (signed_off_at IS NOT NULL) OR status = 'superseded')`);
    await q.query(`ALTER TABLE evaluations ALTER COLUMN scoring DROP DEFAULT, ALTER COLUMN price_weight DROP DEFAULT`);
    await q.query(`CREATE INDEX evaluations_status_idx ON evaluations (status)`);

    await q.query(`
      ALTER TABLE committee_members
        ADD COLUMN declaration_text text,
        ADD COLUMN declaration_signer text CHECK (declaration_signer IS NULL OR length(declaration_signer) BETWEEN 1 AND 50),
        ADD CONSTRAINT committee_members_declaration CHECK (
          declared_at IS NULL OR (declaration_sha256 ~ '^[0-9a-f]{64}$' AND declaration_text IS NOT NULL AND declaration_signer IS NOT NULL)),
        ADD CONSTRAINT committee_members_signed_off_declared CHECK (signed_off_at IS NULL OR status = 'declared')`);
    await q.query(`CREATE UNIQUE INDEX committee_members_one_chair ON committee_members (evaluation_id) WHERE is_chair`);
    await q.query(`CREATE UNIQUE INDEX committee_members_one_representative ON committee_members (evaluation_id) WHERE role = 'bureau_representative'`);
    await q.query(`CREATE INDEX committee_members_user_idx ON committee_members (user_id)`);

    await q.query(`
      ALTER TABLE qualification_reviews
        ADD COLUMN reason_code text CHECK (reason_code IN
          ('price_above_ceiling', 'missing_document', 'ineligible', 'undecryptable', 'abnormally_low_price', 'other')),
        ADD CONSTRAINT qualification_reviews_reason_code CHECK (is_valid = (reason_code IS NULL))`);

    await q.query(`
      ALTER TABLE score_flags
        ADD COLUMN resolved_by uuid REFERENCES users(id),
        ADD CONSTRAINT score_flags_resolved CHECK ((resolution IS NULL) = (resolved_at IS NULL) AND (resolution IS NULL) = (resolved_by IS NULL)),
        ADD CONSTRAINT score_flags_confirm_note CHECK (resolution IS DISTINCT FROM 'confirmed' OR length(coalesce(note, '')) > 0)`);

    await q.query(`
      ALTER TABLE low_price_inquiries
        ADD CONSTRAINT low_price_inquiries_explained CHECK ((explanation IS NULL) = (explained_at IS NULL)),
        ADD CONSTRAINT low_price_inquiries_decided CHECK ((accepted IS NULL) = (decided_at IS NULL) AND (accepted IS NULL OR explanation IS NOT NULL OR accepted = false))`);
    await q.query(`CREATE INDEX low_price_inquiries_bid_idx ON low_price_inquiries (bid_id)`);
    await q.query(`CREATE INDEX qualification_reviews_bid_idx ON qualification_reviews (bid_id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX qualification_reviews_bid_idx`);
    await q.query(`DROP INDEX low_price_inquiries_bid_idx`);
    await q.query(`ALTER TABLE low_price_inquiries DROP CONSTRAINT low_price_inquiries_decided, DROP CONSTRAINT low_price_inquiries_explained`);
    await q.query(`ALTER TABLE score_flags DROP CONSTRAINT score_flags_confirm_note, DROP CONSTRAINT score_flags_resolved, DROP COLUMN resolved_by`);
    await q.query(`ALTER TABLE qualification_reviews DROP CONSTRAINT qualification_reviews_reason_code, DROP COLUMN reason_code`);
    await q.query(`DROP INDEX committee_members_user_idx`);
    await q.query(`DROP INDEX committee_members_one_representative`);
    await q.query(`DROP INDEX committee_members_one_chair`);
    await q.query(`
      ALTER TABLE committee_members
        DROP CONSTRAINT committee_members_signed_off_declared, DROP CONSTRAINT committee_members_declaration,
        DROP COLUMN declaration_signer, DROP COLUMN declaration_text`);
    await q.query(`DROP INDEX evaluations_status_idx`);
    await q.query(`
      ALTER TABLE evaluations
        DROP CONSTRAINT evaluations_signed_off_at, DROP CONSTRAINT evaluations_ended_reason,
        DROP COLUMN ended_reason, DROP COLUMN ended_at, DROP COLUMN qualification_closed_at, DROP COLUMN price_weight, DROP COLUMN scoring`);
  }
}
