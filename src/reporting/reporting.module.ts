import { Module, OnModuleInit } from '@nestjs/common';
import { DashboardRegistry } from '../common/views/dashboard.registry';
import { ExportsService } from './exports.service';
import { OrganisationReportsController, StaffReportsController } from './reporting.controller';
import { ReportingDashboard } from './reporting.dashboard';
import { ReportingService } from './reporting.service';
import { ReportingViews } from './reporting.views';

/**
 * Dashboards and exports: money per fund, community and catalogue category as server-rendered
 * SVG charts with data tables, milestones needing attention, disbursements awaiting approval;
 * an organisation's own contracts, milestones, scores and payments; CSV and XLSX exports.
 * Reads only (funds, projects, contracts, milestones, results, disbursements, the journal).
 */
@Module({
  controllers: [StaffReportsController, OrganisationReportsController],
  providers: [ReportingService, ReportingViews, ExportsService, ReportingDashboard],
})
export class ReportingModule implements OnModuleInit {
  constructor(
    private readonly dashboards: DashboardRegistry,
    private readonly dashboard: ReportingDashboard,
  ) {}

  onModuleInit(): void {
    this.dashboards.register((user) => this.dashboard.widgetsFor(user));
  }
}
