import { Module, OnModuleInit } from '@nestjs/common';
import { FormContextRegistry } from '../common/http/form-context.registry';
import { APP_CONFIG } from '../common/common.module';
import { DashboardRegistry } from '../common/views/dashboard.registry';
import { AppConfig } from '../config/app.config';
import { ContractsModule } from '../contracts/contracts.module';
import { DocumentsModule } from '../documents/documents.module';
import { DeliveryApiController } from './delivery-api.controller';
import { DELIVERY_CONFIG, loadDeliveryConfig } from './delivery.config';
import { DeliveryDashboardQueries } from './delivery-dashboard.queries';
import { DeliveryReminders } from './delivery.reminders';
import { DeliveryService } from './delivery.service';
import { DeliveryQueries } from './delivery.queries';
import { OrganisationDeliveryController } from './organisation-delivery.controller';
import { StaffDeliveryController } from './staff-delivery.controller';
import { registerModulePartials } from '../common/views/partials';

/**
 * Milestone delivery (交付): the organisation's narrative report, service records (form or
 * CSV/XLSX service log, all or nothing) and attachments per milestone; late flags by the
 * database clock; due-date reminders (pg-boss, sent once); dashboards. Exported to the service
 * evaluation: DeliveryService (getDelivery, latestDelivery, deliveriesOf, milestonesWithDeliveries).
 */
@Module({
  imports: [ContractsModule, DocumentsModule],
  controllers: [OrganisationDeliveryController, StaffDeliveryController, DeliveryApiController],
  providers: [
    { provide: DELIVERY_CONFIG, inject: [APP_CONFIG], useFactory: (config: AppConfig) => loadDeliveryConfig(process.env, config.env) },
    DeliveryService,
    DeliveryQueries,
    DeliveryDashboardQueries,
    DeliveryReminders,
  ],
  exports: [DeliveryService],
})
export class DeliveryModule implements OnModuleInit {
  constructor(
    private readonly dashboards: DashboardRegistry,
    private readonly forms: FormContextRegistry,
    private readonly dashboard: DeliveryDashboardQueries,
    private readonly views: DeliveryQueries,
  ) {}

  onModuleInit(): void {
    registerModulePartials('delivery');
    this.dashboards.register((user) => this.dashboard.widgetsFor(user));
    for (const [template, provider] of Object.entries(this.views.formContexts())) this.forms.register(template, provider);
  }
}
