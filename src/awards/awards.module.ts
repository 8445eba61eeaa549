import { Module, OnModuleInit } from '@nestjs/common';
import { FormContextRegistry } from '../common/http/form-context.registry';
import { DashboardRegistry } from '../common/views/dashboard.registry';
import { DocumentsModule } from '../documents/documents.module';
import { EvaluationModule } from '../evaluation/evaluation.module';
import { ProcurementModule } from '../procurement/procurement.module';
import { AwardNoticesController } from './award-notices.controller';
import { AWARDS_CONFIG, loadAwardsConfig } from './awards.config';
import { AwardsDashboardQueries } from './awards-dashboard.queries';
import { AwardsService } from './awards.service';
import { AwardsQueries } from './awards.queries';
import { ChallengesService } from './challenges.service';
import { OrganisationAwardsController } from './organisation-awards.controller';
import { StaffAwardsController } from './staff-awards.controller';
import { registerModulePartials } from '../common/views/partials';

/**
 * The award stage: the award decision by an approver who took no part in the evaluation, the
 * public award notice with its challenge period, and challenges (质疑) with their answers.
 * Reads the evaluation's tables (evaluations, committee_members, evaluation_results) and never
 * writes them: an upheld challenge ordering a re-run asks the evaluation module's
 * ResultsService.supersedeEvaluation to end the round. Exported to the
 * contracts module: AwardsService (lockAwardForContract, listReadyForContract, getAward).
 */
@Module({
  imports: [ProcurementModule, DocumentsModule, EvaluationModule],
  controllers: [StaffAwardsController, OrganisationAwardsController, AwardNoticesController],
  providers: [{ provide: AWARDS_CONFIG, useFactory: () => loadAwardsConfig(process.env) }, AwardsService, ChallengesService, AwardsQueries, AwardsDashboardQueries],
  exports: [AwardsService, ChallengesService, AWARDS_CONFIG],
})
export class AwardsModule implements OnModuleInit {
  constructor(
    private readonly dashboards: DashboardRegistry,
    private readonly forms: FormContextRegistry,
    private readonly dashboard: AwardsDashboardQueries,
    private readonly views: AwardsQueries,
  ) {}

  onModuleInit(): void {
    registerModulePartials('awards');
    this.dashboards.register((user) => this.dashboard.widgetsFor(user));
    for (const [template, provider] of Object.entries(this.views.formContexts())) this.forms.register(template, provider);
  }
}
