import { Transform } from 'class-transformer';
import { IsEmail, IsString, MaxLength } from 'class-validator';
import { fieldMessage } from '../../common/http/validation';
import { Match } from '../../common/validation/match.decorator';
import { IsFormText, required, trimText } from './form-fields';
import { OrganisationDetailsDto } from './organisation-details.dto';

/** The public registration form: the organisation and its first account (its administrator). */
export class RegisterOrganisationDto extends OrganisationDetailsDto {
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @MaxLength(254, { message: fieldMessage('validation.isEmail') })
  @IsEmail({}, { message: fieldMessage('validation.isEmail') })
  email: string;

  @Transform(trimText)
  @IsFormText({ min: 1, max: 100 })
  displayName: string;

  /** The policy is IdentityService's; only the shape is checked here. */
  @MaxLength(256, { message: fieldMessage('validation.passwordTooLong') })
  @IsString({ message: required() })
  password: string;

  @Match('password')
  confirmPassword: string;
}
