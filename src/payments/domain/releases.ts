import { ExplanationLine, line } from './explanation';
import { Grade, averageScoreCenti as averageOf, gradeAtLeast, gradeOf } from './grades';
import { PaymentRules, computeTranche, holdbackRelease } from './payment-rules';

/**
 * The end of a contract's payment life: the pass hold-backs (合格暂扣) and the retention (质保金)
 * kept from each tranche, and what returns to the fund. Everything here is decided from the
 * fixed split of every tranche (the computation stored on its approved disbursement), so the
 * parts of a milestone always add up to its amount:
 *
 *   tranche paid now + retention + hold-back + withheld = milestone amount
 *
 * and over the contract:
 *
 *   Σ tranches + hold-back release + retention release + returned to the fund = contract amount
 *
 * where "returned" is what was never earned (withheld), a forfeited hold-back and cancelled
 * milestones. Nothing is rounded here: the only rounding is in computeTranche, per tranche.
 */

/** How one tranche divided (the fields of `Tranche` the releases need). */
export interface TrancheSplit {
  trancheMinor: number;
  payableMinor: number;
  retentionMinor: number;
  holdbackMinor: number;
  withheldMinor: number;
}

export interface MilestoneFacts {
  position: number;
  amountMinor: number;
  /** contract_milestones.status */
  status: string;
  /** Latest evaluation round's score, in hundredths; null before any evaluation. */
  scoreCenti: number | null;
  /** The split of its approved (approved, sending or paid) tranche disbursement, if any. */
  approvedTranche: TrancheSplit | null;
}

export type ReleaseBlocker = { kind: 'milestone_not_passed'; position: number; status: string } | { kind: 'tranche_not_approved'; position: number } | { kind: 'no_milestones' };

export interface MilestoneSplit extends TrancheSplit {
  position: number;
  scoreCenti: number;
}

export interface ReleasePlan {
  /** Position of the last milestone that is not cancelled: the releases are filed under it. */
  finalPosition: number | null;
  /** Why the releases are not due yet; empty when the final evaluation is in and every tranche is fixed. */
  blockers: ReleaseBlocker[];
  isDue: boolean;
  averageScoreCenti: number | null;
  averageGrade: Grade | null;
  holdback: { heldMinor: number; releaseMinor: number; forfeitMinor: number };
  retention: { heldMinor: number; releaseMinor: number };
  withheldMinor: number;
  cancelledMinor: number;
  milestones: MilestoneSplit[];
  /** Everything, for the page; and the lines of each release, for its disbursement. */
  explanation: ExplanationLine[];
  holdbackExplanation: ExplanationLine[];
  retentionExplanation: ExplanationLine[];
}

export class ReleaseRuleError extends Error {}

function checkSplit(position: number, s: TrancheSplit): void {
  const parts = [s.trancheMinor, s.payableMinor, s.retentionMinor, s.holdbackMinor, s.withheldMinor];
  if (parts.some((p) => !Number.isSafeInteger(p) || p < 0)) throw new ReleaseRuleError(`milestone ${position}: the tranche parts must be whole fen ≥ 0`);
  if (s.payableMinor + s.retentionMinor + s.holdbackMinor + s.withheldMinor !== s.trancheMinor) throw new ReleaseRuleError(`milestone ${position}: the tranche parts do not add up to the tranche`);
}

/**
 * What the hold-back and retention releases are, and whether they are due: all milestones that
 * are not cancelled have passed (the final evaluation is in), and every one of them has its
 * tranche fixed: approved, or nothing payable by the rules (then its split is computed here).
 */
