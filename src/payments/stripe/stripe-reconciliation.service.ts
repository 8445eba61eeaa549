import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor, SYSTEM_ACTOR } from '../../audit/actor';
import { AuditService } from '../../audit/audit.service';
import { OurDisbursement, reconcile } from './domain/transfer-rules';
import { ReconciliationIssueNotFoundError, ResolutionNoteRequiredError } from './stripe.errors';
import { StripeGateway } from './stripe.gateway';
import { StripeSettlementService } from './stripe-settlement.service';

/** Transfers younger than this are left alone: their webhook may still be on its way. */
export const RECONCILIATION_GRACE_SECONDS = 600;

export interface ReconciliationRun {
  transfers: number;
  disbursements: number;
  newIssues: number;
  settled: number;
}

/**
 * Lists every transfer from Stripe (auto-paginated) and checks it against our Stripe-rail
 * disbursements: mismatches become reconciliation issues (flagged once while open) for staff;
 * a transfer that matches a disbursement still 'sending' past the grace period settles it, as
 * its missed webhook would have. Run hourly by the job queue and on demand by staff.
 */
@Injectable()
export class StripeReconciliationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly gateway: StripeGateway,
    private readonly settlement: StripeSettlementService,
    private readonly audit: AuditService,
  ) {}

  async runReconciliation(actor: Actor = SYSTEM_ACTOR, graceSeconds = RECONCILIATION_GRACE_SECONDS): Promise<ReconciliationRun> {
    const transfers = await this.gateway.listTransfers();
    const rows = (await this.dataSource.query(
      `SELECT id, status, amount_minor::text AS amount_minor, stripe_destination, stripe_transfer_id
         FROM disbursements WHERE rail = 'stripe' AND status NOT IN ('proposed', 'rejected')`,
    )) as Array<{ id: string; status: string; amount_minor: string; stripe_destination: string | null; stripe_transfer_id: string | null }>;
    const ours: OurDisbursement[] = rows.map((r) => ({ id: r.id, status: r.status, amountMinor: Number(r.amount_minor), destination: r.stripe_destination, stripeTransferId: r.stripe_transfer_id }));
    const [{ now }] = (await this.dataSource.query(`SELECT extract(epoch FROM now())::bigint AS now`)) as Array<{ now: string }>;
    const result = reconcile(transfers, ours, Number(now), graceSeconds);
    let newIssues = 0;
    let settled = 0;
    await this.dataSource.transaction(async (m) => {
      for (const f of result.findings) if (await this.settlement.flag(m, f)) newIssues++;
    });
    for (const s of result.settle) {
      await this.dataSource.transaction(async (m) => {
        const d = await this.settlement.lock(m, s.disbursementId);
        if (d && (await this.settlement.settlePaid(m, SYSTEM_ACTOR, d, s.transferId, 'reconciliation')) === 'paid') settled++;
      });
    }
    await this.dataSource.transaction((m) =>
      this.audit.record(m, actor, {
        action: 'reconciliation.run',
        entityType: 'reconciliation',
        entityId: 'stripe',
        details: { transfers: transfers.length, disbursements: ours.length, newIssues, settled },
      }),
    );
    return { transfers: transfers.length, disbursements: ours.length, newIssues, settled };
  }

  async resolveIssue(actor: Actor, issueId: string, note: string): Promise<void> {
    const trimmed = (note ?? '').trim();
    if (!trimmed) throw new ResolutionNoteRequiredError();
    if (!/^[0-9a-f-]{36}$/i.test(issueId)) throw new ReconciliationIssueNotFoundError();
    await this.dataSource.transaction(async (m) => {
      const rows = (await m.query(
        `UPDATE reconciliation_issues SET resolved_at = now(), resolved_by = $2, resolution_note = $3 WHERE id = $1 AND resolved_at IS NULL RETURNING kind, disbursement_id, stripe_transfer_id`,
        [issueId, actor.userId, trimmed],
      )) as [Array<{ kind: string; disbursement_id: string | null; stripe_transfer_id: string | null }>, number];
      if (!rows[0].length) throw new ReconciliationIssueNotFoundError();
      const issue = rows[0][0];
      await this.audit.record(m, actor, {
        action: 'reconciliation.issue_resolved',
        entityType: 'reconciliation_issue',
        entityId: issueId,
        after: { resolved: true },
        details: { kind: issue.kind, disbursementId: issue.disbursement_id, transferId: issue.stripe_transfer_id, note: trimmed.slice(0, 500) },
      });
    });
  }
}
