import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class ChooseRailDto {
  @ApiProperty({ enum: ['treasury', 'stripe'] }) @IsString() @MaxLength(20) rail: string = '';
}

export class ResolveIssueDto {
  @ApiProperty({ description: 'What was found and done' }) @IsString() @MaxLength(2000) note: string = '';
}
