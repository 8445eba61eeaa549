import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { MailOutboxQueries } from './mail-outbox.queries';
import { MailOutboxWorker } from './mail-outbox.worker';
import { MailJobs } from './mail.jobs';
import { MailTransport } from './mail.transport';
import { NotificationSettingsController } from './notification-settings.controller';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';
import { OutboxAdminController } from './outbox-admin.controller';
import { UnreadCountInterceptor } from './unread-count.interceptor';

/** Global like the audit log: every module may tell users what needs them (inbox and email). */
@Global()
@Module({
  controllers: [NotificationsController, NotificationSettingsController, OutboxAdminController],
  providers: [NotificationsService, MailTransport, MailOutboxWorker, MailJobs, MailOutboxQueries, { provide: APP_INTERCEPTOR, useClass: UnreadCountInterceptor }],
  exports: [NotificationsService, MailOutboxWorker],
})
export class NotificationsModule {}
