import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional } from 'class-validator';
import { FormText } from '../../procurement/dto/form-text';

/**
 * Service-evaluation forms, taken as typed: the domain rules (domain/scoring.ts, lifecycle.ts)
 * check them and answer by field; here only types and generous length bounds.
 */
export class AssignEvaluatorDto {
  @ApiProperty() @FormText(40) evaluatorId?: string;
}

/** Points and comments per indicator code: `points[output_quantity]`, `comments[output_quantity]`, … */
export class ScoreSheetDto {
  @ApiPropertyOptional({ example: { output_quantity: '27.5' } }) @IsOptional() @IsObject() points?: Record<string, unknown>;
  @ApiPropertyOptional({ example: { output_quantity: '' } }) @IsOptional() @IsObject() comments?: Record<string, unknown>;
  /** `submit` submits the sheet (final); anything else saves a draft. */
  @ApiPropertyOptional({ enum: ['save', 'submit'] }) @IsOptional() @IsIn(['save', 'submit']) action?: 'save' | 'submit';
}

export class SiteVisitDto {
  @FormText(10) visitedOn?: string;
  @FormText(400) place?: string;
  @FormText(10000) notes?: string;
}

export class RecusalDto {
  @FormText(2000) reason?: string;
}

export class RectificationDeadlineDto {
  @FormText(10) deadline?: string;
  @FormText(4000) reason?: string;
}

export class TemplateVersionDto {
  @FormText(10) effectiveFrom?: string;
  @FormText(2000) note?: string;
  @IsOptional() indicators?: Array<Record<string, unknown>> | Record<string, Record<string, unknown>>;
}

export class MissedRectificationDto {
  @FormText(2000) reason?: string;
}
