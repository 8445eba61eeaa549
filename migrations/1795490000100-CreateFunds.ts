import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Funds (专项资金) and the reservations projects make against them. The running totals on the
 * fund row are updated in the same transaction as each reservation, under the row lock, and a
 * CHECK keeps reserved + committed + paid within the total: two officers reserving the last
 * yuan at once cannot both succeed.
 */
export class CreateFunds1795490000100 implements MigrationInterface {
  name = 'CreateFunds1795490000100';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE funds (
        id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        name             text        NOT NULL CHECK (length(name) BETWEEN 2 AND 200),
        fiscal_year      integer     NOT NULL CHECK (fiscal_year BETWEEN 2000 AND 2100),
        owner_level      text        NOT NULL CHECK (owner_level IN ('district', 'sub_district', 'community')),
        owner_unit       text        NOT NULL CHECK (length(owner_unit) BETWEEN 2 AND 100),
        total_minor      bigint      NOT NULL CHECK (total_minor > 0),
        reserved_minor   bigint      NOT NULL DEFAULT 0 CHECK (reserved_minor >= 0),
        committed_minor  bigint      NOT NULL DEFAULT 0 CHECK (committed_minor >= 0),
        paid_minor       bigint      NOT NULL DEFAULT 0 CHECK (paid_minor >= 0),
        currency         char(3)     NOT NULL DEFAULT 'CNY',
        is_active        boolean     NOT NULL DEFAULT true,
        created_by       uuid        REFERENCES users(id),
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT funds_within_total CHECK (reserved_minor + committed_minor + paid_minor <= total_minor)
      )`);
    await q.query(`CREATE UNIQUE INDEX funds_name_year_key ON funds (owner_unit, name, fiscal_year)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE funds`);
  }
}
