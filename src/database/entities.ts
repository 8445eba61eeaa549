import { CatalogueCategory } from '../catalogue/catalogue-category.entity';
import { CatalogueItem } from '../catalogue/catalogue-item.entity';

/** Every entity, listed once for the app and the migration CLI (no globbing, works in tests). */
export const ENTITIES = [CatalogueCategory, CatalogueItem];
