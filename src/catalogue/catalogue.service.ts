import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { CatalogueCategory } from './catalogue-category.entity';
import { CatalogueItem } from './catalogue-item.entity';
import { CategoryNotFoundError, ItemNotFoundError } from './catalogue.errors';
import { ListItemsQuery } from './dto/list-items.query';

export interface CategoryWithCount extends CatalogueCategory {
  itemCount: number;
}

export interface Unit {
  code: string;
  nameZh: string;
  nameEn: string;
}

export interface Page<T> {
  data: T[];
  meta: { page: number; pageSize: number; total: number };
}

/** Escapes LIKE wildcards so user input is matched literally. */
export function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

@Injectable()
export class CatalogueService {
  constructor(
    @InjectRepository(CatalogueCategory) private readonly categories: Repository<CatalogueCategory>,
    @InjectRepository(CatalogueItem) private readonly items: Repository<CatalogueItem>,
  ) {}

  async getCategory(code: string): Promise<CategoryWithCount> {
    const category = (await this.listCategories()).find((c) => c.code === code);
    if (!category) throw new CategoryNotFoundError(code);
    return category;
  }

  async listCategories(): Promise<CategoryWithCount[]> {
    const raw: Array<Record<string, unknown>> = await this.categories.query(
      `SELECT c.code, c.name_zh, c.name_en, c.description_zh, c.description_en, c.sort_order, c.is_active,
              count(i.code) FILTER (WHERE i.is_active)::int AS item_count
         FROM catalogue_categories c
         LEFT JOIN catalogue_items i ON i.category_code = c.code
        WHERE c.is_active
        GROUP BY c.code
        ORDER BY c.sort_order`,
    );
    return raw.map((r) => ({
      code: r.code as string,
      nameZh: r.name_zh as string,
      nameEn: r.name_en as string,
      descriptionZh: r.description_zh as string,
      descriptionEn: r.description_en as string,
      sortOrder: r.sort_order as number,
      isActive: r.is_active as boolean,
      itemCount: r.item_count as number,
    }));
  }

  async getItem(code: string): Promise<CatalogueItem> {
    const item = code.length <= 16 ? await this.items.findOne({ where: { code, isActive: true } }) : null;
    if (!item) throw new ItemNotFoundError(code);
    return item;
  }

  async listItems(query: ListItemsQuery): Promise<Page<CatalogueItem>> {
    const qb = this.items.createQueryBuilder('i').where('i.is_active');
    if (query.q) {
      // An item matches on its own text or on its category's name (养老 finds all elderly care).
      qb.andWhere(
        `(i.search_text LIKE :pattern ESCAPE '\\' OR i.category_code IN (
            SELECT c.code FROM catalogue_categories c WHERE lower(c.name_zh || ' ' || c.name_en) LIKE :pattern ESCAPE '\\'))`,
        { pattern: likePattern(query.q) },
      );
    }
    if (query.category) qb.andWhere('i.category_code = :category', { category: query.category });
    if (query.unit) qb.andWhere('i.unit_code = :unit', { unit: query.unit });
    const [data, total] = await qb
      .orderBy('i.code', 'ASC')
      .skip((query.page - 1) * query.pageSize)
      .take(query.pageSize)
      .getManyAndCount();
    return { data, meta: { page: query.page, pageSize: query.pageSize, total } };
  }

  async listUnits(): Promise<Unit[]> {
    const rows: Array<{ code: string; name_zh: string; name_en: string }> = await this.items.query(
      `SELECT unit_code AS code, min(unit_zh) AS name_zh, min(unit_en) AS name_en
         FROM catalogue_items WHERE is_active GROUP BY unit_code ORDER BY count(*) DESC, unit_code`,
    );
    return rows.map((r) => ({ code: r.code, nameZh: r.name_zh, nameEn: r.name_en }));
  }

  /** Used by other modules (projects, registration) to check codes exist. */
  async activeCategoryCodes(): Promise<string[]> {
    return (await this.listCategories()).map((c) => c.code);
  }
}
