import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DashboardUser, DashboardWidget } from '../common/views/dashboard.registry';
import { hasAnyRole } from '../identity/domain/roles';

interface OpenRow {
  contract_id: string;
  reference: string;
  position: number;
  milestone_name: string;
  closes_at: Date;
  responses: number;
  min_responses: number;
}

/** Dashboard panel for officers and organisations: surveys open now, with how far each is from its minimum. */
@Injectable()
export class SurveysDashboardQueries {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async widgetsFor(user: DashboardUser): Promise<DashboardWidget[]> {
    const isOrganisation = Boolean(user.organisationId) && hasAnyRole(user.roles, ['org_member', 'org_admin']);
    const isOfficer = user.roles.includes('bureau_officer');
    if (!isOrganisation && !isOfficer) return [];
    const rows = (await this.dataSource.query(
      `SELECT s.contract_id, c.reference, s.milestone_position AS position, m.name AS milestone_name, s.closes_at, ms.responses, ms.min_responses
         FROM milestone_surveys s
         JOIN contracts c ON c.id = s.contract_id
         JOIN contract_milestones m ON m.contract_id = s.contract_id AND m.position = s.milestone_position
         JOIN milestone_satisfaction ms ON ms.contract_id = s.contract_id AND ms.milestone_position = s.milestone_position
        WHERE s.status = 'open' AND s.closes_at > app_now() ${isOfficer ? '' : 'AND c.organisation_id = $1'}
        ORDER BY s.closes_at LIMIT 10`,
      isOfficer ? [] : [user.organisationId],
    )) as OpenRow[];
    if (!rows.length) return [];
    const base = isOfficer ? '/staff' : '/organisation';
    return [
      {
        titleKey: 'surveys.dashboard.title',
        partial: 'surveys/dashboard-widget',
        order: 40,
        data: {
          surveys: rows.map((r) => ({
            link: `${base}/contracts/${r.contract_id}/milestones/${r.position}/survey`,
            reference: r.reference,
            position: r.position,
            milestoneName: r.milestone_name,
            closesAt: r.closes_at,
            responses: r.responses,
            minResponses: r.min_responses,
            meetsMinimum: r.responses >= r.min_responses,
          })),
        },
      },
    ];
  }
}
