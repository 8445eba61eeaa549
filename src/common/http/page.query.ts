import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** `page` of a list whose page size the server fixes (the admin lists). */
export class PageNumberQuery {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100000)
  page: number = 1;
}

/**
 * `page` and `pageSize` of every paged list; lists answer `{ data, meta: { page, pageSize, total } }`.
 * A list with another default page size overrides the field's initial value only.
 */
export class PageQuery extends PageNumberQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize: number = 20;
}
