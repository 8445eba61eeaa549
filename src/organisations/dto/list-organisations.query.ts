import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { ORGANISATION_STATUSES, OrganisationStatus } from '../domain/vetting';
import { blankToUndefined } from './form-fields';
import { PageQuery } from '../../common/http/page.query';

export const STATUS_FILTERS = [...ORGANISATION_STATUSES, 'all'] as const;
export type StatusFilter = OrganisationStatus | 'all';

/** The bureau's queue: by status (submitted first of all), searched by name or credit code. */
export class ListOrganisationsQuery extends PageQuery {
  @IsOptional()
  @Transform(blankToUndefined)
  @IsIn(STATUS_FILTERS)
  status: StatusFilter = 'submitted';

  @IsOptional()
  @Transform(blankToUndefined)
  @IsString()
  @MaxLength(100)
  q?: string;

  override pageSize = 25;
}
