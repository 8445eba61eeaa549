import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { ROLES } from '../access.decorators';
import { ACCOUNT_STATUSES, AccountStatus } from '../admin-users.service';
import { PageNumberQuery } from '../../common/http/page.query';

/** Trims text; an empty field (a form's blank select) means "no filter". */
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() || undefined : value);

export class AdminListUsersQuery extends PageNumberQuery {
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  q?: string;

  @IsOptional()
  @Transform(trim)
  @IsIn(ROLES)
  role?: string;

  @IsOptional()
  @Transform(trim)
  @IsIn(ACCOUNT_STATUSES)
  status?: AccountStatus;
}
