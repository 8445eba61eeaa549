import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Public } from '../identity/access.decorators';
import { CategoryView, ItemView, PageMeta, presentCategory, presentItem } from './catalogue.presenter';
import { CatalogueService } from './catalogue.service';
import { ListItemsQuery } from './dto/list-items.query';

const listOf = (model: Function) => ({
  schema: {
    properties: {
      data: { type: 'array', items: { $ref: getSchemaPath(model) } },
      meta: { $ref: getSchemaPath(PageMeta) },
    },
  },
});

@ApiTags('catalogue')
@ApiExtraModels(CategoryView, ItemView, PageMeta)
@Controller('api/v1/catalogue')
@Public()
export class CatalogueApiController {
  constructor(private readonly catalogue: CatalogueService) {}

  @Get('categories')
  @ApiOperation({ summary: 'The 9 service categories with their active item counts' })
  @ApiOkResponse(listOf(CategoryView))
  async listCategories() {
    const data = (await this.catalogue.listCategories()).map(presentCategory);
    return { data, meta: { page: 1, pageSize: data.length, total: data.length } };
  }

  @Get('categories/:code/items')
  @ApiOperation({ summary: 'Items of one category (paged)' })
  @ApiOkResponse(listOf(ItemView))
  async listCategoryItems(@Param('code') code: string, @Query() query: ListItemsQuery) {
    await this.catalogue.getCategory(code);
    const page = await this.catalogue.listItems({ ...query, category: code });
    return { data: page.data.map(presentItem), meta: page.meta };
  }

  @Get('items')
  @ApiOperation({ summary: 'Search items by keyword (Chinese or English substring), category and unit' })
  @ApiOkResponse(listOf(ItemView))
  async listItems(@Query() query: ListItemsQuery) {
    const page = await this.catalogue.listItems(query);
    return { data: page.data.map(presentItem), meta: page.meta };
  }

  @Get('items/:code')
  @ApiOperation({ summary: 'One item by its stable code' })
  @ApiOkResponse({ type: ItemView })
  async getItem(@Param('code') code: string) {
    return presentItem(await this.catalogue.getItem(code));
  }
}
