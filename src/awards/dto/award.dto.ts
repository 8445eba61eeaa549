import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** The approver's award decision: the chosen bid, and the published reason when it is not the top-ranked one. */
export class AwardDto {
  @ApiProperty({ description: 'Bid id from the signed-off evaluation results' })
  @IsString()
  @MaxLength(64)
  bidId: string = '';

  @ApiPropertyOptional({ description: 'Required (10–2000 characters) when the bid is not the top-ranked one; published with the notice' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  reason?: string;
}
