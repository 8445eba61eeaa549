import { Module, OnModuleInit } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { FormContextRegistry } from '../common/http/form-context.registry';
import { DashboardRegistry } from '../common/views/dashboard.registry';
import { FundsController } from './funds.controller';
import { FundsService } from './funds.service';
import { ProcurementDashboard } from './procurement.dashboard';
import { ProcurementRulesController } from './procurement-rules.controller';
import { ProcurementRulesService } from './procurement-rules.service';
import { ProcurementViews } from './procurement.views';
import { ProjectQueriesService } from './project-queries.service';
import { ProjectQuestionsService } from './project-questions.service';
import { ProjectsController } from './projects.controller';
import { ProjectsService } from './projects.service';
import { StaffProjectsController } from './staff-projects.controller';

/**
 * Procurement: funds and reservations, rules as configuration (method rules, working-day
 * calendar), projects from draft to publication, amendments, Q&A, cancellation and failure.
 * Other modules use the exported services: ProjectsService (getProjectForBidding, markFailed,
 * minValidBids, eligibilityProblems), ProjectQueriesService (read models for notices),
 * FundsService, ProcurementRulesService.
 */
@Module({
  imports: [CatalogueModule],
  controllers: [StaffProjectsController, ProjectsController, FundsController, ProcurementRulesController],
  providers: [FundsService, ProcurementRulesService, ProjectsService, ProjectQuestionsService, ProjectQueriesService, ProcurementViews, ProcurementDashboard],
  exports: [FundsService, ProcurementRulesService, ProjectsService, ProjectQueriesService],
})
export class ProcurementModule implements OnModuleInit {
  constructor(
    private readonly dashboards: DashboardRegistry,
    private readonly forms: FormContextRegistry,
    private readonly views: ProcurementViews,
    private readonly dashboard: ProcurementDashboard,
  ) {}

  onModuleInit(): void {
    this.dashboards.register((user) => this.dashboard.widgetsFor(user));
    for (const [template, provider] of Object.entries(this.views.formContexts())) this.forms.register(template, provider);
  }
}
