import { renderExplanation } from '../explanation.presenter';
import { DEFAULT_PAYMENT_RULES, computeTranche, holdbackRelease, shareOf } from './payment-rules';

const sum = (t: { payableMinor: number; retentionMinor: number; holdbackMinor: number; withheldMinor: number }) => t.payableMinor + t.retentionMinor + t.holdbackMinor + t.withheldMinor;

describe('payment by results', () => {
  it('pays an excellent milestone in full', () => {
    const t = computeTranche({ trancheMinor: 3_333_333, scoreCenti: 9500, rules: DEFAULT_PAYMENT_RULES });
    expect(t).toMatchObject({ grade: 'excellent', payableMinor: 3_333_333, holdbackMinor: 0, withheldMinor: 0, retentionMinor: 0 });
  });

  it('pays a good milestone in full', () => {
    expect(computeTranche({ trancheMinor: 100_001, scoreCenti: 8000, rules: DEFAULT_PAYMENT_RULES }).payableMinor).toBe(100_001);
  });

  it('pays 90 % of a pass, rounded down to the fen, and holds the rest back', () => {
    const t = computeTranche({ trancheMinor: 3_333_333, scoreCenti: 7999, rules: DEFAULT_PAYMENT_RULES });
    expect(t.grade).toBe('pass');
    expect(t.payableMinor).toBe(2_999_999); // 2 999 999.7 → down
    expect(t.holdbackMinor).toBe(333_334);
    expect(sum(t)).toBe(3_333_333);
    expect(t.explanation.map((l) => l.key)).toContain('payments.explain.holdback');
  });

  it('pays nothing for a fail and withholds the whole tranche', () => {
    const t = computeTranche({ trancheMinor: 500_000, scoreCenti: 5999, rules: DEFAULT_PAYMENT_RULES });
    expect(t).toMatchObject({ grade: 'fail', payableMinor: 0, holdbackMinor: 0, withheldMinor: 500_000 });
  });

  it('keeps a retention out of the payable share, the parts still summing exactly', () => {
    const rules = { ...DEFAULT_PAYMENT_RULES, retentionBp: 500 };
    const t = computeTranche({ trancheMinor: 3_333_333, scoreCenti: 7000, rules });
    expect(t.payableMinor).toBe(2_849_999); // floor(2 999 999 × 0.95)
    expect(t.retentionMinor).toBe(150_000);
    expect(t.holdbackMinor).toBe(333_334);
    expect(sum(t)).toBe(3_333_333);
  });

  it('sums exactly for every grade and awkward amounts', () => {
    const rules = { ...DEFAULT_PAYMENT_RULES, retentionBp: 333, goodBp: 9999 };
    for (const amount of [1, 7, 99, 101, 3_333_333, 9_007_199_254_740]) {
      for (const score of [0, 5999, 6000, 7999, 8000, 8999, 9000, 10000]) {
        const t = computeTranche({ trancheMinor: amount, scoreCenti: score, rules });
        expect(sum(t)).toBe(amount);
        expect(t.payableMinor).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('computes shares without floating-point error on large amounts', () => {
    expect(shareOf(9_007_199_254_740_991, 9000)).toBe(8_106_479_329_266_891);
  });

  it('releases the pass hold-backs only if the average grade is at least good', () => {
    expect(
      holdbackRelease(
        [
          { scoreCenti: 7900, holdbackMinor: 100 },
          { scoreCenti: 8100, holdbackMinor: 0 },
        ],
        DEFAULT_PAYMENT_RULES,
      ),
    ).toMatchObject({ releaseMinor: 100, averageGrade: 'good' });
    expect(
      holdbackRelease(
        [
          { scoreCenti: 7900, holdbackMinor: 100 },
          { scoreCenti: 8098, holdbackMinor: 0 },
        ],
        DEFAULT_PAYMENT_RULES,
      ),
    ).toMatchObject({ releaseMinor: 0, averageGrade: 'pass' });
    // 79.995 rounds half up to 80.00: shown 80.00 and decided as 80.00 (良好), released.
    expect(
      holdbackRelease(
        [
          { scoreCenti: 7900, holdbackMinor: 100 },
          { scoreCenti: 8099, holdbackMinor: 0 },
        ],
        DEFAULT_PAYMENT_RULES,
      ),
    ).toMatchObject({ releaseMinor: 100, averageGrade: 'good' });
  });
});

describe('one rounding rule for the hold-back decision', () => {
  it('an average of 79.9967 (79.99, 80.00, 80.00) is shown 80.00 and treated as 80.00: 良好, the hold-back is released', () => {
    const result = holdbackRelease(
      [
        { scoreCenti: 7999, holdbackMinor: 5_000 },
        { scoreCenti: 8000, holdbackMinor: 0 },
        { scoreCenti: 8000, holdbackMinor: 0 },
      ],
      DEFAULT_PAYMENT_RULES,
    );
    expect(result).toMatchObject({ averageGrade: 'good', releaseMinor: 5_000 });
    expect(result.explanation).toMatchObject({ params: { averageCenti: 8000, grade: 'good' } });
    expect(renderExplanation([result.explanation], 'zh-CN')[0]).toContain('平均得分 80.00，等级 良好');
  });
});
