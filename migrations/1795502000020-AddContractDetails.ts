import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a contract needs beyond CreateAwardsAndContracts: its public number (HT-2026-0001), the
 * parties as signed (names and credit codes frozen at generation), the sha256 of the contract
 * text, when publication was due (2 working days after activation) with its explanation; and
 * variations under the four-eyes rule, checked by the database: one open proposal per contract,
 * decided once, with a reason, by someone other than the proposer.
 */
export class AddContractDetails1795502000020 implements MigrationInterface {
  name = 'AddContractDetails1795502000020';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE contract_reference_seq`);
    await q.query(`
      ALTER TABLE contracts
        ADD COLUMN parties jsonb NOT NULL CHECK (jsonb_typeof(parties) = 'object'),
        ADD COLUMN terms_sha256 char(64) NOT NULL CHECK (terms_sha256 ~ '^[0-9a-f]{64}$'),
        ADD COLUMN publish_due_explanation jsonb,
        ADD CONSTRAINT contracts_published_when_active CHECK (published_at IS NULL OR activated_at IS NOT NULL),
        ADD CONSTRAINT contracts_publish_due_when_active CHECK ((activated_at IS NULL) = (publish_due_at IS NULL))`);
    await q.query(`CREATE INDEX contracts_organisation_idx ON contracts (organisation_id)`);
    await q.query(`CREATE INDEX contracts_status_idx ON contracts (status)`);
    await q.query(`CREATE INDEX contracts_published_idx ON contracts (published_at DESC) WHERE published_at IS NOT NULL`);
    await q.query(`
      ALTER TABLE contract_variations
        ADD CONSTRAINT contract_variations_decided CHECK ((status = 'proposed') = (decided_at IS NULL) AND (decided_at IS NULL) = (decided_by IS NULL)),
        ADD CONSTRAINT contract_variations_reason CHECK (status = 'proposed' OR length(coalesce(decision_reason, '')) >= 2),
        ADD CONSTRAINT contract_variations_four_eyes CHECK (decided_by IS NULL OR decided_by <> proposed_by),
        ADD CONSTRAINT contract_variations_amount_kind CHECK (kind = 'amount' OR amount_delta_minor = 0)`);
    await q.query(`CREATE UNIQUE INDEX contract_variations_one_open ON contract_variations (contract_id) WHERE status = 'proposed'`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX contract_variations_one_open`);
    await q.query(`
      ALTER TABLE contract_variations
        DROP CONSTRAINT contract_variations_amount_kind,
        DROP CONSTRAINT contract_variations_four_eyes,
        DROP CONSTRAINT contract_variations_reason,
        DROP CONSTRAINT contract_variations_decided`);
    await q.query(`DROP INDEX contracts_published_idx`);
    await q.query(`DROP INDEX contracts_status_idx`);
    await q.query(`DROP INDEX contracts_organisation_idx`);
    await q.query(`
      ALTER TABLE contracts
        DROP CONSTRAINT contracts_publish_due_when_active,
        DROP CONSTRAINT contracts_published_when_active,
        DROP COLUMN publish_due_explanation,
        DROP COLUMN terms_sha256,
        DROP COLUMN parties`);
    await q.query(`DROP SEQUENCE contract_reference_seq`);
  }
}
