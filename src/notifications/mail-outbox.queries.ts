import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OutboxStatus } from './dto/outbox-query.dto';

export interface OutboxRow {
  id: string;
  createdAt: Date;
  status: OutboxStatus;
  recipient: string;
  locale: string;
  kind: string;
  isEssential: boolean;
  subject: string;
  bodyText: string;
  attempts: number;
  lastError: string | null;
  sentAt: Date | null;
}

/** Read-only SQL for the admin's view of the email outbox. */
@Injectable()
export class MailOutboxQueries {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(filter: { status?: OutboxStatus; page: number; pageSize: number }): Promise<{ data: OutboxRow[]; total: number; counts: Record<string, number> }> {
    const rows = (await this.dataSource.query(
      `SELECT id, created_at, status, recipient, locale, kind, is_essential, subject, body_text, attempts, last_error, sent_at
         FROM mail_outbox WHERE ($1::text IS NULL OR status = $1) ORDER BY created_at DESC, id LIMIT $2 OFFSET $3`,
      [filter.status ?? null, filter.pageSize, (filter.page - 1) * filter.pageSize],
    )) as Array<Record<string, unknown>>;
    const countRows = (await this.dataSource.query(`SELECT status, count(*)::int AS n FROM mail_outbox GROUP BY status`)) as Array<{ status: string; n: number }>;
    const counts = Object.fromEntries(countRows.map((r) => [r.status, r.n]));
    const total = filter.status ? (counts[filter.status] ?? 0) : countRows.reduce((s, r) => s + r.n, 0);
    return {
      total,
      counts,
      data: rows.map((r) => ({
        id: r.id as string,
        createdAt: r.created_at as Date,
        status: r.status as OutboxStatus,
        recipient: r.recipient as string,
        locale: r.locale as string,
        kind: r.kind as string,
        isEssential: r.is_essential as boolean,
        subject: r.subject as string,
        bodyText: r.body_text as string,
        attempts: r.attempts as number,
        lastError: r.last_error as string | null,
        sentAt: r.sent_at as Date | null,
      })),
    };
  }
}
