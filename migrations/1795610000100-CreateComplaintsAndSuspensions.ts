import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Complaints (投诉) to the finance department and the suspensions it orders.
 *
 * - A new role, finance_supervisor (财政部门, the government procurement supervisor), a staff role.
 * - complaints: filed by the organisation whose challenge was answered, or not answered in time,
 *   within 15 working days after the answer period (政府采购法 第五十五条; 财政部令第94号 第十七条),
 *   one per challenge; a deferred trigger checks the period and the challenge at COMMIT on the
 *   database clock. The decision (dismissed / upheld with its consequence) is written once.
 * - procurement_suspensions: the finance department may suspend the procurement while it handles a
 *   complaint, for at most 30 days (财政部令第94号 第二十八条). While a suspension is in force
 *   (not lifted, not expired on app_now()) the database refuses an award, a contract or its
 *   confirmation, and approving or paying a disbursement of the project, however it is reached.
 */
export class CreateComplaintsAndSuspensions1795610000100 implements MigrationInterface {
  name = 'CreateComplaintsAndSuspensions1795610000100';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP CONSTRAINT users_roles_check`);
    await q.query(`
      ALTER TABLE users ADD CONSTRAINT users_roles_check CHECK (cardinality(roles) > 0 AND roles <@ ARRAY[
        'org_member','org_admin','bureau_officer','bureau_approver','evaluator','admin','auditor','finance_supervisor']::text[])`);
    await q.query(`ALTER TABLE users DROP CONSTRAINT users_org_roles_exclusive`);
    await q.query(`
      ALTER TABLE users ADD CONSTRAINT users_org_roles_exclusive CHECK (
        NOT (roles && ARRAY['org_member','org_admin']::text[]
             AND roles && ARRAY['bureau_officer','bureau_approver','evaluator','admin','auditor','finance_supervisor']::text[]))`);

    await q.query(`
      CREATE TABLE complaints (
        id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        challenge_id        uuid        NOT NULL UNIQUE REFERENCES challenges(id),
        project_id          uuid        NOT NULL REFERENCES projects(id),
        organisation_id     uuid        NOT NULL REFERENCES organisations(id),
        filed_by            uuid        NOT NULL REFERENCES users(id),
        grounds             text        NOT NULL CHECK (length(grounds) BETWEEN 10 AND 20000),
        filed_at            timestamptz NOT NULL,
        period_ends_at      timestamptz NOT NULL,
        period_explanation  jsonb       NOT NULL CHECK (jsonb_typeof(period_explanation) = 'object'),
        decision_due_at     timestamptz NOT NULL,
        decision_due_explanation jsonb  NOT NULL CHECK (jsonb_typeof(decision_due_explanation) = 'object'),
        status              text        NOT NULL CHECK (status IN ('received', 'dismissed', 'upheld')),
        consequence         text        CHECK (consequence IN ('correct_and_continue', 'redetermine_award', 'restart_procurement', 'award_void')),
        decision            text        CHECK (decision IS NULL OR length(decision) BETWEEN 10 AND 20000),
        decided_at          timestamptz,
        decided_by          uuid        REFERENCES users(id),
        CONSTRAINT complaints_filed_in_period CHECK (filed_at < period_ends_at),
        CONSTRAINT complaints_decided CHECK ((status = 'received') = (decided_at IS NULL)
          AND (decided_at IS NULL) = (decided_by IS NULL) AND (decided_at IS NULL) = (decision IS NULL)),
        CONSTRAINT complaints_consequence CHECK ((status = 'upheld') = (consequence IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX complaints_project_idx ON complaints (project_id)`);
    await q.query(`CREATE INDEX complaints_organisation_idx ON complaints (organisation_id)`);
    await q.query(`
      CREATE FUNCTION complaints_within_period() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        c record;
      BEGIN
        SELECT ch.status, ch.answer_due_at, ch.organisation_id INTO c FROM challenges ch WHERE ch.id = NEW.challenge_id;
        IF c.organisation_id <> NEW.organisation_id THEN
          RAISE EXCEPTION 'only the organisation that challenged may complain (财政部令第94号 第十九条)' USING ERRCODE = 'check_violation';
        END IF;
        IF c.status = 'open' AND app_now() < c.answer_due_at THEN
          RAISE EXCEPTION 'challenge % is still within its answer period', NEW.challenge_id
            USING ERRCODE = 'P0001', HINT = 'COMPLAINTS.NOT_YET';
        END IF;
        IF app_now() >= NEW.period_ends_at THEN
          RAISE EXCEPTION 'the complaint period of challenge % has ended', NEW.challenge_id
            USING ERRCODE = 'P0001', HINT = 'COMPLAINTS.PERIOD_ENDED';
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER complaints_period AFTER INSERT ON complaints
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION complaints_within_period()`);
    await q.query(`
      CREATE FUNCTION complaints_guard_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'complaints are never deleted' USING ERRCODE = 'restrict_violation';
        END IF;
        IF OLD.status <> 'received'
           OR (NEW.id, NEW.challenge_id, NEW.project_id, NEW.organisation_id, NEW.filed_by, NEW.grounds, NEW.filed_at, NEW.period_ends_at,
               NEW.period_explanation, NEW.decision_due_at, NEW.decision_due_explanation)
              IS DISTINCT FROM
              (OLD.id, OLD.challenge_id, OLD.project_id, OLD.organisation_id, OLD.filed_by, OLD.grounds, OLD.filed_at, OLD.period_ends_at,
               OLD.period_explanation, OLD.decision_due_at, OLD.decision_due_explanation)
        THEN
          RAISE EXCEPTION 'complaint %: decided once; what was filed never changes', OLD.id USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER complaints_guard BEFORE UPDATE OR DELETE ON complaints FOR EACH ROW EXECUTE FUNCTION complaints_guard_change()`);

    await q.query(`
      CREATE TABLE procurement_suspensions (
        id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id    uuid        NOT NULL REFERENCES projects(id),
        complaint_id  uuid        NOT NULL REFERENCES complaints(id),
        reason        text        NOT NULL CHECK (length(reason) BETWEEN 10 AND 20000),
        ordered_at    timestamptz NOT NULL,
        ordered_by    uuid        NOT NULL REFERENCES users(id),
        ends_at       timestamptz NOT NULL,
        lifted_at     timestamptz,
        lifted_by     uuid        REFERENCES users(id),
        lift_reason   text,
        CONSTRAINT procurement_suspensions_at_most_30_days CHECK (ends_at > ordered_at AND ends_at <= ordered_at + interval '30 days'),
        CONSTRAINT procurement_suspensions_lifted CHECK ((lifted_at IS NULL) = (lifted_by IS NULL) AND (lifted_at IS NULL) = (lift_reason IS NULL))
      )`);
    await q.query(`CREATE INDEX procurement_suspensions_project_idx ON procurement_suspensions (project_id) WHERE lifted_at IS NULL`);
    await q.query(`
      CREATE FUNCTION procurement_suspensions_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'suspensions are never deleted' USING ERRCODE = 'restrict_violation';
        END IF;
        IF OLD.lifted_at IS NOT NULL
           OR (NEW.id, NEW.project_id, NEW.complaint_id, NEW.reason, NEW.ordered_at, NEW.ordered_by, NEW.ends_at)
              IS DISTINCT FROM (OLD.id, OLD.project_id, OLD.complaint_id, OLD.reason, OLD.ordered_at, OLD.ordered_by, OLD.ends_at)
        THEN
          RAISE EXCEPTION 'suspension %: only lifted, once', OLD.id USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER procurement_suspensions_guard BEFORE UPDATE OR DELETE ON procurement_suspensions FOR EACH ROW EXECUTE FUNCTION procurement_suspensions_guard()`);

    // In force: ordered, not lifted, not past its end on the database clock.
    await q.query(`
      CREATE FUNCTION procurement_suspended(p_project uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT EXISTS (SELECT 1 FROM procurement_suspensions s WHERE s.project_id = p_project AND s.lifted_at IS NULL AND app_now() < s.ends_at)
      $$`);
    await q.query(`
      CREATE FUNCTION refuse_if_suspended(p_project uuid, what text) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        IF procurement_suspended(p_project) THEN
          RAISE EXCEPTION 'project % is suspended by the finance department: no %', p_project, what
            USING ERRCODE = 'P0001', HINT = 'PROCUREMENT.SUSPENDED';
        END IF;
      END $$`);
    await q.query(`
      CREATE FUNCTION awards_not_suspended() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM refuse_if_suspended(NEW.project_id, 'award');
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER awards_not_suspended BEFORE INSERT ON awards FOR EACH ROW EXECUTE FUNCTION awards_not_suspended()`);
    await q.query(`
      CREATE FUNCTION contracts_not_suspended() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT'
           OR (OLD.organisation_confirmed_at IS NULL AND NEW.organisation_confirmed_at IS NOT NULL)
           OR (OLD.approver_confirmed_at IS NULL AND NEW.approver_confirmed_at IS NOT NULL)
           OR (OLD.status = 'awaiting_confirmation' AND NEW.status = 'active') THEN
          PERFORM refuse_if_suspended(NEW.project_id, 'contract or confirmation');
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER contracts_not_suspended BEFORE INSERT OR UPDATE ON contracts FOR EACH ROW EXECUTE FUNCTION contracts_not_suspended()`);
    await q.query(`
      CREATE FUNCTION disbursements_not_suspended() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- Approving, sending or recording a treasury payment; a transfer already sent may still settle.
        IF NEW.status IS DISTINCT FROM OLD.status AND (NEW.status IN ('approved', 'sending') OR (NEW.status = 'paid' AND OLD.status = 'approved')) THEN
          PERFORM refuse_if_suspended((SELECT c.project_id FROM contracts c WHERE c.id = NEW.contract_id), 'payment');
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER disbursements_not_suspended BEFORE UPDATE ON disbursements FOR EACH ROW EXECUTE FUNCTION disbursements_not_suspended()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER disbursements_not_suspended ON disbursements`);
    await q.query(`DROP FUNCTION disbursements_not_suspended()`);
    await q.query(`DROP TRIGGER contracts_not_suspended ON contracts`);
    await q.query(`DROP FUNCTION contracts_not_suspended()`);
    await q.query(`DROP TRIGGER awards_not_suspended ON awards`);
    await q.query(`DROP FUNCTION awards_not_suspended()`);
    await q.query(`DROP FUNCTION refuse_if_suspended(uuid, text)`);
    await q.query(`DROP FUNCTION procurement_suspended(uuid)`);
    await q.query(`DROP TABLE procurement_suspensions`);
    await q.query(`DROP TABLE complaints`);
    await q.query(`DROP FUNCTION complaints_guard_change()`);
    await q.query(`DROP FUNCTION complaints_within_period()`);
    await q.query(`ALTER TABLE users DROP CONSTRAINT users_org_roles_exclusive`);
    await q.query(`
      ALTER TABLE users ADD CONSTRAINT users_org_roles_exclusive CHECK (
        NOT (roles && ARRAY['org_member','org_admin']::text[]
             AND roles && ARRAY['bureau_officer','bureau_approver','evaluator','admin','auditor']::text[]))`);
    await q.query(`ALTER TABLE users DROP CONSTRAINT users_roles_check`);
    await q.query(`
      ALTER TABLE users ADD CONSTRAINT users_roles_check CHECK (cardinality(roles) > 0 AND roles <@ ARRAY[
        'org_member','org_admin','bureau_officer','bureau_approver','evaluator','admin','auditor']::text[])`);
  }
}
