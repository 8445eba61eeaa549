import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The registry's and procurement's views for the other modules that only label rows with an
 * organisation or a project (issue 12: cross-module reads go through the owner's query methods or
 * the views the owner maintains).
 *
 * `organisation_labels` (owned by organisations) gives an organisation's id, registered Chinese
 * name and unified social credit code; `project_labels` (owned by procurement) gives a project's
 * id, reference and title. Both keep every row of the table under them (any status, drafts
 * included), so a join to them returns the rows the old join returned; the filters that depend on
 * status, eligibility or locks stay with the owners' tables and query methods.
 */
export class CreateLabelViews1795706000100 implements MigrationInterface {
  name = 'CreateLabelViews1795706000100';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE VIEW organisation_labels AS SELECT id, name_zh, credit_code FROM organisations`);
    await q.query(`CREATE VIEW project_labels AS SELECT id, reference, title FROM projects`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW project_labels`);
    await q.query(`DROP VIEW organisation_labels`);
  }
}
