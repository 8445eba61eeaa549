import { Body, Controller, Get, Inject, OnModuleInit, Param, ParseIntPipe, Post, Render, Req, Res, UploadedFiles } from '@nestjs/common';
import { FilesInterceptor } from '@nestjs/platform-express';
import { MultipartForm } from '../identity/csrf.guard';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor } from '../audit/actor';
import { APP_CONFIG } from '../common/common.module';
import { isConfirmed, renderConfirmation } from '../common/http/confirmation';
import { FormContextRegistry } from '../common/http/form-context.registry';
import { FormView } from '../common/http/form-view';
import { AppConfig } from '../config/app.config';
import { UploadedDocumentFile, documentUploadOptions, sendDocument } from '../documents/upload';
import { Allow } from '../identity/access.decorators';
import { CurrentActor, actorFromRequest } from '../identity/current-actor.decorator';
import { flash } from '../identity/session.setup';
import { presentBidPage, presentMyBids, presentPrintableReceipt, presentReceipt, presentWithdrawConfirmation } from './bid.presenter';
import { BidsService } from './bids.service';
import { LIMITS } from './domain/bid-content';
import { SubmitBidDto } from './dto/submit-bid.dto';
import { renderReceiptPdf } from './receipt.pdf';

const BID_PAGE = 'bidding/bid';

/** An organisation's own bids: the bid form, amendments, withdrawal, receipts. */
@ApiExcludeController()
@Controller()
@Allow('org_member', 'org_admin')
export class BidsController implements OnModuleInit {
  constructor(
    private readonly bids: BidsService,
    private readonly forms: FormContextRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    // After bad input the page is re-rendered with the posted values and the current bid.
    this.forms.register(BID_PAGE, async (req) => presentBidPage(await this.bids.getBidPage(actorFromRequest(req), String(req.params.id)), req.body as Record<string, unknown>));
  }

  @Get('projects/:id/bid')
  @Render(BID_PAGE)
  async page(@Param('id') id: string, @CurrentActor() actor: Actor) {
    return presentBidPage(await this.bids.getBidPage(actor, id));
  }

  /** Submit or amend (multipart: attachments; the CSRF token travels in the body, see MultipartForm). */
  @Post('projects/:id/bid')
  @FormView(BID_PAGE, { titleKey: 'bidding.bid.title' })
  @MultipartForm(FilesInterceptor('attachments', LIMITS.attachmentsMax, documentUploadOptions({ maxFiles: LIMITS.attachmentsMax })))
  async submit(
    @Param('id') id: string,
    @CurrentActor() actor: Actor,
    @Body() dto: SubmitBidDto,
    @UploadedFiles() files: UploadedDocumentFile[] | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const receipt = await this.bids.submitBid(actor, id, dto, files ?? []);
    flash(req, 'success', receipt.kind === 'amendment' ? 'bidding.flash.amended' : 'bidding.flash.submitted');
    res.redirect(303, `/projects/${id}/bid#receipt`);
  }

  @Post('projects/:id/bid/withdraw')
  @FormView(BID_PAGE, { titleKey: 'bidding.bid.title' })
  async withdraw(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    if (!isConfirmed(req)) return renderConfirmation(req, res, presentWithdrawConfirmation(await this.bids.checkWithdrawal(actor, id)));
    await this.bids.withdrawBid(actor, id);
    flash(req, 'success', 'bidding.flash.withdrawn');
    res.redirect(303, `/projects/${id}/bid#bid-form-title`);
  }

  @Get('bids')
  @Render('bidding/my-bids')
  async myBids(@CurrentActor() actor: Actor) {
    return { titleKey: 'bidding.myBids.title', bids: presentMyBids(await this.bids.listMyBids(actor)) };
  }

  /** The receipt of one version as a small JSON file. */
  @Get('bids/:bidId/versions/:version/receipt')
  async receipt(@Param('bidId') bidId: string, @Param('version', ParseIntPipe) version: number, @CurrentActor() actor: Actor, @Res() res: Response) {
    const receipt = await this.bids.getReceipt(actor, bidId, version);
    const body = Buffer.from(`${JSON.stringify(presentReceipt(receipt, this.config.publicUrl), null, 2)}\n`, 'utf8');
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="bid-receipt-${receipt.projectReference.replace(/[^A-Za-z0-9-]/g, '_')}-v${receipt.version}.json"`);
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.end(body);
  }

  /** The receipt as a printable page: the facts, the sha256, links to the PDF and the JSON. */
  @Get('bids/:bidId/versions/:version/receipt/print')
  @Render('bidding/receipt')
  async printableReceipt(@Param('bidId') bidId: string, @Param('version', ParseIntPipe) version: number, @CurrentActor() actor: Actor) {
    const receipt = await this.bids.getReceipt(actor, bidId, version);
    return { titleKey: 'records.receipt.title', receipt: presentPrintableReceipt(receipt, this.config.publicUrl) };
  }

  /** The receipt as a one-page PDF (Noto Sans SC embedded), in the reader's language. */
  @Get('bids/:bidId/versions/:version/receipt.pdf')
  async receiptPdf(@Param('bidId') bidId: string, @Param('version', ParseIntPipe) version: number, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    const receipt = await this.bids.getReceipt(actor, bidId, version);
    const printable = presentPrintableReceipt(receipt, this.config.publicUrl);
    const pdf = await renderReceiptPdf(receipt, req.locale ?? 'zh-CN', printable.verifyUrl);
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `inline; filename="bid-receipt-${receipt.projectReference.replace(/[^A-Za-z0-9-]/g, '_')}-v${receipt.version}.pdf"`);
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.end(pdf);
  }

  @Get('bids/:bidId/attachments/:documentId')
  async attachment(@Param('bidId') bidId: string, @Param('documentId') documentId: string, @CurrentActor() actor: Actor, @Res() res: Response) {
    sendDocument(res, await this.bids.loadOwnAttachment(actor, bidId, documentId));
  }
}
