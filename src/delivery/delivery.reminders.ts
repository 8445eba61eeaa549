import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { JobQueue } from '../common/jobs/job-queue';
import { NotificationsService } from '../notifications/notifications.service';
import { DELIVERY_CONFIG, DeliveryConfig } from './delivery.config';
import { APP_LOGGER } from '../common/logging/logger';

export const DELIVERY_REMINDERS_QUEUE = 'delivery.reminders';

export interface RemindersSent {
  dueSoon: number;
  overdue: number;
}

/**
 * Due-date reminders in the organisation's inbox: DELIVERY_REMINDER_DAYS days before a pending
 * milestone is due, and once it is overdue (the day after its due date, Asia/Shanghai, by the
 * database clock). pg-boss delivers at least once and the schedule runs every hour, so each
 * reminder is a conditional insert into milestone_reminders (one per milestone, kind and due
 * date) and only the transaction that inserted it writes the notification.
 */
@Injectable()
export class DeliveryReminders implements OnApplicationBootstrap {
  private started = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: JobQueue,
    private readonly notifications: NotificationsService,
    @Inject(DELIVERY_CONFIG) private readonly config: DeliveryConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  get isRunning(): boolean {
    return this.started && this.queue.isRunning;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.jobsEnabled) return;
    const boss = await this.queue.start();
    await boss.createQueue(DELIVERY_REMINDERS_QUEUE, { name: DELIVERY_REMINDERS_QUEUE, policy: 'short', retryLimit: 3, retryDelay: 60, expireInSeconds: 600 });
    await boss.schedule(DELIVERY_REMINDERS_QUEUE, '5 * * * *', {}, { tz: 'Asia/Shanghai' });
    await boss.work(DELIVERY_REMINDERS_QUEUE, { pollingIntervalSeconds: 2, batchSize: 1 }, async () => {
      const sent = await this.sendReminders();
      if (sent.dueSoon || sent.overdue) this.logger.info({ context: 'delivery-jobs', ...sent }, 'milestone reminders sent');
    });
    this.started = true;
    // Once at start-up too, so a deployment does not wait for the next hour.
    await this.queueReminders();
  }

  /** Queues a reminder run now (at most one waiting at a time); null when the queue is off or one is waiting. */
  async queueReminders(): Promise<string | null> {
    if (!this.isRunning) return null;
    return this.queue.send(DELIVERY_REMINDERS_QUEUE, {}, { singletonKey: 'now' });
  }

  /** Sends every reminder now due that has not been sent; safe to run any number of times, at once. */
  async sendReminders(): Promise<RemindersSent> {
    return this.dataSource.transaction(async (m) => {
      const inserted = (await m.query(
        `WITH due AS (
           SELECT m.contract_id, m.position, m.due_date, m.name, c.organisation_id, c.reference,
                  CASE WHEN app_now() > ((m.due_date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai') THEN 'overdue'
                       WHEN (app_now() AT TIME ZONE 'Asia/Shanghai')::date >= m.due_date - $1::int THEN 'due_soon' END AS kind
             FROM contract_milestones m JOIN contracts c ON c.id = m.contract_id
            WHERE c.status = 'active' AND m.status = 'pending'
         ), sent AS (
           INSERT INTO milestone_reminders (contract_id, milestone_position, kind, due_date)
           SELECT contract_id, position, kind, due_date FROM due WHERE kind IS NOT NULL
           ON CONFLICT DO NOTHING
           RETURNING contract_id, milestone_position, kind
         )
         SELECT s.contract_id, s.milestone_position, s.kind, d.name, d.organisation_id, d.reference, d.due_date::text AS due_date
           FROM sent s JOIN due d ON d.contract_id = s.contract_id AND d.position = s.milestone_position
          ORDER BY d.due_date, d.reference, s.milestone_position`,
        [this.config.reminderDays],
      )) as Array<{ contract_id: string; milestone_position: number; kind: 'due_soon' | 'overdue'; name: string; organisation_id: string; reference: string; due_date: string }>;
      for (const r of inserted) {
        await this.notifications.notify(m, {
          recipients: { organisationIds: [r.organisation_id] },
          kind: r.kind === 'overdue' ? 'delivery.overdue' : 'delivery.due_soon',
          titleKey: r.kind === 'overdue' ? 'delivery.notifications.overdue' : 'delivery.notifications.dueSoon',
          params: { reference: r.reference, position: r.milestone_position, name: r.name, dueDate: r.due_date },
          link: `/organisation/contracts/${r.contract_id}/milestones/${r.milestone_position}/deliver`,
        });
      }
      return { dueSoon: inserted.filter((r) => r.kind === 'due_soon').length, overdue: inserted.filter((r) => r.kind === 'overdue').length };
    });
  }
}
