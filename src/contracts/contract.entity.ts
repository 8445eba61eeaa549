import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { moneyTransformer } from '../common/money/money.transformer';
import type { PeriodExplanation } from '../awards/domain/working-day-period';
import type { Indicator } from './domain/contract-terms';
import type { MilestoneStatus, VariationKind } from './domain/variations';

export type ContractStatus = 'awaiting_confirmation' | 'active' | 'terminating' | 'terminated' | 'completed';

/** A service item of the contract, as purchased (from the project, with the catalogue's names). */
export interface ContractItem {
  position: number;
  itemCode: string;
  nameZh: string;
  nameEn: string;
  quantity: number;
  unitZh: string;
  unitEn: string;
  notes: string | null;
}

/** The parties as they were when the contract was generated. */
export interface ContractParties {
  purchaser: { name: string; level: string };
  provider: { organisationId: string; name: string; creditCode: string; legalRepresentative: string; address: string };
}

/**
 * A service contract from an award. Schema: 1795500000100-CreateAwardsAndContracts.ts and
 * 1795502000020-AddContractDetails.ts. Milestone amounts always sum to `amountMinor` (checked
 * by the database at commit).
 */
@Entity({ name: 'contracts' })
export class Contract {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** HT-2026-0001. */
  @Column({ type: 'text' })
  reference: string;

  @Column({ name: 'project_id', type: 'uuid' })
  projectId: string;

  @Column({ name: 'award_id', type: 'uuid' })
  awardId: string;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId: string;

  @Column({ name: 'fund_id', type: 'uuid' })
  fundId: string;

  @Column({ name: 'amount_minor', type: 'bigint', transformer: moneyTransformer })
  amountMinor: number;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ name: 'service_start', type: 'date' })
  serviceStart: string;

  @Column({ name: 'service_end', type: 'date' })
  serviceEnd: string;

  @Column({ type: 'jsonb' })
  items: ContractItem[];

  @Column({ type: 'jsonb' })
  parties: ContractParties;

  @Column({ name: 'settlement_method', type: 'text' })
  settlementMethod: string;

  /** The contract text rendered from views/contracts/text/contract.hbs at generation. */
  @Column({ type: 'text' })
  terms: string;

  @Column({ name: 'terms_sha256', type: 'char', length: 64 })
  termsSha256: string;

  @Column({ type: 'text' })
  status: ContractStatus;

  @Column({ name: 'organisation_confirmed_at', type: 'timestamptz', nullable: true })
  organisationConfirmedAt: Date | null;

  @Column({ name: 'organisation_confirmed_by', type: 'uuid', nullable: true })
  organisationConfirmedBy: string | null;

  @Column({ name: 'approver_confirmed_at', type: 'timestamptz', nullable: true })
  approverConfirmedAt: Date | null;

  @Column({ name: 'approver_confirmed_by', type: 'uuid', nullable: true })
  approverConfirmedBy: string | null;

  @Column({ name: 'activated_at', type: 'timestamptz', nullable: true })
  activatedAt: Date | null;

  @Column({ name: 'publish_due_at', type: 'timestamptz', nullable: true })
  publishDueAt: Date | null;

  @Column({ name: 'publish_due_explanation', type: 'jsonb', nullable: true })
  publishDueExplanation: PeriodExplanation | null;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

@Entity({ name: 'contract_milestones' })
export class ContractMilestone {
  @PrimaryColumn({ name: 'contract_id', type: 'uuid' })
  contractId: string;

  @PrimaryColumn({ type: 'integer' })
  position: number;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'due_date', type: 'date' })
  dueDate: string;

  @Column({ type: 'text' })
  deliverables: string;

  @Column({ name: 'share_bp', type: 'integer' })
  shareBp: number;

  @Column({ name: 'amount_minor', type: 'bigint', transformer: moneyTransformer })
  amountMinor: number;

  @Column({ type: 'jsonb' })
  indicators: Indicator[];

  @Column({ type: 'text' })
  status: MilestoneStatus;
}

export type VariationStatus = 'proposed' | 'approved' | 'rejected';

@Entity({ name: 'contract_variations' })
export class ContractVariation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'contract_id', type: 'uuid' })
  contractId: string;

  @Column({ type: 'integer' })
  sequence: number;

  @Column({ type: 'text' })
  kind: VariationKind;

  @Column({ type: 'text' })
  description: string;

  /** What changes, before → after (see variations.service.ts). */
  @Column({ type: 'jsonb' })
  changes: VariationChanges;

  @Column({ name: 'amount_delta_minor', type: 'bigint', transformer: moneyTransformer })
  amountDeltaMinor: number;

  @Column({ type: 'text' })
  status: VariationStatus;

  @Column({ name: 'proposed_by', type: 'uuid' })
  proposedBy: string;

  @Column({ name: 'proposed_at', type: 'timestamptz' })
  proposedAt: Date;

  @Column({ name: 'decided_by', type: 'uuid', nullable: true })
  decidedBy: string | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  @Column({ name: 'decision_reason', type: 'text', nullable: true })
  decisionReason: string | null;
}

/** A variation's changes as proposed; on approval, `applied` records what was actually written. */
export interface VariationChanges {
  dates?: {
    before: { serviceStart: string; serviceEnd: string; milestones: Array<{ position: number; dueDate: string }> };
    after: { serviceStart: string; serviceEnd: string; milestones: Array<{ position: number; dueDate: string }> };
  };
  scope?: {
    before: Array<{ position: number; quantity: number }>;
    after: Array<{ position: number; quantity: number }>;
  };
  /** `reductionReason`: why the amount goes down (required for a reduction, published with the contract). */
  amount?: { beforeMinor: number; afterMinor: number; reductionReason?: string };
  applied?: { milestoneAmounts?: Array<{ position: number; beforeMinor: number; afterMinor: number }>; amountBeforeMinor?: number; amountAfterMinor?: number };
}

/** This module's entities, registered once in src/database/entities.ts. */
export const CONTRACT_ENTITIES = [Contract, ContractMilestone, ContractVariation];
