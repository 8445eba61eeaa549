import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { FormContextRegistry } from '../common/http/form-context.registry';
import { DashboardRegistry } from '../common/views/dashboard.registry';
import { DocumentsModule } from '../documents/documents.module';
import { IdentityModule } from '../identity/identity.module';
import { MembersService } from './members.service';
import { Organisation } from './organisation.entity';
import { organisationsConfigProvider } from './organisations.config';
import { OrganisationsDashboardQueries } from './organisations-dashboard.queries';
import { OrganisationsService } from './organisations.service';
import { OrganisationsQueries } from './organisations.queries';
import { OwnOrganisationController } from './own-organisation.controller';
import { RegistrationThrottleGuard } from './registration-throttle.guard';
import { RegistrationController } from './registration.controller';
import { RegistryApiController } from './registry-api.controller';
import { RegistryPagesController } from './registry-pages.controller';
import { RegistryService } from './registry.service';
import { StaffOrganisationsController } from './staff-organisations.controller';
import { VettingService } from './vetting.service';

/**
 * Social organisations: registration, the organisation's own pages, the bureau's vetting and the
 * public registry. Other modules use OrganisationsService (isApproved, assertEligibleToBid,
 * getSummary) and nothing else.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Organisation]), IdentityModule, DocumentsModule, CatalogueModule],
  controllers: [RegistrationController, OwnOrganisationController, StaffOrganisationsController, RegistryPagesController, RegistryApiController],
  providers: [organisationsConfigProvider, OrganisationsService, VettingService, MembersService, RegistryService, OrganisationsQueries, OrganisationsDashboardQueries, RegistrationThrottleGuard],
  exports: [OrganisationsService],
})
export class OrganisationsModule implements OnModuleInit {
  constructor(
    private readonly dashboards: DashboardRegistry,
    private readonly forms: FormContextRegistry,
    private readonly views: OrganisationsQueries,
    private readonly dashboard: OrganisationsDashboardQueries,
  ) {}

  onModuleInit(): void {
    this.dashboards.register((user) => this.dashboard.widgetsFor(user));
    for (const [template, provider] of Object.entries(this.views.formContexts())) this.forms.register(template, provider);
  }
}
