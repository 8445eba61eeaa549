import { PageQuery } from '../../common/http/page.query';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { EVALUATION_GRADES, EvaluationGrade } from '../domain/registration';
import { blankToUndefined } from './form-fields';

/** The public registry of approved organisations. */
export class RegistryQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Substring of the Chinese name or of the unified social credit code, e.g. 阳光 or MJ12', maxLength: 100 })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ description: 'Catalogue category code the organisation serves', example: 'C01' })
  @IsOptional()
  @Transform(blankToUndefined)
  @Matches(/^C\d{2}$/, { message: 'validation.categoryCode' })
  category?: string;

  @ApiPropertyOptional({ description: 'Social organisation evaluation grade', enum: EVALUATION_GRADES })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsIn(EVALUATION_GRADES)
  grade?: EvaluationGrade;
}
