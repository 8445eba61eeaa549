import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Payment by results. A double-entry journal (append-only; every entry balances, checked at
 * commit) records fund → reserved → committed → payable → paid and the releases back; running
 * balances on funds, contracts and projects carry CHECKs so that nothing is paid beyond the
 * contract, the award or the fund, whatever the concurrency. Disbursements are proposed by an
 * officer, approved by a different approver, and paid through an outbox (Stripe) or a recorded
 * treasury voucher; our tables, not Stripe's idempotency keys, decide what was paid.
 */
export class CreateLedgerAndDisbursements1795510000000 implements MigrationInterface {
  name = 'CreateLedgerAndDisbursements1795510000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE journal_entries (
        id           bigserial   PRIMARY KEY,
        occurred_at  timestamptz NOT NULL DEFAULT now(),
        event        text        NOT NULL CHECK (event ~ '^[a-z_.]+$'),
        ref_type     text        NOT NULL,
        ref_id       text        NOT NULL,
        actor_id     uuid        REFERENCES users(id),
        memo         text
      )`);
    await q.query(`
      CREATE TABLE journal_lines (
        entry_id      bigint  NOT NULL REFERENCES journal_entries(id),
        line          integer NOT NULL CHECK (line >= 1),
        fund_id       uuid    NOT NULL REFERENCES funds(id),
        account       text    NOT NULL CHECK (account IN ('available', 'reserved', 'committed', 'payable', 'paid')),
        project_id    uuid    REFERENCES projects(id),
        contract_id   uuid    REFERENCES contracts(id),
        amount_minor  bigint  NOT NULL CHECK (amount_minor <> 0),
        PRIMARY KEY (entry_id, line)
      )`);
    await q.query(`CREATE INDEX journal_lines_fund_idx ON journal_lines (fund_id, account)`);
    await q.query(`CREATE INDEX journal_lines_contract_idx ON journal_lines (contract_id) WHERE contract_id IS NOT NULL`);
    await q.query(`
      CREATE FUNCTION journal_entry_balances() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        total bigint;
      BEGIN
        SELECT coalesce(sum(amount_minor), 0) INTO total FROM journal_lines WHERE entry_id = NEW.entry_id;
        IF total <> 0 THEN
          RAISE EXCEPTION 'journal entry % does not balance (%)', NEW.entry_id, total USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER journal_lines_balance AFTER INSERT ON journal_lines
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION journal_entry_balances()`);
    await q.query(`
      CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
      END $$`);
    await q.query(`CREATE TRIGGER journal_entries_no_change BEFORE UPDATE OR DELETE ON journal_entries FOR EACH ROW EXECUTE FUNCTION ledger_append_only()`);
    await q.query(`CREATE TRIGGER journal_lines_no_change BEFORE UPDATE OR DELETE ON journal_lines FOR EACH ROW EXECUTE FUNCTION ledger_append_only()`);

    // Running balances with the invariants the issue names.
    await q.query(`ALTER TABLE funds ADD COLUMN payable_minor bigint NOT NULL DEFAULT 0 CHECK (payable_minor >= 0)`);
    await q.query(`ALTER TABLE funds DROP CONSTRAINT funds_within_total`);
    await q.query(`ALTER TABLE funds ADD CONSTRAINT funds_within_total CHECK (reserved_minor + committed_minor + payable_minor + paid_minor <= total_minor)`);
    await q.query(`
      ALTER TABLE contracts
        ADD COLUMN approved_minor bigint NOT NULL DEFAULT 0 CHECK (approved_minor >= 0),
        ADD COLUMN paid_minor     bigint NOT NULL DEFAULT 0 CHECK (paid_minor >= 0),
        ADD CONSTRAINT contracts_paid_within_amount CHECK (paid_minor <= approved_minor AND approved_minor <= amount_minor)`);
    await q.query(`ALTER TABLE projects ADD COLUMN paid_minor bigint NOT NULL DEFAULT 0 CHECK (paid_minor >= 0)`);

    // Payment-by-results rules as configuration (per grade, with an effective date).
    await q.query(`
      CREATE TABLE payment_rules (
        id                 uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        effective_from     date        NOT NULL UNIQUE,
        excellent_bp       integer     NOT NULL CHECK (excellent_bp BETWEEN 0 AND 10000),
        good_bp            integer     NOT NULL CHECK (good_bp BETWEEN 0 AND 10000),
        pass_bp            integer     NOT NULL CHECK (pass_bp BETWEEN 0 AND 10000),
        fail_bp            integer     NOT NULL CHECK (fail_bp BETWEEN 0 AND 10000),
        pass_holdback_release_min_grade text NOT NULL DEFAULT 'good' CHECK (pass_holdback_release_min_grade IN ('excellent', 'good')),
        retention_bp       integer     NOT NULL DEFAULT 0 CHECK (retention_bp BETWEEN 0 AND 5000),
        created_by         uuid        REFERENCES users(id),
        created_at         timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`INSERT INTO payment_rules (effective_from, excellent_bp, good_bp, pass_bp, fail_bp) VALUES (DATE '2000-01-01', 10000, 10000, 9000, 0)`);

    await q.query(`
      CREATE TABLE payment_accounts (
        organisation_id    uuid        PRIMARY KEY REFERENCES organisations(id),
        rail               text        NOT NULL CHECK (rail IN ('treasury', 'stripe')),
        stripe_account_id  text        UNIQUE CHECK (stripe_account_id IS NULL OR stripe_account_id ~ '^acct_[A-Za-z0-9]+$'),
        stripe_ready       boolean     NOT NULL DEFAULT false,
        bank_name          text,
        bank_account_name  text,
        bank_account_no    text,
        updated_by         uuid        REFERENCES users(id),
        updated_at         timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT payment_accounts_stripe CHECK (rail <> 'stripe' OR stripe_account_id IS NOT NULL)
      )`);
    await q.query(`
      CREATE TABLE disbursements (
        id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        contract_id         uuid        NOT NULL REFERENCES contracts(id),
        milestone_position  integer     NOT NULL,
        kind                text        NOT NULL CHECK (kind IN ('tranche', 'holdback_release', 'retention_release')),
        amount_minor        bigint      NOT NULL CHECK (amount_minor > 0),
        computation         jsonb       NOT NULL,
        rail                text        NOT NULL CHECK (rail IN ('treasury', 'stripe')),
        status              text        NOT NULL CHECK (status IN
                              ('proposed', 'rejected', 'approved', 'sending', 'paid', 'failed', 'reversed')),
        proposed_by         uuid        NOT NULL REFERENCES users(id),
        proposed_at         timestamptz NOT NULL,
        decided_by          uuid        REFERENCES users(id),
        decided_at          timestamptz,
        decision_reason     text,
        idempotency_key     text        NOT NULL UNIQUE,
        stripe_transfer_id  text        UNIQUE,
        failure_reason      text,
        paid_at             timestamptz,
        FOREIGN KEY (contract_id, milestone_position) REFERENCES contract_milestones(contract_id, position),
        CONSTRAINT disbursements_maker_checker CHECK (decided_by IS NULL OR decided_by <> proposed_by),
        CONSTRAINT disbursements_rejection_reason CHECK (status <> 'rejected' OR length(coalesce(decision_reason, '')) > 0)
      )`);
    // One live disbursement of each kind per milestone: a second proposal or a double approval cannot pay twice.
    await q.query(`CREATE UNIQUE INDEX disbursements_once ON disbursements (contract_id, milestone_position, kind) WHERE status NOT IN ('rejected', 'failed', 'reversed')`);
    await q.query(`
      CREATE TABLE payment_outbox (
        disbursement_id  uuid        PRIMARY KEY REFERENCES disbursements(id),
        status           text        NOT NULL CHECK (status IN ('pending', 'done', 'dead')),
        attempts         integer     NOT NULL DEFAULT 0,
        next_attempt_at  timestamptz NOT NULL DEFAULT now(),
        last_error       text,
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE treasury_payments (
        disbursement_id  uuid        PRIMARY KEY REFERENCES disbursements(id),
        voucher_no       text        NOT NULL UNIQUE CHECK (length(voucher_no) BETWEEN 4 AND 40),
        paid_on          date        NOT NULL,
        payer_account    text        NOT NULL,
        payee_account    text        NOT NULL,
        amount_minor     bigint      NOT NULL CHECK (amount_minor > 0),
        recorded_by      uuid        NOT NULL REFERENCES users(id),
        recorded_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE stripe_events (
        event_id      text        PRIMARY KEY,
        type          text        NOT NULL,
        account       text,
        payload       jsonb       NOT NULL,
        received_at   timestamptz NOT NULL DEFAULT now(),
        processed_at  timestamptz,
        outcome       text
      )`);
    await q.query(`
      CREATE TABLE reconciliation_issues (
        id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        found_at         timestamptz NOT NULL DEFAULT now(),
        kind             text        NOT NULL,
        disbursement_id  uuid        REFERENCES disbursements(id),
        stripe_transfer_id text,
        details          jsonb       NOT NULL,
        resolved_at      timestamptz,
        resolved_by      uuid        REFERENCES users(id),
        resolution_note  text
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const t of ['reconciliation_issues', 'stripe_events', 'treasury_payments', 'payment_outbox', 'disbursements', 'payment_accounts', 'payment_rules']) {
      await q.query(`DROP TABLE ${t}`);
    }
    await q.query(`ALTER TABLE projects DROP COLUMN paid_minor`);
    await q.query(`ALTER TABLE contracts DROP CONSTRAINT contracts_paid_within_amount, DROP COLUMN paid_minor, DROP COLUMN approved_minor`);
    await q.query(`ALTER TABLE funds DROP CONSTRAINT funds_within_total`);
    await q.query(`ALTER TABLE funds DROP COLUMN payable_minor`);
    await q.query(`ALTER TABLE funds ADD CONSTRAINT funds_within_total CHECK (reserved_minor + committed_minor + paid_minor <= total_minor)`);
    await q.query(`DROP TABLE journal_lines`);
    await q.query(`DROP TABLE journal_entries`);
    await q.query(`DROP FUNCTION journal_entry_balances()`);
    await q.query(`DROP FUNCTION ledger_append_only()`);
  }
}
