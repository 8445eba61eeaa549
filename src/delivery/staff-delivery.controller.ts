import { Controller, Get, Param, Render, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor } from '../audit/actor';
import { STAFF_READERS } from '../awards/awards.queries';
import { sendDocument } from '../documents/upload';
import { Allow } from '../identity/access.decorators';
import { CurrentActor } from '../identity/current-actor.decorator';
import { DeliveryService } from './delivery.service';
import { DeliveryQueries } from './delivery.queries';
import { pathInt } from '../common/http/params';

/** Bureau staff read deliveries (officers, approvers, auditors); nothing here changes anything. */
@ApiExcludeController()
@Controller('staff')
@Allow(...STAFF_READERS)
export class StaffDeliveryController {
  constructor(
    private readonly deliveries: DeliveryService,
    private readonly views: DeliveryQueries,
  ) {}

  @Get('deliveries')
  @Render('delivery/staff-overview')
  overview() {
    return this.views.staffOverviewPage();
  }

  @Get('contracts/:id/deliveries')
  @Render('delivery/milestones')
  milestones(@Param('id') id: string, @CurrentActor() actor: Actor) {
    return this.views.milestonesPage(actor, id, 'staff');
  }

  @Get('contracts/:id/milestones/:position/deliveries/:round')
  @Render('delivery/delivery')
  show(@Param('id') id: string, @Param('position') position: string, @Param('round') round: string, @CurrentActor() actor: Actor) {
    return this.views.deliveryPage(actor, id, pathInt(position), pathInt(round), 'staff');
  }

  @Get('contracts/:id/milestones/:position/deliveries/:round/attachments/:documentId')
  async attachment(
    @Param('id') id: string,
    @Param('position') position: string,
    @Param('round') round: string,
    @Param('documentId') documentId: string,
    @CurrentActor() actor: Actor,
    @Res() res: Response,
  ) {
    sendDocument(res, await this.deliveries.loadAttachment(actor, id, pathInt(position), pathInt(round), documentId));
  }
}
