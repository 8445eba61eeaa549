import { Injectable } from '@nestjs/common';
import { DashboardUser, DashboardWidget } from '../common/views/dashboard.registry';
import { STAFF_ROLES } from '../identity/domain/roles';
import { ProcurementRulesService } from './procurement-rules.service';
import { presentListRow } from './project.presenter';
import { ProjectQueries } from './project.queries';

/** The officer's panel: drafts, deadlines within three days, questions awaiting an answer; the calendar warning for staff. */
@Injectable()
export class ProcurementDashboardQueries {
  constructor(
    private readonly queries: ProjectQueries,
    private readonly rules: ProcurementRulesService,
  ) {}

  async widgetsFor(user: DashboardUser): Promise<DashboardWidget[]> {
    const widgets: DashboardWidget[] = [];
    if (user.roles.some((r) => (STAFF_ROLES as readonly string[]).includes(r))) {
      // From 1 November while next year is missing (and all year while this one is).
      const missing = await this.rules.missingYears();
      if (missing.length) {
        widgets.push({
          titleKey: 'procurement.calendar.warningTitle',
          partial: 'calendar-year-warning',
          order: 0,
          data: { missingYears: missing, canEnter: user.roles.includes('admin') },
        });
      }
    }
    if (!user.roles.includes('bureau_officer')) return widgets;
    const { drafts, dueSoon, unanswered } = await this.queries.officerDashboard();
    widgets.push({
      titleKey: 'procurement.dashboard.title',
      partial: 'procurement-dashboard',
      order: 30,
      data: {
        drafts: drafts.map(presentListRow),
        dueSoon: dueSoon.map(presentListRow),
        unanswered: unanswered.map(presentListRow),
        isEmpty: drafts.length + dueSoon.length + unanswered.length === 0,
      },
    });
    return widgets;
  }
}
