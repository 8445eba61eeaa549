import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { fieldMessage } from '../../common/http/validation';
import { PageNumberQuery } from '../../common/http/page.query';

/** Trims text; an empty field (a form's blank select) means "no filter". */
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() || undefined : value);

export const POOL_STATUSES = ['active', 'inactive'] as const;
export type PoolStatus = (typeof POOL_STATUSES)[number];

export class ListEvaluatorsQuery extends PageNumberQuery {
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
}
