import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, Not } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { isUuid } from '../common/validation/uuid';
import { Organisation } from '../organisations/organisation.entity';
import { calendarDate } from './domain/conflicts';
import { RelationshipKind, declarationProblems, endingProblems } from './domain/relationships';
import { EvaluatorProfile } from './evaluator-profile.entity';
import { EvaluatorRelationship } from './evaluator-relationship.entity';
import { EvaluatorInputError, EvaluatorNotFoundError, RelationshipAlreadyDeclaredError, RelationshipAlreadyEndedError, RelationshipNotFoundError, UnknownOrganisationError } from './evaluators.errors';
import { EvaluatorConflict, HIDDEN_ORGANISATION_STATUSES, RelationshipInput, emptyToNull } from './evaluators.service';

/** Relationships between evaluators and organisations: declared by an admin or the evaluator, ended on a date. */
@Injectable()
export class EvaluatorRelationshipsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** An admin records a relationship an evaluator has with an organisation. */
  async addRelationship(actor: Actor, evaluatorId: string, input: RelationshipInput): Promise<EvaluatorConflict> {
    return this.declare(actor, evaluatorId, input);
  }

  /** The signed-in evaluator declares a relationship of their own. */
  async declareOwnRelationship(actor: Actor, input: RelationshipInput): Promise<EvaluatorConflict> {
    if (!actor.userId) throw new EvaluatorNotFoundError();
    return this.declare(actor, actor.userId, input);
  }

  /** Ends an open relationship on `endedOn` (not before it started, not after today). */
  async endRelationship(actor: Actor, evaluatorId: string, relationshipId: string, endedOn: string): Promise<void> {
    if (!isUuid(evaluatorId) || !isUuid(relationshipId)) throw new RelationshipNotFoundError();
    await this.dataSource.transaction(async (manager) => {
      const relationship = await manager.findOne(EvaluatorRelationship, {
        where: { id: relationshipId, evaluatorId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!relationship) throw new RelationshipNotFoundError();
      if (relationship.endedOn) throw new RelationshipAlreadyEndedError();
      const today = calendarDate(await this.clock.now(manager));
      const problems = endingProblems(relationship, endedOn, today);
      if (Object.keys(problems).length) throw new EvaluatorInputError(problems);
      await manager.update(EvaluatorRelationship, { id: relationship.id }, { endedOn });
      await this.audit.record(manager, actor, {
        action: 'evaluator_relationship.ended',
        entityType: 'evaluator_relationship',
        entityId: relationship.id,
        before: { endedOn: null },
        after: { endedOn },
        details: { evaluatorId, organisationId: relationship.organisationId },
      });
    });
  }

  private async declare(actor: Actor, evaluatorId: string, input: RelationshipInput): Promise<EvaluatorConflict> {
    const problems = declarationProblems(input);
    if (Object.keys(problems).length) throw new EvaluatorInputError(problems);
    if (!isUuid(input.organisationId)) throw new UnknownOrganisationError();
    const note = emptyToNull(input.note);
    return this.dataSource.transaction(async (manager) => {
      // Shared lock: the profile stays while the relationship is added; declarations of one
      // evaluator are not serialised against each other (the unique index decides duplicates).
      const profile = isUuid(evaluatorId) ? await manager.findOne(EvaluatorProfile, { where: { userId: evaluatorId }, lock: { mode: 'pessimistic_read' } }) : null;
      if (!profile) throw new EvaluatorNotFoundError();
      if (!(await manager.exists(Organisation, { where: { id: input.organisationId, status: Not(In(HIDDEN_ORGANISATION_STATUSES)) } }))) {
        throw new UnknownOrganisationError();
      }
      const [row] = (await manager.query(
        `INSERT INTO evaluator_relationships (evaluator_id, organisation_id, kind, started_on, note, declared_by)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (evaluator_id, organisation_id, kind) WHERE ended_on IS NULL DO NOTHING
         RETURNING id`,
        [evaluatorId, input.organisationId, input.kind, input.startedOn, note, actor.userId],
      )) as { id: string }[];
      if (!row) throw new RelationshipAlreadyDeclaredError();
      const declared: EvaluatorConflict = {
        relationshipId: row.id,
        evaluatorId,
        organisationId: input.organisationId,
        kind: input.kind as RelationshipKind,
        startedOn: input.startedOn,
        endedOn: null,
      };
      await this.audit.record(manager, actor, {
        action: 'evaluator_relationship.declared',
        entityType: 'evaluator_relationship',
        entityId: row.id,
        after: { evaluatorId, organisationId: input.organisationId, kind: input.kind, startedOn: input.startedOn, note },
        details: { declaredBy: actor.userId, selfDeclared: actor.userId === evaluatorId },
      });
      return declared;
    });
  }
}
