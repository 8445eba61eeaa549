import { fromCenti, rational, toDecimal, toFraction } from './rational';
import { abnormalScores, abnormallyLowPrices, priceScore, rankComprehensive, rankLowestPrice, technicalTotal } from './scoring';

const points = (...values: number[]) => values.map((v) => fromCenti(Math.round(v * 100)));

describe('综合评分法 (comprehensive scoring)', () => {
  it('gives the lowest valid price the full price weight and the others lowest ÷ price × weight', () => {
    expect(toFraction(priceScore(15_000_000, 15_000_000, 30))).toBe('30/1');
    expect(toFraction(priceScore(15_000_000, 18_000_000, 30))).toBe('25/1');
    expect(toFraction(priceScore(15_000_000, 20_000_000, 30))).toBe('45/2');
    // Not a terminating decimal: kept exact, shown as 28.57.
    expect(toFraction(priceScore(20_000_000, 21_000_000, 30))).toBe('200/7');
    expect(toDecimal(priceScore(20_000_000, 21_000_000, 30))).toBe('28.57');
  });

  it('adds the price score to the mean of the evaluators technical totals and ranks by total (worked example)', () => {
    // Price weight 30; technical criteria worth 70. Prices ¥180,000 (A), ¥200,000 (B), ¥150,000 (C).
    const results = rankComprehensive(
      [
        { bidId: 'A', priceMinor: 18_000_000, technicalTotals: points(60, 62, 58) },
        { bidId: 'B', priceMinor: 20_000_000, technicalTotals: points(65, 66, 67) },
        { bidId: 'C', priceMinor: 15_000_000, technicalTotals: points(50.5, 50.25, 50) },
      ],
      30,
    );
    expect(results.map((r) => [r.bidId, toDecimal(r.priceScore), toDecimal(r.technicalScore), toDecimal(r.totalScore), r.rank, r.tieNote])).toEqual([
      ['B', '22.50', '66.00', '88.50', 1, null],
      ['A', '25.00', '60.00', '85.00', 2, null],
      ['C', '30.00', '50.25', '80.25', 3, null],
    ]);
    expect(toFraction(results[2].totalScore)).toBe('321/4');
  });

  it('breaks an equal total in favour of the lower price', () => {
    // X: 30 + 50 = 80; Y: 25 + 55 = 80.
    const results = rankComprehensive(
      [
        { bidId: 'Y', priceMinor: 12_000_000, technicalTotals: points(55, 55, 55) },
        { bidId: 'X', priceMinor: 10_000_000, technicalTotals: points(50, 50, 50) },
      ],
      30,
    );
    expect(results.map((r) => [r.bidId, toDecimal(r.totalScore), r.rank, r.tieNote])).toEqual([
      ['X', '80.00', 1, 'lower_price'],
      ['Y', '80.00', 2, 'lower_price'],
    ]);
  });

  it('gives equal rank when price, technical score and total are all equal (equal prices mean equal price scores)', () => {
    const results = rankComprehensive(
      [
        { bidId: 'P', priceMinor: 10_000_000, technicalTotals: points(60, 61) },
        { bidId: 'Q', priceMinor: 10_000_000, technicalTotals: points(61, 60) },
        { bidId: 'R', priceMinor: 9_000_000, technicalTotals: points(40, 40) },
      ],
      30,
    );
    expect(results.map((r) => [r.bidId, toDecimal(r.totalScore), r.rank, r.tieNote])).toEqual([
      ['P', '87.50', 1, 'equal_rank'],
      ['Q', '87.50', 1, 'equal_rank'],
      ['R', '70.00', 3, null],
    ]);
  });

  it('does not round before ranking: totals that display alike still rank apart', () => {
    // low: 30 + 58.571 = 88.571; mid: 200/7 + 60 = 88.571428…: both display 88.57, mid is higher.
    const results = rankComprehensive(
      [
        { bidId: 'low', priceMinor: 20_000_000, technicalTotals: [rational(58571n, 1000n)] },
        { bidId: 'mid', priceMinor: 21_000_000, technicalTotals: points(60) },
      ],
      30,
    );
    expect(results.map((r) => [r.bidId, toDecimal(r.totalScore), r.rank, r.tieNote])).toEqual([
      ['mid', '88.57', 1, null],
      ['low', '88.57', 2, null],
    ]);
  });

  it('ranks a single valid bid first with the full price weight', () => {
    const [only] = rankComprehensive([{ bidId: 'S', priceMinor: 19_990_000, technicalTotals: points(61.25, 63.5, 60) }], 10);
    expect(only.rank).toBe(1);
    expect(only.tieNote).toBeNull();
    expect(toDecimal(only.priceScore)).toBe('10.00');
    expect(toFraction(only.technicalScore)).toBe('739/12');
    expect(toDecimal(only.totalScore)).toBe('71.58');
  });

  it('sums an evaluator sheet in hundredths', () => {
    expect(toFraction(technicalTotal([3250, 2875, 1]))).toBe('3063/50');
  });
});

