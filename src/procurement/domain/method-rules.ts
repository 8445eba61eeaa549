import { Problems, addProblem, charLength, parseWholeNumber, text } from './problems';
import { statutoryFloorProblems } from './statutory-floors';
import { PERIOD_UNITS, PeriodUnit } from './working-days';

/**
 * Procurement methods and the rules each must follow, as configured in
 * `procurement_method_rules` (one row per method and effective date). Pure.
 */
export const PROCUREMENT_METHODS = ['open_tender', 'competitive_consultation', 'competitive_negotiation', 'request_for_quotation', 'single_source'] as const;
export type ProcurementMethod = (typeof PROCUREMENT_METHODS)[number];

export const SCORINGS = ['comprehensive', 'lowest_price', 'negotiated'] as const;
export type Scoring = (typeof SCORINGS)[number];

export interface MethodRule {
  id: string;
  method: ProcurementMethod;
  /** YYYY-MM-DD: in force from this Shanghai date until a later row of the same method. */
  effectiveFrom: string;
  /** Shortest time from publication to the bid deadline (for single source: the public notice). */
  minPeriod: number;
  periodUnit: PeriodUnit;
  minValidBids: number;
  /** Fewer valid bids suffice when the project purchases services (competitive consultation: 2). */
  minValidBidsServices: number | null;
  scoring: Scoring;
  priceWeightMin: number;
  priceWeightMax: number;
  committeeMinSize: number;
  committeeLargeSize: number;
  largeBudgetMinor: number;
  allowsBureauRepresentative: boolean;
  /** Only invited organisations may bid (single source: exactly one). */
  invitedOnly: boolean;
  /** An amendment changing what bidders submit needs this long before the deadline, else the deadline moves. */
  amendmentMinPeriod: number;
  amendmentPeriodUnit: PeriodUnit;
  /**
   * A valid price below this percentage of the mean valid price is abnormally low and gets a
   * written inquiry (财政部令第87号 第六十条, which sets no figure: 50–100, 80 by default).
   */
  abnormallyLowPercent: number;
  citationZh: string;
  citationEn: string;
}

/** The range an admin may give `abnormallyLowPercent`: the law sets no figure; below half the mean the check would mean nothing. */
export const ABNORMALLY_LOW_PERCENT_MIN = 50;
export const ABNORMALLY_LOW_PERCENT_MAX = 100;

export function isProcurementMethod(value: unknown): value is ProcurementMethod {
  return typeof value === 'string' && (PROCUREMENT_METHODS as readonly string[]).includes(value);
}

/** The row in force for `method` on `date` (YYYY-MM-DD): the latest effective on or before it. */
export function ruleInForce<R extends Pick<MethodRule, 'method' | 'effectiveFrom'>>(rules: readonly R[], method: string, date: string): R | null {
  let best: R | null = null;
  for (const rule of rules) {
    if (rule.method !== method || rule.effectiveFrom > date) continue;
    if (!best || rule.effectiveFrom > best.effectiveFrom) best = rule;
  }
  return best;
}

/** Price alone decides (negotiation, request for quotation) or is negotiated (single source): no technical criteria. */
export function isPriceOnly(rule: Pick<MethodRule, 'scoring'>): boolean {
  return rule.scoring !== 'comprehensive';
}

/**
 * Valid bids needed for the procurement to go on. Every project on this platform purchases
 * services (政府购买服务), so the services exception applies unless a caller says otherwise
 * (财库〔2015〕124号: two suffice for competitive consultation).
 */
export function minValidBids(project: { rule: Pick<MethodRule, 'minValidBids' | 'minValidBidsServices'>; purchasesServices?: boolean }): number {
  const { rule } = project;
  if (project.purchasesServices !== false && rule.minValidBidsServices !== null && rule.minValidBidsServices !== undefined) {
    return rule.minValidBidsServices;
  }
  return rule.minValidBids;
}

/** Evaluation committee size for a budget: the larger size from `largeBudgetMinor` up. */
export function committeeSize(rule: Pick<MethodRule, 'committeeMinSize' | 'committeeLargeSize' | 'largeBudgetMinor'>, budgetMinor: number): number {
  return budgetMinor >= rule.largeBudgetMinor ? rule.committeeLargeSize : rule.committeeMinSize;
}

/** A new rule row as typed on the admin page (raw strings). */
export interface NewRuleInput {
  method: string;
  effectiveFrom: string;
  minPeriod: string;
  periodUnit: string;
  minValidBids: string;
  minValidBidsServices: string;
  scoring: string;
  priceWeightMin: string;
  priceWeightMax: string;
  committeeMinSize: string;
  committeeLargeSize: string;
  largeBudgetYuan: string;
  allowsBureauRepresentative: boolean;
  invitedOnly: boolean;
  amendmentMinPeriod: string;
  amendmentPeriodUnit: string;
  abnormallyLowPercent: string;
  citationZh: string;
  citationEn: string;
}

