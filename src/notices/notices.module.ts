import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { ProcurementModule } from '../procurement/procurement.module';
import { NoticesApiController } from './notices-api.controller';
import { NoticesController } from './notices.controller';

/** Public pages and API: reads what procurement publishes, writes nothing. */
@Module({
  imports: [ProcurementModule, CatalogueModule],
  controllers: [NoticesController, NoticesApiController],
})
export class NoticesModule {}
