import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What CreateAwardsAndContracts left to the award module: the award notice as published (a
 * snapshot of winner, prices, exact scores and committee, so the public record never changes
 * when a name does), and awards as evidence: once made, an award changes only from `active` to
 * `cancelled` or `superseded`, with when and why, and is never deleted.
 */
export class GuardAwards1795502000000 implements MigrationInterface {
  name = 'GuardAwards1795502000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE awards
        ADD COLUMN notice jsonb NOT NULL CHECK (jsonb_typeof(notice) = 'object'),
        ADD CONSTRAINT awards_ended CHECK ((status = 'active') = (cancelled_at IS NULL)),
        ADD CONSTRAINT awards_end_reason CHECK (status = 'active' OR length(coalesce(cancel_reason, '')) > 0),
        ADD CONSTRAINT awards_period_after_award CHECK (challenge_period_ends_at > awarded_at)`);
    await q.query(`CREATE INDEX awards_project_idx ON awards (project_id, awarded_at DESC)`);
    await q.query(`CREATE INDEX awards_organisation_idx ON awards (organisation_id)`);
    await q.query(`CREATE INDEX awards_active_period_idx ON awards (challenge_period_ends_at) WHERE status = 'active'`);
    await q.query(`
      CREATE FUNCTION awards_guard_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'awards are never deleted' USING ERRCODE = 'restrict_violation';
        END IF;
        IF OLD.status <> 'active' OR NEW.status = 'active'
           OR (NEW.id, NEW.project_id, NEW.evaluation_id, NEW.bid_id, NEW.organisation_id, NEW.price_minor, NEW.is_top_ranked,
               NEW.deviation_reason, NEW.awarded_by, NEW.awarded_at, NEW.challenge_period_ends_at, NEW.challenge_period_explanation, NEW.notice)
              IS DISTINCT FROM
              (OLD.id, OLD.project_id, OLD.evaluation_id, OLD.bid_id, OLD.organisation_id, OLD.price_minor, OLD.is_top_ranked,
               OLD.deviation_reason, OLD.awarded_by, OLD.awarded_at, OLD.challenge_period_ends_at, OLD.challenge_period_explanation, OLD.notice)
        THEN
          RAISE EXCEPTION 'award %: only an active award may end (cancelled or superseded); nothing else changes', OLD.id
            USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER awards_guard BEFORE UPDATE OR DELETE ON awards FOR EACH ROW EXECUTE FUNCTION awards_guard_change()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER awards_guard ON awards`);
    await q.query(`DROP FUNCTION awards_guard_change()`);
    await q.query(`DROP INDEX awards_active_period_idx`);
    await q.query(`DROP INDEX awards_organisation_idx`);
    await q.query(`DROP INDEX awards_project_idx`);
    await q.query(`
      ALTER TABLE awards
        DROP CONSTRAINT awards_period_after_award,
        DROP CONSTRAINT awards_end_reason,
        DROP CONSTRAINT awards_ended,
        DROP COLUMN notice`);
  }
}
