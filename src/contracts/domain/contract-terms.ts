import { Minor, allocateMinor } from '../../common/money/money';

/**
 * The contract's money and milestones, from the project's milestone plan. Pure.
 *
 * Each milestone's amount is its payment share (basis points) of the contract amount, in whole
 * fen, by largest-remainder allocation: the amounts always add up to the contract amount
 * exactly, as the database re-checks at commit (contract_milestones_sum).
 */
export const FULL_SHARE_BP = 10_000;

export interface PlannedMilestone {
  position: number;
  name: string;
  /** YYYY-MM-DD. */
  dueDate: string;
  deliverables: string;
  paymentShareBp: number;
}

export interface Indicator {
  code: string;
  nameZh: string;
  nameEn: string;
  /** Points out of 100. */
  weight: number;
}

/** How each milestone's delivery is evaluated by default (points out of 100). */
export const DEFAULT_INDICATORS: readonly Indicator[] = [
  { code: 'output_quantity', nameZh: '产出数量', nameEn: 'Output quantity', weight: 30 },
  { code: 'service_quality', nameZh: '服务质量', nameEn: 'Service quality', weight: 30 },
  { code: 'resident_satisfaction', nameZh: '居民满意度', nameEn: 'Resident satisfaction', weight: 20 },
  { code: 'management_finance', nameZh: '管理与财务', nameEn: 'Management and finances', weight: 20 },
];

export interface ContractMilestoneTerms extends PlannedMilestone {
  amountMinor: Minor;
  indicators: Indicator[];
}

export class ContractTermsError extends Error {}

/** The milestone plan with amounts: shares must add up to 100 % (10 000 bp) and the amount be positive. */
export function milestoneTerms(amountMinor: Minor, plan: readonly PlannedMilestone[], indicators: readonly Indicator[] = DEFAULT_INDICATORS): ContractMilestoneTerms[] {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) throw new ContractTermsError(`the contract amount must be a positive number of fen, got ${amountMinor}`);
  if (plan.length === 0) throw new ContractTermsError('the project has no milestone plan');
  const total = plan.reduce((sum, m) => sum + m.paymentShareBp, 0);
  if (total !== FULL_SHARE_BP) throw new ContractTermsError(`milestone shares add up to ${total} bp, not ${FULL_SHARE_BP}`);
  const amounts = allocateMinor(
    amountMinor,
    plan.map((m) => m.paymentShareBp),
  );
  return [...plan].sort((a, b) => a.position - b.position).map((m) => ({ ...m, amountMinor: amounts[plan.indexOf(m)], indicators: indicators.map((i) => ({ ...i })) }));
}

/** Indicator weights add up to 100 points. */
export function indicatorsAreComplete(indicators: readonly Indicator[]): boolean {
  return indicators.length > 0 && indicators.reduce((sum, i) => sum + i.weight, 0) === 100;
}

/** HT-2026-0001: the contract's public number (year of generation, Shanghai). */
export function contractReference(year: string, sequence: number): string {
  return `HT-${year}-${String(sequence).padStart(4, '0')}`;
}

export const CONTRACT_REFERENCE = /^HT-\d{4}-\d{4,}$/;
