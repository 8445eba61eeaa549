import { ApiProperty } from '@nestjs/swagger';
import { CatalogueItem, Kpi } from './catalogue-item.entity';
import { CategoryWithCount } from './catalogue.service';

class LocalisedText {
  @ApiProperty() zh: string;
  @ApiProperty({ nullable: true }) en: string | null;
}

class UnitView {
  @ApiProperty({ example: 'person-visit' }) code: string;
  @ApiProperty() zh: string;
  @ApiProperty() en: string;
}

class PriceRangeView {
  @ApiProperty({ description: 'Reference minimum price in fen' }) minMinor: number;
  @ApiProperty({ description: 'Reference maximum price in fen' }) maxMinor: number;
  @ApiProperty({ example: 'CNY' }) currency: string;
}

export class CategoryView {
  @ApiProperty({ example: 'C01' }) code: string;
  @ApiProperty() name: LocalisedText;
  @ApiProperty() description: LocalisedText;
  @ApiProperty() itemCount: number;
}

export class ItemView {
  @ApiProperty({ example: 'C01-004' }) code: string;
  @ApiProperty({ example: 'C01' }) categoryCode: string;
  @ApiProperty() name: LocalisedText;
  @ApiProperty() description: LocalisedText;
  @ApiProperty() unit: UnitView;
  @ApiProperty() refPrice: PriceRangeView;
  @ApiProperty({ type: [Object] }) kpis: Kpi[];
}

export class PageMeta {
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
  @ApiProperty() total: number;
}

export function presentCategory(c: CategoryWithCount): CategoryView {
  return { code: c.code, name: { zh: c.nameZh, en: c.nameEn }, description: { zh: c.descriptionZh, en: c.descriptionEn }, itemCount: c.itemCount };
}

export function presentItem(i: CatalogueItem): ItemView {
  return {
    code: i.code,
    categoryCode: i.categoryCode,
    name: { zh: i.nameZh, en: i.nameEn },
    description: { zh: i.descriptionZh, en: i.descriptionEn },
    unit: { code: i.unitCode, zh: i.unitZh, en: i.unitEn },
    refPrice: { minMinor: i.refPriceMinMinor, maxMinor: i.refPriceMaxMinor, currency: i.currency },
    kpis: i.kpis,
  };
}
