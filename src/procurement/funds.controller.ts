import { Body, Controller, Get, Param, Post, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor } from '../audit/actor';
import { FormView } from '../common/http/form-view';
import { Allow } from '../identity/access.decorators';
import { CurrentActor } from '../identity/current-actor.decorator';
import { flash } from '../identity/session.setup';
import { FundFormDto } from './dto/fund-form.dto';
import { FundsService } from './funds.service';
import { ProcurementQueries } from './procurement.queries';
import { PROJECT_READERS } from './staff-projects.controller';

@ApiExcludeController()
@Controller('staff/funds')
export class FundsController {
  constructor(
    private readonly funds: FundsService,
    private readonly views: ProcurementQueries,
  ) {}

  @Get()
  @Allow(...PROJECT_READERS)
  @Render('procurement/funds')
  list() {
    return this.views.fundsPage();
  }

  @Get('new')
  @Allow('bureau_officer')
  @Render('procurement/fund-form')
  newForm() {
    return this.views.fundFormPage();
  }

  @Post()
  @Allow('bureau_officer')
  @FormView('procurement/fund-form', { titleKey: 'procurement.funds.newTitle' })
  async create(@CurrentActor() actor: Actor, @Body() dto: FundFormDto, @Req() req: Request, @Res() res: Response) {
    const fund = await this.funds.create(actor, dto);
    flash(req, 'success', 'procurement.flash.fundCreated');
    res.redirect(303, `/staff/funds/${fund.id}`);
  }

  @Get(':id')
  @Allow(...PROJECT_READERS)
  @Render('procurement/fund')
  show(@Param('id') id: string) {
    return this.views.fundPage(id);
  }
}
