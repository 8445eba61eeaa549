import { Transform } from 'class-transformer';
import { IsEmail, MaxLength } from 'class-validator';
import { fieldMessage } from '../../common/http/validation';
import { IsFormText, trimText } from './form-fields';

/** A colleague's account, added by the organisation's administrator. */
export class AddMemberDto {
  @Transform(trimText)
  @IsFormText({ min: 1, max: 100 })
  displayName: string;

  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @MaxLength(254, { message: fieldMessage('validation.isEmail') })
  @IsEmail({}, { message: fieldMessage('validation.isEmail') })
  email: string;
}
