import { Controller, Get, Param, Post, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor } from '../../audit/actor';
import { DomainError } from '../../common/errors/domain.error';
import { DocumentsService } from '../../documents/documents.service';
import { sendDocument } from '../../documents/upload';
import { Allow } from '../../identity/access.decorators';
import { CurrentActor } from '../../identity/current-actor.decorator';
import { flash } from '../../identity/session.setup';
import { BidNotFoundError } from '../bidding.errors';
import { openingUrl, presentContent, presentProject } from '../bid.presenter';
import { BidsService } from '../bids.service';
import { isDueForOpening } from '../domain/bid-content';
import { OpeningService } from './opening.service';

/**
 * Staff side of a project's bids: before the opening only how many there are; after it, the
 * opened bids. An officer may open a project whose deadline has passed if the job is late.
 */
@ApiExcludeController()
@Controller('staff/projects/:id')
export class OpeningController {
  constructor(
    private readonly bids: BidsService,
    private readonly opening: OpeningService,
    private readonly documents: DocumentsService,
  ) {}

  @Get('bids')
  @Allow('bureau_officer', 'bureau_approver', 'auditor')
  @Render('bidding/staff-bids')
  async bidsPage(@Param('id') id: string) {
    const { project, count, now } = await this.bids.countBids(id);
    const isOpened = await this.opening.isOpened(project.id);
    const opened = isOpened ? await this.opening.getOpenedBidsForStaff(project.id) : [];
    return {
      titleKey: 'bidding.staff.title',
      project: presentProject(project),
      count,
      isOpened,
      canOpen: isDueForOpening(project, now),
      openingUrl: openingUrl(project.reference),
      opened: opened.map((b) => ({
        ...b,
        content: b.content ? presentContent(b.bidId, b.content, (doc) => `/staff/projects/${project.id}/bids/${b.bidId}/attachments/${doc}`) : null,
      })),
    };
  }

  @Post('open')
  @Allow('bureau_officer')
  async open(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    try {
      const outcome = await this.opening.openProject(actor, id, 'staff');
      flash(req, 'success', outcome.failed ? 'bidding.flash.openedFailed' : 'bidding.flash.opened');
    } catch (error) {
      // "Already opened" and "not yet due" are answers, not failures: back to the page with the message.
      if (!(error instanceof DomainError) || !error.messageKey || error.kind === 'not_found') throw error;
      if (req.accepts(['html', 'json']) === 'json') throw error;
      flash(req, 'warning', error.messageKey);
    }
    res.redirect(303, `/staff/projects/${id}/bids`);
  }

  @Get('bids/:bidId/attachments/:documentId')
  @Allow('bureau_officer', 'bureau_approver', 'auditor')
  async attachment(@Param('id') id: string, @Param('bidId') bidId: string, @Param('documentId') documentId: string, @Res() res: Response) {
    // Only after the opening, and only attachments the opened version cites.
    const opened = await this.opening.getOpenedBidsForStaff(id).catch(() => []);
    const bid = opened.find((b) => b.bidId === bidId);
    if (!bid?.content?.attachments.some((a) => a.documentId === documentId)) throw new BidNotFoundError();
    sendDocument(res, await this.bids.loadAttachment(bidId, documentId));
  }
}
