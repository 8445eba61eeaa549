import { Injectable } from '@nestjs/common';
import { DashboardUser, DashboardWidget } from '../common/views/dashboard.registry';
import { hasAnyRole } from '../identity/domain/roles';
import { ReportingService } from './reporting.service';

/** The signed-in dashboard's link to the reports, with what needs attention now. */
@Injectable()
export class ReportingDashboardQueries {
  constructor(private readonly reporting: ReportingService) {}

  async widgetsFor(user: DashboardUser): Promise<DashboardWidget[]> {
    if (hasAnyRole(user.roles, ['bureau_officer', 'bureau_approver', 'auditor'])) {
      const [attention, pending] = await Promise.all([this.reporting.milestonesNeedingAttention(), this.reporting.disbursementsAwaitingApproval()]);
      return [
        {
          titleKey: 'reporting.dashboard.bureauTitle',
          partial: 'reporting/dashboard-widget',
          order: 30,
          data: { url: '/staff/reports', attention: attention.length, pending: pending.length, isBureau: true },
        },
      ];
    }
    if (user.organisationId && hasAnyRole(user.roles, ['org_member', 'org_admin'])) {
      const attention = await this.reporting.milestonesNeedingAttention(user.organisationId);
      return [
        { titleKey: 'reporting.dashboard.organisationTitle', partial: 'reporting/dashboard-widget', order: 30, data: { url: '/organisation/reports', attention: attention.length, isBureau: false } },
      ];
    }
    return [];
  }
}
