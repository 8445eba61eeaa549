import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Actor } from '../audit/actor';
import { Allow } from '../identity/access.decorators';
import { CurrentActor } from '../identity/current-actor.decorator';
import { ScoreSheetDto } from './dto/service-evaluation.dto';
import { MilestoneScoringService } from './milestone-scoring.service';
import { ServiceEvaluationQueries } from './service-evaluation.queries';

/** JSON: a contract's milestone results (staff, or the contracted organisation), and an evaluator's score sheet. */
@ApiTags('service-evaluations')
@Controller('api/v1/service-evaluations/:contractId')
export class ServiceEvaluationApiController {
  constructor(
    private readonly scoring: MilestoneScoringService,
    private readonly views: ServiceEvaluationQueries,
  ) {}

  /** Scores (exact score rounded half up to hundredths) and grades per milestone and round, with rectifications. */
  @Get()
  @Allow('bureau_officer', 'bureau_approver', 'auditor', 'org_member', 'org_admin')
  results(@Param('contractId') contractId: string, @CurrentActor() actor: Actor) {
    return this.views.contractResults(contractId, actor);
  }

  /** Saves (`action: "save"`) or submits (`"submit"`) the evaluator's sheet for the milestone's current round. */
  @Post('milestones/:position/scores')
  @HttpCode(200)
  @Allow('evaluator')
  async score(@Param('contractId') contractId: string, @Param('position') position: string, @Body() dto: ScoreSheetDto, @CurrentActor() actor: Actor) {
    return this.scoring.saveScores(actor, contractId, Number.parseInt(position, 10), { points: dto.points, comments: dto.comments }, dto.action === 'submit');
  }
}
