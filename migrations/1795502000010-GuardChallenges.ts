import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Challenges (质疑) decided by the database: a deferred constraint trigger checks at COMMIT, on
 * the database clock, that the award is still active and its challenge period still open, so a
 * challenge committed one second late is refused however the request was timed. One challenge
 * per organisation and award (all grounds at once, 财政部令第94号 第十条); the answer's due date
 * keeps its working-day explanation; an answered challenge is never changed, none is deleted.
 */
export class GuardChallenges1795502000010 implements MigrationInterface {
  name = 'GuardChallenges1795502000010';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE challenges
        ADD COLUMN answer_due_explanation jsonb NOT NULL CHECK (jsonb_typeof(answer_due_explanation) = 'object'),
        ADD CONSTRAINT challenges_answer_text CHECK ((status = 'open') = (answer IS NULL) AND (answered_at IS NULL) = (answered_by IS NULL)),
        ADD CONSTRAINT challenges_due_after_filing CHECK (answer_due_at > filed_at)`);
    await q.query(`CREATE UNIQUE INDEX challenges_one_per_organisation ON challenges (award_id, organisation_id)`);
    await q.query(`CREATE INDEX challenges_open_due_idx ON challenges (answer_due_at) WHERE status = 'open'`);
    await q.query(`CREATE INDEX challenges_organisation_idx ON challenges (organisation_id)`);
    await q.query(`
      CREATE FUNCTION challenges_within_period() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        a record;
      BEGIN
        SELECT status, challenge_period_ends_at INTO a FROM awards WHERE id = NEW.award_id;
        IF a.status <> 'active' OR app_now() >= a.challenge_period_ends_at OR NEW.filed_at >= a.challenge_period_ends_at THEN
          RAISE EXCEPTION 'the challenge period of award % has ended', NEW.award_id
            USING ERRCODE = 'P0001', HINT = 'AWARDS.CHALLENGE_PERIOD_ENDED';
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER challenges_period AFTER INSERT ON challenges
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION challenges_within_period()`);
    await q.query(`
      CREATE FUNCTION challenges_guard_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'challenges are never deleted' USING ERRCODE = 'restrict_violation';
        END IF;
        IF OLD.status <> 'open'
           OR (NEW.id, NEW.award_id, NEW.organisation_id, NEW.filed_by, NEW.grounds, NEW.filed_at, NEW.answer_due_at, NEW.answer_due_explanation)
              IS DISTINCT FROM
              (OLD.id, OLD.award_id, OLD.organisation_id, OLD.filed_by, OLD.grounds, OLD.filed_at, OLD.answer_due_at, OLD.answer_due_explanation)
        THEN
          RAISE EXCEPTION 'challenge %: only an open challenge is answered, once; what was filed never changes', OLD.id
            USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER challenges_guard BEFORE UPDATE OR DELETE ON challenges FOR EACH ROW EXECUTE FUNCTION challenges_guard_change()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER challenges_guard ON challenges`);
    await q.query(`DROP FUNCTION challenges_guard_change()`);
    await q.query(`DROP TRIGGER challenges_period ON challenges`);
    await q.query(`DROP FUNCTION challenges_within_period()`);
    await q.query(`DROP INDEX challenges_organisation_idx`);
    await q.query(`DROP INDEX challenges_open_due_idx`);
    await q.query(`DROP INDEX challenges_one_per_organisation`);
    await q.query(`
      ALTER TABLE challenges
        DROP CONSTRAINT challenges_due_after_filing,
        DROP CONSTRAINT challenges_answer_text,
        DROP COLUMN answer_due_explanation`);
  }
}
