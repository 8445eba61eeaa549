import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { HomeController } from './home.controller';

@Module({ imports: [CatalogueModule], controllers: [HomeController] })
export class HomeModule {}
