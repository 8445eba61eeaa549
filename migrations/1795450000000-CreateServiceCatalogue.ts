import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateServiceCatalogue1795450000000 implements MigrationInterface {
  name = 'CreateServiceCatalogue1795450000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    // TypeORM's schema diff (migration:generate) reads generated-column expressions from here.
    await q.query(`
      CREATE TABLE IF NOT EXISTS typeorm_metadata (
        type varchar NOT NULL, database varchar, schema varchar, "table" varchar, name varchar, value text
      )`);
    await q.query(`
      CREATE TABLE catalogue_categories (
        code            varchar(3)  PRIMARY KEY CHECK (code ~ '^C[0-9]{2}$'),
        name_zh         text        NOT NULL CHECK (length(name_zh) > 0),
        name_en         text        NOT NULL CHECK (length(name_en) > 0),
        description_zh  text        NOT NULL DEFAULT '',
        description_en  text        NOT NULL DEFAULT '',
        sort_order      integer     NOT NULL,
        is_active       boolean     NOT NULL DEFAULT true,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE catalogue_items (
        code                  varchar(16) PRIMARY KEY CHECK (code ~ '^C[0-9]{2}-[0-9]{3}$'),
        category_code         varchar(3)  NOT NULL REFERENCES catalogue_categories(code) ON DELETE RESTRICT,
        name_zh               text        NOT NULL CHECK (length(name_zh) > 0),
        name_en               text        NOT NULL CHECK (length(name_en) > 0),
        description_zh        text        NOT NULL DEFAULT '',
        description_en        text,
        unit_code             varchar(40) NOT NULL CHECK (unit_code ~ '^[a-z0-9-]+$'),
        unit_zh               text        NOT NULL,
        unit_en               text        NOT NULL,
        ref_price_min_minor   bigint      NOT NULL CHECK (ref_price_min_minor >= 0),
        ref_price_max_minor   bigint      NOT NULL,
        currency              char(3)     NOT NULL DEFAULT 'CNY',
        kpis                  jsonb       NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(kpis) = 'array'),
        is_active             boolean     NOT NULL DEFAULT true,
        search_text           text        GENERATED ALWAYS AS (
                                lower(name_zh || ' ' || name_en || ' ' || description_zh || ' ' || coalesce(description_en, ''))
                              ) STORED,
        created_at            timestamptz NOT NULL DEFAULT now(),
        updated_at            timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT catalogue_items_price_range CHECK (ref_price_max_minor >= ref_price_min_minor),
        CONSTRAINT catalogue_items_code_in_category CHECK (left(code, 3) = category_code)
      )`);
    await q.query(`CREATE INDEX catalogue_items_category_idx ON catalogue_items (category_code)`);
    await q.query(`CREATE INDEX catalogue_items_unit_idx ON catalogue_items (unit_code)`);
    // Trigram index: substring search (LIKE '%…%') in Chinese and English stays indexed.
    await q.query(`CREATE INDEX catalogue_items_search_trgm_idx ON catalogue_items USING gin (search_text gin_trgm_ops)`);
    // Items are referenced by projects and contracts: deactivate, never delete.
    await q.query(`
      CREATE FUNCTION catalogue_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'catalogue rows are never deleted; set is_active = false instead'
          USING ERRCODE = 'restrict_violation';
      END $$`);
    await q.query(`CREATE TRIGGER catalogue_items_no_delete BEFORE DELETE ON catalogue_items FOR EACH ROW EXECUTE FUNCTION catalogue_refuse_delete()`);
    await q.query(`CREATE TRIGGER catalogue_categories_no_delete BEFORE DELETE ON catalogue_categories FOR EACH ROW EXECUTE FUNCTION catalogue_refuse_delete()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE catalogue_items`);
    await q.query(`DROP TABLE catalogue_categories`);
    await q.query(`DROP FUNCTION catalogue_refuse_delete()`);
    await q.query(`DROP TABLE IF EXISTS typeorm_metadata`);
  }
}
