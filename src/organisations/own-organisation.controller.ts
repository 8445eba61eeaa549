import { Body, Controller, Get, Header, HttpCode, Param, Post, Render, Req, Res, UploadedFile } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { MultipartForm } from '../identity/csrf.guard';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor } from '../audit/actor';
import { FormView } from '../common/http/form-view';
import { UploadedDocumentFile, documentUploadOptions, sendDocument } from '../documents/upload';
import { Allow } from '../identity/access.decorators';
import { CurrentActor } from '../identity/current-actor.decorator';
import { AddMemberDto } from './dto/add-member.dto';
import { OrganisationContactDto, OrganisationDetailsDto } from './dto/organisation-details.dto';
import { UploadDocumentDto } from './dto/upload-document.dto';
import { MembersService } from './members.service';
import { OrganisationsService } from './organisations.service';
import { OrganisationsQueries } from './organisations.queries';
import { redirectWithFlash } from './redirect';

const SHOW = 'organisations/show';
const SHOW_TITLE = { titleKey: 'organisations.own.title' };

/**
 * The organisation's own pages. No route takes an organisation id: the organisation is always
 * the signed-in member's own, so another organisation's record cannot be named here at all.
 */
@ApiExcludeController()
@Controller('organisation')
@Allow('org_member')
export class OwnOrganisationController {
  constructor(
    private readonly organisations: OrganisationsService,
    private readonly members: MembersService,
    private readonly views: OrganisationsQueries,
  ) {}

  @Get()
  @Render(SHOW)
  show(@CurrentActor() actor: Actor) {
    return this.views.ownPage(actor);
  }

  @Get('edit')
  @Render('organisations/edit')
  editForm(@CurrentActor() actor: Actor) {
    return this.views.editPage(actor);
  }

  @Post('edit')
  @FormView('organisations/edit', { titleKey: 'organisations.edit.title' })
  async edit(@CurrentActor() actor: Actor, @Body() dto: OrganisationDetailsDto, @Req() req: Request, @Res() res: Response) {
    await this.organisations.updateOwn(actor, dto);
    await redirectWithFlash(req, res, 'organisations.edit.saved', '/organisation');
  }

  @Get('contact')
  @Render('organisations/edit-contact')
  contactForm(@CurrentActor() actor: Actor) {
    return this.views.editContactPage(actor);
  }

  @Post('contact')
  @FormView('organisations/edit-contact', { titleKey: 'organisations.editContact.title' })
  async editContact(@CurrentActor() actor: Actor, @Body() dto: OrganisationContactDto, @Req() req: Request, @Res() res: Response) {
    await this.organisations.updateOwnContact(actor, dto);
    await redirectWithFlash(req, res, 'organisations.edit.saved', '/organisation');
  }

  @Post('submit')
  @FormView(SHOW, SHOW_TITLE)
  async submit(@CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    await this.organisations.submitOwn(actor);
    await redirectWithFlash(req, res, 'organisations.own.submitted', '/organisation');
  }

  /** Multipart: the CSRF token travels in the body (see MultipartForm). */
  @Post('documents')
  @FormView(SHOW, SHOW_TITLE)
  @MultipartForm(FileInterceptor('file', documentUploadOptions()))
  async upload(@CurrentActor() actor: Actor, @Body() dto: UploadDocumentDto, @UploadedFile() file: UploadedDocumentFile | undefined, @Req() req: Request, @Res() res: Response) {
    await this.organisations.uploadOwnDocument(actor, { kind: dto.kind, originalName: file?.originalname ?? '', buffer: file?.buffer });
    await redirectWithFlash(req, res, 'organisations.documents.uploaded', '/organisation#documents');
  }

  @Get('documents/:id')
  async download(@CurrentActor() actor: Actor, @Param('id') id: string, @Res() res: Response) {
    sendDocument(res, await this.organisations.loadOwnDocument(actor, id));
  }

  @Post('documents/:id/remove')
  @FormView(SHOW, SHOW_TITLE)
  async removeDocument(@CurrentActor() actor: Actor, @Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    await this.organisations.removeOwnDocument(actor, id);
    await redirectWithFlash(req, res, 'organisations.documents.removed', '/organisation#documents');
  }

  /** Shows the colleague's one-time set-password link once, in this response only. */
  @Post('members')
  @HttpCode(200)
  @Allow('org_admin')
  @FormView(SHOW, SHOW_TITLE)
  @Header('Cache-Control', 'no-store')
  @Render('organisations/member-link')
  async addMember(@CurrentActor() actor: Actor, @Body() dto: AddMemberDto) {
    return this.views.memberLinkPage(await this.members.addMember(actor, dto), true);
  }

  @Post('members/:userId/link')
  @HttpCode(200)
  @Allow('org_admin')
  @FormView(SHOW, SHOW_TITLE)
  @Header('Cache-Control', 'no-store')
  @Render('organisations/member-link')
  async reissueLink(@CurrentActor() actor: Actor, @Param('userId') userId: string) {
    return this.views.memberLinkPage(await this.members.reissueLink(actor, userId), false);
  }

  @Post('members/:userId/deactivate')
  @Allow('org_admin')
  @FormView(SHOW, SHOW_TITLE)
  async deactivateMember(@CurrentActor() actor: Actor, @Param('userId') userId: string, @Req() req: Request, @Res() res: Response) {
    await this.members.deactivateMember(actor, userId);
    await redirectWithFlash(req, res, 'organisations.members.deactivated', '/organisation#members');
  }
}
