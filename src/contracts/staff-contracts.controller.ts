import { Body, Controller, Get, Param, Post, Render, Req, Res } from '@nestjs/common';
import { isConfirmed, renderConfirmation } from '../common/http/confirmation';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor } from '../audit/actor';
import { FormView } from '../common/http/form-view';
import { Allow } from '../identity/access.decorators';
import { CurrentActor } from '../identity/current-actor.decorator';
import { redirectWithFlash } from '../organisations/redirect';
import { ContractsService } from './contracts.service';
import { STAFF_READERS } from '../awards/awards.queries';
import { sendContractPdf } from './contract.pdf';
import { ContractsQueries } from './contracts.queries';
import { DecideVariationDto, ProposeVariationDto } from './dto/variation.dto';
import { VariationsService } from './variations.service';

/** Bureau pages: contract generation (officers), confirmation (approvers), variations (officers propose, approvers decide). */
@ApiExcludeController()
@Controller('staff')
@Allow(...STAFF_READERS)
export class StaffContractsController {
  constructor(
    private readonly contracts: ContractsService,
    private readonly variations: VariationsService,
    private readonly views: ContractsQueries,
  ) {}

  @Get('contracts')
  @Render('contracts/staff-list')
  list() {
    return this.views.staffListPage();
  }

  /** The award's contract, or the page to generate it. */
  @Get('awards/:awardId/contract')
  async contractOfAward(@Param('awardId') awardId: string, @Req() req: Request, @Res() res: Response) {
    const existing = await this.contracts.findByAward(awardId);
    if (existing) return res.redirect(303, `/staff/contracts/${existing.id}`);
    res.render('contracts/generate', await this.views.generatePage(awardId, req.locale));
  }

  @Post('awards/:awardId/contract')
  @Allow('bureau_officer')
  @FormView('contracts/generate', { titleKey: 'contracts.generate.title' })
  async generate(@Param('awardId') awardId: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    const contract = await this.contracts.generateContract(actor, awardId);
    await redirectWithFlash(req, res, 'contracts.flash.generated', `/staff/contracts/${contract.id}`);
  }

  @Get('contracts/:id')
  @Render('contracts/staff-contract')
  show(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request) {
    return this.views.staffContractPage(id, actor, req.locale);
  }

  /** The printable contract (HTML and PDF): a draft, marked so, until it is published. */
  @Get('contracts/:id/print')
  @Render('contracts/print')
  print(@Param('id') id: string, @Req() req: Request) {
    return this.views.staffPrintPage(id, req.locale);
  }

  @Get('contracts/:id/contract.pdf')
  async pdf(@Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    await sendContractPdf(res, await this.views.staffPrintPage(id, req.locale), req.locale ?? 'zh-CN');
  }

  @Post('contracts/:id/confirm')
  @Allow('bureau_approver')
  @FormView('contracts/staff-contract', { titleKey: 'contracts.staff.contractTitle' })
  async confirm(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    if (!isConfirmed(req)) return renderConfirmation(req, res, await this.views.confirmContractConfirmation(actor, id, 'approver'));
    const contract = await this.contracts.confirmContract(actor, id, 'approver');
    await redirectWithFlash(req, res, contract.status === 'active' ? 'contracts.flash.activated' : 'contracts.flash.confirmed', `/staff/contracts/${id}`);
  }

  @Get('contracts/:id/variations/new')
  @Allow('bureau_officer')
  @Render('contracts/variation-form')
  variationForm(@Param('id') id: string) {
    return this.views.variationFormPage(id);
  }

  @Post('contracts/:id/variations')
  @Allow('bureau_officer')
  @FormView('contracts/variation-form', { titleKey: 'contracts.variation.newTitle' })
  async propose(@Param('id') id: string, @Body() dto: ProposeVariationDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    await this.variations.proposeVariation(actor, id, dto);
    await redirectWithFlash(req, res, 'contracts.flash.variationProposed', `/staff/contracts/${id}#variations`);
  }

  @Post('contracts/:id/variations/:variationId/decision')
  @Allow('bureau_approver')
  @FormView('contracts/staff-contract', { titleKey: 'contracts.staff.contractTitle' })
  async decide(@Param('id') id: string, @Param('variationId') variationId: string, @Body() dto: DecideVariationDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    const variation = await this.variations.decideVariation(actor, id, variationId, dto);
    await redirectWithFlash(req, res, variation.status === 'approved' ? 'contracts.flash.variationApproved' : 'contracts.flash.variationRejected', `/staff/contracts/${id}#variations`);
  }
}
