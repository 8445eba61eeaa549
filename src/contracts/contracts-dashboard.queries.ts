import { Injectable } from '@nestjs/common';
import { DashboardUser, DashboardWidget } from '../common/views/dashboard.registry';
import { hasAnyRole } from '../identity/domain/roles';
import { ContractsQueries } from './contracts.queries';

/**
 * Dashboard panels: approvers, contracts to confirm and variations to decide; officers, awards
 * ready for their contract; organisations, contracts to confirm.
 */
@Injectable()
export class ContractsDashboardQueries {
  constructor(private readonly views: ContractsQueries) {}

  async widgetsFor(user: DashboardUser): Promise<DashboardWidget[]> {
    const widgets: DashboardWidget[] = [];
    if (user.roles.includes('bureau_approver')) {
      const queue = await this.views.approverQueue({ userId: user.id, roles: user.roles });
      widgets.push({
        titleKey: 'contracts.dashboard.approverTitle',
        partial: 'contracts/dashboard-widget',
        order: 15,
        data: { kind: 'approver', ...queue, isEmpty: !queue.toConfirm.length && !queue.variations.length },
      });
    }
    if (user.roles.includes('bureau_officer')) {
      const ready = await this.views.readyForContract();
      if (ready.length) widgets.push({ titleKey: 'contracts.dashboard.readyTitle', partial: 'contracts/dashboard-widget', order: 16, data: { kind: 'ready', ready } });
    }
    if (user.organisationId && hasAnyRole(user.roles, ['org_member', 'org_admin'])) {
      const toConfirm = await this.views.organisationQueue(user.organisationId);
      if (toConfirm.length) {
        widgets.push({
          titleKey: 'contracts.dashboard.organisationTitle',
          partial: 'contracts/dashboard-widget',
          order: 11,
          data: { kind: 'organisation', toConfirm, isAdmin: user.roles.includes('org_admin') },
        });
      }
    }
    return widgets;
  }
}
