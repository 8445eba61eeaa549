import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { SYSTEM_ACTOR } from '../../audit/actor';
import { AuditService } from '../../audit/audit.service';
import { StripeErrorLike, TransferLike, backoffSeconds, classifyStripeError, describeStripeError, findExistingTransfer } from './domain/transfer-rules';
import { STRIPE_CONFIG, StripeConfig } from './stripe.config';
import { StripeGateway } from './stripe.gateway';
import { StripeSettlementService } from './stripe-settlement.service';
import { APP_LOGGER } from '../../common/logging/logger';

/** One claimed outbox row: `attempts` after the claim is the fencing token of this attempt. */
export interface OutboxClaim {
  disbursementId: string;
  attempts: number;
  generation: number;
}

export type SendOutcome = 'sent' | 'adopted' | 'retry_later' | 'failed' | 'stale' | 'skipped';

/**
 * The Stripe outbox worker. Claiming is a short transaction (FOR UPDATE SKIP LOCKED, status →
 * 'sending' under a lease, attempts + 1), so instances never take the same row; the Stripe call
 * happens outside any transaction; the result is recorded only if the claim is still ours
 * (status 'sending' and the same attempts). A row whose worker died is taken over once its lease
 * has passed. Before every transfer the worker lists the contract's transfer group and adopts a
 * transfer already made for the disbursement, so a lost answer or a forgotten idempotency key
 * cannot pay twice. Payment itself is settled by the webhook (or the reconciler).
 */
@Injectable()
export class StripeOutboxWorker {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly gateway: StripeGateway,
    private readonly settlement: StripeSettlementService,
    private readonly audit: AuditService,
    @Inject(STRIPE_CONFIG) private readonly config: StripeConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  /** Claims due rows (at most `limit`) and sends each; returns the outcomes. */
  async sweep(limit = 10): Promise<SendOutcome[]> {
    if (!this.gateway.isConfigured) return [];
    const claims = await this.claim(null, limit);
    const outcomes: SendOutcome[] = [];
    for (const c of claims) outcomes.push(await this.send(c));
    return outcomes;
  }

  /** The job for one disbursement: claims it if it is due (a duplicate delivery finds nothing to claim). */
  async sendDisbursement(disbursementId: string): Promise<SendOutcome> {
    if (!this.gateway.isConfigured) return 'skipped';
    const [claim] = await this.claim(disbursementId, 1);
    return claim ? this.send(claim) : 'skipped';
  }

  async claim(disbursementId: string | null, limit: number): Promise<OutboxClaim[]> {
    return this.dataSource.transaction(async (m) => {
      const due = (await m.query(
        // Both rows at once, skipping any a webhook or another worker holds: never waits, so never deadlocks.
        `SELECT o.disbursement_id FROM payment_outbox o JOIN disbursements d ON d.id = o.disbursement_id
          WHERE ((o.status = 'pending' AND o.next_attempt_at <= now()) OR (o.status = 'sending' AND o.locked_until < now()))
            AND ($1::uuid IS NULL OR o.disbursement_id = $1::uuid)
            -- Nothing is sent while the finance department has the procurement suspended (the database refuses it too).
            AND NOT procurement_suspended((SELECT c.project_id FROM contracts c WHERE c.id = d.contract_id))
          ORDER BY o.next_attempt_at LIMIT $2 FOR UPDATE OF o, d SKIP LOCKED`,
        [disbursementId, limit],
      )) as Array<{ disbursement_id: string }>;
      if (!due.length) return [];
      const ids = due.map((r) => r.disbursement_id);
      const [claimed] = (await m.query(
        `UPDATE payment_outbox SET status = 'sending', attempts = attempts + 1, locked_until = now() + make_interval(secs => $2), updated_at = now()
          WHERE disbursement_id = ANY($1::uuid[]) RETURNING disbursement_id, attempts, generation`,
        [ids, this.config.leaseSeconds],
      )) as [Array<{ disbursement_id: string; attempts: number; generation: number }>, number];
      await m.query(`UPDATE disbursements SET status = 'sending' WHERE id = ANY($1::uuid[]) AND status = 'approved'`, [ids]);
      return claimed.map((r) => ({ disbursementId: r.disbursement_id, attempts: r.attempts, generation: r.generation }));
    });
  }

