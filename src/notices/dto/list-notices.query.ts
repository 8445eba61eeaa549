import { PageQuery } from '../../common/http/page.query';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PUBLIC_STATUSES } from '../../procurement/domain/project-lifecycle';

/** Trims text; an empty field (a form's blank select) means "no filter". */
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() || undefined : value);

export class ListNoticesQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Project status', enum: PUBLIC_STATUSES })
  @IsOptional()
  @Transform(trim)
  @IsIn(PUBLIC_STATUSES)
  status?: string;

  @ApiPropertyOptional({ description: 'Catalogue category code of any of the project items', example: 'C01' })
  @IsOptional()
  @Transform(trim)
  @Matches(/^C\d{2}$/, { message: 'validation.categoryCode' })
  category?: string;
}