export function planReleases(milestones: MilestoneFacts[], rules: PaymentRules): ReleasePlan {
  const live = [...milestones].filter((m) => m.status !== 'cancelled').sort((a, b) => a.position - b.position);
  const cancelledMinor = milestones.filter((m) => m.status === 'cancelled').reduce((s, m) => s + m.amountMinor, 0);
  const blockers: ReleaseBlocker[] = [];
  if (!live.length) blockers.push({ kind: 'no_milestones' });
  const splits: MilestoneSplit[] = [];
  for (const m of live) {
    if (m.status !== 'passed' || m.scoreCenti === null) {
      blockers.push({ kind: 'milestone_not_passed', position: m.position, status: m.status });
      continue;
    }
    let split = m.approvedTranche;
    if (!split) {
      const computed = computeTranche({ trancheMinor: m.amountMinor, scoreCenti: m.scoreCenti, rules });
      // A tranche with something payable must be proposed and approved first; one with nothing payable is fixed as it is.
      if (computed.payableMinor > 0) {
        blockers.push({ kind: 'tranche_not_approved', position: m.position });
        continue;
      }
      split = computed;
    }
    if (split.trancheMinor !== m.amountMinor) throw new ReleaseRuleError(`milestone ${m.position}: the approved tranche is for ${split.trancheMinor}, the milestone for ${m.amountMinor}`);
    checkSplit(m.position, split);
    splits.push({
      position: m.position,
      scoreCenti: m.scoreCenti,
      trancheMinor: split.trancheMinor,
      payableMinor: split.payableMinor,
      retentionMinor: split.retentionMinor,
      holdbackMinor: split.holdbackMinor,
      withheldMinor: split.withheldMinor,
    });
  }
  const heldHoldback = splits.reduce((s, m) => s + m.holdbackMinor, 0);
  const heldRetention = splits.reduce((s, m) => s + m.retentionMinor, 0);
  const withheldMinor = splits.reduce((s, m) => s + m.withheldMinor, 0);
  const isDue = blockers.length === 0;
  const finalPosition = live.length ? live[live.length - 1].position : null;
  if (!isDue) {
    return {
      finalPosition,
      blockers,
      isDue,
      averageScoreCenti: null,
      averageGrade: null,
      holdback: { heldMinor: heldHoldback, releaseMinor: 0, forfeitMinor: 0 },
      retention: { heldMinor: heldRetention, releaseMinor: 0 },
      withheldMinor,
      cancelledMinor,
      milestones: splits,
      explanation: [],
      holdbackExplanation: [],
      retentionExplanation: [],
    };
  }
  const hb = holdbackRelease(
    splits.map((s) => ({ scoreCenti: s.scoreCenti, holdbackMinor: s.holdbackMinor })),
    rules,
  );
  const averageScoreCenti = averageOf(splits.map((m) => m.scoreCenti));
  const holdbackExplanation = [hb.explanation];
  if (hb.releaseMinor === 0 && heldHoldback > 0) holdbackExplanation.push(line('holdbackForfeited', { minGrade: rules.passHoldbackReleaseMinGrade, heldMinor: heldHoldback }));
  const retentionExplanation = heldRetention > 0 ? [line('retentionReleased', { heldMinor: heldRetention })] : [];
  const explanation = [...holdbackExplanation, ...retentionExplanation];
  return {
    finalPosition,
    blockers,
    isDue,
    averageScoreCenti,
    averageGrade: gradeOf(averageScoreCenti),
    holdback: { heldMinor: heldHoldback, releaseMinor: hb.releaseMinor, forfeitMinor: heldHoldback - hb.releaseMinor },
    retention: { heldMinor: heldRetention, releaseMinor: heldRetention },
    withheldMinor,
    cancelledMinor,
    milestones: splits,
    explanation,
    holdbackExplanation,
    retentionExplanation,
  };
}

export type ReleaseKind = 'holdback_release' | 'retention_release';

/** The amount of one release by the plan; 0 when nothing of that kind is held (or the hold-back is forfeited). */
export function releaseAmount(plan: ReleasePlan, kind: ReleaseKind): number {
  return kind === 'holdback_release' ? plan.holdback.releaseMinor : plan.retention.releaseMinor;
}

/** Whether the average grade is good enough for the hold-back (exposed for explanations). */
export function holdbackEarned(averageGrade: Grade, rules: PaymentRules): boolean {
  return gradeAtLeast(averageGrade, rules.passHoldbackReleaseMinGrade);
}

/**
 * What returns to the fund when the contract is settled: the contract amount less everything
 * approved for payment. It must equal what the plan says is never paid (withheld + forfeited
 * hold-back + cancelled milestones); anything else means a release is still outstanding.
 */
export function settlementReturn(plan: ReleasePlan, contractAmountMinor: number, approvedMinor: number): number {
  if (!plan.isDue) throw new ReleaseRuleError('the final evaluation is not in yet');
  const expected = plan.withheldMinor + plan.holdback.forfeitMinor + plan.cancelledMinor;
  const remaining = contractAmountMinor - approvedMinor;
  if (remaining !== expected) throw new ReleaseRuleError(`the contract still has ${remaining} fen committed, but ${expected} fen are to return: a tranche or release is outstanding`);
  return expected;
}
