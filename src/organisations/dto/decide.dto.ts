import { Transform } from 'class-transformer';
import { IsIn, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { fieldMessage } from '../../common/http/validation';
import { BUREAU_DECISIONS, BureauDecision, MAX_REASON_LENGTH, ORGANISATION_STATUSES, OrganisationStatus } from '../domain/vetting';
import { choose } from './form-fields';

/** One bureau decision; the buttons of the decision form carry `decision`. */
export class DecideDto {
  @IsIn(BUREAU_DECISIONS, { message: choose() })
  decision: BureauDecision;

  /** The status the officer saw when the page was rendered (hidden field). */
  @IsIn(ORGANISATION_STATUSES, { message: choose() })
  expectedStatus: OrganisationStatus;

  /** When that status began, as the page showed it (hidden field): the same status begun again is stale too. */
  @IsOptional()
  @IsISO8601({ strict: true }, { message: choose() })
  expectedStatusChangedAt?: string;

  /** Shown to the organisation; required except for an approval (vetting rules decide). */
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.normalize('NFC').trim() : value))
  @MaxLength(MAX_REASON_LENGTH, { message: fieldMessage('validation.organisationLength', { min: 0, max: MAX_REASON_LENGTH }) })
  @IsString()
  reason?: string;
}
