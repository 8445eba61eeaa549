import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { moneyTransformer } from '../common/money/money.transformer';
import type { ProcurementMethod, Scoring } from './domain/method-rules';
import type { CalendarDayKind, PeriodUnit } from './domain/working-days';

/** One method's rules from an effective date; append-only. Schema: 1795490000200-CreateProcurementRules.ts. */
@Entity({ name: 'procurement_method_rules' })
export class ProcurementMethodRule {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  method: ProcurementMethod;

  /** YYYY-MM-DD (pg date as string). */
  @Column({ name: 'effective_from', type: 'date' })
  effectiveFrom: string;

  @Column({ name: 'min_period', type: 'integer' })
  minPeriod: number;

  @Column({ name: 'period_unit', type: 'text' })
  periodUnit: PeriodUnit;

  @Column({ name: 'min_valid_bids', type: 'integer' })
  minValidBids: number;

  @Column({ name: 'min_valid_bids_services', type: 'integer', nullable: true })
  minValidBidsServices: number | null;

  @Column({ type: 'text' })
  scoring: Scoring;

  @Column({ name: 'price_weight_min', type: 'integer' })
  priceWeightMin: number;

  @Column({ name: 'price_weight_max', type: 'integer' })
  priceWeightMax: number;

  @Column({ name: 'committee_min_size', type: 'integer' })
  committeeMinSize: number;

  @Column({ name: 'committee_large_size', type: 'integer' })
  committeeLargeSize: number;

  @Column({ name: 'large_budget_minor', type: 'bigint', transformer: moneyTransformer })
  largeBudgetMinor: number;

  @Column({ name: 'allows_bureau_representative', type: 'boolean' })
  allowsBureauRepresentative: boolean;

  @Column({ name: 'invited_only', type: 'boolean' })
  invitedOnly: boolean;

  @Column({ name: 'amendment_min_period', type: 'integer' })
  amendmentMinPeriod: number;

  @Column({ name: 'amendment_period_unit', type: 'text' })
  amendmentPeriodUnit: PeriodUnit;

  @Column({ name: 'abnormally_low_percent', type: 'integer' })
  abnormallyLowPercent: number;

  @Column({ name: 'citation_zh', type: 'text' })
  citationZh: string;

  @Column({ name: 'citation_en', type: 'text' })
  citationEn: string;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** A public holiday or make-up working day (调休). */
@Entity({ name: 'calendar_days' })
export class CalendarDayRecord {
  @PrimaryColumn({ type: 'date' })
  day: string;

  @Column({ type: 'text' })
  kind: CalendarDayKind;

  @Column({ name: 'name_zh', type: 'text' })
  nameZh: string;

  @Column({ name: 'name_en', type: 'text' })
  nameEn: string;

  @Column({ name: 'updated_by', type: 'uuid', nullable: true })
  updatedBy: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
