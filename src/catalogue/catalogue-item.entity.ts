import { Column, Entity, PrimaryColumn } from 'typeorm';
import { moneyTransformer } from '../common/money/money.transformer';

export interface Kpi {
  zh: string;
  en: string;
}

@Entity({ name: 'catalogue_items' })
export class CatalogueItem {
  /** Stable code, e.g. C01-004; never reused. */
  @PrimaryColumn({ type: 'varchar', length: 16 })
  code: string;

  @Column({ name: 'category_code', type: 'varchar', length: 3 })
  categoryCode: string;

  @Column({ name: 'name_zh', type: 'text' })
  nameZh: string;

  @Column({ name: 'name_en', type: 'text' })
  nameEn: string;

  @Column({ name: 'description_zh', type: 'text' })
  descriptionZh: string;

  @Column({ name: 'description_en', type: 'text', nullable: true })
  descriptionEn: string | null;

  @Column({ name: 'unit_code', type: 'varchar', length: 40 })
  unitCode: string;

  @Column({ name: 'unit_zh', type: 'text' })
  unitZh: string;

  @Column({ name: 'unit_en', type: 'text' })
  unitEn: string;

  @Column({ name: 'ref_price_min_minor', type: 'bigint', transformer: moneyTransformer })
  refPriceMinMinor: number;

  @Column({ name: 'ref_price_max_minor', type: 'bigint', transformer: moneyTransformer })
  refPriceMaxMinor: number;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ type: 'jsonb' })
  kpis: Kpi[];

  @Column({ name: 'is_active', type: 'boolean' })
  isActive: boolean;
}
