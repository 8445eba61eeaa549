import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Section 7's "paid per project ≤ award", in the database: a project's running paid total may
 * never exceed its active award's price as varied by approved amount variations of its
 * contracts (the award as contracted). Checked on every increase of projects.paid_minor, which
 * the ledger moves in the same transaction as the journal entry, so concurrent payments are
 * serialised on the project row and the last fen beyond the award is refused.
 */
export class GuardProjectPaidWithinAward1795550000100 implements MigrationInterface {
  name = 'GuardProjectPaidWithinAward1795550000100';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION project_award_cap_minor(pid uuid) RETURNS bigint LANGUAGE sql STABLE AS $$
        SELECT coalesce((SELECT price_minor FROM awards WHERE project_id = pid AND status = 'active'), 0)
             + coalesce((SELECT sum(v.amount_delta_minor) FROM contract_variations v JOIN contracts c ON c.id = v.contract_id
                          WHERE c.project_id = pid AND v.kind = 'amount' AND v.status = 'approved'), 0)
      $$`);
    await q.query(`
      CREATE FUNCTION project_paid_within_award() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        cap bigint;
      BEGIN
        IF NEW.paid_minor > OLD.paid_minor THEN
          cap := project_award_cap_minor(NEW.id);
          IF NEW.paid_minor > cap THEN
            RAISE EXCEPTION 'project %: paid % would exceed the award %', NEW.id, NEW.paid_minor, cap
              USING ERRCODE = 'check_violation', CONSTRAINT = 'projects_paid_within_award';
          END IF;
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER projects_paid_within_award BEFORE UPDATE OF paid_minor ON projects FOR EACH ROW EXECUTE FUNCTION project_paid_within_award()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER projects_paid_within_award ON projects`);
    await q.query(`DROP FUNCTION project_paid_within_award()`);
    await q.query(`DROP FUNCTION project_award_cap_minor(uuid)`);
  }
}