describe('lowest price (request for quotation, negotiation)', () => {
  it('ranks by price ascending, equal prices sharing a rank', () => {
    const results = rankLowestPrice([
      { bidId: 'A', priceMinor: 5_000_000 },
      { bidId: 'B', priceMinor: 4_500_000 },
      { bidId: 'C', priceMinor: 4_500_000 },
    ]);
    expect(results.map((r) => [r.bidId, r.rank, r.tieNote, toDecimal(r.totalScore)])).toEqual([
      ['B', 1, 'equal_rank', '100.00'],
      ['C', 1, 'equal_rank', '100.00'],
      ['A', 3, null, '90.00'],
    ]);
  });
});

describe('abnormal scores', () => {
  const totals = (bidId: string, values: number[]) => values.map((v, i) => ({ userId: `u${i + 1}`, bidId, total: fromCenti(Math.round(v * 100)) }));

  it('flags a technical total more than 20 points from the mean of the OTHER evaluators', () => {
    // u1: 80 against (58 + 60) / 2 = 59 → +21.
    const flags = abnormalScores(totals('A', [80, 58, 60]));
    expect(flags).toEqual([expect.objectContaining({ userId: 'u1', bidId: 'A', deviationCenti: 2100 })]);
    expect(toFraction(flags[0].deviation)).toBe('21/1');
  });

  it('does not flag exactly 20 points, and flags low outliers too', () => {
    expect(abnormalScores(totals('A', [79, 59, 59]))).toEqual([]);
    const low = abnormalScores(totals('B', [70, 70, 49.99]));
    expect(low.map((f) => [f.userId, f.deviationCenti])).toEqual([['u3', -2001]]);
  });

  it('has nothing to compare with for a single evaluator', () => {
    expect(abnormalScores(totals('A', [5]))).toEqual([]);
  });
});

describe('abnormally low prices', () => {
  it('flags a valid bid priced below 80 % of the mean of the valid prices', () => {
    // Mean of 100, 100, 70 = 90; 80 % = 72; 70 < 72.
    const flags = abnormallyLowPrices([
      { bidId: 'A', priceMinor: 10_000 },
      { bidId: 'B', priceMinor: 10_000 },
      { bidId: 'C', priceMinor: 7_000 },
    ]);
    expect(flags.map((f) => [f.bidId, toDecimal(f.meanMinor, 0), toDecimal(f.thresholdMinor, 0), f.validBids])).toEqual([['C', '9000', '7200', 3]]);
  });

  it('does not flag a price exactly at 80 % of the mean, nor a single valid bid', () => {
    // 40 is exactly 80 % of the mean (60 + 50 + 40) / 3 = 50.
    expect(
      abnormallyLowPrices([
        { bidId: 'A', priceMinor: 60 },
        { bidId: 'B', priceMinor: 50 },
        { bidId: 'C', priceMinor: 40 },
      ]),
    ).toEqual([]);
    expect(abnormallyLowPrices([{ bidId: 'A', priceMinor: 1 }])).toEqual([]);
  });

  it("uses the method rule's percentage: at 70 % of the mean ¥90,000 (¥63,000) a ¥70,000 bid is no longer flagged, at 90 % (¥81,000) an ¥80,000 one is", () => {
    const bids = [
      { bidId: 'A', priceMinor: 10_000_000 },
      { bidId: 'B', priceMinor: 10_000_000 },
      { bidId: 'C', priceMinor: 7_000_000 },
    ];
    expect(abnormallyLowPrices(bids, 70)).toEqual([]);
    const strict = abnormallyLowPrices(
      [
        { bidId: 'A', priceMinor: 10_000_000 },
        { bidId: 'B', priceMinor: 9_000_000 },
        { bidId: 'C', priceMinor: 8_000_000 },
      ],
      90,
    );
    expect(strict.map((f) => [f.bidId, toDecimal(f.thresholdMinor, 0), f.thresholdPercent])).toEqual([['C', '8100000', 90]]);
    expect(() => abnormallyLowPrices(bids, 0)).toThrow(RangeError);
  });
});
