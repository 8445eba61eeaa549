import { Injectable } from '@nestjs/common';
import { DashboardUser, DashboardWidget } from '../common/views/dashboard.registry';
import { Locale } from '../i18n/i18n';
import { hasAnyRole } from '../identity/domain/roles';
import { AwardsQueries } from './awards.queries';

/**
 * Dashboard panels: approvers, evaluations signed off and awaiting an award decision; officers,
 * challenges awaiting an answer with the days left (overdue and ≤ 3 days highlighted);
 * organisations, the awards on their bids and their challenges.
 */
@Injectable()
export class AwardsDashboardQueries {
  constructor(private readonly views: AwardsQueries) {}

  async widgetsFor(user: DashboardUser, locale: Locale = 'zh-CN'): Promise<DashboardWidget[]> {
    const widgets: DashboardWidget[] = [];
    if (user.roles.includes('bureau_approver')) {
      const waiting = await this.views.awaitingDecision({ userId: user.id, roles: user.roles });
      widgets.push({ titleKey: 'awards.dashboard.awaitingTitle', partial: 'awards/dashboard-widget', order: 12, data: { kind: 'awaiting', waiting } });
    }
    if (user.roles.includes('bureau_officer')) {
      const challenges = await this.views.openChallengesForDashboard(locale);
      widgets.push({ titleKey: 'awards.dashboard.challengesTitle', partial: 'awards/dashboard-widget', order: 13, data: { kind: 'challenges', challenges } });
    }
    if (user.organisationId && hasAnyRole(user.roles, ['org_member', 'org_admin'])) {
      const page = await this.views.organisationAwardsPage({ userId: user.id, roles: user.roles, organisationId: user.organisationId, requestId: null, ip: null }, locale);
      const awards = page.awards.filter((a) => a.status === 'active' || (a.challenge && a.challenge.status === 'open')).slice(0, 10);
      if (awards.length) widgets.push({ titleKey: 'awards.dashboard.organisationTitle', partial: 'awards/dashboard-widget', order: 14, data: { kind: 'organisation', awards } });
    }
    return widgets;
  }
}
