import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/**
 * A resident's answer as the public form posts it. The fields are checked by the survey rules
 * (domain/response.ts) so that every problem gets its own message; the limits here only stop
 * absurd bodies.
 */
export class SurveyResponseDto {
  @ApiPropertyOptional({ example: '5' }) @IsOptional() @IsString() @MaxLength(10) rating?: string;
  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @IsString() @MaxLength(5000) comment?: string;
  @ApiPropertyOptional({ example: '138 1234 5678' }) @IsOptional() @IsString() @MaxLength(40) phone?: string;
}

/** Opening a milestone survey: all optional (defaults from SURVEY_OPEN_DAYS and SURVEY_MIN_RESPONSES). */
export class OpenSurveyDto {
  @ApiPropertyOptional({ example: '2026-12-31' }) @IsOptional() @IsString() @MaxLength(20) closesOn?: string;
  @ApiPropertyOptional({ example: '10' }) @IsOptional() @IsString() @MaxLength(10) minResponses?: string;
  /** 'count' or 'exclude' (default): whether answers without a phone number count towards the satisfaction indicator. */
  @ApiPropertyOptional({ enum: ['exclude', 'count'] }) @IsOptional() @IsString() @MaxLength(10) unverifiedAnswers?: string;
}
