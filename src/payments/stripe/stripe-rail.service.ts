import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../../audit/actor';
import { AuditService } from '../../audit/audit.service';
import { APP_CONFIG } from '../../common/common.module';
import { ForbiddenError } from '../../common/errors/domain.error';
import { AppConfig } from '../../config/app.config';
import { ContractsService } from '../../contracts/contracts.service';
import { pgError } from '../../common/errors/pg-error';
import { LedgerService } from '../../ledger/ledger.service';
import { AlreadyProposedError, DisbursementNotFoundError } from '../payments.errors';
import { transferIdempotencyKey } from './domain/transfer-rules';
import { NotRetryableError, RailChoiceError, StripeAccountNotReadyError, StripeNotConfiguredError, StripeRequestFailedError } from './stripe.errors';
import { StripeGateway } from './stripe.gateway';
import { StripeJobs } from './stripe.jobs';
import { StripeSettlementService } from './stripe-settlement.service';

export type Rail = 'treasury' | 'stripe';

export interface PaymentAccount {
  organisationId: string;
  rail: Rail;
  stripeAccountId: string | null;
  stripeReady: boolean;
}

/** What a Stripe-rail approval needs from the organisation's account, checked inside the approving transaction. */
export interface StripeDestination {
  accountId: string;
}

/**
 * The organisation's side of the Stripe rail (Connect onboarding, readiness, the choice of rail)
 * and the staff's retry of a failed or reversed transfer.
 */
