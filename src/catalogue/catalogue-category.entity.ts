import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'catalogue_categories' })
export class CatalogueCategory {
  @PrimaryColumn({ type: 'varchar', length: 3 })
  code: string;

  @Column({ name: 'name_zh', type: 'text' })
  nameZh: string;

  @Column({ name: 'name_en', type: 'text' })
  nameEn: string;

  @Column({ name: 'description_zh', type: 'text' })
  descriptionZh: string;

  @Column({ name: 'description_en', type: 'text' })
  descriptionEn: string;

  @Column({ name: 'sort_order', type: 'integer' })
  sortOrder: number;

  @Column({ name: 'is_active', type: 'boolean' })
  isActive: boolean;
}
