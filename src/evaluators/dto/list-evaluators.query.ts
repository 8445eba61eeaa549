import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { fieldMessage } from '../../common/http/validation';

/** Trims text; an empty field (a form's blank select) means "no filter". */
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() || undefined : value);

export const POOL_STATUSES = ['active', 'inactive'] as const;
export type PoolStatus = (typeof POOL_STATUSES)[number];

export class ListEvaluatorsQuery {
  @IsOptional()
  @Transform(trim)
  @Matches(/^C\d{2}$/, { message: fieldMessage('validation.categoryCode') })
  category?: string;

  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  q?: string;

  @IsOptional()
  @Transform(trim)
  @IsIn(POOL_STATUSES)
  status?: PoolStatus;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100000)
  page: number = 1;
}
