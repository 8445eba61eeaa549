import { Body, Controller, Get, Param, Post, Render, Req, Res } from '@nestjs/common';
import { isConfirmed, renderConfirmation } from '../common/http/confirmation';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor } from '../audit/actor';
import { FormView } from '../common/http/form-view';
import { sendDocument } from '../documents/upload';
import { Allow } from '../identity/access.decorators';
import { CurrentActor } from '../identity/current-actor.decorator';
import { redirectWithFlash } from '../organisations/redirect';
import { presentAwardConfirmation } from './award.presenter';
import { AwardsService } from './awards.service';
import { AwardsQueries, STAFF_READERS } from './awards.queries';
import { ChallengesService } from './challenges.service';
import { AwardDto } from './dto/award.dto';
import { AnswerChallengeDto } from './dto/challenge.dto';

/** Bureau pages: award decisions (approvers), awards and their challenges, answers (officers). */
@ApiExcludeController()
@Controller('staff')
@Allow(...STAFF_READERS)
export class StaffAwardsController {
  constructor(
    private readonly awards: AwardsService,
    private readonly challenges: ChallengesService,
    private readonly views: AwardsQueries,
  ) {}

  @Get('awards')
  @Render('awards/staff-list')
  list(@CurrentActor() actor: Actor) {
    return this.views.staffListPage(actor);
  }

  @Get('projects/:projectId/award')
  @Render('awards/decision')
  decision(@Param('projectId') projectId: string, @CurrentActor() actor: Actor) {
    return this.views.decisionPage(projectId, actor);
  }

  @Post('projects/:projectId/award')
  @Allow('bureau_approver')
  @FormView('awards/decision', { titleKey: 'awards.decision.title' })
  async award(@Param('projectId') projectId: string, @Body() dto: AwardDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    if (!isConfirmed(req)) return renderConfirmation(req, res, presentAwardConfirmation(projectId, await this.awards.previewAward(actor, projectId, { bidId: dto.bidId, reason: dto.reason })));
    const award = await this.awards.awardProject(actor, projectId, { bidId: dto.bidId, reason: dto.reason });
    await redirectWithFlash(req, res, 'awards.flash.awarded', `/staff/awards/${award.id}`);
  }

  @Get('awards/:awardId')
  @Render('awards/staff-award')
  show(@Param('awardId') awardId: string, @CurrentActor() actor: Actor, @Req() req: Request) {
    return this.views.staffAwardPage(awardId, req.locale, actor.roles);
  }

  @Get('challenges')
  @Render('awards/challenges')
  challengesPage(@Req() req: Request) {
    return this.views.challengesPage(req.locale);
  }

  @Get('challenges/:id')
  @Render('awards/challenge')
  challenge(@Param('id') id: string, @Req() req: Request) {
    return this.views.challengePage(id, req.locale);
  }

  @Post('challenges/:id/answer')
  @Allow('bureau_officer')
  @FormView('awards/challenge', { titleKey: 'awards.challenge.title' })
  async answer(@Param('id') id: string, @Body() dto: AnswerChallengeDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    await this.challenges.answerChallenge(actor, id, dto);
    await redirectWithFlash(req, res, 'awards.flash.answered', `/staff/challenges/${id}`);
  }

  @Get('challenges/:id/attachments/:documentId')
  async attachment(@Param('id') id: string, @Param('documentId') documentId: string, @Res() res: Response) {
    sendDocument(res, await this.challenges.loadAttachment(await this.challenges.getChallenge(id), documentId));
  }
}
