import { Module, OnModuleInit } from '@nestjs/common';
import { FormContextRegistry } from '../common/http/form-context.registry';
import { DashboardRegistry } from '../common/views/dashboard.registry';
import { ContractsModule } from '../contracts/contracts.module';
import { DocumentsModule } from '../documents/documents.module';
import { EvaluatorsModule } from '../evaluators/evaluators.module';
import { EvaluatorServiceEvaluationController } from './evaluator-service-evaluation.controller';
import { OrganisationServiceEvaluationController } from './organisation-service-evaluation.controller';
import { ServiceEvaluationApiController } from './service-evaluation-api.controller';
import { LedgerModule } from '../ledger/ledger.module';
import { ContractTerminationService } from './contract-termination.service';
import { EvaluationRoundsService } from './evaluation-rounds.service';
import { EvaluatorAssignmentService } from './evaluator-assignment.service';
import { IndicatorTemplatesService } from './indicator-templates.service';
import { RectificationService } from './rectification.service';
import { MilestoneScoringService } from './milestone-scoring.service';
import { ServiceEvaluationDashboardQueries } from './service-evaluation-dashboard.queries';
import { SiteVisitsService } from './site-visits.service';
import { ServiceEvaluationQueries } from './service-evaluation.queries';
import { StaffServiceEvaluationController } from './staff-service-evaluation.controller';
import { registerModulePartials } from '../common/views/partials';

/**
 * Service evaluation (社会化评估) of milestone deliveries: indicator templates per catalogue
 * category, evaluators assigned to a contract under the committees' conflict rules, score sheets
 * and site visits, the milestone result written to milestone_results (which payments reads),
 * rectification (整改) and termination after a second fail, with the money returned to the fund.
 */
@Module({
  imports: [ContractsModule, EvaluatorsModule, DocumentsModule, LedgerModule],
  controllers: [StaffServiceEvaluationController, EvaluatorServiceEvaluationController, OrganisationServiceEvaluationController, ServiceEvaluationApiController],
  providers: [
    IndicatorTemplatesService,
    EvaluationRoundsService,
    ContractTerminationService,
    EvaluatorAssignmentService,
    MilestoneScoringService,
    SiteVisitsService,
    RectificationService,
    ServiceEvaluationQueries,
    ServiceEvaluationDashboardQueries,
  ],
  exports: [EvaluatorAssignmentService, MilestoneScoringService, SiteVisitsService],
})
export class ServiceEvaluationModule implements OnModuleInit {
  constructor(
    private readonly forms: FormContextRegistry,
    private readonly views: ServiceEvaluationQueries,
    private readonly dashboards: DashboardRegistry,
    private readonly dashboard: ServiceEvaluationDashboardQueries,
  ) {}

  onModuleInit(): void {
    registerModulePartials('service-evaluation');
    this.dashboards.register((user) => this.dashboard.widgetsFor(user));
    for (const [template, provider] of Object.entries(this.views.formContexts())) this.forms.register(template, provider);
  }
}
