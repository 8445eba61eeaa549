import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { moneyTransformer } from '../common/money/money.transformer';
import type { ChallengeOutcome, ChallengeStatus, ChallengeSubject, ProcedureStep } from './domain/challenges';
import type { PeriodExplanation } from './domain/working-day-period';
import type { AwardNotice } from './award-notice';

export type AwardStatus = 'active' | 'cancelled' | 'superseded';

/**
 * An award decision (定标) and its notice. Schema: 1795500000100-CreateAwardsAndContracts.ts and
 * 1795502000000-GuardAwards.ts (one active award per project; only active → cancelled/superseded).
 */
@Entity({ name: 'awards' })
export class Award {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'project_id', type: 'uuid' })
  projectId: string;

  @Column({ name: 'evaluation_id', type: 'uuid' })
  evaluationId: string;

  @Column({ name: 'bid_id', type: 'uuid' })
  bidId: string;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId: string;

  @Column({ name: 'price_minor', type: 'bigint', transformer: moneyTransformer })
  priceMinor: number;

  @Column({ name: 'is_top_ranked', type: 'boolean' })
  isTopRanked: boolean;

  /** Why another than the top-ranked bidder; published with the notice. */
  @Column({ name: 'deviation_reason', type: 'text', nullable: true })
  deviationReason: string | null;

  @Column({ type: 'text' })
  status: AwardStatus;

  @Column({ name: 'awarded_by', type: 'uuid' })
  awardedBy: string;

  @Column({ name: 'awarded_at', type: 'timestamptz' })
  awardedAt: Date;

  @Column({ name: 'challenge_period_ends_at', type: 'timestamptz' })
  challengePeriodEndsAt: Date;

  @Column({ name: 'challenge_period_explanation', type: 'jsonb' })
  challengePeriodExplanation: PeriodExplanation;

  /** When it was cancelled or superseded. */
  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true })
  cancelledAt: Date | null;

  @Column({ name: 'cancel_reason', type: 'text', nullable: true })
  cancelReason: string | null;

  /** The notice as published (中标/成交公告). */
  @Column({ type: 'jsonb' })
  notice: AwardNotice;
}

/** A challenge (质疑) against an award. Schema: CreateAwardsAndContracts and 1795502000010-GuardChallenges.ts. */
@Entity({ name: 'challenges' })
export class Challenge {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The award challenged (subject `result`); null for a challenge against the documents or a procedural step. */
  @Column({ name: 'award_id', type: 'uuid', nullable: true })
  awardId: string | null;

  @Column({ name: 'project_id', type: 'uuid' })
  projectId: string;

  /** What is challenged (政府采购法实施条例 第五十三条): the result, the procurement documents, or a procedural step. */
  @Column({ type: 'text' })
  subject: ChallengeSubject;

  /** For subject `procedure`: which step. */
  @Column({ type: 'text', nullable: true })
  step: ProcedureStep | null;

  /** The close of the period it was filed in, and how that period was counted. */
  @Column({ name: 'period_ends_at', type: 'timestamptz' })
  periodEndsAt: Date;

  @Column({ name: 'period_explanation', type: 'jsonb' })
  periodExplanation: PeriodExplanation;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId: string;

  @Column({ name: 'filed_by', type: 'uuid' })
  filedBy: string;

  @Column({ type: 'text' })
  grounds: string;

  @Column({ name: 'filed_at', type: 'timestamptz' })
  filedAt: Date;

  @Column({ name: 'answer_due_at', type: 'timestamptz' })
  answerDueAt: Date;

  @Column({ name: 'answer_due_explanation', type: 'jsonb' })
  answerDueExplanation: PeriodExplanation;

  @Column({ type: 'text' })
  status: ChallengeStatus;

  @Column({ type: 'text', nullable: true })
  outcome: ChallengeOutcome | null;

  @Column({ type: 'text', nullable: true })
  answer: string | null;

  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true })
  answeredAt: Date | null;

  @Column({ name: 'answered_by', type: 'uuid', nullable: true })
  answeredBy: string | null;
}

/** This module's entities, registered once in src/database/entities.ts. */
export const AWARD_ENTITIES = [Award, Challenge];
