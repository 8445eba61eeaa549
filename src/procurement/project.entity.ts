import type { PaymentTerms } from './domain/payment-terms';
import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { moneyTransformer } from '../common/money/money.transformer';
import type { StoredDeadlineExplanation } from './deadline.presenter';
import type { AmendmentChanges } from './domain/amendment';
import type { ProcurementMethod } from './domain/method-rules';

export type { AmendmentChanges };
import type { PurchaserLevel } from './domain/project-draft';
import type { ProjectStatus } from './domain/project-lifecycle';

/** A procurement project. Schema: 1795490000300-CreateProjects.ts and 1795491000000-AddProjectDraftFields.ts. */
@Entity({ name: 'projects' })
export class Project {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** WH-2026-0001 once published; DRAFT-<id> before. */
  @Column({ type: 'text' })
  reference: string;

  @Column({ name: 'purchaser_level', type: 'text' })
  purchaserLevel: PurchaserLevel;

  @Column({ name: 'purchaser_name', type: 'text' })
  purchaserName: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text' })
  description: string;

  @Column({ name: 'service_area', type: 'text', array: true })
  serviceArea: string[];

  @Column({ name: 'service_start', type: 'date' })
  serviceStart: string;

  @Column({ name: 'service_end', type: 'date' })
  serviceEnd: string;

  @Column({ name: 'long_period_justification', type: 'text', nullable: true })
  longPeriodJustification: string | null;

  @Column({ name: 'budget_ceiling_minor', type: 'bigint', transformer: moneyTransformer })
  budgetCeilingMinor: number;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ name: 'fund_id', type: 'uuid' })
  fundId: string;

  /** Reserved on the fund at publication (0 for drafts); kept after release for the record. */
  @Column({ name: 'reserved_minor', type: 'bigint', transformer: moneyTransformer })
  reservedMinor: number;

  /** What publication will reserve (≥ the ceiling). */
  @Column({ name: 'planned_reservation_minor', type: 'bigint', transformer: moneyTransformer, nullable: true })
  plannedReservationMinor: number | null;

  @Column({ name: 'reservation_released_at', type: 'timestamptz', nullable: true })
  reservationReleasedAt: Date | null;

  @Column({ type: 'text' })
  method: ProcurementMethod;

  @Column({ name: 'method_rule_id', type: 'uuid' })
  methodRuleId: string;

  @Column({ name: 'price_weight', type: 'integer' })
  priceWeight: number;

  @Column({ name: 'eligibility_categories', type: 'boolean' })
  eligibilityCategories: boolean;

  @Column({ name: 'eligibility_min_social_workers', type: 'integer', nullable: true })
  eligibilityMinSocialWorkers: number | null;

  @Column({ name: 'eligibility_min_grade', type: 'text', nullable: true })
  eligibilityMinGrade: string | null;

  @Column({ type: 'text' })
  status: ProjectStatus;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  @Column({ name: 'question_deadline_at', type: 'timestamptz', nullable: true })
  questionDeadlineAt: Date | null;

  @Column({ name: 'bid_deadline_at', type: 'timestamptz', nullable: true })
  bidDeadlineAt: Date | null;

  @Column({ name: 'deadline_explanation', type: 'jsonb', nullable: true })
  deadlineExplanation: StoredDeadlineExplanation | null;

  /** Copied by the database when the project leaves draft, never written by the app (FixPaymentTermsAtPublication). */
  @Column({ name: 'payment_terms', type: 'jsonb', nullable: true, insert: false, update: false })
  paymentTerms: PaymentTerms | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @Column({ name: 'opened_at', type: 'timestamptz', nullable: true })
  openedAt: Date | null;

  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true })
  cancelledAt: Date | null;

  @Column({ name: 'cancel_reason', type: 'text', nullable: true })
  cancelReason: string | null;

  @Column({ name: 'failed_at', type: 'timestamptz', nullable: true })
  failedAt: Date | null;

  @Column({ name: 'failed_reason', type: 'text', nullable: true })
  failedReason: string | null;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

@Entity({ name: 'project_items' })
export class ProjectItemRecord {
  @PrimaryColumn({ name: 'project_id', type: 'uuid' })
  projectId: string;

  @PrimaryColumn({ type: 'integer' })
  position: number;

  @Column({ name: 'item_code', type: 'varchar', length: 16 })
  itemCode: string;

  @Column({ type: 'integer' })
  quantity: number;

  @Column({ name: 'unit_code', type: 'varchar', length: 40 })
  unitCode: string;

  @Column({ type: 'text', nullable: true })
  notes: string | null;
}

@Entity({ name: 'project_criteria' })
export class ProjectCriterionRecord {
  @PrimaryColumn({ name: 'project_id', type: 'uuid' })
  projectId: string;

  @PrimaryColumn({ type: 'integer' })
  position: number;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  description: string;

  @Column({ type: 'integer' })
  weight: number;
}

@Entity({ name: 'project_milestones' })
export class ProjectMilestoneRecord {
  @PrimaryColumn({ name: 'project_id', type: 'uuid' })
  projectId: string;

  @PrimaryColumn({ type: 'integer' })
  position: number;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'due_date', type: 'date' })
  dueDate: string;

  @Column({ type: 'text' })
  deliverables: string;

  @Column({ name: 'payment_share_bp', type: 'integer' })
  paymentShareBp: number;
}

@Entity({ name: 'project_invitations' })
export class ProjectInvitation {
  @PrimaryColumn({ name: 'project_id', type: 'uuid' })
  projectId: string;

  @PrimaryColumn({ name: 'organisation_id', type: 'uuid' })
  organisationId: string;
}

/** A published clarification (答疑) or amendment (更正), numbered per project. */
@Entity({ name: 'project_amendments' })
export class ProjectAmendment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'project_id', type: 'uuid' })
  projectId: string;

  @Column({ type: 'integer' })
  sequence: number;

  @Column({ type: 'text' })
  kind: 'clarification' | 'amendment';

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text' })
  body: string;

  @Column({ name: 'changes_submission', type: 'boolean' })
  changesSubmission: boolean;

  /** The officer's published reason why this amendment cannot affect how bids are prepared (then no extension). */
  @Column({ name: 'no_effect_reason', type: 'text', nullable: true })
  noEffectReason: string | null;

  @Column({ name: 'previous_deadline_at', type: 'timestamptz', nullable: true })
  previousDeadlineAt: Date | null;

  @Column({ name: 'new_deadline_at', type: 'timestamptz', nullable: true })
  newDeadlineAt: Date | null;

  @Column({ type: 'jsonb' })
  changes: AmendmentChanges;

  @Column({ name: 'published_at', type: 'timestamptz' })
  publishedAt: Date;

  @Column({ name: 'published_by', type: 'uuid' })
  publishedBy: string;
}

@Entity({ name: 'project_questions' })
export class ProjectQuestion {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'project_id', type: 'uuid' })
  projectId: string;

  /** Never shown publicly: answers are published without the asker's identity. */
  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId: string;

  @Column({ name: 'asked_by', type: 'uuid' })
  askedBy: string;

  @Column({ type: 'text' })
  question: string;

  @Column({ name: 'asked_at', type: 'timestamptz' })
  askedAt: Date;

  @Column({ type: 'text', nullable: true })
  answer: string | null;

  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true })
  answeredAt: Date | null;

  @Column({ name: 'answered_by', type: 'uuid', nullable: true })
  answeredBy: string | null;
}

export const PROJECT_ENTITIES = [Project, ProjectItemRecord, ProjectCriterionRecord, ProjectMilestoneRecord, ProjectInvitation, ProjectAmendment, ProjectQuestion];
