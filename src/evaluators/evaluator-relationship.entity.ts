import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { RelationshipKind } from './domain/relationships';

/**
 * A declared relationship between an evaluator and an organisation: a conflict of interest for
 * three years after it ends (domain/conflicts.ts). Never deleted or rewritten, only ended once
 * (a trigger enforces it).
 */
@Entity({ name: 'evaluator_relationships' })
export class EvaluatorRelationship {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'evaluator_id', type: 'uuid' })
  evaluatorId: string;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId: string;

  @Column({ type: 'text' })
  kind: RelationshipKind;

  /** `YYYY-MM-DD`. */
  @Column({ name: 'started_on', type: 'date' })
  startedOn: string;

  @Column({ name: 'ended_on', type: 'date', nullable: true })
  endedOn: string | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  /** The evaluator themself, or the admin who recorded it. */
  @Column({ name: 'declared_by', type: 'uuid', nullable: true })
  declaredBy: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
