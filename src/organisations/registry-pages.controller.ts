import { Controller, Get, Param, Query, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../identity/access.decorators';
import { RegistryQuery } from './dto/registry.query';
import { OrganisationsQueries } from './organisations.queries';

/** The public registry of approved social organisations. */
@ApiExcludeController()
@Controller('registry')
@Public()
export class RegistryPagesController {
  constructor(private readonly views: OrganisationsQueries) {}

  @Get()
  @Render('registry/index')
  index(@Query() query: RegistryQuery) {
    return this.views.registryPage(query);
  }

  @Get(':id')
  @Render('registry/show')
  show(@Param('id') id: string) {
    return this.views.registryEntryPage(id);
  }
}
