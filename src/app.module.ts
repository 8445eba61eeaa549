import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { CatalogueModule } from './catalogue/catalogue.module';
import { CommonModule } from './common/common.module';
import { FormViewInterceptor } from './common/http/form-view';
import { HttpExceptionFilter } from './common/http/http-exception.filter';
import { createValidationPipe } from './common/http/validation';
import { AppConfig } from './config/app.config';
import { dataSourceOptions } from './database/data-source';
import { HealthModule } from './health/health.module';
import { HomeModule } from './home/home.module';

@Module({})
export class AppModule {
  static register(options: { config: AppConfig; databaseUrl: string; logger: Logger }): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CommonModule.register(options.config, options.logger),
        TypeOrmModule.forRoot({ ...dataSourceOptions(options.databaseUrl), autoLoadEntities: false }),
        HealthModule,
        HomeModule,
        CatalogueModule,
      ],
      providers: [
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        { provide: APP_INTERCEPTOR, useClass: FormViewInterceptor },
      ],
    };
  }
}
