import { Body, Controller, Get, Header, HttpCode, Inject, OnModuleInit, Param, Post, Query, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor } from '../audit/actor';
import { APP_CONFIG } from '../common/common.module';
import { FormContextRegistry } from '../common/http/form-context.registry';
import { FormView } from '../common/http/form-view';
import { AppConfig } from '../config/app.config';
import { Allow, ROLES } from './access.decorators';
import { ADMIN_PAGE_SIZE } from './admin-pages';
import { grantableRoleOptions, pageLinks, presentAccount, presentOneTimeLink } from './admin-users.presenter';
import { ACCOUNT_STATUSES, AdminUsersService } from './admin-users.service';
import { CurrentActor, CurrentUser } from './current-actor.decorator';
import { AdminCreateUserDto } from './dto/admin-create-user.dto';
import { AdminListUsersQuery } from './dto/admin-list-users.query';
import { AdminRolesDto } from './dto/admin-roles.dto';
import { SessionUser } from './identity.service';
import { flash } from './session.setup';
import { adminOnlyContext } from './form-contexts';

const FILTERS = ['q', 'role', 'status'] as const;

/**
 * The administrator's account pages. Accounts are created without a password: the page that
 * answers the form shows a one-time set-password link, once, and nothing stores it readable.
 */
@ApiExcludeController()
@Controller('admin/users')
@Allow('admin')
export class AdminUsersController implements OnModuleInit {
  constructor(
    private readonly accounts: AdminUsersService,
    private readonly forms: FormContextRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.forms.register(
      'admin/users/new',
      adminOnlyContext(() => ({ roleOptions: grantableRoleOptions() })),
    );
    this.forms.register(
      'admin/users/show',
      adminOnlyContext((req) => this.showContext(req.params.id as string, (req.user as SessionUser).id)),
    );
  }

  @Get()
  @Render('admin/users/index')
  async index(@Query() query: AdminListUsersQuery, @CurrentUser() me: SessionUser) {
    const result = await this.accounts.listAccounts({ ...query, pageSize: ADMIN_PAGE_SIZE });
    const params = new URLSearchParams();
    for (const key of FILTERS) if (query[key]) params.set(key, query[key] as string);
    return {
      titleKey: 'admin.users.title',
      query,
      isFiltered: FILTERS.some((key) => query[key]),
      roleOptions: ROLES.map((role) => ({ code: role, labelKey: `identity.roles.${role}` })),
      statusOptions: ACCOUNT_STATUSES.map((status) => ({ code: status, labelKey: `admin.users.status.${status}` })),
      accounts: result.data.map((account) => presentAccount(account, me.id)),
      pagination: { ...pageLinks(result.meta), baseQuery: params.toString() },
    };
  }

  @Get('new')
  @Render('admin/users/new')
  newForm() {
    return { titleKey: 'admin.users.new.title', roleOptions: grantableRoleOptions(), values: { roles: [] } };
  }

  @Post('new')
  @HttpCode(200)
  @FormView('admin/users/new', { titleKey: 'admin.users.new.title' })
  @Header('Cache-Control', 'no-store')
  @Render('admin/one-time-link')
  async create(@CurrentActor() actor: Actor, @Body() dto: AdminCreateUserDto) {
    const link = await this.accounts.createAccount(actor, dto);
    return {
      titleKey: 'admin.link.createdTitle',
      flash: { kind: 'success', key: 'admin.users.flash.created' },
      link: presentOneTimeLink(link, this.config.publicUrl),
      backHref: `/admin/users/${link.userId}`,
      backKey: 'admin.link.toAccount',
    };
  }

  @Get(':id')
  @Render('admin/users/show')
  async show(@Param('id') id: string, @CurrentUser() me: SessionUser) {
    return this.showContext(id, me.id);
  }

  @Post(':id/deactivate')
  @FormView('admin/users/show', { titleKey: 'admin.users.show.title' })
  async deactivate(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    await this.accounts.deactivate(actor, id);
    flash(req, 'success', 'admin.users.flash.deactivated');
    res.redirect(303, `/admin/users/${id}`);
  }

  @Post(':id/reactivate')
  @FormView('admin/users/show', { titleKey: 'admin.users.show.title' })
  async reactivate(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    await this.accounts.reactivate(actor, id);
    flash(req, 'success', 'admin.users.flash.reactivated');
    res.redirect(303, `/admin/users/${id}`);
  }

  @Post(':id/reset-password')
  @HttpCode(200)
  @FormView('admin/users/show', { titleKey: 'admin.users.show.title' })
  @Header('Cache-Control', 'no-store')
  @Render('admin/one-time-link')
  async resetPassword(@Param('id') id: string, @CurrentActor() actor: Actor) {
    const link = await this.accounts.issueSetPasswordLink(actor, id);
    return {
      titleKey: 'admin.link.resetTitle',
      flash: { kind: 'success', key: 'admin.users.flash.linkIssued' },
      link: presentOneTimeLink(link, this.config.publicUrl),
      backHref: `/admin/users/${link.userId}`,
      backKey: 'admin.link.toAccount',
    };
  }

  @Post(':id/roles')
  @FormView('admin/users/show', { titleKey: 'admin.users.show.title' })
  async changeRoles(@Param('id') id: string, @CurrentActor() actor: Actor, @Body() dto: AdminRolesDto, @Req() req: Request, @Res() res: Response) {
    await this.accounts.changeRoles(actor, id, dto.roles);
    flash(req, 'success', 'admin.users.flash.rolesChanged');
    res.redirect(303, `/admin/users/${id}`);
  }

  private async showContext(id: string, viewerId: string) {
    const account = presentAccount(await this.accounts.getAccount(id), viewerId);
    return { titleKey: 'admin.users.show.title', account, roleOptions: grantableRoleOptions(), values: { roles: account.roles } };
  }
}
