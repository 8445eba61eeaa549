import { Controller, Get, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DashboardRegistry } from '../common/views/dashboard.registry';
import { AnySignedIn } from '../identity/access.decorators';
import { CurrentUser } from '../identity/current-actor.decorator';
import { SessionUser } from '../identity/identity.service';

/** After sign-in: what this user's roles have to do now, contributed by each module. */
@ApiExcludeController()
@Controller('dashboard')
export class DashboardController {
  constructor(private readonly registry: DashboardRegistry) {}

  @Get()
  @AnySignedIn()
  @Render('dashboard/index')
  async show(@CurrentUser() user: SessionUser) {
    return { titleKey: 'dashboard.title', roleKeys: user.roles.map((r) => `identity.roles.${r}`), widgets: await this.registry.widgetsFor(user) };
  }
}
