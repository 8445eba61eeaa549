import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { moneyTransformer } from '../common/money/money.transformer';

export type FundOwnerLevel = 'district' | 'sub_district' | 'community';

/**
 * A funding source (专项资金). The running totals change only by single UPDATE statements in the
 * transaction of the project that reserves, commits or pays; CHECK funds_within_total keeps
 * reserved + committed + paid within the total. Schema: migrations/1795490000100-CreateFunds.ts.
 */
@Entity({ name: 'funds' })
export class Fund {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'fiscal_year', type: 'integer' })
  fiscalYear: number;

  @Column({ name: 'owner_level', type: 'text' })
  ownerLevel: FundOwnerLevel;

  @Column({ name: 'owner_unit', type: 'text' })
  ownerUnit: string;

  @Column({ name: 'total_minor', type: 'bigint', transformer: moneyTransformer })
  totalMinor: number;

  @Column({ name: 'reserved_minor', type: 'bigint', transformer: moneyTransformer })
  reservedMinor: number;

  @Column({ name: 'committed_minor', type: 'bigint', transformer: moneyTransformer })
  committedMinor: number;

  @Column({ name: 'paid_minor', type: 'bigint', transformer: moneyTransformer })
  paidMinor: number;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ name: 'is_active', type: 'boolean' })
  isActive: boolean;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** What is left to reserve. */
export function availableMinor(fund: Pick<Fund, 'totalMinor' | 'reservedMinor' | 'committedMinor' | 'paidMinor'>): number {
  return fund.totalMinor - fund.reservedMinor - fund.committedMinor - fund.paidMinor;
}
