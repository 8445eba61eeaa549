import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { EntityManager } from 'typeorm';
import { APP_CONFIG } from '../common/common.module';
import { PeriodicSweep } from '../common/jobs/periodic-sweep';
import { JobQueue } from '../common/jobs/job-queue';
import { AppConfig } from '../config/app.config';
import { MailOutboxWorker } from './mail-outbox.worker';
import { MailTransport } from './mail.transport';
import { APP_LOGGER } from '../common/logging/logger';

export const MAIL_QUEUE = 'notifications.mail';

export interface MailJob {
  messageIds: string[];
}

/**
 * Email delivery in the background, on when JOBS_ENABLED and SMTP_URL are both set: a pg-boss job
 * per notification (queued in the transaction that wrote the messages, so it exists only if they
 * do) and a sweep of the outbox every MAIL_POLL_SECONDS on each instance (retries whose back-off
 * has passed, messages whose worker died). pg-boss delivers at least once; the worker's claim is
 * a conditional update, so a repeated job sends nothing twice.
 */
@Injectable()
export class MailJobs implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private started = false;
  private readonly sweep = new PeriodicSweep(
    () => this.worker.sendPending(),
    (error) => this.logger.error({ err: error, context: 'mail' }, 'email outbox sweep failed'),
  );

  constructor(
    private readonly queue: JobQueue,
    private readonly transport: MailTransport,
    private readonly worker: MailOutboxWorker,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.mail.jobsEnabled || !this.transport.isConfigured) return;
    const boss = await this.queue.start();
    await boss.createQueue(MAIL_QUEUE, { name: MAIL_QUEUE, policy: 'standard', retryLimit: 3, retryDelay: 30, retryBackoff: true, expireInSeconds: 300 });
    await boss.work<MailJob>(MAIL_QUEUE, { pollingIntervalSeconds: 2, batchSize: 5 }, async (jobs) => {
      for (const job of jobs) await this.worker.sendMessages(job.data.messageIds);
    });
    this.started = true;
    this.sweep.start(this.config.mail.pollSeconds);
    this.logger.info({ context: 'mail' }, 'email outbox worker started');
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.started = false;
    await this.sweep.stop();
  }

  /** Queues the send job inside the caller's transaction; without the job queue the sweep (or a test) sends them. */
  async queueSend(manager: EntityManager, messageIds: string[]): Promise<void> {
    if (!this.started || !messageIds.length) return;
    await this.queue.send(MAIL_QUEUE, { messageIds } satisfies MailJob, {}, manager);
  }
}
