import { Transform } from 'class-transformer';
import { ArrayNotEmpty, IsArray, IsIn } from 'class-validator';
import { fieldMessage } from '../../common/http/validation';
import { GRANTABLE_ROLES } from '../domain/roles';

/** Checkboxes: none ticked sends nothing, one sends a string, several an array. */
export const checkboxList = ({ value }: { value: unknown }) => (value === undefined || value === null || value === '' ? [] : ([] as unknown[]).concat(value).filter((v) => v !== ''));

/** Roles ticked on the admin pages: staff and evaluator roles only, never organisation roles. */
export class AdminRolesDto {
  @Transform(checkboxList)
  @IsArray()
  @ArrayNotEmpty({ message: fieldMessage('validation.roles_empty') })
  @IsIn(GRANTABLE_ROLES, { each: true, message: fieldMessage('admin.validation.rolesNotGrantable') })
  /** Nothing ticked: the key is absent from the form, so the default applies. */
  roles: string[] = [];
}
