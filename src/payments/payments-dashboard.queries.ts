import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DashboardUser, DashboardWidget } from '../common/views/dashboard.registry';
import { hasAnyRole } from '../identity/domain/roles';

/**
 * Dashboard panels of disbursements: for approvers, the tranches waiting for their decision
 * (amount, contract, a direct link; their own proposals are listed as such, since maker-checker
 * leaves them to another approver); for officers, approved tranches waiting for a treasury voucher.
 */
@Injectable()
export class PaymentsDashboardQueries {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async widgetsFor(user: DashboardUser): Promise<DashboardWidget[]> {
    const widgets: DashboardWidget[] = [];
    if (hasAnyRole(user.roles, ['bureau_approver'])) {
      const waiting = await this.list(`d.status = 'proposed'`, user.id);
      widgets.push({ titleKey: 'payments.dashboard.approvalTitle', partial: 'payments/dashboard-widget', order: 11, data: { kind: 'approval', rows: waiting } });
    }
    if (hasAnyRole(user.roles, ['bureau_officer'])) {
      const toPay = await this.list(`d.status = 'approved' AND d.rail = 'treasury'`, user.id);
      if (toPay.length) widgets.push({ titleKey: 'payments.dashboard.paymentTitle', partial: 'payments/dashboard-widget', order: 41, data: { kind: 'payment', rows: toPay } });
    }
    return widgets;
  }

  private async list(where: string, userId: string) {
    const rows = (await this.dataSource.query(
      `SELECT d.id, d.contract_id, c.reference, c.parties->'provider'->>'name' AS provider, d.milestone_position, d.kind, d.amount_minor::text AS amount_minor,
              d.proposed_at, d.proposed_by = $1 AS is_own
         FROM disbursements d JOIN contracts c ON c.id = d.contract_id
        WHERE ${where}
        ORDER BY d.proposed_at
        LIMIT 20`,
      [userId],
    )) as Array<{ id: string; contract_id: string; reference: string; provider: string; milestone_position: number; kind: string; amount_minor: string; proposed_at: Date; is_own: boolean }>;
    return rows.map((r) => ({
      url: `/staff/disbursements/${r.id}`,
      contractUrl: `/staff/contracts/${r.contract_id}/payments`,
      reference: r.reference,
      provider: r.provider,
      position: r.milestone_position,
      kindKey: `payments.kind.${r.kind}`,
      amountMinor: Number(r.amount_minor),
      proposedAt: r.proposed_at,
      isOwn: r.is_own,
    }));
  }
}
