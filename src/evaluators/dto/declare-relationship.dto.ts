import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsUUID, Length, Matches } from 'class-validator';
import { fieldMessage } from '../../common/http/validation';
import { RELATIONSHIP_KINDS } from '../domain/relationships';

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() || undefined : value);

/** A relationship with an organisation, declared by the evaluator or recorded by an admin. */
export class DeclareRelationshipDto {
  @Transform(trimmed)
  @IsUUID('all', { message: fieldMessage('evaluators.validation.organisation') })
  organisationId: string;

  @Transform(trimmed)
  @IsIn(RELATIONSHIP_KINDS, { message: fieldMessage('evaluators.validation.kind') })
  kind: string;

  @Transform(trimmed)
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: fieldMessage('evaluators.validation.date') })
  startedOn: string;

  @IsOptional()
  @Transform(trimmed)
  @Length(1, 500, { message: fieldMessage('evaluators.validation.note') })
  note?: string;
}
