import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The registry and the review queue search organisations by a substring of the credit code and
 * filter them by service category: a trigram index for the first (name_zh has one already), a
 * GIN index on the category array for `service_categories @> ARRAY['C01']`.
 */
export class IndexOrganisationRegistrySearch1795471000010 implements MigrationInterface {
  name = 'IndexOrganisationRegistrySearch1795471000010';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX organisations_credit_code_trgm_idx ON organisations USING gin ((credit_code::text) gin_trgm_ops)`);
    await q.query(`CREATE INDEX organisations_service_categories_idx ON organisations USING gin (service_categories)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX organisations_service_categories_idx`);
    await q.query(`DROP INDEX organisations_credit_code_trgm_idx`);
  }
}
