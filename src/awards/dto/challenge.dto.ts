import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

/** A challenge (质疑): all grounds at once; attachments travel as multipart files. */
export class FileChallengeDto {
  @ApiProperty({ description: 'Grounds of the challenge, 10–20 000 characters' })
  @IsString()
  @MaxLength(40_000)
  grounds: string = '';
}

/** A challenge against the documents ("documents") or a procedural step ("procedure:bid_opening", "procedure:evaluation"). */
export class FileProjectChallengeDto {
  @ApiProperty({ enum: ['documents', 'procedure:bid_opening', 'procedure:evaluation'] })
  @IsString()
  @MaxLength(40)
  choice: string = '';

  @ApiProperty({ description: 'Grounds of the challenge, 10–20 000 characters' })
  @IsString()
  @MaxLength(40_000)
  grounds: string = '';
}

/** The bureau's answer: dismiss, or uphold with an outcome. */
export class AnswerChallengeDto {
  @ApiProperty({ enum: ['dismiss', 'uphold'] })
  @IsString()
  @MaxLength(20)
  decision: string = '';

  @ApiPropertyOptional({ enum: ['rerun_evaluation', 'cancel_award'], description: 'Required when upheld' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  outcome?: string;

  @ApiProperty({ description: 'The answer, 10–20 000 characters; published without the challenger’s identity' })
  @IsString()
  @MaxLength(40_000)
  answer: string = '';

  @ApiPropertyOptional({ type: [String], description: 'Re-run only: committee members found at fault, barred from the new committee (财政部令第87号 第六十七条)' })
  @IsOptional()
  @IsUUID('all', { each: true })
  faultedMemberIds?: string[] | string;
}
