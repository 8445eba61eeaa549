import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DashboardUser, DashboardWidget } from '../common/views/dashboard.registry';
import { hasAnyRole } from '../identity/domain/roles';
import { ProjectsService } from '../procurement/projects.service';

/** Dashboard panels: an organisation's bids; for officers, projects past their deadline still to be opened. */
@Injectable()
export class BiddingDashboardQueries {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly projects: ProjectsService,
  ) {}

  async widgetsFor(user: DashboardUser): Promise<DashboardWidget[]> {
    const widgets: DashboardWidget[] = [];
    if (user.organisationId && hasAnyRole(user.roles, ['org_member', 'org_admin'])) {
      const [{ n }] = (await this.dataSource.query(`SELECT count(*)::int AS n FROM bids WHERE organisation_id = $1`, [user.organisationId])) as Array<{ n: number }>;
      widgets.push({ titleKey: 'bidding.dashboard.title', partial: 'bidding-dashboard', order: 30, data: { isOrganisation: true, count: n } });
    }
    if (user.roles.includes('bureau_officer')) {
      const due = await this.projects.pastDeadlineNotOpened(20);
      if (due.length) {
        widgets.push({
          titleKey: 'bidding.dashboard.dueTitle',
          partial: 'bidding-dashboard',
          order: 25,
          data: { isOrganisation: false, due: due.map((p) => ({ reference: p.reference, title: p.title, deadline: p.bidDeadlineAt, url: `/staff/projects/${p.id}/bids` })) },
        });
      }
    }
    return widgets;
  }
}
