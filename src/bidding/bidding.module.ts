import { Module, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG } from '../common/common.module';
import { DashboardRegistry } from '../common/views/dashboard.registry';
import { AppConfig } from '../config/app.config';
import { DocumentsModule } from '../documents/documents.module';
import { ProcurementModule } from '../procurement/procurement.module';
import { ProjectsService } from '../procurement/projects.service';
import { BIDDING_CONFIG, loadBiddingConfig } from './bidding.config';
import { BiddingDashboardQueries } from './bidding-dashboard.queries';
import { BidsApiController } from './bids-api.controller';
import { BidsController } from './bids.controller';
import { BidsService } from './bids.service';
import { OpeningNoticesController } from './opening/opening-notices.controller';
import { OpeningController } from './opening/opening.controller';
import { OpeningJobs } from './opening/opening.jobs';
import { OpeningService } from './opening/opening.service';
import { loadMasterKey } from './sealing/master-key';
import { BID_MASTER_KEY, SealingService } from './sealing/sealing.service';

/**
 * Sealed bidding: bids encrypted at rest until the deadline (database clock), the automatic
 * opening by the job queue, the public opening record and receipt verification. Projects come
 * from ProcurementModule (ProjectsService.getProjectForBidding, markFailed, minValidBids).
 */
@Module({
  imports: [DocumentsModule, ProcurementModule],
  controllers: [BidsController, BidsApiController, OpeningController, OpeningNoticesController],
  providers: [
    { provide: BIDDING_CONFIG, inject: [APP_CONFIG], useFactory: (config: AppConfig) => loadBiddingConfig(process.env, config.env) },
    { provide: BID_MASTER_KEY, inject: [APP_CONFIG], useFactory: (config: AppConfig) => loadMasterKey({ nodeEnv: config.env, dataDir: config.dataDir }) },
    SealingService,
    BidsService,
    OpeningService,
    OpeningJobs,
    BiddingDashboardQueries,
  ],
  exports: [BidsService, OpeningService],
})
export class BiddingModule implements OnModuleInit {
  constructor(
    private readonly dashboards: DashboardRegistry,
    private readonly dashboard: BiddingDashboardQueries,
    private readonly projects: ProjectsService,
    private readonly bids: BidsService,
  ) {}

  onModuleInit(): void {
    this.dashboards.register((user) => this.dashboard.widgetsFor(user));
    // Bidding owns the bids: an amendment that changes the submission flags them through here.
    this.projects.onSubmissionChanged((manager, projectId) => this.bids.flagForReview(manager, projectId));
  }
}
