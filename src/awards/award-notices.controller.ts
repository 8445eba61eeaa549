import { Controller, Get, Param, Render, Req } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../identity/access.decorators';
import { AwardsQueries } from './awards.queries';

/** The award notices (中标/成交公告) on the public board, with challenges answered without the challenger's identity. */
@ApiTags('notices')
@Controller()
@Public()
export class AwardNoticesController {
  constructor(private readonly views: AwardsQueries) {}

  @Get('notices/awards')
  @ApiExcludeEndpoint()
  @Render('awards/notices')
  index() {
    return this.views.noticesIndexPage();
  }

  @Get('notices/awards/:projectReference')
  @ApiExcludeEndpoint()
  @Render('awards/notice')
  notice(@Param('projectReference') reference: string, @Req() req: Request) {
    return this.views.noticePage(reference, req.locale);
  }

  @Get('api/v1/notices/awards/:projectReference')
  @ApiOperation({
    summary:
      'The award notices of a project, newest first: winner, prices (fen), exact scores ("n/d"), committee, challenge period, answered challenges, and on the current notice the payment terms fixed at publication',
  })
  async json(@Param('projectReference') reference: string) {
    const page = await this.views.noticePage(reference, 'en');
    const strip = (n: (typeof page.earlier)[number]) => ({
      status: n.status,
      awardedAt: n.awardedAt,
      endedAt: n.endedAt,
      endReason: n.endReason,
      project: n.project,
      round: n.round,
      winner: n.winner,
      isTopRanked: n.isTopRanked,
      deviationReason: n.deviationReason,
      results: n.results.map((r) => ({
        rank: r.rank,
        organisationName: r.organisationName,
        priceMinor: r.priceMinor,
        priceScore: r.priceScore,
        technicalScore: r.technicalScore,
        totalScore: r.totalScore,
        tieNote: r.tieNote,
      })),
      committee: n.committee.map((c) => ({ name: c.name, role: c.role, isChair: c.isChair })),
      challengePeriodEndsAt: n.challengePeriodEndsAt,
      challenges: n.challenges.map((c) => ({ filedAt: c.filedAt, status: c.status, outcome: c.outcome, answer: c.answer, answeredAt: c.answeredAt })),
    });
    return { notices: [{ ...strip(page.notice), paymentTerms: page.notice.paymentTermLines }, ...page.earlier.map(strip)] };
  }
}
