import { Inject, Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { StripeNotConfiguredError } from './stripe.errors';
import { STRIPE_CONFIG, StripeConfig } from './stripe.config';
import { TransferLike } from './domain/transfer-rules';

export interface TransferRequest {
  amountMinor: number;
  destination: string;
  contractId: string;
  disbursementId: string;
  milestonePosition: number;
  generation: number;
  idempotencyKey: string;
}

/**
 * The one place that talks to Stripe, through the official SDK only. Never called inside a
 * database transaction. The SDK's own network retries are off: the outbox worker decides when
 * to try again, and looks for an existing transfer first.
 */
@Injectable()
export class StripeGateway {
  private readonly client: Stripe | null;

  constructor(@Inject(STRIPE_CONFIG) private readonly config: StripeConfig) {
    this.client = config.secretKey
      ? new Stripe(config.secretKey, {
          maxNetworkRetries: 0,
          timeout: config.timeoutMs,
          appInfo: { name: 'community-services-marketplace' },
          ...(config.api ? { host: config.api.host, port: config.api.port, protocol: config.api.protocol } : {}),
        })
      : null;
  }

  get isConfigured(): boolean {
    return this.client !== null;
  }

  private stripe(): Stripe {
    if (!this.client) throw new StripeNotConfiguredError();
    return this.client;
  }

  async createTransfer(r: TransferRequest): Promise<TransferLike> {
    const t = await this.stripe().transfers.create(
      {
        amount: r.amountMinor,
        currency: 'cny',
        destination: r.destination,
        transfer_group: r.contractId,
        metadata: { disbursement_id: r.disbursementId, milestone: String(r.milestonePosition), generation: String(r.generation) },
      },
      { idempotencyKey: r.idempotencyKey },
    );
    return toTransfer(t);
  }

  /** Every transfer of a contract's transfer group (auto-paginated). */
  async transfersOfGroup(contractId: string): Promise<TransferLike[]> {
    const out: TransferLike[] = [];
    for await (const t of this.stripe().transfers.list({ transfer_group: contractId, limit: 100 })) out.push(toTransfer(t));
    return out;
  }

  /** Every transfer of the platform created at or after `sinceSeconds` (auto-paginated). */
  async listTransfers(sinceSeconds?: number): Promise<TransferLike[]> {
    const out: TransferLike[] = [];
    for await (const t of this.stripe().transfers.list({ limit: 100, ...(sinceSeconds ? { created: { gte: sinceSeconds } } : {}) })) out.push(toTransfer(t));
    return out;
  }

  async createConnectedAccount(organisation: { id: string; name: string; email: string | null }): Promise<string> {
    const account = await this.stripe().accounts.create({
      type: 'express',
      ...(this.config.connectCountry ? { country: this.config.connectCountry } : {}),
      ...(organisation.email ? { email: organisation.email } : {}),
      business_profile: { name: organisation.name },
      metadata: { organisation_id: organisation.id },
    });
    return account.id;
  }

  async onboardingLink(accountId: string, returnUrl: string, refreshUrl: string): Promise<string> {
    const link = await this.stripe().accountLinks.create({ account: accountId, return_url: returnUrl, refresh_url: refreshUrl, type: 'account_onboarding' });
    return link.url;
  }

  async accountReadiness(accountId: string): Promise<{ ready: boolean }> {
    const account = await this.stripe().accounts.retrieve(accountId);
    return { ready: isAccountReady(account) };
  }

  /** Verifies the signature on the raw body; throws Stripe's StripeSignatureVerificationError. */
  verifyEvent(rawBody: Buffer, signature: string, secret: string): Stripe.Event {
    return Stripe.webhooks.constructEvent(rawBody, signature, secret);
  }
}

export function isAccountReady(a: { charges_enabled?: boolean; payouts_enabled?: boolean }): boolean {
  return Boolean(a.charges_enabled && a.payouts_enabled);
}

export function toTransfer(t: Stripe.Transfer): TransferLike {
  return {
    id: t.id,
    amount: t.amount,
    currency: t.currency,
    destination: typeof t.destination === 'string' ? t.destination : (t.destination?.id ?? null),
    transfer_group: t.transfer_group ?? null,
    reversed: Boolean(t.reversed),
    amount_reversed: t.amount_reversed ?? 0,
    created: t.created,
    metadata: (t.metadata ?? {}) as Record<string, string>,
  };
}
