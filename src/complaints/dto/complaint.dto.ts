import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** A complaint (投诉): the matters complained of, 10–20 000 characters. */
export class FileComplaintDto {
  @ApiProperty()
  @IsString()
  @MaxLength(40_000)
  grounds: string = '';
}

/** An order to suspend the procurement: 1–30 days and the reason. */
export class SuspendDto {
  @ApiProperty({ description: 'Calendar days, 1–30 (财政部令第94号 第二十八条)' })
  @IsString()
  @MaxLength(10)
  days: string = '';

  @ApiProperty()
  @IsString()
  @MaxLength(40_000)
  reason: string = '';
}

export class LiftDto {
  @ApiProperty()
  @IsString()
  @MaxLength(40_000)
  liftReason: string = '';
}

/** The finance department's decision: dismiss, or uphold with a consequence; the text is published. */
export class DecideComplaintDto {
  @ApiProperty({ enum: ['dismiss', 'uphold'] })
  @IsString()
  @MaxLength(20)
  decision: string = '';

  @ApiPropertyOptional({ enum: ['correct_and_continue', 'redetermine_award', 'restart_procurement', 'award_void'] })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  consequence?: string;

  @ApiProperty()
  @IsString()
  @MaxLength(40_000)
  text: string = '';
}
