import { ExplanationLine, line } from './explanation';
import { Grade, averageScoreCenti, gradeAtLeast, gradeOf } from './grades';

/** A payment_rules row: the payable share of a tranche per grade, in basis points. */
export interface PaymentRules {
  excellentBp: number;
  goodBp: number;
  passBp: number;
  failBp: number;
  /** A pass's held-back part is released after the final evaluation if the average grade is at least this. */
  passHoldbackReleaseMinGrade: 'excellent' | 'good';
  /** Part of every payable share kept until the final milestone passes (0 = none). */
  retentionBp: number;
}

export const DEFAULT_PAYMENT_RULES: PaymentRules = { excellentBp: 10000, goodBp: 10000, passBp: 9000, failBp: 0, passHoldbackReleaseMinGrade: 'good', retentionBp: 0 };

export class PaymentRuleError extends Error {}

export interface TrancheInput {
  /** The milestone's amount in fen: the tranche. */
  trancheMinor: number;
  /** The exact evaluation score in hundredths of a point. */
  scoreCenti: number;
  rules: PaymentRules;
}

/**
 * How a tranche divides. The four parts always sum to `trancheMinor`:
 * payable now + retention (until the final milestone passes) + held back (a pass's remainder,
 * released if the final average is good enough) + withheld (not earned: never paid).
 */
export interface Tranche {
  grade: Grade;
  shareBp: number;
  trancheMinor: number;
  payableMinor: number;
  retentionMinor: number;
  holdbackMinor: number;
  withheldMinor: number;
  explanation: ExplanationLine[];
}

function bpOf(grade: Grade, rules: PaymentRules): number {
  return { excellent: rules.excellentBp, good: rules.goodBp, pass: rules.passBp, fail: rules.failBp }[grade];
}

/** floor(amount × bp / 10000) in exact integer arithmetic. */
export function shareOf(amountMinor: number, bp: number): number {
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0) throw new PaymentRuleError(`an amount is whole fen ≥ 0, not ${amountMinor}`);
  if (!Number.isInteger(bp) || bp < 0 || bp > 10000) throw new PaymentRuleError(`a share is 0–10000 basis points, not ${bp}`);
  return Number((BigInt(amountMinor) * BigInt(bp)) / 10000n);
}

/** The payment-by-results rule for one tranche. Rounds down to the fen; the remainder stays held. */
export function computeTranche(input: TrancheInput): Tranche {
  const { trancheMinor, scoreCenti, rules } = input;
  const grade = gradeOf(scoreCenti);
  const shareBp = bpOf(grade, rules);
  const earnedMinor = shareOf(trancheMinor, shareBp);
  const payableMinor = shareOf(earnedMinor, 10000 - rules.retentionBp);
  const retentionMinor = earnedMinor - payableMinor;
  const rest = trancheMinor - earnedMinor;
  const holdbackMinor = grade === 'pass' ? rest : 0;
  const withheldMinor = rest - holdbackMinor;
  const explanation = [line('score', { scoreCenti, grade }), line('share', { trancheMinor, shareBp, earnedMinor })];
  if (retentionMinor > 0) explanation.push(line('retention', { retentionBp: rules.retentionBp, retentionMinor }));
  if (holdbackMinor > 0) explanation.push(line('holdback', { holdbackMinor, minGrade: rules.passHoldbackReleaseMinGrade }));
  if (withheldMinor > 0) explanation.push(line('withheld', { withheldMinor }));
  explanation.push(line('payable', { payableMinor }));
  return { grade, shareBp, trancheMinor, payableMinor, retentionMinor, holdbackMinor, withheldMinor, explanation };
}

export interface MilestoneOutcome {
  scoreCenti: number;
  holdbackMinor: number;
}

/**
 * After the final evaluation: the pass hold-backs are released when the average score of all
 * milestones grades at least `passHoldbackReleaseMinGrade` (compared exactly: sum ≥ floor × n).
 */
export function holdbackRelease(outcomes: MilestoneOutcome[], rules: PaymentRules): { releaseMinor: number; averageGrade: Grade; explanation: ExplanationLine } {
  if (!outcomes.length) throw new PaymentRuleError('no milestone outcomes');
  const sum = outcomes.reduce((s, o) => s + o.scoreCenti, 0);
  const average = averageScoreCenti(outcomes.map((o) => o.scoreCenti));
  const averageGrade = gradeOf(average);
  const held = outcomes.reduce((s, o) => s + o.holdbackMinor, 0);
  const releaseMinor = gradeAtLeast(averageGrade, rules.passHoldbackReleaseMinGrade) ? held : 0;
  return {
    releaseMinor,
    averageGrade,
    // The average is the rounded figure (averageCenti) the decision used; sumCenti/count kept for older renderers.
    explanation: line(releaseMinor ? 'averageReleased' : 'averageNotReleased', { sumCenti: sum, count: outcomes.length, averageCenti: average, grade: averageGrade, heldMinor: held }),
  };
}
