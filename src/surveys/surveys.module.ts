import { Module, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG } from '../common/common.module';
import { FormContextRegistry } from '../common/http/form-context.registry';
import { DashboardRegistry } from '../common/views/dashboard.registry';
import { AppConfig } from '../config/app.config';
import { ContractsModule } from '../contracts/contracts.module';
import { IdentityModule } from '../identity/identity.module';
import { OrganisationSurveysController } from './organisation-surveys.controller';
import { PublicSurveysController } from './public-surveys.controller';
import { StaffSurveysController } from './staff-surveys.controller';
import { SurveyThrottleGuard } from './survey-throttle.guard';
import { SURVEYS_CONFIG, loadSurveysConfig } from './surveys.config';
import { SurveysDashboardQueries } from './surveys-dashboard.queries';
import { SurveysService } from './surveys.service';
import { SurveysQueries } from './surveys.queries';

/**
 * Resident satisfaction surveys (居民满意度调查) of contract milestones: a public page reached by a
 * link or QR code on a printed poster, one answer per device and phone number, rate-limited per
 * address; results for staff and the organisation. Exports SurveysService (satisfactionFor,
 * commentsFor) for the service evaluation; the milestone_satisfaction view says the same in SQL.
 */
@Module({
  imports: [ContractsModule, IdentityModule],
  controllers: [StaffSurveysController, OrganisationSurveysController, PublicSurveysController],
  providers: [
    {
      provide: SURVEYS_CONFIG,
      inject: [APP_CONFIG],
      useFactory: (app: AppConfig) => loadSurveysConfig(process.env, { env: app.env, dataDir: app.dataDir, secureCookies: app.identity.secureCookies }),
    },
    SurveysService,
    SurveysQueries,
    SurveyThrottleGuard,
    SurveysDashboardQueries,
  ],
  exports: [SurveysService],
})
export class SurveysModule implements OnModuleInit {
  constructor(
    private readonly forms: FormContextRegistry,
    private readonly dashboards: DashboardRegistry,
    private readonly dashboard: SurveysDashboardQueries,
    private readonly views: SurveysQueries,
  ) {}

  onModuleInit(): void {
    this.dashboards.register((user) => this.dashboard.widgetsFor(user));
    for (const [template, provider] of Object.entries(this.views.formContexts())) this.forms.register(template, provider);
  }
}
