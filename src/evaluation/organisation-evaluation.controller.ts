import { Body, Controller, Get, Param, Post, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor } from '../audit/actor';
import { FormView } from '../common/http/form-view';
import { Allow } from '../identity/access.decorators';
import { CurrentActor } from '../identity/current-actor.decorator';
import { flash } from '../identity/session.setup';
import { ExplanationDto } from './dto/evaluation-forms.dto';
import { EvaluationQueries } from './evaluation.queries';
import { QualificationService } from './qualification.service';

/** A bidder's view of its own bid in the evaluation: the qualification result with its reason, and the low-price explanation form. */
@ApiExcludeController()
@Controller('bids/:bidId/evaluation')
@Allow('org_member')
export class OrganisationEvaluationController {
  constructor(
    private readonly pages: EvaluationQueries,
    private readonly qualification: QualificationService,
  ) {}

  @Get()
  @Render('evaluation/org-bid')
  show(@Param('bidId') bidId: string, @CurrentActor() actor: Actor) {
    return this.pages.organisationBidPage(actor, bidId);
  }

  @Post('explanation')
  @FormView('evaluation/org-bid', { titleKey: 'evaluation.organisation.title' })
  async explain(@Param('bidId') bidId: string, @CurrentActor() actor: Actor, @Body() dto: ExplanationDto, @Req() req: Request, @Res() res: Response) {
    await this.qualification.explainLowPrice(actor, bidId, dto.explanation ?? '');
    flash(req, 'success', 'evaluation.flash.explained');
    res.redirect(303, `/bids/${bidId}/evaluation`);
  }
}
