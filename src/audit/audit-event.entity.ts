import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * One state change, written by AuditService.record() in the same transaction as the change.
 * Append-only (a trigger refuses UPDATE, DELETE and TRUNCATE, but for the one update that links
 * the event into the hash chain after it commits: domain/audit-chain.ts, AuditService.chainPending).
 * The schema lives in migrations/1795460000000-CreateAuditLog.ts and 1795512000000-ChainAuditEventsAsynchronously.ts.
 */
@Entity({ name: 'audit_events' })
@Unique('audit_events_hash_key', ['hash'])
@Unique('audit_events_prev_hash_key', ['prevHash'])
@Index('audit_events_entity_idx', ['entityType', 'entityId'])
export class AuditEvent {
  /** bigserial; pg returns bigint as a string. */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  /** Database clock, truncated to milliseconds so it round-trips through a JS Date. */
  @Index('audit_events_occurred_at_idx')
  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  /** No foreign key: events outlive users. Null for system jobs and anonymous sign-up. */
  @Index('audit_events_actor_idx')
  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ name: 'actor_roles', type: 'text', array: true })
  actorRoles: string[];

  /** `organisation.approved`, `bid.submitted`, … */
  @Column({ type: 'text' })
  action: string;

  @Column({ name: 'entity_type', type: 'text' })
  entityType: string;

  @Column({ name: 'entity_id', type: 'text' })
  entityId: string;

  /** `{ before?, after?, details? }`: snapshots of the changed fields only. */
  @Column({ type: 'jsonb' })
  summary: AuditSummary;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId: string | null;

  @Column({ type: 'text', nullable: true })
  ip: string | null;

  /** Position in the hash chain; null until the chainer links the event (after it commits). */
  @Column({ name: 'chain_seq', type: 'bigint', nullable: true })
  chainSeq: string | null;

  @Column({ name: 'prev_hash', type: 'char', length: 64, nullable: true })
  prevHash: string | null;

  @Column({ type: 'char', length: 64, nullable: true })
  hash: string | null;
}

export interface AuditSummary {
  before?: unknown;
  after?: unknown;
  details?: unknown;
}
