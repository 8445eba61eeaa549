import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DashboardUser, DashboardWidget } from '../../common/views/dashboard.registry';
import { hasAnyRole } from '../../identity/domain/roles';
import { StripeGateway } from './stripe.gateway';

/** Dashboard panels of the Stripe rail: for officers, open reconciliation issues and failed transfers; for an organisation's admin, unfinished onboarding. */
@Injectable()
export class StripeDashboardQueries {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly gateway: StripeGateway,
  ) {}

  async widgetsFor(user: DashboardUser): Promise<DashboardWidget[]> {
    if (!this.gateway.isConfigured) return [];
    const widgets: DashboardWidget[] = [];
    if (hasAnyRole(user.roles, ['bureau_officer'])) {
      const [row] = (await this.dataSource.query(
        `SELECT (SELECT count(*)::int FROM reconciliation_issues WHERE resolved_at IS NULL) AS issues,
                (SELECT count(*)::int FROM disbursements WHERE rail = 'stripe' AND status IN ('failed', 'reversed')) AS failed`,
      )) as Array<{ issues: number; failed: number }>;
      if (row.issues || row.failed) widgets.push({ titleKey: 'payments.stripe.dashboard.staffTitle', partial: 'payments/stripe-dashboard', order: 40, data: { isStaff: true, ...row } });
    }
    if (user.organisationId && hasAnyRole(user.roles, ['org_admin'])) {
      const [account] = (await this.dataSource.query(`SELECT stripe_account_id, stripe_ready FROM payment_accounts WHERE organisation_id = $1`, [user.organisationId])) as Array<{
        stripe_account_id: string | null;
        stripe_ready: boolean;
      }>;
      if (account?.stripe_account_id && !account.stripe_ready)
        widgets.push({ titleKey: 'payments.stripe.dashboard.orgTitle', partial: 'payments/stripe-dashboard', order: 40, data: { isStaff: false } });
    }
    return widgets;
  }
}
