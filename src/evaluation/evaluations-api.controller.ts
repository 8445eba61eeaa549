import { Controller, Get, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Actor } from '../audit/actor';
import { Allow } from '../identity/access.decorators';
import { CurrentActor } from '../identity/current-actor.decorator';
import { EvaluationQueries } from './evaluation.queries';
import { ResultsService } from './results.service';
import { NotOnCommitteeError } from './evaluation.errors';
import { isStaffReader } from './evaluation-access';

/** JSON for auditors and tools: the reproduce check of every committee draw, and the signed-off results. */
@ApiTags('evaluations')
@Controller('api/v1/evaluations/:id')
export class EvaluationsApiController {
  constructor(
    private readonly pages: EvaluationQueries,
    private readonly results: ResultsService,
  ) {}

  /** Each draw recomputed from its recorded seed and pool: `matches` when it gives the recorded result. */
  @Get('draws/verification')
  @Allow('bureau_officer', 'bureau_approver', 'auditor', 'evaluator')
  async verifyDraws(@Param('id') id: string, @CurrentActor() actor: Actor) {
    const check = await this.pages.drawsCheck(actor, id);
    return {
      evaluationId: check.evaluation.id,
      allMatch: check.allMatch,
      draws: check.draws.map((d) => ({
        id: d.id,
        kind: d.kindKey.split('.').pop(),
        algorithm: d.algorithm,
        seed: d.seed,
        pool: d.pool.map((p) => p.id),
        excluded: d.excluded.map((e) => ({ userId: e.id, reason: e.reasonKey.split('.').pop(), conflicts: e.conflicts.map(({ kindKey: _k, ...c }) => c) })),
        wanted: d.wanted,
        result: d.result.map((r) => r.id),
        recomputed: d.recomputed.map((r) => r.id),
        matches: d.matches,
      })),
    };
  }

  /** The stored results of a signed-off evaluation: exact scores as n/d, rank 1 first. */
  @Get('results')
  @Allow('bureau_officer', 'bureau_approver', 'auditor')
  async resultsOf(@Param('id') id: string, @CurrentActor() actor: Actor) {
    if (!isStaffReader(actor.roles)) throw new NotOnCommitteeError();
    const evaluation = await this.results.getEvaluation(id);
    return { evaluation, results: await this.results.getResults(id) };
  }
}
