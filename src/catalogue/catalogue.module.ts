import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogueApiController } from './catalogue-api.controller';
import { CatalogueCategory } from './catalogue-category.entity';
import { CatalogueItem } from './catalogue-item.entity';
import { CataloguePagesController } from './catalogue-pages.controller';
import { CatalogueService } from './catalogue.service';

@Module({
  imports: [TypeOrmModule.forFeature([CatalogueCategory, CatalogueItem])],
  controllers: [CatalogueApiController, CataloguePagesController],
  providers: [CatalogueService],
  exports: [CatalogueService],
})
export class CatalogueModule {}
