import { Controller, Get, Param, Post, Render, Req, Res } from '@nestjs/common';
import { isConfirmed, renderConfirmation } from '../common/http/confirmation';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor } from '../audit/actor';
import { FormView } from '../common/http/form-view';
import { Allow } from '../identity/access.decorators';
import { CurrentActor } from '../identity/current-actor.decorator';
import { redirectWithFlash } from '../organisations/redirect';
import { ContractsService } from './contracts.service';
import { sendContractPdf } from './contract.pdf';
import { ContractsQueries } from './contracts.queries';

/** The organisation's contracts; its administrator confirms them. Always the signed-in member's own organisation. */
@ApiExcludeController()
@Controller('organisation')
@Allow('org_member', 'org_admin')
export class OrganisationContractsController {
  constructor(
    private readonly contracts: ContractsService,
    private readonly views: ContractsQueries,
  ) {}

  @Get('contracts')
  @Render('contracts/org-list')
  list(@CurrentActor() actor: Actor) {
    return this.views.organisationListPage(actor);
  }

  @Get('contracts/:id')
  @Render('contracts/org-contract')
  show(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request) {
    return this.views.organisationContractPage(actor, id, req.locale);
  }

  /** The printable contract (HTML and PDF): a draft, marked so, until it is published. */
  @Get('contracts/:id/print')
  @Render('contracts/print')
  print(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request) {
    return this.views.organisationPrintPage(actor, id, req.locale);
  }

  @Get('contracts/:id/contract.pdf')
  async pdf(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    await sendContractPdf(res, await this.views.organisationPrintPage(actor, id, req.locale), req.locale ?? 'zh-CN');
  }

  @Post('contracts/:id/confirm')
  @Allow('org_admin')
  @FormView('contracts/org-contract', { titleKey: 'contracts.org.contractTitle' })
  async confirm(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    if (!isConfirmed(req)) return renderConfirmation(req, res, await this.views.confirmContractConfirmation(actor, id, 'organisation'));
    const contract = await this.contracts.confirmContract(actor, id, 'organisation');
    await redirectWithFlash(req, res, contract.status === 'active' ? 'contracts.flash.activated' : 'contracts.flash.confirmed', `/organisation/contracts/${id}`);
  }
}
