import { Injectable } from '@nestjs/common';
import { DashboardUser, DashboardWidget } from '../common/views/dashboard.registry';
import { presentListRow } from './project.presenter';
import { ProjectQueriesService } from './project-queries.service';

/** The officer's panel: drafts, deadlines within three days, questions awaiting an answer. */
@Injectable()
export class ProcurementDashboard {
  constructor(private readonly queries: ProjectQueriesService) {}

  async widgetsFor(user: DashboardUser): Promise<DashboardWidget[]> {
    if (!user.roles.includes('bureau_officer')) return [];
    const { drafts, dueSoon, unanswered } = await this.queries.officerDashboard();
    return [
      {
        titleKey: 'procurement.dashboard.title',
        partial: 'procurement-dashboard',
        order: 30,
        data: {
          drafts: drafts.map(presentListRow),
          dueSoon: dueSoon.map(presentListRow),
          unanswered: unanswered.map(presentListRow),
          isEmpty: drafts.length + dueSoon.length + unanswered.length === 0,
        },
      },
    ];
  }
}
