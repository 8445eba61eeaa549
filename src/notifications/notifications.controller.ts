import { Controller, Get, Param, Post, Query, Render, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { pageLinks } from '../catalogue/catalogue-pages.controller';
import { AnySignedIn } from '../identity/access.decorators';
import { CurrentUser } from '../identity/current-actor.decorator';
import { SessionUser } from '../identity/identity.service';
import { NotificationsService } from './notifications.service';

@ApiExcludeController()
@Controller('inbox')
@AnySignedIn()
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Render('notifications/inbox')
  async inbox(@CurrentUser() user: SessionUser, @Query('page') pageParam?: string) {
    const page = Math.max(1, Math.min(10000, Number.parseInt(pageParam ?? '1', 10) || 1));
    const { data, total } = await this.notifications.list(user.id, page);
    return { titleKey: 'notifications.title', notifications: data, pagination: { ...pageLinks({ page, pageSize: 30, total }), baseQuery: '' } };
  }

  /** Opening a notification marks it read and follows its link. */
  @Post(':id/open')
  async open(@CurrentUser() user: SessionUser, @Param('id') id: string, @Res() res: Response) {
    const link = await this.notifications.markRead(user.id, id);
    res.redirect(303, link ?? '/inbox');
  }

  @Post('read-all')
  async readAll(@CurrentUser() user: SessionUser, @Res() res: Response) {
    await this.notifications.markAllRead(user.id);
    res.redirect(303, '/inbox');
  }
}
