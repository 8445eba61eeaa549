import { MigrationInterface, QueryRunner } from 'typeorm';
import { CATEGORIES_V1, ITEMS_V1 } from './data/service-catalogue-v1';

/** Loads the reference catalogue (9 categories, 137 items); prices in fen. Idempotent by code. */
export class SeedServiceCatalogueV11795450000100 implements MigrationInterface {
  name = 'SeedServiceCatalogueV11795450000100';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `INSERT INTO catalogue_categories (code, name_zh, name_en, description_zh, description_en, sort_order)
       SELECT * FROM jsonb_to_recordset($1::jsonb)
         AS c(code text, "nameZh" text, "nameEn" text, "descriptionZh" text, "descriptionEn" text, "sortOrder" int)
       ON CONFLICT (code) DO NOTHING`,
      [JSON.stringify(CATEGORIES_V1)],
    );
    await q.query(
      `INSERT INTO catalogue_items (code, category_code, name_zh, name_en, description_zh, unit_code, unit_zh, unit_en,
                                    ref_price_min_minor, ref_price_max_minor, kpis)
       SELECT * FROM jsonb_to_recordset($1::jsonb)
         AS i(code text, "categoryCode" text, "nameZh" text, "nameEn" text, "descriptionZh" text, "unitCode" text,
              "unitZh" text, "unitEn" text, "refPriceMinMinor" bigint, "refPriceMaxMinor" bigint, kpis jsonb)
       ON CONFLICT (code) DO NOTHING`,
      [JSON.stringify(ITEMS_V1)],
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    // Seed rows may be referenced by then; reverting the seed only deactivates them.
    await q.query(`UPDATE catalogue_items SET is_active = false WHERE code = ANY($1)`, [ITEMS_V1.map((i) => i.code)]);
  }
}
