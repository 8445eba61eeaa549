import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiExtraModels, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { CatalogueService } from '../catalogue/catalogue.service';
import { Public } from '../identity/access.decorators';
import { RegistryQuery } from './dto/registry.query';
import { RegistryEntryView, RegistryPageMeta, presentRegistryEntry } from './organisations.presenter';
import { RegistryService } from './registry.service';

@ApiTags('registry')
@ApiExtraModels(RegistryEntryView, RegistryPageMeta)
@Controller('api/v1/registry')
@Public()
export class RegistryApiController {
  constructor(
    private readonly registry: RegistryService,
    private readonly catalogue: CatalogueService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Approved social organisations, searched by name or credit code and filtered by category and grade (paged)' })
  @ApiOkResponse({
    schema: {
      properties: {
        data: { type: 'array', items: { $ref: getSchemaPath(RegistryEntryView) } },
        meta: { $ref: getSchemaPath(RegistryPageMeta) },
      },
    },
  })
  async list(@Query() query: RegistryQuery) {
    const [page, categories] = await Promise.all([this.registry.list(query), this.catalogue.listCategories()]);
    return { data: page.data.map((o) => presentRegistryEntry(o, categories)), meta: page.meta };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One approved organisation' })
  @ApiOkResponse({ type: RegistryEntryView })
  @ApiNotFoundResponse({ description: 'Unknown, or not approved (ORGANISATIONS.NOT_FOUND)' })
  async get(@Param('id') id: string) {
    const [organisation, categories] = await Promise.all([this.registry.get(id), this.catalogue.listCategories()]);
    return presentRegistryEntry(organisation, categories);
  }
}
