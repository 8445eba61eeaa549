import { Transform } from 'class-transformer';
import { IsEmail, Length } from 'class-validator';
import { fieldMessage } from '../../common/http/validation';
import { EvaluatorProfileDto } from './evaluator-profile.dto';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** A new expert: their account (no password: they set one through a one-time link) and profile. */
export class CreateEvaluatorDto extends EvaluatorProfileDto {
  @Transform(trim)
  @IsEmail({}, { message: 'validation.isEmail' })
  email: string;

  @Transform(trim)
  @Length(1, 100, { message: fieldMessage('admin.validation.displayName') })
  displayName: string;
}
