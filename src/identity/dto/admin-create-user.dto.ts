import { Transform } from 'class-transformer';
import { IsEmail, Length } from 'class-validator';
import { fieldMessage } from '../../common/http/validation';
import { AdminRolesDto } from './admin-roles.dto';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** A staff or evaluator account: no password field, the owner sets one through a one-time link. */
export class AdminCreateUserDto extends AdminRolesDto {
  @Transform(trim)
  @IsEmail({}, { message: 'validation.isEmail' })
  email: string;

  @Transform(trim)
  @Length(1, 100, { message: fieldMessage('admin.validation.displayName') })
  displayName: string;
}
