import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { AuditModule } from './audit/audit.module';
import { AwardsModule } from './awards/awards.module';
import { ComplaintsModule } from './complaints/complaints.module';
import { BiddingModule } from './bidding/bidding.module';
import { CatalogueModule } from './catalogue/catalogue.module';
import { CommonModule } from './common/common.module';
import { ContractsModule } from './contracts/contracts.module';
import { DeliveryModule } from './delivery/delivery.module';
import { PaymentsModule } from './payments/payments.module';
import { ReportingModule } from './reporting/reporting.module';
import { ServiceEvaluationModule } from './service-evaluation/service-evaluation.module';
import { SurveysModule } from './surveys/surveys.module';
import { FormViewGuard } from './common/http/form-view';
import { HttpExceptionFilter } from './common/http/http-exception.filter';
import { NulCharacterGuard, NulCharacterPipe } from './common/http/hostile-input';
import { createValidationPipe } from './common/http/validation';
import { AppConfig } from './config/app.config';
import { dataSourceOptions } from './database/data-source';
import { DocumentsModule } from './documents/documents.module';
import { EvaluatorsModule } from './evaluators/evaluators.module';
import { EvaluationModule } from './evaluation/evaluation.module';
import { HealthModule } from './health/health.module';
import { HomeModule } from './home/home.module';
import { NotificationsModule } from './notifications/notifications.module';
import { AccessGuard } from './identity/access.guard';
import { CsrfGuard } from './identity/csrf.guard';
import { IdentityModule } from './identity/identity.module';
import { OrganisationsModule } from './organisations/organisations.module';
import { ProcurementModule } from './procurement/procurement.module';
import { NoticesModule } from './notices/notices.module';

@Module({})
export class AppModule {
  static register(options: { config: AppConfig; databaseUrl: string; logger: Logger }): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CommonModule.register(options.config, options.logger),
        TypeOrmModule.forRoot({ ...dataSourceOptions(options.databaseUrl), autoLoadEntities: false }),
        AuditModule,
        IdentityModule,
        NotificationsModule,
        HealthModule,
        HomeModule,
        CatalogueModule,
        DocumentsModule,
        EvaluatorsModule,
        OrganisationsModule,
        ProcurementModule,
        NoticesModule,
        BiddingModule,
        EvaluationModule,
        AwardsModule,
        ComplaintsModule,
        ContractsModule,
        DeliveryModule,
        PaymentsModule,
        ServiceEvaluationModule,
        SurveysModule,
        ReportingModule,
      ],
      providers: [
        { provide: APP_PIPE, useClass: NulCharacterPipe },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        // Global guards run in this order: remember the form, then access, then input no field may hold, then CSRF.
        { provide: APP_GUARD, useClass: FormViewGuard },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_GUARD, useClass: NulCharacterGuard },
        { provide: APP_GUARD, useClass: CsrfGuard },
      ],
    };
  }
}
