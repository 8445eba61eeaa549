import { Body, Controller, Get, Param, Post, Render, Req, Res, UploadedFiles } from '@nestjs/common';
import { FilesInterceptor } from '@nestjs/platform-express';
import { MultipartForm } from '../identity/csrf.guard';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor } from '../audit/actor';
import { isConfirmed, renderConfirmation } from '../common/http/confirmation';
import { FormView } from '../common/http/form-view';
import { UploadedDocumentFile, documentUploadOptions, sendDocument } from '../documents/upload';
import { Allow } from '../identity/access.decorators';
import { CurrentActor } from '../identity/current-actor.decorator';
import { redirectWithFlash } from '../organisations/redirect';
import { RecusalDto, ScoreSheetDto, SiteVisitDto } from './dto/service-evaluation.dto';
import { EvaluatorAssignmentService } from './evaluator-assignment.service';
import { MilestoneScoringService } from './milestone-scoring.service';
import { SiteVisitsService } from './site-visits.service';
import { ServiceEvaluationQueries } from './service-evaluation.queries';

const PHOTOS_MAX = 6;

/** The evaluator's pages: assignments, the scoring form beside the delivery and KPIs, site visits, recusal. */
@ApiExcludeController()
@Controller('service-evaluations')
@Allow('evaluator')
export class EvaluatorServiceEvaluationController {
  constructor(
    private readonly scores: MilestoneScoringService,
    private readonly siteVisits: SiteVisitsService,
    private readonly assignment: EvaluatorAssignmentService,
    private readonly views: ServiceEvaluationQueries,
  ) {}

  @Get()
  @Render('service-evaluation/evaluator-list')
  list(@CurrentActor() actor: Actor) {
    return this.views.evaluatorListPage(actor);
  }

  @Get(':contractId/milestones/:position')
  @Render('service-evaluation/scoring')
  scoring(@Param('contractId') contractId: string, @Param('position') position: string, @CurrentActor() actor: Actor) {
    return this.views.evaluatorMilestonePage(contractId, position, actor);
  }

  @Post(':contractId/milestones/:position/scores')
  @FormView('service-evaluation/scoring', { titleKey: 'serviceEvaluation.scoring.title' })
  async score(@Param('contractId') contractId: string, @Param('position') position: string, @Body() dto: ScoreSheetDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    // Submitting makes the scores final: they are kept as a draft first (so bad input is reported
    // before the confirmation step), then the confirmation step submits them.
    if (dto.action === 'submit' && !isConfirmed(req)) {
      await this.scores.saveScores(actor, contractId, Number.parseInt(position, 10), { points: dto.points, comments: dto.comments }, false, true);
      return renderConfirmation(req, res, await this.views.submitScoresConfirmation(contractId, position, actor));
    }
    const outcome = await this.scores.saveScores(actor, contractId, Number.parseInt(position, 10), { points: dto.points, comments: dto.comments }, dto.action === 'submit');
    const key = !outcome.submitted ? 'serviceEvaluation.flash.saved' : outcome.completed ? 'serviceEvaluation.flash.completed' : 'serviceEvaluation.flash.submitted';
    await redirectWithFlash(req, res, key, outcome.submitted ? '/service-evaluations' : `/service-evaluations/${contractId}/milestones/${position}`);
  }

  /** Multipart (photos): the CSRF token travels in the body (see MultipartForm). */
  @Post(':contractId/milestones/:position/site-visits')
  @FormView('service-evaluation/scoring', { titleKey: 'serviceEvaluation.scoring.title' })
  @MultipartForm(FilesInterceptor('photos', PHOTOS_MAX, documentUploadOptions({ maxFiles: PHOTOS_MAX })))
  async visit(
    @Param('contractId') contractId: string,
    @Param('position') position: string,
    @Body() dto: SiteVisitDto,
    @UploadedFiles() files: UploadedDocumentFile[] | undefined,
    @CurrentActor() actor: Actor,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    await this.siteVisits.recordSiteVisit(
      actor,
      contractId,
      Number.parseInt(position, 10),
      dto,
      (files ?? []).map((f) => ({ originalName: f.originalname, buffer: f.buffer })),
    );
    await redirectWithFlash(req, res, 'serviceEvaluation.flash.visitRecorded', `/service-evaluations/${contractId}/milestones/${position}#visits`);
  }

  @Post(':contractId/recusal')
  @FormView('service-evaluation/evaluator-list', { titleKey: 'serviceEvaluation.evaluator.title' })
  async recuse(@Param('contractId') contractId: string, @Body() dto: RecusalDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    await this.assignment.recuse(actor, contractId, dto.reason ?? '');
    await redirectWithFlash(req, res, 'serviceEvaluation.flash.recused', '/service-evaluations');
  }

  @Get(':contractId/documents/:documentId')
  async document(@Param('contractId') contractId: string, @Param('documentId') documentId: string, @CurrentActor() actor: Actor, @Res() res: Response) {
    sendDocument(res, await this.views.documentOf(contractId, documentId, actor));
  }
}
