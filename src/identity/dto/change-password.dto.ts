import { IsString, MaxLength, MinLength } from 'class-validator';
import { Match } from '../../common/validation/match.decorator';

export class ChangePasswordDto {
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  currentPassword: string;

  @IsString()
  @MaxLength(256)
  newPassword: string;

  @Match('newPassword')
  confirmPassword: string;
}

export class ResetPasswordDto {
  @IsString()
  @MaxLength(256)
  newPassword: string;

  @Match('newPassword')
  confirmPassword: string;
}
