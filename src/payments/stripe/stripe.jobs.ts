import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { EntityManager } from 'typeorm';
import { PeriodicSweep } from '../../common/jobs/periodic-sweep';
import { JobQueue } from '../../common/jobs/job-queue';
import { STRIPE_CONFIG, StripeConfig } from './stripe.config';
import { StripeGateway } from './stripe.gateway';
import { StripeOutboxWorker } from './stripe-outbox.worker';
import { StripeReconciliationService } from './stripe-reconciliation.service';
import { APP_LOGGER } from '../../common/logging/logger';

export const STRIPE_TRANSFER_QUEUE = 'payments.stripe-transfer';
export const STRIPE_RECONCILE_QUEUE = 'payments.stripe-reconcile';

export interface StripeTransferJob {
  disbursementId: string;
}

/**
 * The Stripe rail's background work, on when JOBS_ENABLED and STRIPE_SECRET_KEY are both set:
 * a pg-boss job per approved disbursement (queued in the approving transaction), a sweep of the
 * outbox every STRIPE_OUTBOX_POLL_SECONDS on each instance (retries whose back-off has passed,
 * rows whose worker died), and the hourly reconciliation (once across instances). pg-boss
 * delivers at least once; the worker's claim is a conditional update, so a repeat does nothing.
 */
@Injectable()
export class StripeJobs implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private started = false;
  private readonly sweep = new PeriodicSweep(
    () => this.worker.sweep(),
    (error) => this.logger.error({ err: error, context: 'stripe-jobs' }, 'stripe outbox sweep failed'),
  );

  constructor(
    private readonly queue: JobQueue,
    private readonly gateway: StripeGateway,
    private readonly worker: StripeOutboxWorker,
    private readonly reconciliation: StripeReconciliationService,
    @Inject(STRIPE_CONFIG) private readonly config: StripeConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.jobsEnabled || !this.gateway.isConfigured) return;
    const boss = await this.queue.start();
    await boss.createQueue(STRIPE_TRANSFER_QUEUE, { name: STRIPE_TRANSFER_QUEUE, policy: 'short', retryLimit: 3, retryDelay: 10, retryBackoff: true, expireInSeconds: 600 });
    await boss.createQueue(STRIPE_RECONCILE_QUEUE, { name: STRIPE_RECONCILE_QUEUE, policy: 'short', retryLimit: 1, expireInSeconds: 1800 });
    await boss.schedule(STRIPE_RECONCILE_QUEUE, '17 * * * *', {}, { tz: 'Asia/Shanghai' });
    await boss.work<StripeTransferJob>(STRIPE_TRANSFER_QUEUE, { pollingIntervalSeconds: 1, batchSize: 1 }, async (jobs) => {
      for (const job of jobs) await this.worker.sendDisbursement(job.data.disbursementId);
    });
    await boss.work(STRIPE_RECONCILE_QUEUE, { pollingIntervalSeconds: 30, batchSize: 1 }, async () => {
      const run = await this.reconciliation.runReconciliation();
      this.logger.info({ context: 'stripe-jobs', ...run }, 'stripe reconciliation ran');
    });
    this.started = true;
    this.sweep.start(this.config.pollSeconds);
    this.logger.info({ context: 'stripe-jobs' }, 'stripe outbox worker started');
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.started = false;
    await this.sweep.stop();
  }

  /** Queues the send job inside the caller's transaction; without the job queue the sweep (or a test) sends it. */
  async queueSend(manager: EntityManager, disbursementId: string): Promise<void> {
    if (!this.started) return;
    await this.queue.send(STRIPE_TRANSFER_QUEUE, { disbursementId } satisfies StripeTransferJob, { singletonKey: disbursementId }, manager);
  }
}
