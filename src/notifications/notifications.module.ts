import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';
import { UnreadCountInterceptor } from './unread-count.interceptor';

/** Global like the audit log: every module may tell users what needs them. */
@Global()
@Module({
  controllers: [NotificationsController],
  providers: [NotificationsService, { provide: APP_INTERCEPTOR, useClass: UnreadCountInterceptor }],
  exports: [NotificationsService],
})
export class NotificationsModule {}
