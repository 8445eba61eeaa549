import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a draft project needs beyond CreateProjects: the reservation it will make on publication
 * (≥ the ceiling), the written justification a service period over one year requires, and when
 * the reservation was released (cancellation, failure). Rules rows are append-only: a new
 * effective date supersedes, nothing is edited or deleted.
 */
export class AddProjectDraftFields1795491000000 implements MigrationInterface {
  name = 'AddProjectDraftFields1795491000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE projects
        ADD COLUMN planned_reservation_minor bigint CHECK (planned_reservation_minor > 0),
        ADD COLUMN long_period_justification text CHECK (long_period_justification IS NULL OR length(long_period_justification) BETWEEN 10 AND 2000),
        ADD COLUMN reservation_released_at timestamptz,
        ADD CONSTRAINT projects_planned_reservation_covers_ceiling CHECK (planned_reservation_minor IS NULL OR planned_reservation_minor >= budget_ceiling_minor),
        ADD CONSTRAINT projects_long_period_justified CHECK (
          service_end <= service_start + interval '1 year' OR long_period_justification IS NOT NULL),
        ADD CONSTRAINT projects_released_when_ended CHECK (
          reservation_released_at IS NULL OR status IN ('cancelled', 'failed'))`);
    await q.query(`CREATE UNIQUE INDEX projects_one_invitation ON project_invitations (project_id)`);
    await q.query(`CREATE INDEX project_questions_unanswered_idx ON project_questions (project_id) WHERE answer IS NULL`);
    await q.query(`CREATE INDEX projects_published_at_idx ON projects (published_at DESC) WHERE status <> 'draft'`);
    await q.query(`
      CREATE FUNCTION procurement_method_rules_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'procurement method rules are never changed; add a row with a later effective date'
          USING ERRCODE = 'restrict_violation';
      END $$`);
    await q.query(`
      CREATE TRIGGER procurement_method_rules_no_change BEFORE UPDATE OR DELETE ON procurement_method_rules
        FOR EACH ROW EXECUTE FUNCTION procurement_method_rules_append_only()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER procurement_method_rules_no_change ON procurement_method_rules`);
    await q.query(`DROP FUNCTION procurement_method_rules_append_only()`);
    await q.query(`DROP INDEX projects_published_at_idx`);
    await q.query(`DROP INDEX project_questions_unanswered_idx`);
    await q.query(`DROP INDEX projects_one_invitation`);
    await q.query(`
      ALTER TABLE projects
        DROP CONSTRAINT projects_released_when_ended,
        DROP CONSTRAINT projects_long_period_justified,
        DROP CONSTRAINT projects_planned_reservation_covers_ceiling,
        DROP COLUMN reservation_released_at,
        DROP COLUMN long_period_justification,
        DROP COLUMN planned_reservation_minor`);
  }
}
