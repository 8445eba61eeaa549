import { Body, Controller, Get, Param, Post, Render, Req, Res, UploadedFiles } from '@nestjs/common';
import { FilesInterceptor } from '@nestjs/platform-express';
import { MultipartForm } from '../identity/csrf.guard';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor } from '../audit/actor';
import { FormView } from '../common/http/form-view';
import { UploadedDocumentFile, documentUploadOptions, sendDocument } from '../documents/upload';
import { Allow } from '../identity/access.decorators';
import { CurrentActor } from '../identity/current-actor.decorator';
import { redirectWithFlash } from '../organisations/redirect';
import { AwardsQueries } from './awards.queries';
import { ChallengesService } from './challenges.service';
import { ATTACHMENTS_MAX } from './domain/challenges';
import { FileChallengeDto, FileProjectChallengeDto } from './dto/challenge.dto';

/**
 * An organisation's view of the awards on projects it bid on, and its challenges (质疑). The
 * organisation is always the signed-in member's own; whether it bid is checked in the service.
 */
@ApiExcludeController()
@Controller('organisation')
@Allow('org_member', 'org_admin')
export class OrganisationAwardsController {
  constructor(
    private readonly challenges: ChallengesService,
    private readonly views: AwardsQueries,
  ) {}

  @Get('awards')
  @Render('awards/org-list')
  list(@CurrentActor() actor: Actor, @Req() req: Request) {
    return this.views.organisationAwardsPage(actor, req.locale);
  }

  @Get('awards/:awardId')
  @Render('awards/org-award')
  show(@Param('awardId') awardId: string, @CurrentActor() actor: Actor, @Req() req: Request) {
    return this.views.organisationAwardPage(actor, awardId, req.locale);
  }

  /** Multipart (attachments): the CSRF token travels in the body (see MultipartForm). */
  @Post('awards/:awardId/challenge')
  @FormView('awards/org-award', { titleKey: 'awards.org.challengeTitle' })
  @MultipartForm(FilesInterceptor('attachments', ATTACHMENTS_MAX, documentUploadOptions({ maxFiles: ATTACHMENTS_MAX })))
  async challenge(
    @Param('awardId') awardId: string,
    @Body() dto: FileChallengeDto,
    @UploadedFiles() files: UploadedDocumentFile[] | undefined,
    @CurrentActor() actor: Actor,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    await this.challenges.fileChallenge(
      actor,
      awardId,
      { grounds: dto.grounds },
      (files ?? []).map((f) => ({ originalName: f.originalname, buffer: f.buffer })),
    );
    await redirectWithFlash(req, res, 'awards.flash.challenged', `/organisation/awards/${awardId}#challenge`);
  }

  /** Challenges against the procurement documents and procedural steps of a project (实施条例 第五十三条(一)(二)). */
  @Get('projects/:projectId/challenges')
  @Render('awards/org-project-challenges')
  projectChallenges(@Param('projectId') projectId: string, @CurrentActor() actor: Actor, @Req() req: Request) {
    return this.views.organisationProjectChallengesPage(actor, projectId, req.locale);
  }

  /** Multipart (attachments): the CSRF token travels in the body (see MultipartForm). `choice` is "documents" or "procedure:<step>". */
  @Post('projects/:projectId/challenges')
  @FormView('awards/org-project-challenges', { titleKey: 'awards.projectChallenges.title' })
  @MultipartForm(FilesInterceptor('attachments', ATTACHMENTS_MAX, documentUploadOptions({ maxFiles: ATTACHMENTS_MAX })))
  async fileProjectChallenge(
    @Param('projectId') projectId: string,
    @Body() dto: FileProjectChallengeDto,
    @UploadedFiles() files: UploadedDocumentFile[] | undefined,
    @CurrentActor() actor: Actor,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const [subject, step] = String(dto.choice ?? '').split(':');
    await this.challenges.fileProjectChallenge(
      actor,
      projectId,
      { subject, step: step ?? null, grounds: dto.grounds },
      (files ?? []).map((f) => ({ originalName: f.originalname, buffer: f.buffer })),
    );
    await redirectWithFlash(req, res, 'awards.flash.challenged', `/organisation/projects/${projectId}/challenges`);
  }

  @Get('challenges/:id/attachments/:documentId')
  async attachment(@Param('id') id: string, @Param('documentId') documentId: string, @CurrentActor() actor: Actor, @Res() res: Response) {
    sendDocument(res, await this.challenges.loadAttachment(await this.challenges.getOwnChallenge(actor, id), documentId));
  }
}
