import { Transform } from 'class-transformer';
import { Matches } from 'class-validator';
import { fieldMessage } from '../../common/http/validation';

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() || undefined : value);

export class EndRelationshipDto {
  @Transform(trimmed)
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: fieldMessage('evaluators.validation.date') })
  endedOn: string;
}
