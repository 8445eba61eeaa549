import { Module, OnModuleInit } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { LedgerModule } from '../ledger/ledger.module';
import { FormContextRegistry } from '../common/http/form-context.registry';
import { DashboardRegistry } from '../common/views/dashboard.registry';
import { FundsController } from './funds.controller';
import { FundsService } from './funds.service';
import { ProcurementDashboardQueries } from './procurement-dashboard.queries';
import { ProcurementRulesController } from './procurement-rules.controller';
import { ProcurementRulesService } from './procurement-rules.service';
import { ProcurementQueries } from './procurement.queries';
import { ProjectQueries } from './project.queries';
import { ProjectQuestionsService } from './project-questions.service';
import { ProjectsController } from './projects.controller';
import { ProjectsService } from './projects.service';
import { StaffProjectsController } from './staff-projects.controller';

/**
 * Procurement: funds and reservations, rules as configuration (method rules, working-day
 * calendar), projects from draft to publication, amendments, Q&A, cancellation and failure.
 * Other modules use the exported services: ProjectsService (getProjectForBidding, markFailed,
 * minValidBids, eligibilityProblems), ProjectQueries (read models for notices),
 * FundsService, ProcurementRulesService.
 */
@Module({
  imports: [CatalogueModule, LedgerModule],
  controllers: [StaffProjectsController, ProjectsController, FundsController, ProcurementRulesController],
  providers: [FundsService, ProcurementRulesService, ProjectsService, ProjectQuestionsService, ProjectQueries, ProcurementQueries, ProcurementDashboardQueries],
  exports: [FundsService, ProcurementRulesService, ProjectsService, ProjectQueries],
})
export class ProcurementModule implements OnModuleInit {
  constructor(
    private readonly dashboards: DashboardRegistry,
    private readonly forms: FormContextRegistry,
    private readonly views: ProcurementQueries,
    private readonly dashboard: ProcurementDashboardQueries,
  ) {}

  onModuleInit(): void {
    this.dashboards.register((user) => this.dashboard.widgetsFor(user));
    for (const [template, provider] of Object.entries(this.views.formContexts())) this.forms.register(template, provider);
  }
}