export type NewRule = Omit<MethodRule, 'id'>;

/**
 * Checks a new rule row. Rows are never edited: a new row from a later date supersedes, and it
 * may not take effect before `today`, so rules already applied to projects stay as they were.
 */
export function checkNewRule(input: NewRuleInput, today: string, parseYuan: (raw: string) => number | null): { rule: NewRule | null; problems: Problems } {
  const problems: Problems = {};
  const int = (field: keyof NewRuleInput, min: number, max: number, optional = false): number | null => {
    const raw = text(input[field]);
    if (optional && raw === '') return null;
    const value = parseWholeNumber(raw);
    if (value === null || value < min || value > max) {
      addProblem(problems, field, 'wholeNumberBetween', { min, max });
      return null;
    }
    return value;
  };
  if (!isProcurementMethod(input.method)) addProblem(problems, 'method', 'methodRequired');
  const effectiveFrom = text(input.effectiveFrom);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(effectiveFrom) || Number.isNaN(Date.parse(`${effectiveFrom}T00:00:00Z`))) addProblem(problems, 'effectiveFrom', 'date');
  else if (effectiveFrom < today) addProblem(problems, 'effectiveFrom', 'ruleNotRetroactive', { today });
  const minPeriod = int('minPeriod', 0, 365);
  if (!(PERIOD_UNITS as readonly string[]).includes(input.periodUnit)) addProblem(problems, 'periodUnit', 'choose');
  const minBids = int('minValidBids', 1, 20);
  const minBidsServices = int('minValidBidsServices', 1, 20, true);
  if (!(SCORINGS as readonly string[]).includes(input.scoring)) addProblem(problems, 'scoring', 'choose');
  const wMin = int('priceWeightMin', 0, 100);
  const wMax = int('priceWeightMax', 0, 100);
  if (wMin !== null && wMax !== null && wMin > wMax) addProblem(problems, 'priceWeightMax', 'weightRangeOrder');
  if (input.scoring !== 'comprehensive' && wMin !== null && wMax !== null && (wMin !== 100 || wMax !== 100)) {
    addProblem(problems, 'priceWeightMin', 'priceOnlyWeight');
  }
  const cMin = int('committeeMinSize', 3, 99);
  const cLarge = int('committeeLargeSize', 3, 99);
  if (cMin !== null && cMin % 2 === 0) addProblem(problems, 'committeeMinSize', 'oddNumber');
  if (cLarge !== null && cLarge % 2 === 0) addProblem(problems, 'committeeLargeSize', 'oddNumber');
  if (cMin !== null && cLarge !== null && cLarge < cMin) addProblem(problems, 'committeeLargeSize', 'committeeOrder');
  const large = parseYuan(text(input.largeBudgetYuan));
  if (large === null || large <= 0) addProblem(problems, 'largeBudgetYuan', 'amount');
  const amendmentPeriod = int('amendmentMinPeriod', 0, 365);
  if (!(PERIOD_UNITS as readonly string[]).includes(input.amendmentPeriodUnit)) addProblem(problems, 'amendmentPeriodUnit', 'choose');
  const lowPercent = int('abnormallyLowPercent', ABNORMALLY_LOW_PERCENT_MIN, ABNORMALLY_LOW_PERCENT_MAX);
  for (const field of ['citationZh', 'citationEn'] as const) {
    const len = charLength(text(input[field]));
    if (len < 5 || len > 2000) addProblem(problems, field, 'textLength', { min: 5, max: 2000 });
  }
  if (Object.keys(problems).length) return { rule: null, problems };
  const rule: NewRule = {
    method: input.method as ProcurementMethod,
    effectiveFrom,
    minPeriod: minPeriod!,
    periodUnit: input.periodUnit as PeriodUnit,
    minValidBids: minBids!,
    minValidBidsServices: minBidsServices,
    scoring: input.scoring as Scoring,
    priceWeightMin: wMin!,
    priceWeightMax: wMax!,
    committeeMinSize: cMin!,
    committeeLargeSize: cLarge!,
    largeBudgetMinor: large!,
    allowsBureauRepresentative: input.allowsBureauRepresentative,
    invitedOnly: input.invitedOnly,
    amendmentMinPeriod: amendmentPeriod!,
    amendmentPeriodUnit: input.amendmentPeriodUnit as PeriodUnit,
    abnormallyLowPercent: lowPercent!,
    citationZh: text(input.citationZh),
    citationEn: text(input.citationEn),
  };
  // Never below the law (statutory-floors.ts): stricter is allowed, looser is refused with the provision.
  const floors = statutoryFloorProblems(rule);
  if (Object.keys(floors).length) return { rule: null, problems: floors };
  return { rule, problems };
}
