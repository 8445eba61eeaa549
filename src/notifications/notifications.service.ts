import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { NotFoundError } from '../common/errors/domain.error';
import { Notification } from './notification.entity';

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

/** In-app notifications for everything that asks a user to act; written in the caller's transaction. */
@Injectable()
export class NotificationsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async notify(manager: EntityManager, notification: NewNotification): Promise<number> {
    const { userIds = [], organisationIds = [], roles = [] } = notification.recipients;
    if (!userIds.length && !organisationIds.length && !roles.length) return 0;
    const rows = (await manager.query(
      `INSERT INTO notifications (user_id, kind, title_key, params, link)
       SELECT DISTINCT u.id, $4, $5, $6::jsonb, $7
         FROM users u
        WHERE u.is_active
          AND (u.id = ANY($1::uuid[]) OR u.organisation_id = ANY($2::uuid[]) OR u.roles && $3::text[])
       RETURNING id`,
      [userIds, organisationIds, roles, notification.kind, notification.titleKey, JSON.stringify(notification.params ?? {}), notification.link ?? null],
    )) as unknown[];
    return rows.length;
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
    const rows = (await this.dataSource.query(
      `UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE id = $1 AND user_id = $2 RETURNING link`,
      [/^[0-9a-f-]{36}$/i.test(id) ? id : '00000000-0000-0000-0000-000000000000', userId],
    )) as [Array<{ link: string | null }>, number] | Array<{ link: string | null }>;
    const list = Array.isArray(rows[0]) ? (rows[0] as Array<{ link: string | null }>) : (rows as Array<{ link: string | null }>);
    if (!list.length) throw new NotFoundError('NOTIFICATIONS.NOT_FOUND', 'No such notification');
    return list[0].link;
  }

  async markAllRead(userId: string): Promise<void> {
    await this.dataSource.query(`UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL`, [userId]);
  }
}
