import { Module, OnModuleInit } from '@nestjs/common';
import { DashboardRegistry } from '../common/views/dashboard.registry';
import { LedgerModule } from '../ledger/ledger.module';
import { ExportsService } from './exports.service';
import { OrganisationReportsController, StaffReportsController } from './reporting.controller';
import { ReportingDashboardQueries } from './reporting-dashboard.queries';
import { ReportingService } from './reporting.service';
import { ReportingQueries } from './reporting.queries';

/**
 * Dashboards and exports: money per fund, community and catalogue category as server-rendered
 * SVG charts with data tables, milestones needing attention, disbursements awaiting approval;
 * an organisation's own contracts, milestones, scores and payments; CSV and XLSX exports.
 * Reads only (funds, projects, contracts, milestones, results, disbursements; the journal through LedgerQueries).
 */
@Module({
  imports: [LedgerModule],
  controllers: [StaffReportsController, OrganisationReportsController],
  providers: [ReportingService, ReportingQueries, ExportsService, ReportingDashboardQueries],
})
export class ReportingModule implements OnModuleInit {
  constructor(
    private readonly dashboards: DashboardRegistry,
    private readonly dashboard: ReportingDashboardQueries,
  ) {}

  onModuleInit(): void {
    this.dashboards.register((user) => this.dashboard.widgetsFor(user));
  }
}
