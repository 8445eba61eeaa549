import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type, plainToInstance } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsOptional, IsString, IsUUID, MaxLength, Min, ValidateNested } from 'class-validator';
import { LIMITS } from '../domain/bid-content';

/** Form posts send arrays as `team[0][name]`; sparse indices arrive as objects. */
function listOf<T>(cls: new () => T) {
  return ({ value }: { value: unknown }) => {
    if (value === undefined || value === null || value === '') return [];
    const list = Array.isArray(value) ? value : typeof value === 'object' ? Object.values(value as object) : value;
    return Array.isArray(list) ? (list as unknown[]).map((v) => (v && typeof v === 'object' ? plainToInstance(cls, v) : v)) : list;
  };
}

export class TeamMemberDto {
  @ApiProperty({ example: '王芳' }) @IsString() @MaxLength(200) name: string = '';
  @ApiProperty({ example: '项目主管' }) @IsString() @MaxLength(200) role: string = '';
  @ApiPropertyOptional({ example: '中级社会工作师，8年社区养老服务经验' }) @IsOptional() @IsString() @MaxLength(1000) qualifications: string = '';
}

export class DeliveryPlanEntryDto {
  @ApiProperty({ description: 'Milestone position in the project (1, 2, …)' })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  milestone: number;

  @ApiProperty() @IsString() @MaxLength(10_000) plan: string = '';
}

/** A bid (submission or amendment): the same fields for the form and the JSON API. */
export class SubmitBidDto {
  @ApiProperty({ description: 'Price in yuan, e.g. "186000" or "186,000.50"; at most the budget ceiling', example: '186000' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'number' ? String(value) : value))
  @IsString()
  @MaxLength(30)
  price: string;

  @ApiProperty({ description: 'Technical proposal, plain text; blank lines separate paragraphs' })
  @IsString()
  @MaxLength(LIMITS.proposalMax * 2)
  proposal: string;

  @ApiProperty({ type: [TeamMemberDto] })
  @Transform(listOf(TeamMemberDto))
  @IsArray()
  @ArrayMaxSize(LIMITS.teamMax + 10)
  @ValidateNested({ each: true })
  team: TeamMemberDto[] = [];

  @ApiProperty({ type: [DeliveryPlanEntryDto], description: 'One entry per project milestone' })
  @Transform(listOf(DeliveryPlanEntryDto))
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  deliveryPlan: DeliveryPlanEntryDto[] = [];

  @ApiProperty({ description: 'The declaration of independent bidding is accepted (required)' })
  @Transform(({ value }) => value === true || value === 'true' || value === 'on' || value === '1')
  @IsBoolean()
  declarationAccepted: boolean = false;

  @ApiProperty({ description: 'Name of the person signing the declaration' })
  @IsString()
  @MaxLength(200)
  declarationSigner: string = '';

  @ApiPropertyOptional({ type: [String], description: 'Attachments of the current version to keep (document ids)' })
  @IsOptional()
  @Transform(({ value }) => (value === undefined || value === '' ? [] : ([] as unknown[]).concat(value)))
  @IsArray()
  @IsUUID('all', { each: true })
  keepAttachmentIds: string[] = [];
}
