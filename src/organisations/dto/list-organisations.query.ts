import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ORGANISATION_STATUSES, OrganisationStatus } from '../domain/vetting';
import { blankToUndefined } from './form-fields';

export const STATUS_FILTERS = [...ORGANISATION_STATUSES, 'all'] as const;
export type StatusFilter = OrganisationStatus | 'all';

/** The bureau's queue: by status (submitted first of all), searched by name or credit code. */
export class ListOrganisationsQuery {
  @IsOptional()
  @Transform(blankToUndefined)
  @IsIn(STATUS_FILTERS)
  status: StatusFilter = 'submitted';

  @IsOptional()
  @Transform(blankToUndefined)
  @IsString()
  @MaxLength(100)
  q?: string;

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
  pageSize: number = 25;
}
