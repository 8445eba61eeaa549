import { PageQuery } from '../../common/http/page.query';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** Trims text; an empty field (a form's blank select) means "no filter". */
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() || undefined : value);

export class ListItemsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Substring of the Chinese or English name or description, e.g. 助餐 or meal', maxLength: 100 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ description: 'Category code', example: 'C01' })
  @IsOptional()
  @Transform(trim)
  @Matches(/^C\d{2}$/, { message: 'validation.categoryCode' })
  category?: string;

  @ApiPropertyOptional({ description: 'Unit code', example: 'person-visit' })
  @IsOptional()
  @Transform(trim)
  @Matches(/^[a-z0-9-]{1,40}$/, { message: 'validation.unitCode' })
  unit?: string;
}
