import { Body, Controller, Get, HttpCode, Param, Post, UploadedFiles, UseInterceptors } from '@nestjs/common';
import { FileFieldsInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../audit/actor';
import { STAFF_READERS } from '../awards/awards.queries';
import { Allow } from '../identity/access.decorators';
import { CurrentActor } from '../identity/current-actor.decorator';
import { DeliveryService } from './delivery.service';
import { SubmitDeliveryDto } from './dto/submit-delivery.dto';
import { DELIVERY_FILE_FIELDS, DeliveryFiles, deliveryUploadOptions, submissionOf } from './submission';
import { pathInt } from '../common/http/params';

/**
 * Milestone deliveries for API clients (session + X-CSRF-Token): the same service as the pages.
 * Organisations read and deliver their own contracts; bureau staff read any.
 */
@ApiTags('deliveries')
@Controller('api/v1/contracts/:id')
@Allow('org_member', 'org_admin', ...STAFF_READERS)
export class DeliveryApiController {
  constructor(private readonly deliveries: DeliveryService) {}

  @Get('deliveries')
  @ApiOperation({ summary: 'The milestones of a contract with due dates, status, overdue flag (database clock) and their deliveries' })
  async milestones(@Param('id') id: string, @CurrentActor() actor: Actor) {
    const contract = await this.deliveries.readableContract(actor, id);
    return { contractId: contract.id, reference: contract.reference, milestones: await this.deliveries.milestonesWithDeliveries(contract.id) };
  }

  @Get('milestones/:position/deliveries/:round')
  @ApiOperation({ summary: 'One delivery (round 1, or 2 after rectification) with its service records and attachments (sha256, upload time)' })
  async show(@Param('id') id: string, @Param('position') position: string, @Param('round') round: string, @CurrentActor() actor: Actor) {
    return (await this.deliveries.getReadableDelivery(actor, id, pathInt(position), pathInt(round))).delivery;
  }

  @Post('milestones/:position/deliveries')
  @HttpCode(201)
  @Allow('org_member', 'org_admin')
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({ type: SubmitDeliveryDto })
  @ApiOperation({ summary: 'Deliver a milestone of the organisation’s own active contract: narrative, records (or a serviceLog file, CSV or XLSX), attachments. 409 when already delivered.' })
  @UseInterceptors(FileFieldsInterceptor(DELIVERY_FILE_FIELDS, deliveryUploadOptions()))
  async submit(@Param('id') id: string, @Param('position') position: string, @Body() dto: SubmitDeliveryDto, @UploadedFiles() files: DeliveryFiles | undefined, @CurrentActor() actor: Actor) {
    return this.deliveries.submitDelivery(actor, id, pathInt(position), submissionOf(dto, files));
  }
}
