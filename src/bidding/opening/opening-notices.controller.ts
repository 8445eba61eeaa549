import { Controller, Get, Param, Query, Render } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Public } from '../../identity/access.decorators';
import { presentCheck, presentOpening, presentOpeningJson } from '../bid.presenter';
import { OpeningService } from './opening.service';

/** The public opening record (开标记录) and receipt verification, as pages and JSON. */
@ApiTags('notices')
@Controller()
@Public()
export class OpeningNoticesController {
  constructor(private readonly opening: OpeningService) {}

  @Get('notices/projects/:reference/opening')
  @Render('bidding/opening')
  async page(@Param('reference') reference: string) {
    return { titleKey: 'bidding.opening.title', ...presentOpening(await this.opening.getOpeningRecord(reference)) };
  }

  @Get('notices/projects/:reference/opening/verify')
  @Render('bidding/verify')
  async verifyPage(@Param('reference') reference: string, @Query('receipt') receipt?: string) {
    const given = typeof receipt === 'string' ? receipt.trim() : '';
    const { record, check } = await this.opening.verifyReceipt(reference, given);
    return { titleKey: 'bidding.verify.title', ...presentOpening(record), receipt: given, check: given ? presentCheck(check) : null };
  }

  @Get('api/v1/notices/projects/:reference/opening')
  @ApiOperation({ summary: 'The opening record: bidders, prices (fen), submission times and receipt hashes' })
  async record(@Param('reference') reference: string) {
    return presentOpeningJson(await this.opening.getOpeningRecord(reference));
  }

  @Get('api/v1/notices/projects/:reference/opening/verify')
  @ApiQuery({ name: 'receipt', description: 'sha256 receipt hash (hex)' })
  @ApiOperation({ summary: 'Recomputes a receipt hash from the opened bid' })
  async verify(@Param('reference') reference: string, @Query('receipt') receipt = '') {
    const { check } = await this.opening.verifyReceipt(reference, String(receipt));
    const view = presentCheck(check);
    return {
      receiptSha256: String(receipt).trim().toLowerCase(),
      status: view.status,
      bid: view.bid ? { organisation: view.bid.organisationName, priceMinor: view.bid.priceMinor, submittedAt: view.bid.submittedAt, version: view.bid.version } : null,
    };
  }
}
