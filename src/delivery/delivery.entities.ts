import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export type DeliveryRound = 1 | 2;
export type RecordsSource = 'form' | 'csv' | 'xlsx';
export type AttachmentKind = 'photo' | 'sign_in_sheet' | 'other';
export const ATTACHMENT_KINDS: readonly AttachmentKind[] = ['photo', 'sign_in_sheet', 'other'];

/**
 * A delivery of a contract milestone (schema: migrations/1795520000000-CreateMilestoneDeliveries.ts).
 * Append-only; `submittedAt` is the database clock, `late` = submittedAt > deadlineAt (checked by
 * the database). Round 1 is the first delivery, round 2 the delivery after rectification.
 */
@Entity({ name: 'milestone_deliveries' })
export class MilestoneDelivery {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'contract_id', type: 'uuid' })
  contractId: string;

  @Column({ name: 'milestone_position', type: 'integer' })
  milestonePosition: number;

  @Column({ type: 'integer' })
  round: DeliveryRound;

  @Column({ type: 'text' })
  narrative: string;

  @Column({ name: 'submitted_by', type: 'uuid' })
  submittedBy: string;

  @Column({ name: 'submitted_at', type: 'timestamptz' })
  submittedAt: Date;

  @Column({ type: 'boolean' })
  late: boolean;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId: string;

  /** The deadline `late` was measured against: the due date's end of day (Asia/Shanghai), or the rectification deadline. */
  @Column({ name: 'deadline_at', type: 'timestamptz' })
  deadlineAt: Date;

  @Column({ name: 'records_source', type: 'text' })
  recordsSource: RecordsSource;

  @Column({ name: 'service_log_name', type: 'text', nullable: true })
  serviceLogName: string | null;

  @Column({ name: 'service_log_sha256', type: 'char', length: 64, nullable: true })
  serviceLogSha256: string | null;
}

/** One line of service: per catalogue item of the contract. Hours in hundredths (hours × 100). */
@Entity({ name: 'delivery_service_records' })
export class DeliveryServiceRecord {
  @PrimaryColumn({ name: 'delivery_id', type: 'uuid' })
  deliveryId: string;

  @PrimaryColumn({ type: 'integer' })
  line: number;

  @Column({ name: 'item_code', type: 'varchar', length: 16 })
  itemCode: string;

  @Column({ name: 'service_date', type: 'date', nullable: true })
  serviceDate: string | null;

  @Column({ type: 'integer' })
  sessions: number;

  @Column({ name: 'person_visits', type: 'integer' })
  personVisits: number;

  @Column({ type: 'integer' })
  households: number;

  @Column({ name: 'hours_centi', type: 'integer' })
  hoursCenti: number;

  @Column({ type: 'text', nullable: true })
  note: string | null;
}

/** A photo, sign-in sheet or other file of a delivery, stored by the documents module. */
@Entity({ name: 'delivery_attachments' })
export class DeliveryAttachment {
  @PrimaryColumn({ name: 'delivery_id', type: 'uuid' })
  deliveryId: string;

  @PrimaryColumn({ name: 'document_id', type: 'uuid' })
  documentId: string;

  @Column({ type: 'text' })
  kind: AttachmentKind;

  @Column({ type: 'integer' })
  position: number;

  @Column({ name: 'original_name', type: 'text' })
  originalName: string;

  @Column({ type: 'char', length: 64 })
  sha256: string;

  @Column({ name: 'uploaded_at', type: 'timestamptz' })
  uploadedAt: Date;
}

/** This module's entities, registered once in src/database/entities.ts. */
export const DELIVERY_ENTITIES = [MilestoneDelivery, DeliveryServiceRecord, DeliveryAttachment];
