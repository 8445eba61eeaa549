import { Body, Controller, Get, Post, Render, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor } from '../audit/actor';
import { FormView } from '../common/http/form-view';
import { Public } from '../identity/access.decorators';
import { CurrentActor } from '../identity/current-actor.decorator';
import { RegisterOrganisationDto } from './dto/register-organisation.dto';
import { OrganisationsService } from './organisations.service';
import { OrganisationsQueries } from './organisations.queries';
import { redirectWithFlash } from './redirect';
import { RegistrationThrottleGuard } from './registration-throttle.guard';

/** Public sign-up of a social organisation and its administrator, who is signed in straight away. */
@ApiExcludeController()
@Controller('register')
@Public()
export class RegistrationController {
  constructor(
    private readonly organisations: OrganisationsService,
    private readonly views: OrganisationsQueries,
  ) {}

  @Get()
  @Render('organisations/register')
  form(@Req() req: Request) {
    return this.views.registerPage(undefined, Boolean(req.user));
  }

  @Post()
  @UseGuards(RegistrationThrottleGuard)
  @FormView('organisations/register', { titleKey: 'organisations.register.title' })
  async register(@CurrentActor() actor: Actor, @Body() dto: RegisterOrganisationDto, @Req() req: Request, @Res() res: Response) {
    const { user } = await this.organisations.register(actor, dto);
    // As LocalLoginGuard does: passport regenerates the session id, then the lifetime starts.
    await new Promise<void>((resolve, reject) => req.login(user, (error: unknown) => (error ? reject(error as Error) : resolve())));
    req.session.startedAt = Date.now();
    await redirectWithFlash(req, res, 'organisations.register.done', '/organisation');
  }
}
