import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsOptional, Length, Matches } from 'class-validator';
import { fieldMessage } from '../../common/http/validation';
import { MAX_EXPERTISE } from '../domain/expertise';

/** Trims text; an empty optional field means "not given". */
export const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() || undefined : value);

/** Checkboxes: none ticked sends nothing, one sends a string, several an array. */
export const checkboxList = ({ value }: { value: unknown }) => (value === undefined || value === null || value === '' ? [] : ([] as unknown[]).concat(value).filter((v) => v !== ''));

/** What an admin records about an expert: fields of expertise (catalogue categories) and employer. */
export class EvaluatorProfileDto {
  @Transform(checkboxList)
  @IsArray()
  @ArrayNotEmpty({ message: fieldMessage('evaluators.validation.expertiseRequired') })
  @ArrayMaxSize(MAX_EXPERTISE)
  @Matches(/^C\d{2}$/, { each: true, message: fieldMessage('validation.categoryCode') })
  /** Nothing ticked: the key is absent from the form, so the default applies. */
  expertise: string[] = [];

  @Transform(trimmed)
  @Length(1, 100, { message: fieldMessage('evaluators.validation.employer') })
  employer: string;

  @IsOptional()
  @Transform(trimmed)
  @Length(1, 50, { message: fieldMessage('evaluators.validation.title') })
  title?: string;

  @IsOptional()
  @Transform(trimmed)
  @Matches(/^[0-9+() -]{7,20}$/, { message: fieldMessage('evaluators.validation.phone') })
  phone?: string;

  @IsOptional()
  @Transform(trimmed)
  @Length(1, 2000, { message: fieldMessage('evaluators.validation.bio') })
  bio?: string;
}
