import { Transform } from 'class-transformer';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/http/page.query';

/** Trims text; an empty field (a form left blank) means "no filter". */
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() || undefined : value);

/** Filters of the auditor's event list; every filter is an exact match. */
export class ListAuditEventsQuery extends PageQuery {
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  entityType?: string;

  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  entityId?: string;

  /** Any text: an id that is not a UUID simply matches no event. */
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  actorId?: string;

  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  action?: string;

  /** Whole days in Asia/Shanghai (YYYY-MM-DD), checked as calendar dates by the controller. */
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(20)
  from?: string;

  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(20)
  to?: string;

  override pageSize = 50;
}
