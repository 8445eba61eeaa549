import { MigrationInterface, QueryRunner } from 'typeorm';

/** Every organisation serves at least one catalogue category (the registration form requires one). */
export class RequireOrganisationServiceCategory1795471000020 implements MigrationInterface {
  name = 'RequireOrganisationServiceCategory1795471000020';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE organisations ADD CONSTRAINT organisations_service_categories_present CHECK (cardinality(service_categories) > 0)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE organisations DROP CONSTRAINT organisations_service_categories_present`);
  }
}
