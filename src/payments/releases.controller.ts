import { Controller, Get, Param, Post, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor } from '../audit/actor';
import { STAFF_READERS } from '../awards/awards.queries';
import { FormView } from '../common/http/form-view';
import { Allow } from '../identity/access.decorators';
import { CurrentActor } from '../identity/current-actor.decorator';
import { redirectWithFlash } from '../organisations/redirect';
import { ReleasesService, releaseKindOf } from './releases.service';
import { ReleasesQueries } from './releases.queries';

/** Hold-back and retention releases and the settlement of a contract (bureau pages). */
@ApiExcludeController()
@Controller('staff/contracts/:id')
@Allow(...STAFF_READERS)
export class ReleasesController {
  constructor(
    private readonly releases: ReleasesService,
    private readonly views: ReleasesQueries,
  ) {}

  @Get('releases')
  @Render('payments/releases')
  page(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request) {
    return this.views.releasesPage(id, actor, req.locale);
  }

  @Post('releases/:kind')
  @Allow('bureau_officer')
  @FormView('payments/releases', { titleKey: 'reporting.releases.title' })
  async propose(@Param('id') id: string, @Param('kind') kind: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    const d = await this.releases.proposeRelease(actor, id, releaseKindOf(kind));
    await redirectWithFlash(req, res, 'payments.flash.proposed', `/staff/disbursements/${d.id}`);
  }

  @Post('settlement')
  @Allow('bureau_officer')
  @FormView('payments/releases', { titleKey: 'reporting.releases.title' })
  async settle(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    await this.releases.settleContract(actor, id);
    await redirectWithFlash(req, res, 'reporting.releases.flash.settled', `/staff/contracts/${id}/releases`);
  }
}
