import { Controller, Get, Param, Query, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../identity/access.decorators';
import { CatalogueService } from './catalogue.service';
import { ListItemsQuery } from './dto/list-items.query';

export function pageLinks(meta: { page: number; pageSize: number; total: number }) {
  const pages = Math.max(1, Math.ceil(meta.total / meta.pageSize));
  return { page: meta.page, pages, total: meta.total, prev: meta.page > 1 ? meta.page - 1 : null, next: meta.page < pages ? meta.page + 1 : null };
}

@ApiExcludeController()
@Controller('catalogue')
@Public()
export class CataloguePagesController {
  constructor(private readonly catalogue: CatalogueService) {}

  @Get()
  @Render('catalogue/index')
  async index() {
    const [categories, units] = await Promise.all([this.catalogue.listCategories(), this.catalogue.listUnits()]);
    const itemTotal = categories.reduce((sum, c) => sum + c.itemCount, 0);
    return { titleKey: 'catalogue.title', categories, units, itemTotal };
  }

  @Get('search')
  @Render('catalogue/search')
  async search(@Query() query: ListItemsQuery) {
    const [result, categories, units] = await Promise.all([this.catalogue.listItems(query), this.catalogue.listCategories(), this.catalogue.listUnits()]);
    const params = new URLSearchParams();
    for (const key of ['q', 'category', 'unit'] as const) if (query[key]) params.set(key, query[key] as string);
    return {
      titleKey: 'catalogue.searchTitle',
      query,
      items: result.data,
      pagination: { ...pageLinks(result.meta), baseQuery: params.toString() },
      categories,
      units,
    };
  }

  @Get('categories/:code')
  @Render('catalogue/category')
  async category(@Param('code') code: string) {
    const category = await this.catalogue.getCategory(code);
    const items = await this.catalogue.listItems({ category: code, page: 1, pageSize: 100 });
    return { title: category, category, items: items.data };
  }

  @Get('items/:code')
  @Render('catalogue/item')
  async item(@Param('code') code: string) {
    const item = await this.catalogue.getItem(code);
    const category = await this.catalogue.getCategory(item.categoryCode);
    return { title: item, item, category };
  }
}
