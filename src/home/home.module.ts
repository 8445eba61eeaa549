import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { IdentityModule } from '../identity/identity.module';
import { DashboardController } from './dashboard.controller';
import { HomeController } from './home.controller';

@Module({ imports: [CatalogueModule, IdentityModule], controllers: [HomeController, DashboardController] })
export class HomeModule {}
