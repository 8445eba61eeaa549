import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../audit/actor';
import { APP_CONFIG } from '../common/common.module';
import { AppConfig } from '../config/app.config';
import { Allow } from '../identity/access.decorators';
import { CurrentActor } from '../identity/current-actor.decorator';
import { presentReceipt } from './bid.presenter';
import { BidsService } from './bids.service';
import { SubmitBidDto } from './dto/submit-bid.dto';

/** Sealed bids for API clients (session + X-CSRF-Token): the same service as the pages. */
@ApiTags('bids')
@Controller('api/v1/projects/:id/bids')
@Allow('org_member', 'org_admin')
export class BidsApiController {
  constructor(
    private readonly bids: BidsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiBody({ type: SubmitBidDto })
  @ApiOperation({ summary: "Submit the organisation's sealed bid, or amend it (a new version; the latest counts). Returns the receipt." })
  async submit(@Param('id') id: string, @CurrentActor() actor: Actor, @Body() dto: SubmitBidDto) {
    return presentReceipt(await this.bids.submitBid(actor, id, dto), this.config.publicUrl);
  }

  @Post('withdrawal')
  @HttpCode(201)
  @ApiOperation({ summary: "Withdraw the organisation's bid before the deadline (it may submit again)" })
  async withdraw(@Param('id') id: string, @CurrentActor() actor: Actor) {
    return presentReceipt(await this.bids.withdrawBid(actor, id), this.config.publicUrl);
  }

  @Get('mine')
  @ApiOperation({ summary: "The organisation's own bid, decrypted for it, with every version's receipt" })
  async mine(@Param('id') id: string, @CurrentActor() actor: Actor) {
    const { project, bid } = await this.bids.getOwnBid(actor, id);
    return {
      projectId: project.id,
      projectReference: project.reference,
      bidId: bid.id,
      status: bid.status,
      currentVersion: bid.currentVersion,
      versions: bid.versions,
      content: bid.content,
    };
  }
}
