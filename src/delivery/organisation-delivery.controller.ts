import { Body, Controller, Get, Header, Param, Post, Render, Req, Res, UploadedFiles } from '@nestjs/common';
import { FileFieldsInterceptor } from '@nestjs/platform-express';
import { MultipartForm } from '../identity/csrf.guard';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor } from '../audit/actor';
import { FormView } from '../common/http/form-view';
import { sendDocument } from '../documents/upload';
import { Allow } from '../identity/access.decorators';
import { CurrentActor } from '../identity/current-actor.decorator';
import { redirectWithFlash } from '../organisations/redirect';
import { DeliveryService } from './delivery.service';
import { DeliveryQueries } from './delivery.queries';
import { SubmitDeliveryDto } from './dto/submit-delivery.dto';
import { DELIVERY_FILE_FIELDS, DeliveryFiles, deliveryUploadOptions, submissionOf } from './submission';
import { pathInt } from '../common/http/params';

/** The organisation delivers the milestones of its own contracts (another organisation's contract is 404). */
@ApiExcludeController()
@Controller('organisation')
@Allow('org_member', 'org_admin')
export class OrganisationDeliveryController {
  constructor(
    private readonly deliveries: DeliveryService,
    private readonly views: DeliveryQueries,
  ) {}

  @Get('deliveries')
  @Render('delivery/org-overview')
  overview(@CurrentActor() actor: Actor) {
    return this.views.organisationOverviewPage(actor);
  }

  @Get('contracts/:id/milestones')
  @Render('delivery/milestones')
  milestones(@Param('id') id: string, @CurrentActor() actor: Actor) {
    return this.views.milestonesPage(actor, id, 'organisation');
  }

  @Get('contracts/:id/service-log-template.csv')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="service-log.csv"')
  template(@Param('id') id: string, @CurrentActor() actor: Actor) {
    return this.views.serviceLogTemplate(actor, id);
  }

  @Get('contracts/:id/milestones/:position/deliver')
  @Render('delivery/deliver')
  form(@Param('id') id: string, @Param('position') position: string, @CurrentActor() actor: Actor) {
    return this.views.deliverPage(actor, id, pathInt(position));
  }

  /** Multipart (service log, photos, sign-in sheets): the CSRF token travels in the body (see MultipartForm). */
  @Post('contracts/:id/milestones/:position/deliveries')
  @FormView('delivery/deliver', { titleKey: 'delivery.deliver.title' })
  @MultipartForm(FileFieldsInterceptor(DELIVERY_FILE_FIELDS, deliveryUploadOptions()))
  async submit(
    @Param('id') id: string,
    @Param('position') position: string,
    @Body() dto: SubmitDeliveryDto,
    @UploadedFiles() files: DeliveryFiles | undefined,
    @CurrentActor() actor: Actor,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const delivery = await this.deliveries.submitDelivery(actor, id, pathInt(position), submissionOf(dto, files));
    await redirectWithFlash(
      req,
      res,
      delivery.late ? 'delivery.flash.submittedLate' : 'delivery.flash.submitted',
      `/organisation/contracts/${id}/milestones/${delivery.milestonePosition}/deliveries/${delivery.round}`,
    );
  }

  @Get('contracts/:id/milestones/:position/deliveries/:round')
  @Render('delivery/delivery')
  show(@Param('id') id: string, @Param('position') position: string, @Param('round') round: string, @CurrentActor() actor: Actor) {
    return this.views.deliveryPage(actor, id, pathInt(position), pathInt(round), 'organisation');
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
    sendDocument(res, await this.deliveries.loadAttachment(actor, id, pathInt(position), pathInt(round), documentId, { ownOnly: true }));
  }
}
