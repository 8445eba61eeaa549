import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { from, switchMap } from 'rxjs';
import { isApiRequest } from '../common/http/request-context.middleware';
import { SessionUser } from '../identity/identity.service';
import { NotificationsService } from './notifications.service';

/** Puts the signed-in user's unread count in the page header (pages only, not the API). */
@Injectable()
export class UnreadCountInterceptor implements NestInterceptor {
  constructor(private readonly notifications: NotificationsService) {}

  intercept(context: ExecutionContext, next: CallHandler) {
    const req = context.switchToHttp().getRequest<Request>();
    const user = req.user as SessionUser | undefined;
    if (!user || req.method !== 'GET' || isApiRequest(req)) return next.handle();
    return from(this.notifications.unreadCount(user.id)).pipe(
      switchMap((count) => {
        context.switchToHttp().getResponse<Response>().locals.unreadCount = count;
        return next.handle();
      }),
    );
  }
}
