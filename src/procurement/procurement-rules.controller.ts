import { Body, Controller, Get, Param, Post, Query, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor } from '../audit/actor';
import { FormView } from '../common/http/form-view';
import { Allow } from '../identity/access.decorators';
import { CurrentActor } from '../identity/current-actor.decorator';
import { flash } from '../identity/session.setup';
import { CalendarQuery } from './dto/list-projects.query';
import { CalendarDayDto, CalendarYearDto, RuleFormDto } from './dto/rule-form.dto';
import { ProcurementRulesService } from './procurement-rules.service';
import { ProcurementQueries } from './procurement.queries';

/** Staff read the rules and the calendar; admins add rule rows and maintain the calendar. */
const RULE_READERS = ['admin', 'bureau_officer', 'bureau_approver', 'auditor'] as const;

@ApiExcludeController()
@Controller('staff')
export class ProcurementRulesController {
  constructor(
    private readonly rules: ProcurementRulesService,
    private readonly views: ProcurementQueries,
  ) {}

  @Get('procurement-rules')
  @Allow(...RULE_READERS)
  @Render('procurement/rules')
  list(@Req() req: Request) {
    return this.views.rulesPage(req.locale);
  }

  @Get('procurement-rules/new')
  @Allow('admin')
  @Render('procurement/rule-form')
  newForm(@Query('method') method?: string) {
    return this.views.ruleFormPage(method);
  }

  @Post('procurement-rules')
  @Allow('admin')
  @FormView('procurement/rule-form', { titleKey: 'procurement.rules.newTitle' })
  async add(@CurrentActor() actor: Actor, @Body() dto: RuleFormDto, @Req() req: Request, @Res() res: Response) {
    await this.rules.addRule(actor, {
      method: dto.method ?? '',
      effectiveFrom: dto.effectiveFrom ?? '',
      minPeriod: dto.minPeriod ?? '',
      periodUnit: dto.periodUnit ?? '',
      minValidBids: dto.minValidBids ?? '',
      minValidBidsServices: dto.minValidBidsServices ?? '',
      scoring: dto.scoring ?? '',
      priceWeightMin: dto.priceWeightMin ?? '',
      priceWeightMax: dto.priceWeightMax ?? '',
      committeeMinSize: dto.committeeMinSize ?? '',
      committeeLargeSize: dto.committeeLargeSize ?? '',
      largeBudgetYuan: dto.largeBudgetYuan ?? '',
      allowsBureauRepresentative: dto.allowsBureauRepresentative === true,
      invitedOnly: dto.invitedOnly === true,
      amendmentMinPeriod: dto.amendmentMinPeriod ?? '',
      amendmentPeriodUnit: dto.amendmentPeriodUnit ?? '',
      abnormallyLowPercent: dto.abnormallyLowPercent ?? '',
      citationZh: dto.citationZh ?? '',
      citationEn: dto.citationEn ?? '',
    });
    flash(req, 'success', 'procurement.flash.ruleAdded');
    res.redirect(303, '/staff/procurement-rules');
  }

  @Get('calendar')
  @Allow(...RULE_READERS)
  @Render('procurement/calendar')
  calendar(@Query() query: CalendarQuery) {
    return this.views.calendarPage(query.year);
  }

  @Post('calendar')
  @Allow('admin')
  @FormView('procurement/calendar', { titleKey: 'procurement.calendar.title' })
  async setDay(@CurrentActor() actor: Actor, @Body() dto: CalendarDayDto, @Req() req: Request, @Res() res: Response) {
    const day = await this.rules.setCalendarDay(actor, dto);
    flash(req, 'success', 'procurement.flash.calendarSaved');
    res.redirect(303, `/staff/calendar?year=${day.day.slice(0, 4)}`);
  }

  /** A year's arrangement from the State Council's notice, all its days at once. */
  @Post('calendar/years')
  @Allow('admin')
  @FormView('procurement/calendar', { titleKey: 'procurement.calendar.title' })
  async enterYear(@CurrentActor() actor: Actor, @Body() dto: CalendarYearDto, @Req() req: Request, @Res() res: Response) {
    const entered = await this.rules.enterYearArrangement(actor, { year: dto.year, noticeTitle: dto.noticeTitle, noticeNumber: dto.noticeNumber, entries: dto.entries });
    flash(req, 'success', 'procurement.flash.calendarYearEntered', { year: entered.year });
    res.redirect(303, `/staff/calendar?year=${entered.year}`);
  }

  @Post('calendar/:day/remove')
  @Allow('admin')
  @FormView('procurement/calendar', { titleKey: 'procurement.calendar.title' })
  async removeDay(@Param('day') day: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    await this.rules.removeCalendarDay(actor, day);
    flash(req, 'success', 'procurement.flash.calendarRemoved');
    res.redirect(303, `/staff/calendar?year=${day.slice(0, 4)}`);
  }
}
