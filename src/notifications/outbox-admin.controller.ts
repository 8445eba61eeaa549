import { Controller, Get, Header, Query, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { pageLinks } from '../catalogue/catalogue-pages.controller';
import { Allow } from '../identity/access.decorators';
import { OUTBOX_STATUSES, OutboxQuery } from './dto/outbox-query.dto';
import { MailOutboxQueries } from './mail-outbox.queries';
import { MailTransport } from './mail.transport';

const PAGE_SIZE = 50;

/** The admin's view of the email outbox: every message with status, recipient, subject and body. */
@ApiExcludeController()
@Controller('admin/outbox')
@Allow('admin')
export class OutboxAdminController {
  constructor(
    private readonly queries: MailOutboxQueries,
    private readonly transport: MailTransport,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @Render('notifications/outbox')
  async index(@Query() query: OutboxQuery) {
    const page = query.page ?? 1;
    const result = await this.queries.list({ status: query.status, page, pageSize: PAGE_SIZE });
    return {
      titleKey: 'notifications.outbox.title',
      smtpConfigured: this.transport.isConfigured,
      from: this.transport.from,
      status: query.status ?? '',
      statusOptions: OUTBOX_STATUSES.map((code) => ({ code, labelKey: `notifications.outbox.statuses.${code}`, count: result.counts[code] ?? 0 })),
      messages: result.data.map((m) => ({ ...m, statusKey: `notifications.outbox.statuses.${m.status}` })),
      pagination: { ...pageLinks({ page, pageSize: PAGE_SIZE, total: result.total }), baseQuery: query.status ? `status=${query.status}` : '' },
    };
  }
}
