import { Body, Controller, Get, Param, Post, Render, Req, Res } from '@nestjs/common';
import { isConfirmed, renderConfirmation } from '../common/http/confirmation';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor } from '../audit/actor';
import { FormView } from '../common/http/form-view';
import { Allow } from '../identity/access.decorators';
import { CurrentActor } from '../identity/current-actor.decorator';
import { flash } from '../identity/session.setup';
import { CommitteeService } from './committee.service';
import { CloseQualificationDto, DeclarationDto, LowPriceDecisionDto, NoteDto, QualificationDecisionDto, RecusalDto, ScoreSheetDto } from './dto/evaluation-forms.dto';
import { MEMBER_ROLES } from './evaluation-access';
import { EvaluationQueries } from './evaluation.queries';
import { QualificationService } from './qualification.service';
import { ResultsService } from './results.service';
import { ScoringService } from './scoring.service';

/**
 * The committee member's side (experts and the bureau representative): what is due, the
 * declaration, the anonymised bids and score sheets, flags, sign-off. Membership is checked by
 * the services; the guard only admits the roles a member can hold.
 */
@ApiExcludeController()
@Controller('evaluations')
@Allow(...MEMBER_ROLES)
export class CommitteeController {
  constructor(
    private readonly pages: EvaluationQueries,
    private readonly committee: CommitteeService,
    private readonly qualification: QualificationService,
    private readonly scoring: ScoringService,
    private readonly results: ResultsService,
  ) {}

  @Get()
  @Render('evaluation/my-evaluations')
  mine(@CurrentActor() actor: Actor) {
    return this.pages.myEvaluations(actor);
  }

  @Get(':id')
  @Render('evaluation/member')
  show(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request) {
    return this.pages.memberPage(actor, id, req.locale);
  }

  @Post(':id/declaration')
  @FormView('evaluation/member', { titleKey: 'evaluation.member.title' })
  async declare(@Param('id') id: string, @CurrentActor() actor: Actor, @Body() dto: DeclarationDto, @Req() req: Request, @Res() res: Response) {
    await this.committee.declare(actor, id, { accepted: dto.accepted === true, signerName: dto.signerName ?? '' });
    flash(req, 'success', 'evaluation.flash.declared');
    res.redirect(303, `/evaluations/${id}`);
  }

  @Post(':id/recusal')
  @FormView('evaluation/member', { titleKey: 'evaluation.member.title' })
  async recuse(@Param('id') id: string, @CurrentActor() actor: Actor, @Body() dto: RecusalDto, @Req() req: Request, @Res() res: Response) {
    await this.committee.recuse(actor, id, dto.reason ?? '');
    flash(req, 'success', 'evaluation.flash.recused');
    res.redirect(303, '/evaluations');
  }

  @Post(':id/qualification/:bidId')
  @FormView('evaluation/member', { titleKey: 'evaluation.member.title' })
  async decide(@Param('id') id: string, @Param('bidId') bidId: string, @CurrentActor() actor: Actor, @Body() dto: QualificationDecisionDto, @Req() req: Request, @Res() res: Response) {
    await this.qualification.decide(actor, id, bidId, { decision: dto.decision as 'valid' | 'invalid', reasonCode: dto.reasonCode, reason: dto.reason });
    flash(req, 'success', 'evaluation.flash.qualificationSaved');
    res.redirect(303, `/evaluations/${id}#qualification`);
  }

  @Post(':id/close-qualification')
  @FormView('evaluation/member', { titleKey: 'evaluation.member.title' })
  async close(@Param('id') id: string, @CurrentActor() actor: Actor, @Body() dto: CloseQualificationDto, @Req() req: Request, @Res() res: Response) {
    const { failed } = await this.qualification.close(actor, id, { explanationHours: dto.explanationHours });
    flash(req, failed ? 'warning' : 'success', failed ? 'evaluation.flash.failed' : 'evaluation.flash.qualificationClosed');
    res.redirect(303, `/evaluations/${id}`);
  }

  @Get(':id/bids/:letter')
  @Render('evaluation/bid')
  bid(@Param('id') id: string, @Param('letter') letter: string, @CurrentActor() actor: Actor) {
    return this.pages.memberBidPage(actor, id, letter);
  }

  @Post(':id/bids/:letter/scores')
  @FormView('evaluation/bid', { titleKey: 'evaluation.bid.title' })
  async score(@Param('id') id: string, @Param('letter') letter: string, @CurrentActor() actor: Actor, @Body() dto: ScoreSheetDto, @Req() req: Request, @Res() res: Response) {
    const { revised, stillFlagged } = await this.scoring.saveSheet(actor, id, letter, { points: dto.points, comments: dto.comments });
    flash(req, stillFlagged ? 'warning' : 'success', revised ? (stillFlagged ? 'evaluation.flash.revisedStillFlagged' : 'evaluation.flash.revised') : 'evaluation.flash.scoresSaved');
    res.redirect(303, `/evaluations/${id}`);
  }

  @Post(':id/submission')
  @FormView('evaluation/member', { titleKey: 'evaluation.member.title' })
  async submit(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    if (!isConfirmed(req)) {
      await this.scoring.checkSubmission(actor, id);
      return renderConfirmation(req, res, {
        titleKey: 'evaluation.confirm.submitTitle',
        consequenceKey: 'evaluation.confirm.submitConsequence',
        confirmKey: 'evaluation.confirm.submit',
        backUrl: `/evaluations/${encodeURIComponent(id)}`,
      });
    }
    const { closed } = await this.scoring.submitSheets(actor, id);
    flash(req, 'success', closed ? 'evaluation.flash.submittedLast' : 'evaluation.flash.submitted');
    res.redirect(303, `/evaluations/${id}`);
  }

  @Post(':id/flags/:letter/:userId/confirmation')
  @FormView('evaluation/member', { titleKey: 'evaluation.member.title' })
  async confirmFlag(
    @Param('id') id: string,
    @Param('letter') letter: string,
    @Param('userId') userId: string,
    @CurrentActor() actor: Actor,
    @Body() dto: NoteDto,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    await this.scoring.confirmFlag(actor, id, letter, userId, dto.note ?? '');
    flash(req, 'success', 'evaluation.flash.flagConfirmed');
    res.redirect(303, `/evaluations/${id}#flags`);
  }

  @Post(':id/low-price/:bidId')
  @FormView('evaluation/member', { titleKey: 'evaluation.member.title' })
  async decideLowPrice(@Param('id') id: string, @Param('bidId') bidId: string, @CurrentActor() actor: Actor, @Body() dto: LowPriceDecisionDto, @Req() req: Request, @Res() res: Response) {
    const { failed } = await this.qualification.decideLowPrice(actor, id, bidId, { accept: dto.decision === 'accept', note: dto.note });
    flash(req, failed ? 'warning' : 'success', failed ? 'evaluation.flash.failed' : 'evaluation.flash.lowPriceDecided');
    res.redirect(303, `/evaluations/${id}#inquiries`);
  }

  @Post(':id/sign-off')
  @FormView('evaluation/report', { titleKey: 'evaluation.report.title' })
  async signOff(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    const { completed, failed } = await this.results.signOff(actor, id);
    flash(req, failed ? 'warning' : 'success', failed ? 'evaluation.flash.failed' : completed ? 'evaluation.flash.signedOffLast' : 'evaluation.flash.signedOff');
    res.redirect(303, `/staff/evaluations/${id}/report`);
  }
}
