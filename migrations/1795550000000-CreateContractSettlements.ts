import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The settlement (结算) of a contract whose final evaluation is in: the committed money that will
 * never be paid (withheld shares, a forfeited pass hold-back, cancelled milestones) goes back to
 * the fund in one journal entry. One settlement per contract (primary key), and what it returned
 * plus everything approved never exceeds the contract amount (checked here at insert, under the
 * contract row lock the service holds). Releases of hold-backs and retentions are disbursements
 * of kind holdback_release / retention_release filed under the final milestone, and are refused
 * after settlement by a trigger, so no release can be approved once the money is back in the fund.
 */
export class CreateContractSettlements1795550000000 implements MigrationInterface {
  name = 'CreateContractSettlements1795550000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE contract_settlements (
        contract_id             uuid        PRIMARY KEY REFERENCES contracts(id),
        returned_minor          bigint      NOT NULL CHECK (returned_minor >= 0),
        forfeited_holdback_minor bigint     NOT NULL CHECK (forfeited_holdback_minor >= 0),
        withheld_minor          bigint      NOT NULL CHECK (withheld_minor >= 0),
        cancelled_minor         bigint      NOT NULL CHECK (cancelled_minor >= 0),
        average_score_centi     integer     NOT NULL CHECK (average_score_centi BETWEEN 0 AND 10000),
        computation             jsonb       NOT NULL,
        journal_entry_id        bigint      REFERENCES journal_entries(id),
        settled_by              uuid        NOT NULL REFERENCES users(id),
        settled_at              timestamptz NOT NULL,
        CONSTRAINT contract_settlements_parts CHECK (returned_minor = forfeited_holdback_minor + withheld_minor + cancelled_minor),
        CONSTRAINT contract_settlements_entry CHECK ((returned_minor = 0) = (journal_entry_id IS NULL))
      )`);
    await q.query(`
      CREATE FUNCTION contract_settlement_within_amount() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        c record;
      BEGIN
        SELECT amount_minor, approved_minor INTO c FROM contracts WHERE id = NEW.contract_id;
        IF c.approved_minor + NEW.returned_minor <> c.amount_minor THEN
          RAISE EXCEPTION 'contract %: approved % + returned % is not the amount %', NEW.contract_id, c.approved_minor, NEW.returned_minor, c.amount_minor
            USING ERRCODE = 'check_violation', CONSTRAINT = 'contract_settlements_within_amount';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER contract_settlements_within_amount BEFORE INSERT ON contract_settlements FOR EACH ROW EXECUTE FUNCTION contract_settlement_within_amount()`);
    await q.query(`CREATE TRIGGER contract_settlements_no_change BEFORE UPDATE OR DELETE ON contract_settlements FOR EACH ROW EXECUTE FUNCTION ledger_append_only()`);
    // After settlement nothing more is approved on the contract: its committed money has gone back.
    await q.query(`
      CREATE FUNCTION contract_settled_no_more_approvals() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.approved_minor > OLD.approved_minor AND EXISTS (SELECT 1 FROM contract_settlements WHERE contract_id = NEW.id) THEN
          RAISE EXCEPTION 'contract % is settled; nothing more can be approved', NEW.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'contracts_settled_no_more_approvals';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER contracts_settled_no_more_approvals BEFORE UPDATE OF approved_minor ON contracts FOR EACH ROW EXECUTE FUNCTION contract_settled_no_more_approvals()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER contracts_settled_no_more_approvals ON contracts`);
    await q.query(`DROP FUNCTION contract_settled_no_more_approvals()`);
    await q.query(`DROP TABLE contract_settlements`);
    await q.query(`DROP FUNCTION contract_settlement_within_amount()`);
  }
}
