import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Challenges (质疑) not only against the result but against the procurement documents and a
 * procedural step (政府采购法实施条例 第五十三条(一)(二)), each with its own period. Every
 * challenge now carries its project, its subject and the period it was filed in (for a result
 * challenge the award's, copied from awards). The deferred trigger checks, at COMMIT on the
 * database clock, that the challenge was filed before its period closed (and, against a result,
 * that the award is still active and the period is the award's). One challenge per organisation
 * and subject: the documents once, each step once, each award once (财政部令第94号 第十条).
 */
export class ChallengeDocumentsAndProcedure1795610000200 implements MigrationInterface {
  name = 'ChallengeDocumentsAndProcedure1795610000200';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE challenges
        ADD COLUMN subject text NOT NULL DEFAULT 'result' CHECK (subject IN ('result', 'documents', 'procedure')),
        ADD COLUMN project_id uuid REFERENCES projects(id),
        ADD COLUMN step text CHECK (step IN ('bid_opening', 'evaluation')),
        ADD COLUMN period_ends_at timestamptz,
        ADD COLUMN period_explanation jsonb`);
    await q.query(`ALTER TABLE challenges DISABLE TRIGGER challenges_guard`);
    await q.query(`
      UPDATE challenges c SET project_id = a.project_id, period_ends_at = a.challenge_period_ends_at, period_explanation = a.challenge_period_explanation
        FROM awards a WHERE a.id = c.award_id`);
    await q.query(`ALTER TABLE challenges ENABLE TRIGGER challenges_guard`);
    await q.query(`
      ALTER TABLE challenges
        ALTER COLUMN subject DROP DEFAULT,
        ALTER COLUMN project_id SET NOT NULL,
        ALTER COLUMN period_ends_at SET NOT NULL,
        ALTER COLUMN period_explanation SET NOT NULL,
        ALTER COLUMN award_id DROP NOT NULL,
        DROP CONSTRAINT challenges_outcome_check,
        ADD CONSTRAINT challenges_subject_award CHECK ((subject = 'result') = (award_id IS NOT NULL)),
        ADD CONSTRAINT challenges_subject_step CHECK ((subject = 'procedure') = (step IS NOT NULL)),
        ADD CONSTRAINT challenges_period_explained CHECK (jsonb_typeof(period_explanation) = 'object'),
        ADD CONSTRAINT challenges_outcome_for_subject CHECK (outcome IS NULL
          OR (subject = 'result' AND outcome IN ('rerun_evaluation', 'cancel_award'))
          OR (subject <> 'result' AND outcome IN ('correct_and_continue', 'restart_procurement')))`);
    await q.query(`CREATE UNIQUE INDEX challenges_documents_once ON challenges (project_id, organisation_id) WHERE subject = 'documents'`);
    await q.query(`CREATE UNIQUE INDEX challenges_step_once ON challenges (project_id, organisation_id, step) WHERE subject = 'procedure'`);
    await q.query(`CREATE INDEX challenges_project_idx ON challenges (project_id)`);
    await q.query(`
      CREATE OR REPLACE FUNCTION challenges_within_period() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        a record;
      BEGIN
        IF NEW.subject = 'result' THEN
          SELECT status, challenge_period_ends_at, project_id INTO a FROM awards WHERE id = NEW.award_id;
          IF a.status <> 'active' OR a.project_id <> NEW.project_id OR NEW.period_ends_at <> a.challenge_period_ends_at THEN
            RAISE EXCEPTION 'the challenge period of award % has ended', NEW.award_id
              USING ERRCODE = 'P0001', HINT = 'AWARDS.CHALLENGE_PERIOD_ENDED';
          END IF;
        END IF;
        IF app_now() >= NEW.period_ends_at OR NEW.filed_at >= NEW.period_ends_at THEN
          RAISE EXCEPTION 'the challenge period of % has ended', coalesce(NEW.award_id::text, NEW.subject || ' of project ' || NEW.project_id)
            USING ERRCODE = 'P0001', HINT = 'AWARDS.CHALLENGE_PERIOD_ENDED';
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION challenges_guard_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'challenges are never deleted' USING ERRCODE = 'restrict_violation';
        END IF;
        IF OLD.status <> 'open'
           OR (NEW.id, NEW.award_id, NEW.organisation_id, NEW.filed_by, NEW.grounds, NEW.filed_at, NEW.answer_due_at, NEW.answer_due_explanation,
               NEW.subject, NEW.project_id, NEW.step, NEW.period_ends_at, NEW.period_explanation)
              IS DISTINCT FROM
              (OLD.id, OLD.award_id, OLD.organisation_id, OLD.filed_by, OLD.grounds, OLD.filed_at, OLD.answer_due_at, OLD.answer_due_explanation,
               OLD.subject, OLD.project_id, OLD.step, OLD.period_ends_at, OLD.period_explanation)
        THEN
          RAISE EXCEPTION 'challenge %: only an open challenge is answered, once; what was filed never changes', OLD.id
            USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
      END $$`);
  }

  /** Only possible while every challenge is against a result (award_id becomes NOT NULL again). */
  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION challenges_within_period() RETURNS trigger LANGUAGE plpgsql AS $$
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
      CREATE OR REPLACE FUNCTION challenges_guard_change() RETURNS trigger LANGUAGE plpgsql AS $$
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
    await q.query(`DROP INDEX challenges_project_idx`);
    await q.query(`DROP INDEX challenges_step_once`);
    await q.query(`DROP INDEX challenges_documents_once`);
    await q.query(`
      ALTER TABLE challenges
        DROP CONSTRAINT challenges_outcome_for_subject,
        DROP CONSTRAINT challenges_period_explained,
        DROP CONSTRAINT challenges_subject_step,
        DROP CONSTRAINT challenges_subject_award,
        ALTER COLUMN award_id SET NOT NULL,
        ADD CONSTRAINT challenges_outcome_check CHECK (outcome IN ('rerun_evaluation', 'cancel_award')),
        DROP COLUMN period_explanation,
        DROP COLUMN period_ends_at,
        DROP COLUMN step,
        DROP COLUMN project_id,
        DROP COLUMN subject`);
  }
}