@Injectable()
export class StripeRailService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly gateway: StripeGateway,
    private readonly settlement: StripeSettlementService,
    private readonly contracts: ContractsService,
    private readonly ledger: LedgerService,
    private readonly audit: AuditService,
    private readonly jobs: StripeJobs,
    @Inject(APP_CONFIG) private readonly appConfig: AppConfig,
  ) {}

  get isConfigured(): boolean {
    return this.gateway.isConfigured;
  }

  async accountOf(organisationId: string, manager: EntityManager = this.dataSource.manager): Promise<PaymentAccount> {
    const [r] = (await manager.query(`SELECT organisation_id, rail, stripe_account_id, stripe_ready FROM payment_accounts WHERE organisation_id = $1`, [organisationId])) as Array<{
      organisation_id: string;
      rail: Rail;
      stripe_account_id: string | null;
      stripe_ready: boolean;
    }>;
    return r
      ? { organisationId: r.organisation_id, rail: r.rail, stripeAccountId: r.stripe_account_id, stripeReady: r.stripe_ready }
      : { organisationId, rail: 'treasury', stripeAccountId: null, stripeReady: false };
  }

  /**
   * The rail a new disbursement of this organisation takes: Stripe only when it is configured and
   * chosen; a Stripe account that has not finished onboarding is refused rather than bypassed.
   */
  async railForProposal(m: EntityManager, organisationId: string): Promise<Rail> {
    const account = await this.accountOf(organisationId, m);
    if (account.rail !== 'stripe') return 'treasury';
    if (!this.gateway.isConfigured) throw new StripeNotConfiguredError();
    if (!account.stripeAccountId || !account.stripeReady) throw new StripeAccountNotReadyError();
    return 'stripe';
  }

  /** Inside the approving transaction: the destination and the first generation's key; the outbox row is written by the caller. */
  async prepareApproval(m: EntityManager, disbursementId: string, organisationId: string): Promise<void> {
    if (!this.gateway.isConfigured) throw new StripeNotConfiguredError();
    const [account] = (await m.query(`SELECT stripe_account_id, stripe_ready FROM payment_accounts WHERE organisation_id = $1 FOR SHARE`, [organisationId])) as Array<{
      stripe_account_id: string | null;
      stripe_ready: boolean;
    }>;
    if (!account?.stripe_account_id || !account.stripe_ready) throw new StripeAccountNotReadyError();
    await m.query(`UPDATE disbursements SET stripe_destination = $2, transfer_generation = 1, idempotency_key = $3 WHERE id = $1`, [
      disbursementId,
      account.stripe_account_id,
      transferIdempotencyKey(disbursementId, 1),
    ]);
  }

  /** Queues the send job in the approving transaction (the sweep finds the row anyway). */
  async queueSend(m: EntityManager, disbursementId: string): Promise<void> {
    await this.jobs.queueSend(m, disbursementId);
  }

  /** Creates the connected account if the organisation has none, and returns a fresh onboarding link. */
  async startOnboarding(actor: Actor): Promise<string> {
    if (!this.gateway.isConfigured) throw new StripeNotConfiguredError();
    const organisationId = this.ownOrganisation(actor);
    let account = await this.accountOf(organisationId);
    if (!account.stripeAccountId) {
      const [org] = (await this.dataSource.query(`SELECT name_zh FROM organisation_labels WHERE id = $1`, [organisationId])) as Array<{ name_zh: string }>;
      const accountId = await this.call(() => this.gateway.createConnectedAccount({ id: organisationId, name: org?.name_zh ?? organisationId, email: null }));
      await this.dataSource.transaction(async (m) => {
        // Two admins clicking at once: the first account stays linked, the second is never stored.
        const rows = (await m.query(
          `INSERT INTO payment_accounts (organisation_id, rail, stripe_account_id, updated_by) VALUES ($1, 'treasury', $2, $3)
           ON CONFLICT (organisation_id) DO UPDATE SET stripe_account_id = EXCLUDED.stripe_account_id, updated_by = EXCLUDED.updated_by, updated_at = now()
             WHERE payment_accounts.stripe_account_id IS NULL
           RETURNING organisation_id`,
          [organisationId, accountId, actor.userId],
        )) as unknown[];
        if (rows.length) {
          await this.audit.record(m, actor, { action: 'payment_account.stripe_linked', entityType: 'organisation', entityId: organisationId, after: { stripeAccountId: accountId } });
        }
      });
      account = await this.accountOf(organisationId);
    }
    const base = `${this.appConfig.publicUrl}/organisation/payment-account/stripe`;
    return this.call(() => this.gateway.onboardingLink(account.stripeAccountId as string, `${base}/return`, `${base}/refresh`));
  }

  /** Back from Stripe's onboarding: ask Stripe whether the account can receive transfers now. */
  async refreshReadiness(actor: Actor): Promise<PaymentAccount> {
    const organisationId = this.ownOrganisation(actor);
    const account = await this.accountOf(organisationId);
    if (!this.gateway.isConfigured || !account.stripeAccountId) return account;
    const { ready } = await this.call(() => this.gateway.accountReadiness(account.stripeAccountId as string));
    if (ready !== account.stripeReady) {
      await this.dataSource.transaction(async (m) => {
        await m.query(`UPDATE payment_accounts SET stripe_ready = $2, updated_at = now() WHERE organisation_id = $1`, [organisationId, ready]);
        await this.audit.record(m, actor, {
          action: 'payment_account.stripe_readiness',
          entityType: 'organisation',
          entityId: organisationId,
          after: { stripeReady: ready },
          details: { account: account.stripeAccountId },
        });
      });
    }
    return { ...account, stripeReady: ready };
  }

  async chooseRail(actor: Actor, rail: string): Promise<PaymentAccount> {
    const organisationId = this.ownOrganisation(actor);
    if (rail !== 'treasury' && rail !== 'stripe') throw new RailChoiceError();
    return this.dataSource.transaction(async (m) => {
      const before = await this.accountOf(organisationId, m);
      if (rail === 'stripe') {
        if (!this.gateway.isConfigured) throw new StripeNotConfiguredError();
        if (!before.stripeAccountId || !before.stripeReady) throw new StripeAccountNotReadyError();
      }
      // Stripe needs the linked account row; the treasury may be the first row of the organisation.
      await m.query(
        rail === 'stripe'
          ? `UPDATE payment_accounts SET rail = $2, updated_by = $3, updated_at = now() WHERE organisation_id = $1`
          : `INSERT INTO payment_accounts (organisation_id, rail, updated_by) VALUES ($1, $2, $3)
             ON CONFLICT (organisation_id) DO UPDATE SET rail = EXCLUDED.rail, updated_by = EXCLUDED.updated_by, updated_at = now()`,
        [organisationId, rail, actor.userId],
      );
      await this.audit.record(m, actor, { action: 'payment_account.rail_chosen', entityType: 'organisation', entityId: organisationId, before: { rail: before.rail }, after: { rail } });
      return { ...before, rail: rail as Rail };
    });
  }

  /**
   * Staff retry a failed or reversed Stripe transfer: a new generation (new idempotency key),
   * committed → payable again, the outbox row pending. The live-disbursement unique index refuses
   * the retry if the milestone has been proposed again meanwhile; the worker's list lookup adopts
   * a transfer an earlier generation made after all.
   */
  async retryDisbursement(actor: Actor, disbursementId: string): Promise<void> {
    if (!this.gateway.isConfigured) throw new StripeNotConfiguredError();
    try {
      await this.dataSource.transaction(async (m) => {
        const d = await this.settlement.lock(m, disbursementId);
        if (!d) throw new DisbursementNotFoundError();
        if (d.status !== 'failed' && d.status !== 'reversed') throw new NotRetryableError(d.status);
        const { contract } = await this.contracts.lockContractForPayment(m, d.contractId);
        const [account] = (await m.query(`SELECT stripe_account_id, stripe_ready FROM payment_accounts WHERE organisation_id = $1 FOR SHARE`, [contract.organisationId])) as Array<{
          stripe_account_id: string | null;
          stripe_ready: boolean;
        }>;
        if (!account?.stripe_account_id || !account.stripe_ready) throw new StripeAccountNotReadyError();
        const generation = d.generation + 1;
        await m.query(
          `UPDATE disbursements SET status = 'approved', transfer_generation = $2, idempotency_key = $3, stripe_destination = $4, stripe_transfer_id = NULL, failure_reason = NULL, paid_at = NULL WHERE id = $1`,
          [d.id, generation, transferIdempotencyKey(d.id, generation), account.stripe_account_id],
        );
        await this.ledger.approveDisbursementRetry(
          m,
          { id: d.id, fundId: contract.fundId, projectId: contract.projectId, contractId: contract.id, amountMinor: d.amountMinor },
          actor.userId,
          generation,
        );
        await m.query(
          `INSERT INTO payment_outbox (disbursement_id, status, generation) VALUES ($1, 'pending', $2)
           ON CONFLICT (disbursement_id) DO UPDATE SET status = 'pending', generation = $2, attempts = 0, next_attempt_at = now(), locked_until = NULL, last_error = NULL, updated_at = now()`,
          [d.id, generation],
        );
        await this.audit.record(m, actor, {
          action: 'disbursement.retried',
          entityType: 'disbursement',
          entityId: d.id,
          before: { status: d.status },
          after: { status: 'approved' },
          details: { generation, previousTransferId: d.stripeTransferId },
        });
        await this.jobs.queueSend(m, d.id);
      });
    } catch (error) {
      if (pgError(error).code === '23505' && pgError(error).constraint === 'disbursements_once') throw new AlreadyProposedError();
      throw error;
    }
  }

  private ownOrganisation(actor: Actor): string {
    if (!actor.organisationId) throw new ForbiddenError('PAYMENTS.NO_ORGANISATION', 'This account belongs to no organisation');
    return actor.organisationId;
  }

  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const e = error as { type?: string; message?: string; code?: string };
      if (e.type?.startsWith('Stripe')) throw new StripeRequestFailedError(`${e.type}${e.code ? ` (${e.code})` : ''}: ${e.message ?? ''}`);
      throw error;
    }
  }
}
