import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { ContractsService } from '../contracts/contracts.service';
import { DocumentMetadata, DocumentsService } from '../documents/documents.service';
import { calendarDate, isCalendarDate } from '../evaluators/domain/conflicts';
import { EvaluationRoundsService } from './evaluation-rounds.service';
import { ServiceEvaluationInputError } from './service-evaluation.errors';

const PHOTOS_MAX = 6;

export interface SiteVisitInput {
  visitedOn?: string;
  place?: string;
  notes?: string;
}

/** Site visits of assigned evaluators (date, place, notes, photos). */
@Injectable()
export class SiteVisitsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly contracts: ContractsService,
    private readonly rounds: EvaluationRoundsService,
    private readonly documents: DocumentsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** A site visit (date, place, notes, photos) recorded by an assigned evaluator; it starts the evaluation like a first score. */
  async recordSiteVisit(
    actor: Actor,
    contractId: string,
    position: number,
    input: SiteVisitInput,
    photos: Array<{ originalName: string; buffer: Buffer }>,
  ): Promise<{ id: string; photos: DocumentMetadata[] }> {
    const visitedOn = (input.visitedOn ?? '').trim();
    const place = (input.place ?? '').trim();
    const notes = (input.notes ?? '').replace(/\r\n?/g, '\n').trim();
    const problems: Record<string, Array<{ key: string; params?: Record<string, unknown> }>> = {};
    if (place.length < 2 || place.length > 200) problems.place = [{ key: 'serviceEvaluation.validation.place' }];
    if (notes.length < 2 || notes.length > 5000) problems.notes = [{ key: 'serviceEvaluation.validation.notes' }];
    if (photos.length > PHOTOS_MAX) problems.photos = [{ key: 'serviceEvaluation.validation.tooManyPhotos', params: { max: PHOTOS_MAX } }];
    return this.dataSource.transaction(async (m) => {
      const today = calendarDate(await this.clock.now(m));
      if (!isCalendarDate(visitedOn)) problems.visitedOn = [{ key: 'serviceEvaluation.validation.date' }];
      else if (visitedOn > today) problems.visitedOn = [{ key: 'serviceEvaluation.validation.visitInFuture' }];
      if (Object.keys(problems).length) throw new ServiceEvaluationInputError(problems);
      const contract = await this.contracts.lockContract(m, contractId);
      await this.rounds.assertAssigned(m, contract.id, actor);
      const round = await this.rounds.openRound(m, actor, contract, position);
      const [{ id }] = (await m.query(`INSERT INTO site_visits (contract_id, milestone_position, round, evaluator_id, visited_on, place, notes) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, [
        contract.id,
        round.position,
        round.round,
        actor.userId,
        visitedOn,
        place,
        notes,
      ])) as Array<{ id: string }>;
      const stored: DocumentMetadata[] = [];
      for (const p of photos) {
        stored.push(await this.documents.store(m, { ownerType: 'site_visit', ownerId: id, kind: 'photo', originalName: p.originalName, buffer: p.buffer, uploadedBy: actor.userId, field: 'photos' }));
      }
      await this.audit.record(m, actor, {
        action: 'service_evaluation.site_visit_recorded',
        entityType: 'contract',
        entityId: contract.id,
        details: { visitId: id, position: round.position, round: round.round, visitedOn, place, photos: stored.map((d) => ({ documentId: d.id, sha256: d.sha256 })) },
      });
      return { id, photos: stored };
    });
  }
}
