import { Module, OnModuleInit } from '@nestjs/common';
import type { Request } from 'express';
import { actorFromRequest } from '../identity/current-actor.decorator';
import { FormContextRegistry } from '../common/http/form-context.registry';
import { DashboardRegistry } from '../common/views/dashboard.registry';
import { EvaluatorsModule } from '../evaluators/evaluators.module';
import { IdentityModule } from '../identity/identity.module';
import { ProcurementModule } from '../procurement/procurement.module';
import { CommitteeController } from './committee.controller';
import { CommitteeService } from './committee.service';
import { EvaluationDashboardQueries } from './evaluation-dashboard.queries';
import { EvaluationQueries } from './evaluation.queries';
import { EvaluationsApiController } from './evaluations-api.controller';
import { OrganisationEvaluationController } from './organisation-evaluation.controller';
import { QualificationService } from './qualification.service';
import { ResultsService } from './results.service';
import { ScoringService } from './scoring.service';
import { StaffEvaluationsController } from './staff-evaluations.controller';
import { registerModulePartials } from '../common/views/partials';

/**
 * Evaluation of opened projects: the committee draw (reproducible), conflict declarations,
 * qualification review, independent comprehensive scoring with exact arithmetic, flags, the
 * report (HTML and PDF) and its sign-off. Exported for the awards module: ResultsService
 * (getEvaluation, findLiveEvaluation, getResults, committeeMemberIds, supersedeEvaluation).
 */
@Module({
  imports: [ProcurementModule, EvaluatorsModule, IdentityModule],
  controllers: [StaffEvaluationsController, CommitteeController, OrganisationEvaluationController, EvaluationsApiController],
  providers: [CommitteeService, QualificationService, ScoringService, ResultsService, EvaluationQueries, EvaluationDashboardQueries],
  exports: [ResultsService],
})
export class EvaluationModule implements OnModuleInit {
  constructor(
    private readonly dashboards: DashboardRegistry,
    private readonly forms: FormContextRegistry,
    private readonly pages: EvaluationQueries,
    private readonly dashboard: EvaluationDashboardQueries,
  ) {}

  onModuleInit(): void {
    registerModulePartials('evaluation');
    this.dashboards.register((user) => this.dashboard.widgetsFor(user));
    // Pages re-rendered with field messages after bad input (common/http/form-view.ts).
    const param = (req: Request, name: string) => String((req.params as Record<string, string>)[name] ?? '');
    const withErrorTarget = async (req: Request, load: Promise<Record<string, unknown>>) => ({
      ...(await load),
      errorBidId: param(req, 'bidId') || null,
      errorFlag: `${param(req, 'letter')}:${param(req, 'userId')}`,
    });
    this.forms.register('evaluation/request', (req) => this.pages.requestPage(param(req, 'projectId')));
    this.forms.register('evaluation/staff-evaluation', (req) => withErrorTarget(req, this.pages.staffPage(actorFromRequest(req), param(req, 'id'))));
    this.forms.register('evaluation/member', (req) => withErrorTarget(req, this.pages.memberPage(actorFromRequest(req), param(req, 'id'), req.locale)));
    this.forms.register('evaluation/bid', (req) => this.pages.memberBidPage(actorFromRequest(req), param(req, 'id'), param(req, 'letter')));
    this.forms.register('evaluation/report', (req) => this.pages.report(actorFromRequest(req), param(req, 'id')));
    this.forms.register('evaluation/org-bid', (req) => this.pages.organisationBidPage(actorFromRequest(req), param(req, 'bidId')));
  }
}
