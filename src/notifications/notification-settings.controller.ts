import { Body, Controller, Get, OnModuleInit, Post, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { FormView } from '../common/http/form-view';
import { FormContextRegistry } from '../common/http/form-context.registry';
import { AnySignedIn } from '../identity/access.decorators';
import { CurrentUser } from '../identity/current-actor.decorator';
import { SessionUser } from '../identity/identity.service';
import { flash } from '../identity/session.setup';
import { EmailSettingsDto } from './dto/email-settings.dto';
import { NotificationsService } from './notifications.service';

/** Each person's email choices, reached from the account menu (邮件设置). */
@ApiExcludeController()
@Controller('account/notifications')
@AnySignedIn()
export class NotificationSettingsController implements OnModuleInit {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly forms: FormContextRegistry,
  ) {}

  onModuleInit(): void {
    this.forms.register('notifications/settings', async (req: Request) => {
      const user = req.user as SessionUser | undefined;
      return user ? this.context(user) : {};
    });
  }

  private async context(user: SessionUser) {
    const settings = await this.notifications.emailSettings(user.id);
    return {
      email: user.email,
      localeKey: settings.locale === 'en' ? 'notifications.settings.languageEn' : 'notifications.settings.languageZh',
      choices: [
        { code: 'all', labelKey: 'notifications.settings.all' },
        { code: 'essential', labelKey: 'notifications.settings.essentialOnly' },
      ],
      current: settings.wantsNonEssential ? 'all' : 'essential',
    };
  }

  @Get()
  @Render('notifications/settings')
  async show(@CurrentUser() user: SessionUser) {
    const context = await this.context(user);
    return { titleKey: 'notifications.settings.title', ...context, values: { email: context.current } };
  }

  @Post()
  @FormView('notifications/settings', { titleKey: 'notifications.settings.title' })
  async save(@CurrentUser() user: SessionUser, @Body() dto: EmailSettingsDto, @Req() req: Request, @Res() res: Response) {
    await this.notifications.setEmailSettings(user.id, dto.email === 'all');
    flash(req, 'success', 'notifications.settings.saved');
    res.redirect(303, '/account/notifications');
  }
}
