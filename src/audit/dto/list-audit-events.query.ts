import { Transform, Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { fieldMessage } from '../../common/http/validation';

/** Trims text; an empty field (a form left blank) means "no filter". */
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() || undefined : value);

/** Filters of the auditor's event list; every filter is an exact match. */
export class ListAuditEventsQuery {
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

  @IsOptional()
  @Transform(trim)
  @IsUUID('all', { message: fieldMessage('audit.validation.actorId') })
  actorId?: string;

  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  action?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100000)
  page: number = 1;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize: number = 50;
}