  async send(claim: OutboxClaim): Promise<SendOutcome> {
    const [d] = (await this.dataSource.query(
      `SELECT d.id, d.contract_id, d.milestone_position, d.amount_minor::text AS amount_minor, d.status, d.idempotency_key, d.transfer_generation, d.stripe_destination
         FROM disbursements d WHERE d.id = $1`,
      [claim.disbursementId],
    )) as Array<{
      id: string;
      contract_id: string;
      milestone_position: number;
      amount_minor: string;
      status: string;
      idempotency_key: string;
      transfer_generation: number;
      stripe_destination: string | null;
    }>;
    if (!d || d.status !== 'sending' || !d.stripe_destination) {
      // Paid, reversed or failed meanwhile: nothing to send.
      await this.dataSource.query(
        `UPDATE payment_outbox SET status = CASE WHEN $3 = 'failed' THEN 'dead' ELSE 'done' END, locked_until = NULL, updated_at = now() WHERE disbursement_id = $1 AND status = 'sending' AND attempts = $2`,
        [claim.disbursementId, claim.attempts, d?.status ?? 'failed'],
      );
      return 'skipped';
    }
    if (this.config.testHangBeforeSendMs > 0) await new Promise((r) => setTimeout(r, this.config.testHangBeforeSendMs));
    let transfer: TransferLike;
    let adopted: boolean;
    try {
      const existing = findExistingTransfer(await this.gateway.transfersOfGroup(d.contract_id), d.id);
      adopted = existing !== null;
      transfer =
        existing ??
        (await this.gateway.createTransfer({
          amountMinor: Number(d.amount_minor),
          destination: d.stripe_destination,
          contractId: d.contract_id,
          disbursementId: d.id,
          milestonePosition: d.milestone_position,
          generation: d.transfer_generation,
          idempotencyKey: d.idempotency_key,
        }));
    } catch (error) {
      return this.recordFailure(claim, d.contract_id, error as StripeErrorLike);
    }
    return this.recordSent(claim, transfer, adopted);
  }

  private async recordSent(claim: OutboxClaim, transfer: TransferLike, adopted: boolean): Promise<SendOutcome> {
    return this.dataSource.transaction(async (m) => {
      // Lock order everywhere: the disbursement, then its outbox row (as the webhook does).
      const d = await this.settlement.lock(m, claim.disbursementId);
      const done = (await m.query(
        `UPDATE payment_outbox SET status = 'done', locked_until = NULL, last_error = NULL, updated_at = now()
          WHERE disbursement_id = $1 AND status = 'sending' AND attempts = $2 RETURNING disbursement_id`,
        [claim.disbursementId, claim.attempts],
      )) as [unknown[], number];
      if (!done[0].length) return 'stale';
      if (d && !d.stripeTransferId && ['sending', 'approved'].includes(d.status)) {
        await m.query(`UPDATE disbursements SET stripe_transfer_id = $2 WHERE id = $1`, [d.id, transfer.id]);
      }
      await this.audit.record(m, SYSTEM_ACTOR, {
        action: adopted ? 'disbursement.transfer_adopted' : 'disbursement.transfer_sent',
        entityType: 'disbursement',
        entityId: claim.disbursementId,
        details: { transferId: transfer.id, attempt: claim.attempts, generation: claim.generation, amountMinor: transfer.amount, destination: transfer.destination },
      });
      this.logger.info({ context: 'stripe', disbursementId: claim.disbursementId, transferId: transfer.id, adopted }, 'stripe transfer recorded');
      return adopted ? 'adopted' : 'sent';
    });
  }

  private async recordFailure(claim: OutboxClaim, contractId: string, error: StripeErrorLike): Promise<SendOutcome> {
    const message = describeStripeError(error);
    const definitive = classifyStripeError(error) === 'definitive';
    const exhausted = claim.attempts >= this.config.maxAttempts;
    this.logger.warn({ context: 'stripe', disbursementId: claim.disbursementId, attempt: claim.attempts, definitive, err: message }, 'stripe transfer attempt failed');
    if (!definitive && exhausted) {
      // Giving up after answers that were lost: one last look, in case one of them was a transfer.
      try {
        const existing = findExistingTransfer(await this.gateway.transfersOfGroup(contractId), claim.disbursementId);
        if (existing) return this.recordSent(claim, existing, true);
      } catch {
        /* Stripe unreachable: the reconciler will see the transfer if there was one. */
      }
    }
    return this.dataSource.transaction(async (m) => {
      const d = await this.settlement.lock(m, claim.disbursementId);
      const ours = (await m.query(`SELECT 1 FROM payment_outbox WHERE disbursement_id = $1 AND status = 'sending' AND attempts = $2 FOR UPDATE`, [claim.disbursementId, claim.attempts])) as unknown[];
      if (!ours.length) return 'stale';
      if (definitive || exhausted) {
        if (d) await this.settlement.markFailed(m, SYSTEM_ACTOR, d, `${definitive ? '' : `gave up after ${claim.attempts} attempts; `}${message}`);
        return 'failed';
      }
      await m.query(
        `UPDATE payment_outbox SET status = 'pending', locked_until = NULL, last_error = $3, next_attempt_at = now() + make_interval(secs => $4), updated_at = now()
          WHERE disbursement_id = $1 AND attempts = $2`,
        [claim.disbursementId, claim.attempts, message, backoffSeconds(claim.attempts, this.config.retryBaseSeconds)],
      );
      return 'retry_later';
    });
  }
}
