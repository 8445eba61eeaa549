import { Body, Controller, Get, Header, Param, Post, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor } from '../audit/actor';
import { ValidationFailedError } from '../common/errors/domain.error';
import { isConfirmed, renderConfirmation } from '../common/http/confirmation';
import { FormView } from '../common/http/form-view';
import { fieldMessage } from '../common/http/validation';
import { parseYuanToMinor } from '../common/money/money';
import { STAFF_READERS } from '../awards/awards.queries';
import { Allow } from '../identity/access.decorators';
import { CurrentActor } from '../identity/current-actor.decorator';
import { redirectWithFlash } from '../organisations/redirect';
import { DisbursementsService } from './disbursements.service';
import { RejectDisbursementDto, TreasuryPaymentDto } from './dto/disbursement.dto';
import { PaymentsQueries } from './payments.queries';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Bureau pages: the disbursement queue, contract payments, decisions (approvers), treasury vouchers (officers), the trial balance. */
@ApiExcludeController()
@Controller('staff')
@Allow(...STAFF_READERS)
export class StaffPaymentsController {
  constructor(
    private readonly disbursements: DisbursementsService,
    private readonly views: PaymentsQueries,
  ) {}

  @Get('disbursements')
  @Render('payments/queue')
  queue() {
    return this.views.queuePage();
  }

  @Get('disbursements.csv')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="disbursements.csv"')
  exportCsv() {
    return this.views.exportCsv();
  }

  @Get('disbursements/:id')
  @Render('payments/disbursement')
  show(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request) {
    return this.views.disbursementPage(id, actor, req.locale);
  }

  @Get('contracts/:id/payments')
  @Render('payments/contract')
  contract(@Param('id') id: string, @CurrentActor() actor: Actor) {
    return this.views.contractPaymentsPage(id, actor);
  }

  @Post('contracts/:id/milestones/:position/disbursements')
  @Allow('bureau_officer')
  @FormView('payments/contract', { titleKey: 'payments.contract.title' })
  async propose(@Param('id') id: string, @Param('position') position: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    const d = await this.disbursements.proposeDisbursement(actor, id, Number.parseInt(position, 10));
    await redirectWithFlash(req, res, 'payments.flash.proposed', `/staff/disbursements/${d.id}`);
  }

  @Post('disbursements/:id/approve')
  @Allow('bureau_approver')
  @FormView('payments/disbursement', { titleKey: 'payments.disbursement.title' })
  async approve(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    if (!isConfirmed(req)) return renderConfirmation(req, res, await this.views.decisionConfirmation(actor, id, 'approve'));
    await this.disbursements.approveDisbursement(actor, id);
    await redirectWithFlash(req, res, 'payments.flash.approved', `/staff/disbursements/${id}`);
  }

  @Post('disbursements/:id/reject')
  @Allow('bureau_approver')
  @FormView('payments/disbursement', { titleKey: 'payments.disbursement.title' })
  async reject(@Param('id') id: string, @Body() dto: RejectDisbursementDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    if (!isConfirmed(req)) return renderConfirmation(req, res, await this.views.decisionConfirmation(actor, id, 'reject', dto.reason));
    await this.disbursements.rejectDisbursement(actor, id, dto.reason);
    await redirectWithFlash(req, res, 'payments.flash.rejected', `/staff/disbursements/${id}`);
  }

  @Post('disbursements/:id/treasury-payment')
  @Allow('bureau_officer')
  @FormView('payments/disbursement', { titleKey: 'payments.disbursement.title' })
  async recordVoucher(@Param('id') id: string, @Body() dto: TreasuryPaymentDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    const amountMinor = parseYuanToMinor(dto.amount);
    const fields: Record<string, string[]> = {};
    if (amountMinor === null || amountMinor <= 0) fields.amount = [fieldMessage('payments.validation.amountFormat')];
    if (!DATE.test(dto.paidOn)) fields.paidOn = [fieldMessage('payments.validation.dateFormat')];
    if (dto.voucherNo.trim().length < 4) fields.voucherNo = [fieldMessage('payments.validation.voucherFormat')];
    if (!dto.payerAccount.trim()) fields.payerAccount = [fieldMessage('payments.validation.required')];
    if (!dto.payeeAccount.trim()) fields.payeeAccount = [fieldMessage('payments.validation.required')];
    if (Object.keys(fields).length) throw new ValidationFailedError(fields, 'The voucher has problems', 'PAYMENTS.VOUCHER_INVALID');
    await this.disbursements.recordTreasuryPayment(actor, id, {
      voucherNo: dto.voucherNo.trim(),
      paidOn: dto.paidOn,
      payerAccount: dto.payerAccount.trim(),
      payeeAccount: dto.payeeAccount.trim(),
      amountMinor: amountMinor as number,
    });
    await redirectWithFlash(req, res, 'payments.flash.paid', `/staff/disbursements/${id}`);
  }

  @Get('funds/:id/payments')
  @Render('payments/fund')
  fund(@Param('id') id: string) {
    return this.views.fundPaymentsPage(id);
  }
}
