import { Inject, Injectable } from '@nestjs/common';
import { STAFF_READERS } from '../awards/awards.queries';
import { DashboardUser, DashboardWidget } from '../common/views/dashboard.registry';
import { hasAnyRole } from '../identity/domain/roles';
import { DELIVERY_CONFIG, DeliveryConfig } from './delivery.config';
import { DeliveryQueries } from './delivery.queries';

/**
 * Dashboard panels: organisations, their milestones overdue or due soon and their late
 * deliveries; the bureau, overdue milestones and late deliveries across contracts.
 */
@Injectable()
export class DeliveryDashboardQueries {
  constructor(
    private readonly views: DeliveryQueries,
    @Inject(DELIVERY_CONFIG) private readonly config: DeliveryConfig,
  ) {}

  async widgetsFor(user: DashboardUser): Promise<DashboardWidget[]> {
    const widgets: DashboardWidget[] = [];
    if (user.organisationId && hasAnyRole(user.roles, ['org_member', 'org_admin'])) {
      const [overdue, dueSoon, late] = await Promise.all([
        this.views.overdueMilestones(user.organisationId),
        this.views.dueSoonMilestones(user.organisationId, this.config.reminderDays),
        this.views.lateDeliveries(user.organisationId),
      ]);
      if (overdue.length || dueSoon.length || late.length) {
        widgets.push({ titleKey: 'delivery.dashboard.organisationTitle', partial: 'delivery/dashboard-widget', order: 12, data: { kind: 'organisation', overdue, dueSoon, late } });
      }
    }
    if (hasAnyRole(user.roles, STAFF_READERS)) {
      const [overdue, late] = await Promise.all([this.views.overdueMilestones(), this.views.lateDeliveries()]);
      widgets.push({
        titleKey: 'delivery.dashboard.staffTitle',
        partial: 'delivery/dashboard-widget',
        order: 17,
        data: { kind: 'staff', overdue, dueSoon: [], late, isEmpty: !overdue.length && !late.length },
      });
    }
    return widgets;
  }
}
