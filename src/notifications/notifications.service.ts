import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG } from '../common/common.module';
import { NotFoundError } from '../common/errors/domain.error';
import { AppConfig } from '../config/app.config';
import { DEFAULT_LOCALE, isLocale } from '../i18n/i18n';
import { isDeliverableAddress, isEssentialKind, renderEmail, shouldEmail } from './domain/email-policy';
import { MailJobs } from './mail.jobs';
import { Notification } from './notification.entity';
import { isUuid } from '../common/validation/uuid';

export interface Recipients {
  userIds?: string[];
  /** Every active member of these organisations. */
  organisationIds?: string[];
  /** Every active user holding one of these roles. */
  roles?: string[];
}

export interface NewNotification {
  recipients: Recipients;
  /** Machine-readable kind, e.g. `project.amended`. */
  kind: string;
  titleKey: string;
  params?: Record<string, unknown>;
  /** A same-site path to act on it. */
  link?: string;
}

/**
 * In-app notifications for every decision about a person or an organisation and everything that
 * waits for someone, each copied to an email in the recipient's language (unless they turned
 * non-essential email off): both written in the caller's transaction, so a decision that rolls
 * back tells nobody, and one that commits has its messages in the outbox.
 */
@Injectable()
export class NotificationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly mailJobs: MailJobs,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async notify(manager: EntityManager, notification: NewNotification): Promise<number> {
    const { userIds = [], organisationIds = [], roles = [] } = notification.recipients;
    if (!userIds.length && !organisationIds.length && !roles.length) return 0;
    const params = notification.params ?? {};
    const rows = (await manager.query(
      `WITH inserted AS (
         INSERT INTO notifications (user_id, kind, title_key, params, link)
         SELECT DISTINCT u.id, $4, $5, $6::jsonb, $7
           FROM users u
          WHERE u.is_active
            AND (u.id = ANY($1::uuid[]) OR u.organisation_id = ANY($2::uuid[]) OR u.roles && $3::text[])
         RETURNING id, user_id)
       SELECT i.id, i.user_id, u.email, u.display_name, u.preferred_locale, coalesce(s.email_non_essential, true) AS wants_non_essential
         FROM inserted i JOIN users u ON u.id = i.user_id LEFT JOIN notification_settings s ON s.user_id = i.user_id`,
      [userIds, organisationIds, roles, notification.kind, notification.titleKey, JSON.stringify(params), notification.link ?? null],
    )) as Array<{ id: string; user_id: string; email: string; display_name: string; preferred_locale: string; wants_non_essential: boolean }>;
    await this.queueEmails(manager, notification, params, rows);
    return rows.length;
  }

  /** One outbox row per recipient who gets email for this kind, rendered now in their language. */
  private async queueEmails(
    manager: EntityManager,
    notification: NewNotification,
    params: Record<string, unknown>,
    rows: Array<{ id: string; user_id: string; email: string; display_name: string; preferred_locale: string; wants_non_essential: boolean }>,
  ): Promise<void> {
    const isEssential = isEssentialKind(notification.kind);
    const mails = rows
      .filter((r) => shouldEmail(notification.kind, r.wants_non_essential) && isDeliverableAddress(r.email))
      .map((r) => {
        const locale = isLocale(r.preferred_locale) ? r.preferred_locale : DEFAULT_LOCALE;
        const email = renderEmail({ locale, displayName: r.display_name, titleKey: notification.titleKey, params, link: notification.link ?? null, publicUrl: this.config.publicUrl, isEssential });
        return { notificationId: r.id, userId: r.user_id, recipient: r.email, locale, subject: email.subject, text: email.text };
      });
    if (!mails.length) return;
    const inserted = (await manager.query(
      `INSERT INTO mail_outbox (notification_id, user_id, recipient, locale, kind, is_essential, subject, body_text)
       SELECT n, u, r, l, $7, $8, s, b FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[]) AS x(n, u, r, l, s, b)
       RETURNING id`,
      [
        mails.map((x) => x.notificationId),
        mails.map((x) => x.userId),
        mails.map((x) => x.recipient),
        mails.map((x) => x.locale),
        mails.map((x) => x.subject),
        mails.map((x) => x.text),
        notification.kind,
        isEssential,
      ],
    )) as Array<{ id: string }>;
    await this.mailJobs.queueSend(
      manager,
      inserted.map((r) => r.id),
    );
  }

  /** The person's email choices: the language (identity's users.preferred_locale) and non-essential email on or off. */
  async emailSettings(userId: string): Promise<{ locale: string; wantsNonEssential: boolean }> {
    const [row] = (await this.dataSource.query(
      `SELECT u.preferred_locale, coalesce(s.email_non_essential, true) AS wants FROM users u LEFT JOIN notification_settings s ON s.user_id = u.id WHERE u.id = $1`,
      [userId],
    )) as Array<{ preferred_locale: string; wants: boolean }>;
    if (!row) throw new NotFoundError('NOTIFICATIONS.USER_NOT_FOUND', 'No such user');
    return { locale: row.preferred_locale, wantsNonEssential: row.wants };
  }

  /** Turns non-essential email on or off (essential email is always sent). */
  async setEmailSettings(userId: string, wantsNonEssential: boolean): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO notification_settings (user_id, email_non_essential) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET email_non_essential = EXCLUDED.email_non_essential, updated_at = now()`,
      [userId, wantsNonEssential],
    );
  }

  async unreadCount(userId: string): Promise<number> {
    const [{ n }] = (await this.dataSource.query(`SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL`, [userId])) as { n: number }[];
    return n;
  }

  async list(userId: string, page = 1, pageSize = 30): Promise<{ data: Notification[]; total: number }> {
    const [data, total] = await this.dataSource.getRepository(Notification).findAndCount({
      where: { userId },
      order: { createdAt: 'DESC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    return { data, total };
  }

  /** Marks one of the user's own notifications read; returns its link. Someone else's id is 404. */
  async markRead(userId: string, id: string): Promise<string | null> {
    const rows = (await this.dataSource.query(`UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE id = $1 AND user_id = $2 RETURNING link`, [
      isUuid(id) ? id : '00000000-0000-0000-0000-000000000000',
      userId,
    ])) as [Array<{ link: string | null }>, number] | Array<{ link: string | null }>;
    const list = Array.isArray(rows[0]) ? (rows[0] as Array<{ link: string | null }>) : (rows as Array<{ link: string | null }>);
    if (!list.length) throw new NotFoundError('NOTIFICATIONS.NOT_FOUND', 'No such notification');
    return list[0].link;
  }

  async markAllRead(userId: string): Promise<void> {
    await this.dataSource.query(`UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL`, [userId]);
  }
}
