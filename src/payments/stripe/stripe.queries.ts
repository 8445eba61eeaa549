import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { Actor } from '../../audit/actor';
import { STAFF_READERS } from '../../awards/awards.queries';
import { FormContextProvider } from '../../common/http/form-context.registry';
import { actorFromRequest } from '../../identity/current-actor.decorator';
import { hasAnyRole } from '../../identity/domain/roles';
import { StripeRailService } from './stripe-rail.service';
import { forRoles } from '../../identity/form-contexts';

/** Page data of the Stripe rail (what to show and which actions apply; no rules). */
@Injectable()
export class StripeQueries {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly rail: StripeRailService,
  ) {}

  async paymentAccountPage(actor: Actor) {
    const account = await this.rail.accountOf(actor.organisationId ?? '00000000-0000-0000-0000-000000000000');
    const isAdmin = hasAnyRole(actor.roles, ['org_admin']);
    const stripeConfigured = this.rail.isConfigured;
    return {
      titleKey: 'payments.stripe.account.title',
      account: { ...account, railKey: `payments.rail.${account.rail}` },
      stripeConfigured,
      canLink: isAdmin && stripeConfigured && !account.stripeReady,
      canChooseRail: isAdmin,
      rails: [
        { rail: 'treasury', labelKey: 'payments.rail.treasury', checked: account.rail === 'treasury', disabled: false },
        ...(stripeConfigured ? [{ rail: 'stripe', labelKey: 'payments.rail.stripe', checked: account.rail === 'stripe', disabled: !account.stripeReady }] : []),
      ],
    };
  }

  /** The Stripe part of a disbursement page (null on the treasury rail). */
  async disbursementStripe(disbursementId: string, actor: Actor) {
    const [row] = (await this.dataSource.query(
      `SELECT d.rail, d.status, d.stripe_transfer_id, d.stripe_destination, d.transfer_generation, d.failure_reason, d.idempotency_key,
              o.status AS outbox_status, o.attempts, o.next_attempt_at, o.last_error
         FROM disbursements d LEFT JOIN payment_outbox o ON o.disbursement_id = d.id WHERE d.id = $1`,
      [disbursementId],
    )) as Array<Record<string, unknown>>;
    if (!row || row.rail !== 'stripe') return null;
    return {
      transferId: row.stripe_transfer_id,
      destination: row.stripe_destination,
      generation: row.transfer_generation,
      idempotencyKey: row.idempotency_key,
      failureReason: row.failure_reason,
      outboxStatus: row.outbox_status,
      outboxStatusKey: row.outbox_status ? `payments.stripe.outbox.${String(row.outbox_status)}` : null,
      attempts: row.attempts,
      nextAttemptAt: row.outbox_status === 'pending' ? row.next_attempt_at : null,
      lastError: row.last_error,
      canRetry: ['failed', 'reversed'].includes(String(row.status)) && hasAnyRole(actor.roles, ['bureau_officer']) && this.rail.isConfigured,
    };
  }

  async reconciliationPage() {
    const [open, resolved, stuck] = await Promise.all([
      this.dataSource.query(
        `SELECT i.id, i.kind, i.found_at, i.disbursement_id, i.stripe_transfer_id, i.details, c.reference
           FROM reconciliation_issues i LEFT JOIN disbursements d ON d.id = i.disbursement_id LEFT JOIN contracts c ON c.id = d.contract_id
          WHERE i.resolved_at IS NULL ORDER BY i.found_at DESC LIMIT 200`,
      ) as Promise<Array<Record<string, unknown>>>,
      this.dataSource.query(
        `SELECT i.id, i.kind, i.found_at, i.stripe_transfer_id, i.resolved_at, i.resolution_note, u.display_name AS resolved_by
           FROM reconciliation_issues i LEFT JOIN user_names u ON u.id = i.resolved_by WHERE i.resolved_at IS NOT NULL ORDER BY i.resolved_at DESC LIMIT 50`,
      ) as Promise<Array<Record<string, unknown>>>,
      this.dataSource.query(
        `SELECT d.id, c.reference, d.milestone_position, d.amount_minor::text AS amount_minor, d.status, o.status AS outbox_status, o.attempts, o.last_error, o.next_attempt_at
           FROM payment_outbox o JOIN disbursements d ON d.id = o.disbursement_id JOIN contracts c ON c.id = d.contract_id
          WHERE o.status = 'dead' OR (o.status IN ('pending', 'sending') AND o.attempts > 0) OR d.status IN ('failed', 'reversed')
          ORDER BY o.updated_at DESC LIMIT 200`,
      ) as Promise<Array<Record<string, unknown>>>,
    ]);
    return {
      titleKey: 'payments.stripe.reconciliation.title',
      stripeConfigured: this.rail.isConfigured,
      open: open.map((i) => ({ ...i, kindKey: `payments.stripe.issue.${String(i.kind)}`, detailsText: JSON.stringify(i.details) })),
      resolved: resolved.map((i) => ({ ...i, kindKey: `payments.stripe.issue.${String(i.kind)}` })),
      stuck: stuck.map((s) => ({ ...s, amountMinor: Number(s.amount_minor), statusKey: `payments.status.${String(s.status)}`, outboxStatusKey: `payments.stripe.outbox.${String(s.outbox_status)}` })),
    };
  }

  formContexts(): Record<string, FormContextProvider> {
    return {
      'payments/reconciliation': forRoles(STAFF_READERS, () => this.reconciliationPage()),
      'payments/payment-account': forRoles(['org_member', 'org_admin'], (req: Request) => this.paymentAccountPage(actorFromRequest(req))),
    };
  }
}
