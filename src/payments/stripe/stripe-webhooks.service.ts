import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import type Stripe from 'stripe';
import { DataSource, EntityManager } from 'typeorm';
import { SYSTEM_ACTOR } from '../../audit/actor';
import { AuditService } from '../../audit/audit.service';
import { NotificationsService } from '../../notifications/notifications.service';
import { isFullyReversed } from './domain/transfer-rules';
import { STRIPE_CONFIG, StripeConfig } from './stripe.config';
import { WebhookSignatureError } from './stripe.errors';
import { StripeGateway, isAccountReady, toTransfer } from './stripe.gateway';
import { RailDisbursement, StripeSettlementService } from './stripe-settlement.service';
import { APP_LOGGER } from '../../common/logging/logger';

export interface WebhookResult {
  received: true;
  duplicate: boolean;
  outcome: string;
}

/**
 * Stripe's webhooks. The signature is checked on the raw body with STRIPE_WEBHOOK_SECRET; each
 * event id is stored once (stripe_events primary key) in the same transaction as its effect, so
 * a replay is acknowledged and ignored, and an effect that fails leaves no trace for Stripe's
 * retry to trip over.
 */
@Injectable()
export class StripeWebhooksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly gateway: StripeGateway,
    private readonly settlement: StripeSettlementService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    @Inject(STRIPE_CONFIG) private readonly config: StripeConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  verify(rawBody: unknown, signature: string | undefined): Stripe.Event {
    if (!this.config.webhookSecret) {
      // The answer goes to whoever calls; the variable's name goes only to the operators' log.
      this.logger.error({ context: 'stripe' }, 'a Stripe webhook arrived but STRIPE_WEBHOOK_SECRET is not set: it cannot be verified');
      throw new WebhookSignatureError('the webhook is not configured');
    }
    if (!Buffer.isBuffer(rawBody) || !rawBody.length) throw new WebhookSignatureError('empty body');
    if (!signature) throw new WebhookSignatureError('no Stripe-Signature header');
    try {
      return this.gateway.verifyEvent(rawBody, signature, this.config.webhookSecret);
    } catch {
      throw new WebhookSignatureError('the signature does not match');
    }
  }

  async receive(rawBody: unknown, signature: string | undefined): Promise<WebhookResult> {
    const event = this.verify(rawBody, signature);
    if (!/^evt_[A-Za-z0-9_]+$/.test(event.id)) throw new WebhookSignatureError('malformed event id');
    return this.dataSource.transaction(async (m) => {
      const stored = (await m.query(`INSERT INTO stripe_events (event_id, type, account, payload) VALUES ($1, $2, $3, $4::jsonb) ON CONFLICT (event_id) DO NOTHING RETURNING event_id`, [
        event.id,
        event.type,
        event.account ?? null,
        JSON.stringify(event),
      ])) as unknown[];
      if (!stored.length) return { received: true as const, duplicate: true, outcome: 'duplicate' };
      const outcome = await this.handle(m, event);
      await m.query(`UPDATE stripe_events SET processed_at = now(), outcome = $2 WHERE event_id = $1`, [event.id, outcome]);
      return { received: true as const, duplicate: false, outcome };
    });
  }

  private async handle(m: EntityManager, event: Stripe.Event): Promise<string> {
    const object = (event as { data?: { object?: unknown } }).data?.object;
    if (object === null || typeof object !== 'object' || Array.isArray(object)) {
      // Signed, yet nothing to apply: kept (stripe_events) and put before staff, not retried by Stripe for ever.
      this.logger.warn({ context: 'stripe', eventId: event.id, type: event.type }, 'signed Stripe event without an object');
      await this.settlement.flag(m, { kind: 'malformed_event', disbursementId: null, stripeTransferId: event.id, details: { eventId: event.id, type: event.type } });
      return 'malformed_event';
    }
    switch (event.type) {
      case 'transfer.created':
      case 'transfer.updated':
        return this.onTransfer(m, toTransfer(event.data.object));
      case 'transfer.reversed':
        return this.onTransferReversed(m, toTransfer(event.data.object));
      case 'payout.paid':
      case 'payout.failed':
        return this.onPayout(m, event.type, event.account ?? null, event.data.object);
      case 'account.updated':
        return this.onAccount(m, event.data.object);
      default:
        return 'ignored';
    }
  }

  private async disbursementOf(m: EntityManager, t: ReturnType<typeof toTransfer>): Promise<RailDisbursement | null> {
    return (await this.settlement.lock(m, t.metadata.disbursement_id ?? '')) ?? (await this.settlement.lockByTransfer(m, t.id));
  }

  private async onTransfer(m: EntityManager, t: ReturnType<typeof toTransfer>): Promise<string> {
    if (isFullyReversed(t)) return this.onTransferReversed(m, t);
    const d = await this.disbursementOf(m, t);
    if (!d) {
      await this.settlement.flag(m, {
        kind: 'transfer_without_disbursement',
        disbursementId: null,
        stripeTransferId: t.id,
        details: { amount: t.amount, destination: t.destination, metadata: t.metadata },
      });
      return 'unmatched';
    }
    if (t.amount !== d.amountMinor || t.currency.toLowerCase() !== 'cny') {
      await this.settlement.flag(m, {
        kind: 'amount_mismatch',
        disbursementId: d.id,
        stripeTransferId: t.id,
        details: { stripeAmount: t.amount, stripeCurrency: t.currency, ourAmount: d.amountMinor },
      });
      return 'amount_mismatch';
    }
    if (d.destination && t.destination !== d.destination) {
      await this.settlement.flag(m, { kind: 'destination_mismatch', disbursementId: d.id, stripeTransferId: t.id, details: { stripeDestination: t.destination, ourDestination: d.destination } });
      return 'destination_mismatch';
    }
    if (t.amount_reversed > 0) {
      await this.settlement.flag(m, { kind: 'partial_reversal', disbursementId: d.id, stripeTransferId: t.id, details: { amount: t.amount, amountReversed: t.amount_reversed } });
    }
    const outcome = await this.settlement.settlePaid(m, SYSTEM_ACTOR, d, t.id, 'webhook');
    if (outcome === 'not_payable' || outcome === 'other_transfer') {
      await this.settlement.flag(m, {
        kind: 'paid_in_stripe_not_recorded',
        disbursementId: d.id,
        stripeTransferId: t.id,
        details: { ourStatus: d.status, ourTransferId: d.stripeTransferId, amount: t.amount },
      });
    }
    return outcome;
  }

  private async onTransferReversed(m: EntityManager, t: ReturnType<typeof toTransfer>): Promise<string> {
    const d = await this.disbursementOf(m, t);
    if (!d) return 'unmatched';
    if (!isFullyReversed(t)) {
      await this.settlement.flag(m, { kind: 'partial_reversal', disbursementId: d.id, stripeTransferId: t.id, details: { amount: t.amount, amountReversed: t.amount_reversed } });
      return 'partial_reversal';
    }
    // A late reversal of an earlier generation's transfer does not touch the retry that replaced it.
    if (!d.stripeTransferId && t.metadata.generation && Number(t.metadata.generation) !== d.generation) return 'earlier_generation';
    const done = await this.settlement.markReversed(m, SYSTEM_ACTOR, d, t.id, `Stripe reversed transfer ${t.id} (${t.amount_reversed} of ${t.amount} fen)`);
    return done ? 'reversed' : 'already_settled';
  }

  private async onPayout(m: EntityManager, type: 'payout.paid' | 'payout.failed', account: string | null, payout: Stripe.Payout): Promise<string> {
    if (!account) return 'ignored';
    const [org] = (await m.query(`SELECT organisation_id FROM payment_accounts WHERE stripe_account_id = $1`, [account])) as Array<{ organisation_id: string }>;
    if (!org) return 'unknown_account';
    const failed = type === 'payout.failed';
    await this.audit.record(m, SYSTEM_ACTOR, {
      action: failed ? 'stripe_payout.failed' : 'stripe_payout.paid',
      entityType: 'organisation',
      entityId: org.organisation_id,
      details: { account, payoutId: payout.id, amountMinor: payout.amount, currency: payout.currency, failureCode: payout.failure_code ?? null, failureMessage: payout.failure_message ?? null },
    });
    await this.notifications.notify(m, {
      recipients: { organisationIds: [org.organisation_id], roles: failed ? ['bureau_officer'] : [] },
      kind: type,
      titleKey: failed ? 'payments.stripe.notifications.payoutFailed' : 'payments.stripe.notifications.payoutPaid',
      params: { amountMinor: payout.amount, reason: payout.failure_message ?? payout.failure_code ?? '' },
      link: failed ? '/staff/reconciliation' : '/organisation/payments',
    });
    return type;
  }

  private async onAccount(m: EntityManager, account: Stripe.Account): Promise<string> {
    const ready = isAccountReady(account);
    const rows = (await m.query(`UPDATE payment_accounts SET stripe_ready = $2, updated_at = now() WHERE stripe_account_id = $1 AND stripe_ready IS DISTINCT FROM $2 RETURNING organisation_id`, [
      account.id,
      ready,
    ])) as [Array<{ organisation_id: string }>, number];
    if (!rows[0].length) return 'unchanged';
    await this.audit.record(m, SYSTEM_ACTOR, {
      action: 'payment_account.stripe_readiness',
      entityType: 'organisation',
      entityId: rows[0][0].organisation_id,
      after: { stripeReady: ready },
      details: { account: account.id },
    });
    return ready ? 'account_ready' : 'account_not_ready';
  }
}
