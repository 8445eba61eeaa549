import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Award (one active award per project, enforced by a partial unique index), the challenge
 * period and challenges (质疑), and the contract with its milestones (amounts in fen that sum
 * exactly to the contract amount), confirmations and variations.
 */
export class CreateAwardsAndContracts1795500000100 implements MigrationInterface {
  name = 'CreateAwardsAndContracts1795500000100';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE awards (
        id                       uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id               uuid        NOT NULL REFERENCES projects(id),
        evaluation_id            uuid        NOT NULL REFERENCES evaluations(id),
        bid_id                   uuid        NOT NULL REFERENCES bids(id),
        organisation_id          uuid        NOT NULL REFERENCES organisations(id),
        price_minor              bigint      NOT NULL CHECK (price_minor > 0),
        is_top_ranked            boolean     NOT NULL,
        deviation_reason         text,
        status                   text        NOT NULL CHECK (status IN ('active', 'cancelled', 'superseded')),
        awarded_by               uuid        NOT NULL REFERENCES users(id),
        awarded_at               timestamptz NOT NULL,
        challenge_period_ends_at timestamptz NOT NULL,
        challenge_period_explanation jsonb   NOT NULL,
        cancelled_at             timestamptz,
        cancel_reason            text,
        CONSTRAINT awards_deviation_reason CHECK (is_top_ranked OR length(coalesce(deviation_reason, '')) > 0)
      )`);
    await q.query(`CREATE UNIQUE INDEX awards_one_active_per_project ON awards (project_id) WHERE status = 'active'`);
    await q.query(`
      CREATE TABLE challenges (
        id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        award_id         uuid        NOT NULL REFERENCES awards(id),
        organisation_id  uuid        NOT NULL REFERENCES organisations(id),
        filed_by         uuid        NOT NULL REFERENCES users(id),
        grounds          text        NOT NULL CHECK (length(grounds) BETWEEN 10 AND 20000),
        filed_at         timestamptz NOT NULL,
        answer_due_at    timestamptz NOT NULL,
        status           text        NOT NULL CHECK (status IN ('open', 'upheld', 'dismissed')),
        outcome          text        CHECK (outcome IN ('rerun_evaluation', 'cancel_award')),
        answer           text,
        answered_at      timestamptz,
        answered_by      uuid        REFERENCES users(id),
        CONSTRAINT challenges_answer CHECK ((status = 'open') = (answered_at IS NULL)),
        CONSTRAINT challenges_outcome CHECK ((status = 'upheld') = (outcome IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX challenges_award_idx ON challenges (award_id)`);
    await q.query(`
      CREATE TABLE contracts (
        id                      uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        reference               text        NOT NULL UNIQUE,
        project_id              uuid        NOT NULL REFERENCES projects(id),
        award_id                uuid        NOT NULL UNIQUE REFERENCES awards(id),
        organisation_id         uuid        NOT NULL REFERENCES organisations(id),
        fund_id                 uuid        NOT NULL REFERENCES funds(id),
        amount_minor            bigint      NOT NULL CHECK (amount_minor > 0),
        currency                char(3)     NOT NULL DEFAULT 'CNY',
        service_start           date        NOT NULL,
        service_end             date        NOT NULL,
        items                   jsonb       NOT NULL,
        settlement_method       text        NOT NULL,
        terms                   text        NOT NULL,
        status                  text        NOT NULL CHECK (status IN ('awaiting_confirmation', 'active', 'terminating', 'terminated', 'completed')),
        organisation_confirmed_at timestamptz,
        organisation_confirmed_by uuid      REFERENCES users(id),
        approver_confirmed_at   timestamptz,
        approver_confirmed_by   uuid        REFERENCES users(id),
        activated_at            timestamptz,
        publish_due_at          timestamptz,
        published_at            timestamptz,
        created_at              timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT contracts_period CHECK (service_end > service_start),
        CONSTRAINT contracts_active_confirmed CHECK (status = 'awaiting_confirmation'
          OR (organisation_confirmed_at IS NOT NULL AND approver_confirmed_at IS NOT NULL AND activated_at IS NOT NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX contracts_one_per_project ON contracts (project_id) WHERE status <> 'terminated'`);
    await q.query(`
      CREATE TABLE contract_milestones (
        contract_id       uuid        NOT NULL REFERENCES contracts(id),
        position          integer     NOT NULL CHECK (position >= 1),
        name              text        NOT NULL,
        due_date          date        NOT NULL,
        deliverables      text        NOT NULL,
        share_bp          integer     NOT NULL CHECK (share_bp BETWEEN 0 AND 10000),
        amount_minor      bigint      NOT NULL CHECK (amount_minor >= 0),
        indicators        jsonb       NOT NULL DEFAULT '[]'::jsonb,
        status            text        NOT NULL DEFAULT 'pending' CHECK (status IN
                            ('pending', 'delivered', 'under_evaluation', 'passed', 'failed', 'rectification', 'cancelled')),
        PRIMARY KEY (contract_id, position)
      )`);
    // The milestone amounts always add up to the contract amount exactly (checked at commit).
    await q.query(`
      CREATE FUNCTION contract_milestones_sum_check() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        cid uuid := coalesce(NEW.contract_id, OLD.contract_id);
        total bigint;
        amount bigint;
      BEGIN
        SELECT coalesce(sum(amount_minor), 0) INTO total FROM contract_milestones WHERE contract_id = cid;
        SELECT amount_minor INTO amount FROM contracts WHERE id = cid;
        IF amount IS NOT NULL AND total <> amount THEN
          RAISE EXCEPTION 'milestone amounts of contract % sum to %, not %', cid, total, amount USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER contract_milestones_sum AFTER INSERT OR UPDATE OR DELETE ON contract_milestones
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION contract_milestones_sum_check()`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER contracts_amount_sum AFTER UPDATE OF amount_minor ON contracts
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION contract_milestones_sum_check()`);
    await q.query(`
      CREATE TABLE contract_variations (
        id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        contract_id     uuid        NOT NULL REFERENCES contracts(id),
        sequence        integer     NOT NULL CHECK (sequence >= 1),
        kind            text        NOT NULL CHECK (kind IN ('dates', 'scope', 'amount')),
        description     text        NOT NULL CHECK (length(description) >= 5),
        changes         jsonb       NOT NULL,
        amount_delta_minor bigint   NOT NULL DEFAULT 0,
        status          text        NOT NULL CHECK (status IN ('proposed', 'approved', 'rejected')),
        proposed_by     uuid        NOT NULL REFERENCES users(id),
        proposed_at     timestamptz NOT NULL,
        decided_by      uuid        REFERENCES users(id),
        decided_at      timestamptz,
        decision_reason text,
        UNIQUE (contract_id, sequence)
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE contract_variations`);
    await q.query(`DROP TABLE contract_milestones`);
    await q.query(`DROP TABLE contracts`);
    await q.query(`DROP FUNCTION contract_milestones_sum_check()`);
    await q.query(`DROP TABLE challenges`);
    await q.query(`DROP TABLE awards`);
  }
}
