import { Body, Controller, Get, OnModuleInit, Param, Post, Query, Render, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor } from '../audit/actor';
import { FormContextRegistry } from '../common/http/form-context.registry';
import { FormView } from '../common/http/form-view';
import { LOCALE_COOKIE, isLocale } from '../i18n/i18n';
import { AnySignedIn, Public } from './access.decorators';
import { CurrentActor, CurrentUser } from './current-actor.decorator';
import { ChangePasswordDto, ResetPasswordDto } from './dto/change-password.dto';
import { IdentityService, SessionUser } from './identity.service';
import { LocalLoginGuard, LoginThrottleGuard } from './login.guards';
import { flash } from './session.setup';
import { safeNext } from '../common/http/safe-next';

export function landingFor(user: SessionUser): string {
  return user.mustChangePassword ? '/account/password' : '/dashboard';
}

@ApiExcludeController()
@Controller()
export class AuthPagesController implements OnModuleInit {
  constructor(
    private readonly identity: IdentityService,
    private readonly forms: FormContextRegistry,
  ) {}

  onModuleInit(): void {
    // A refused new password re-renders the form for the same link.
    this.forms.register('identity/reset-password', (req) => ({ valid: true, token: req.params.token }));
  }

  @Get('login')
  @Public()
  @Render('identity/login')
  loginForm(@Query('next') next?: string) {
    return { titleKey: 'identity.login.title', values: { next: safeNext(next, '') } };
  }

  @Post('login')
  @Public()
  @FormView('identity/login', { titleKey: 'identity.login.title' })
  @UseGuards(LoginThrottleGuard, LocalLoginGuard)
  async login(@Req() req: Request, @Res() res: Response) {
    const user = req.user as SessionUser;
    // A language chosen before signing in is this person's choice too: their email follows it.
    const chosen = (req.cookies as Record<string, unknown> | undefined)?.[LOCALE_COOKIE];
    if (isLocale(chosen)) await this.identity.setPreferredLocale(user.id, chosen);
    const next = safeNext((req.body as { next?: string }).next, '');
    res.redirect(303, user.mustChangePassword ? '/account/password' : next || landingFor(user));
  }

  @Post('logout')
  @Public()
  logout(@Req() req: Request, @Res() res: Response) {
    req.logout(() => {
      req.session?.destroy(() => {
        res.clearCookie('sid');
        res.redirect(303, '/');
      });
    });
  }

  @Get('account/password')
  @AnySignedIn()
  @Render('identity/change-password')
  passwordForm(@CurrentUser() user: SessionUser) {
    return { titleKey: 'identity.password.title', mustChange: user.mustChangePassword };
  }

  @Post('account/password')
  @AnySignedIn()
  @FormView('identity/change-password', { titleKey: 'identity.password.title' })
  async changePassword(@CurrentUser() user: SessionUser, @CurrentActor() actor: Actor, @Body() dto: ChangePasswordDto, @Req() req: Request, @Res() res: Response) {
    await this.identity.changePassword(actor, user.id, dto.currentPassword, dto.newPassword);
    // This session signed in before the change: sign in again with the new password.
    req.logout(() => {
      req.session.regenerate(() => {
        flash(req, 'success', 'identity.password.changed');
        res.redirect(303, '/login');
      });
    });
  }

  @Get('password-reset/:token')
  @Public()
  @Render('identity/reset-password')
  async resetForm(@Param('token') token: string) {
    return { titleKey: 'identity.reset.title', token, valid: await this.identity.checkResetToken(token) };
  }

  @Post('password-reset/:token')
  @Public()
  @FormView('identity/reset-password', { titleKey: 'identity.reset.title' })
  async reset(@Param('token') token: string, @CurrentActor() actor: Actor, @Body() dto: ResetPasswordDto, @Req() req: Request, @Res() res: Response) {
    await this.identity.resetPassword(actor, token, dto.newPassword);
    flash(req, 'success', 'identity.reset.done');
    res.redirect(303, '/login');
  }
}
