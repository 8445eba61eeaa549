import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { PUBLIC_STATUSES } from '../../procurement/domain/project-lifecycle';

/** Trims text; an empty field (a form's blank select) means "no filter". */
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() || undefined : value);

export class ListNoticesQuery {
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

  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100000)
  page: number = 1;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize: number = 20;
}
