import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Payment terms fixed before bidding: the payment-by-results table (share of a tranche per
 * grade, the pass hold-back's release grade, retention) that applies to a project is the one in
 * force on the day it is published, copied into `projects.payment_terms` then and never changed.
 * Bidders price against it; the tender documents, the award notice and the contract show it; every
 * disbursement of the project's contracts uses it. A later payment_rules row affects only
 * projects published later.
 *
 * `payment_terms_in_force(date)` is the payments module's read-only view of its rules (the row
 * effective by that date). A trigger fills the copy whenever a project leaves draft (however it
 * does: the publish service, or the demo's and tests' direct histories) and refuses any change
 * afterwards. Projects already published get the table in force on their publication date.
 */
export class FixPaymentTermsAtPublication1795611000200 implements MigrationInterface {
  name = 'FixPaymentTermsAtPublication1795611000200';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION payment_terms_in_force(d date) RETURNS jsonb LANGUAGE sql STABLE AS $$
        SELECT jsonb_build_object(
                 'paymentRulesId', id, 'effectiveFrom', to_char(effective_from, 'YYYY-MM-DD'),
                 'excellentBp', excellent_bp, 'goodBp', good_bp, 'passBp', pass_bp, 'failBp', fail_bp,
                 'passHoldbackReleaseMinGrade', pass_holdback_release_min_grade, 'retentionBp', retention_bp)
          FROM payment_rules WHERE effective_from <= d ORDER BY effective_from DESC LIMIT 1
      $$`);
    await q.query(`ALTER TABLE projects ADD COLUMN payment_terms jsonb`);
    await q.query(`
      CREATE FUNCTION projects_fix_payment_terms() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND OLD.payment_terms IS NOT NULL AND NEW.payment_terms IS DISTINCT FROM OLD.payment_terms THEN
          RAISE EXCEPTION 'project %: payment terms are fixed at publication and never change', NEW.id
            USING ERRCODE = 'restrict_violation', CONSTRAINT = 'projects_payment_terms_fixed';
        END IF;
        IF NEW.status <> 'draft' AND NEW.payment_terms IS NULL THEN
          NEW.payment_terms := payment_terms_in_force((coalesce(NEW.published_at, now()) AT TIME ZONE 'Asia/Shanghai')::date);
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER projects_fix_payment_terms BEFORE INSERT OR UPDATE ON projects
        FOR EACH ROW EXECUTE FUNCTION projects_fix_payment_terms()`);
    await q.query(`UPDATE projects SET payment_terms = payment_terms_in_force((coalesce(published_at, now()) AT TIME ZONE 'Asia/Shanghai')::date) WHERE status <> 'draft'`);
    await q.query(`ALTER TABLE projects ADD CONSTRAINT projects_payment_terms_published CHECK (status = 'draft' OR payment_terms IS NOT NULL)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE projects DROP CONSTRAINT projects_payment_terms_published`);
    await q.query(`DROP TRIGGER projects_fix_payment_terms ON projects`);
    await q.query(`DROP FUNCTION projects_fix_payment_terms()`);
    await q.query(`ALTER TABLE projects DROP COLUMN payment_terms`);
    await q.query(`DROP FUNCTION payment_terms_in_force(date)`);
  }
}
