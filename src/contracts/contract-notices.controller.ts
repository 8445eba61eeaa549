import { Controller, Get, Param, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../identity/access.decorators';
import { sendContractPdf } from './contract.pdf';
import { ContractsQueries } from './contracts.queries';

/** Published contracts on the public board: the text as signed, the signing dates, approved variations. */
@ApiTags('notices')
@Controller()
@Public()
export class ContractNoticesController {
  constructor(private readonly views: ContractsQueries) {}

  @Get('notices/contracts')
  @ApiExcludeEndpoint()
  @Render('contracts/notices')
  index() {
    return this.views.noticesIndexPage();
  }

  @Get('notices/contracts/:reference')
  @ApiExcludeEndpoint()
  @Render('contracts/notice')
  notice(@Param('reference') reference: string, @Req() req: Request) {
    return this.views.noticePage(reference, req.locale);
  }

  /** The contract text exactly as signed; its sha256 is shown on the notice. */
  @Get('notices/contracts/:reference/text')
  @ApiOperation({ summary: 'The published contract text (UTF-8 plain text) whose sha256 the notice shows' })
  async text(@Param('reference') reference: string, @Res() res: Response) {
    const page = await this.views.noticePage(reference, 'zh-CN');
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('Content-Disposition', `inline; filename="${page.contract.reference}.txt"`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.end(page.contract.terms);
  }

  /** The contract as signed, printable: facts, the sha256 of its text, the text; links to the PDF and the .txt. */
  @Get('notices/contracts/:reference/print')
  @ApiExcludeEndpoint()
  @Render('contracts/print')
  async print(@Param('reference') reference: string, @Req() req: Request) {
    return this.views.publicPrintPage(reference, req.locale);
  }

  @Get('notices/contracts/:reference/contract.pdf')
  @ApiOperation({ summary: 'The published contract as PDF: its facts, the sha256 of its text and the text as signed' })
  async pdf(@Param('reference') reference: string, @Req() req: Request, @Res() res: Response) {
    await sendContractPdf(res, await this.views.publicPrintPage(reference, req.locale), req.locale ?? 'zh-CN');
  }

  @Get('api/v1/notices/contracts/:reference')
  @ApiOperation({ summary: 'A published contract: parties, amount and milestones (fen), service period, signing dates, approved variations' })
  async json(@Param('reference') reference: string) {
    const { contract, project, variations } = await this.views.noticePage(reference, 'en');
    return {
      reference: contract.reference,
      status: contract.status,
      project,
      parties: contract.parties,
      amountMinor: contract.amountMinor,
      currency: contract.currency,
      servicePeriod: { start: contract.serviceStart, end: contract.serviceEnd },
      items: contract.items.map((i) => ({ itemCode: i.itemCode, name: i.nameZh, quantity: i.quantity, unit: i.unitZh })),
      milestones: contract.milestones.map((m) => ({ position: m.position, name: m.name, dueDate: m.dueDate, share: m.share, amountMinor: m.amountMinor, indicators: m.indicators })),
      settlementMethod: contract.settlementMethod,
      organisationConfirmedAt: contract.organisationConfirmedAt,
      approverConfirmedAt: contract.approverConfirmedAt,
      activatedAt: contract.activatedAt,
      publishedAt: contract.publishedAt,
      publishDueAt: contract.publishDueAt,
      termsSha256: contract.termsSha256,
      variations: variations.map((v) => ({ sequence: v.sequence, kind: v.kind, description: v.description, decidedAt: v.decidedAt, reason: v.decisionReason })),
    };
  }
}
