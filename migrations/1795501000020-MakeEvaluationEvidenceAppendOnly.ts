import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The committee draws and the signed-off results are evidence a losing bidder or an auditor
 * relies on: never changed or removed once written (a new round writes new rows).
 */
export class MakeEvaluationEvidenceAppendOnly1795501000020 implements MigrationInterface {
  name = 'MakeEvaluationEvidenceAppendOnly1795501000020';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION evaluation_evidence_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
      END $$`);
    for (const table of ['committee_draws', 'evaluation_results']) {
      await q.query(`CREATE TRIGGER ${table}_no_change BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION evaluation_evidence_append_only()`);
      await q.query(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION evaluation_evidence_append_only()`);
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const table of ['committee_draws', 'evaluation_results']) {
      await q.query(`DROP TRIGGER ${table}_no_truncate ON ${table}`);
      await q.query(`DROP TRIGGER ${table}_no_change ON ${table}`);
    }
    await q.query(`DROP FUNCTION evaluation_evidence_append_only()`);
  }
}
