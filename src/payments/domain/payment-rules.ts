import { Grade, GRADE_LABELS_ZH, gradeAtLeast, gradeOf } from './grades';

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
  explanation: string[];
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

const pct = (bp: number) => `${(bp / 100).toFixed(2).replace(/\.?0+$/, '')}%`;
const yuan = (minor: number) => `${Math.trunc(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;

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
  const explanation = [
    `评估得分 ${(scoreCenti / 100).toFixed(2)}，等级 ${GRADE_LABELS_ZH[grade]}（${grade}）`,
    `本期金额 ¥${yuan(trancheMinor)} × ${pct(shareBp)} = ¥${yuan(earnedMinor)}（向下取整到分）`,
  ];
  if (retentionMinor > 0) explanation.push(`质保金 ${pct(rules.retentionBp)}：暂扣 ¥${yuan(retentionMinor)}，末期通过后支付`);
  if (holdbackMinor > 0) explanation.push(`合格暂扣 ¥${yuan(holdbackMinor)}：终期评估平均等级达到${GRADE_LABELS_ZH[rules.passHoldbackReleaseMinGrade]}后支付`);
  if (withheldMinor > 0) explanation.push(`不予支付 ¥${yuan(withheldMinor)}`);
  explanation.push(`本次应付 ¥${yuan(payableMinor)}`);
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
export function holdbackRelease(outcomes: MilestoneOutcome[], rules: PaymentRules): { releaseMinor: number; averageGrade: Grade; explanation: string } {
  if (!outcomes.length) throw new PaymentRuleError('no milestone outcomes');
  const sum = outcomes.reduce((s, o) => s + o.scoreCenti, 0);
  const averageGrade = gradeOf(Math.floor(sum / outcomes.length));
  const held = outcomes.reduce((s, o) => s + o.holdbackMinor, 0);
  const releaseMinor = gradeAtLeast(averageGrade, rules.passHoldbackReleaseMinGrade) ? held : 0;
  return {
    releaseMinor,
    averageGrade,
    explanation: `平均得分 ${(sum / outcomes.length / 100).toFixed(2)}，等级 ${GRADE_LABELS_ZH[averageGrade]}；暂扣合计 ¥${yuan(held)}，${releaseMinor ? '予以支付' : '不予支付'}`,
  };
}
