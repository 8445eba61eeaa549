import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DashboardUser, DashboardWidget } from '../common/views/dashboard.registry';
import { DocumentsService } from '../documents/documents.service';
import { hasAnyRole } from '../identity/domain/roles';
import { Organisation } from './organisation.entity';
import { OWNER_TYPE } from './organisation.records';
import { nextSteps, statusPanel } from './organisations.presenter';
import { VettingService } from './vetting.service';

/** Roles that see the review queue (only bureau officers decide). */
export const QUEUE_READER_ROLES = ['bureau_officer', 'bureau_approver', 'auditor'] as const;

/**
 * Dashboard panels: an organisation's status, the reason of the last decision and what to do next;
 * for bureau staff, the registrations awaiting review.
 */
@Injectable()
export class OrganisationsDashboardQueries {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly documents: DocumentsService,
    private readonly vetting: VettingService,
  ) {}

  async widgetsFor(user: DashboardUser): Promise<DashboardWidget[]> {
    const widgets: DashboardWidget[] = [];
    if (user.organisationId && user.roles.includes('org_member')) {
      const organisation = await this.dataSource.getRepository(Organisation).findOneBy({ id: user.organisationId });
      if (organisation) {
        const documents = await this.documents.listFor(OWNER_TYPE, organisation.id);
        widgets.push({
          titleKey: 'organisations.dashboard.orgTitle',
          partial: 'org-dashboard-status',
          order: 10,
          data: {
            name: organisation.nameZh,
            panel: statusPanel(organisation),
            nextSteps: nextSteps(organisation, documents).map((step) => `organisations.next.${step}`),
          },
        });
      }
    }
    if (hasAnyRole(user.roles, QUEUE_READER_ROLES)) {
      const awaiting = await this.vetting.countAwaitingReview();
      widgets.push({
        titleKey: 'organisations.dashboard.queueTitle',
        partial: 'org-dashboard-queue',
        order: 20,
        data: { awaiting, canDecide: user.roles.includes('bureau_officer') },
      });
    }
    return widgets;
  }
}
