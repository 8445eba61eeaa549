import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, plainToInstance } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

/** Form posts send rows as `milestones[0][dueDate]`; sparse indices arrive as objects. */
function listOf<T>(cls: new () => T) {
  return ({ value }: { value: unknown }) => {
    if (value === undefined || value === null || value === '') return [];
    const list = Array.isArray(value) ? value : typeof value === 'object' ? Object.values(value as object) : value;
    return Array.isArray(list) ? (list as unknown[]).map((v) => (v && typeof v === 'object' ? plainToInstance(cls, v) : v)) : list;
  };
}

export class MilestoneDateDto {
  @ApiProperty() @IsString() @MaxLength(10) position: string = '';
  @ApiProperty({ example: '2027-12-31' }) @IsString() @MaxLength(20) dueDate: string = '';
}

export class ItemQuantityDto {
  @ApiProperty() @IsString() @MaxLength(10) position: string = '';
  @ApiProperty() @IsString() @MaxLength(20) quantity: string = '';
}

/** A proposed variation: dates, scope (quantities) or amount (new total in yuan; increases within 10 % of the original in total, reductions with a reason). */
export class ProposeVariationDto {
  @ApiProperty({ enum: ['dates', 'scope', 'amount'] }) @IsString() @MaxLength(20) kind: string = '';
  @ApiProperty({ description: 'What changes and why, 5–2000 characters' }) @IsString() @MaxLength(4000) description: string = '';
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20) serviceStart?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20) serviceEnd?: string;

  @ApiPropertyOptional({ type: [MilestoneDateDto] })
  @IsOptional()
  @Transform(listOf(MilestoneDateDto))
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  milestones?: MilestoneDateDto[];

  @ApiPropertyOptional({ type: [ItemQuantityDto] })
  @IsOptional()
  @Transform(listOf(ItemQuantityDto))
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  items?: ItemQuantityDto[];

  @ApiPropertyOptional({ description: 'New contract amount in yuan, e.g. "190000" or "190,000.50"' })
  @IsOptional()
  @IsString()
  @MaxLength(30)
  amount?: string;

  @ApiPropertyOptional({ description: 'Why the amount goes down: required for a reduction, 10–2000 characters, published with the contract' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  reductionReason?: string;
}

export class DecideVariationDto {
  @ApiProperty({ enum: ['approve', 'reject'] }) @IsString() @MaxLength(20) decision: string = '';
  @ApiProperty({ description: 'Reason, 5–2000 characters' }) @IsString() @MaxLength(4000) reason: string = '';
}
