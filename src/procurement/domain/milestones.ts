import { isBlankRow } from './criteria';
import { isLocalDate } from './local-time';
import { Problems, addProblem, charLength, text } from './problems';

/**
 * The milestone plan: payment by results, in shares of the contract price that add up to
 * exactly 100 %. Shares are typed in percent with up to two decimals and kept in basis points
 * (1 % = 100 bp), so no rounding ever loses a fen of the share. Pure.
 */
export const MAX_MILESTONES = 6;
export const FULL_SHARE_BP = 10_000;

export interface MilestoneRow {
  name?: unknown;
  dueDate?: unknown;
  deliverables?: unknown;
  share?: unknown;
}

export interface Milestone {
  position: number;
  name: string;
  /** YYYY-MM-DD. */
  dueDate: string;
  deliverables: string;
  paymentShareBp: number;
}

/** "30", "33.33", "12.5 %", "３０" → basis points; null when not a percentage with at most 2 decimals. */
export function parsePercentToBp(value: unknown): number | null {
  const raw = text(value).normalize('NFKC').replace(/\s*%$/, '');
  const match = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(raw);
  if (!match) return null;
  const bp = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return bp <= FULL_SHARE_BP ? bp : null;
}

/** 3333 → "33.33", 3000 → "30", 1250 → "12.5". */
export function formatBp(bp: number): string {
  const whole = Math.floor(bp / 100);
  const fraction = bp % 100;
  if (fraction === 0) return String(whole);
  return `${whole}.${String(fraction).padStart(2, '0').replace(/0$/, '')}`;
}

export interface MilestoneCheck {
  milestones: Milestone[];
  problems: Problems;
}

/**
 * Checks the rows (blank ones ignored): a name, a due date inside the service period and after
 * the previous milestone's, deliverables, and shares summing to exactly 100 %.
 */
export function checkMilestones(rows: readonly MilestoneRow[], period: { start: string; end: string } | null): MilestoneCheck {
  const problems: Problems = {};
  const milestones: Milestone[] = [];
  const used = rows.map((row, index) => ({ row, index })).filter(({ row }) => !isBlankRow(row as Record<string, unknown>));
  if (rows.length > MAX_MILESTONES) addProblem(problems, 'milestones', 'tooManyRows', { max: MAX_MILESTONES });
  if (used.length === 0) {
    addProblem(problems, 'milestones', 'milestonesRequired');
    return { milestones, problems };
  }
  let total = 0;
  let allShares = true;
  let previous: string | null = null;
  for (const { row, index } of used) {
    const at = (field: string) => `milestones.${index}.${field}`;
    const name = text(row.name);
    const dueDate = text(row.dueDate);
    const deliverables = text(row.deliverables);
    if (charLength(name) < 2 || charLength(name) > 100) addProblem(problems, at('name'), 'textLength', { min: 2, max: 100 });
    if (!isLocalDate(dueDate)) {
      addProblem(problems, at('dueDate'), 'date');
    } else {
      if (period && (dueDate < period.start || dueDate > period.end)) {
        addProblem(problems, at('dueDate'), 'milestoneOutsidePeriod', { start: period.start, end: period.end });
      } else if (previous !== null && dueDate <= previous) {
        addProblem(problems, at('dueDate'), 'milestoneOrder', { previous });
      }
      previous = dueDate;
    }
    if (charLength(deliverables) < 2 || charLength(deliverables) > 2000) addProblem(problems, at('deliverables'), 'textLength', { min: 2, max: 2000 });
    const share = parsePercentToBp(row.share);
    if (share === null) {
      addProblem(problems, at('share'), 'share');
      allShares = false;
    } else total += share;
    milestones.push({ position: milestones.length + 1, name, dueDate, deliverables, paymentShareBp: share ?? 0 });
  }
  if (allShares && total !== FULL_SHARE_BP) addProblem(problems, 'milestones', 'sharesSum', { sum: formatBp(total) });
  return { milestones, problems };
}
