import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class RejectDisbursementDto {
  @ApiProperty({ description: 'Why the disbursement is rejected' }) @IsString() @MaxLength(2000) reason: string = '';
}

/** A treasury bank transfer (国库集中支付凭证) as finance staff record it; the amount is in yuan. */
export class TreasuryPaymentDto {
  @ApiProperty({ example: 'GK2026-000123' }) @IsString() @MaxLength(40) voucherNo: string = '';
  @ApiProperty({ example: '2026-11-20' }) @IsString() @MaxLength(10) paidOn: string = '';
  @ApiProperty() @IsString() @MaxLength(200) payerAccount: string = '';
  @ApiProperty() @IsString() @MaxLength(200) payeeAccount: string = '';
  @ApiProperty({ example: '30000.00' }) @IsString() @MaxLength(20) amount: string = '';
}
