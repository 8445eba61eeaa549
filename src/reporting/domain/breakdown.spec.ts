import { breakdown } from './breakdown';

describe('breakdown by community and category', () => {
  it('splits a project over its communities so the totals still add up to the fen', () => {
    const m = breakdown(
      [
        {
          projectId: 'p1',
          weights: [
            { key: '联洋', weight: 1 },
            { key: '阳光', weight: 1 },
            { key: '玉林', weight: 1 },
          ],
          figures: [1_000_000, 100, 1],
        },
        { projectId: 'p2', weights: [{ key: '阳光', weight: 1 }], figures: [500, 0, 7] },
      ],
      3,
    );
    const total = [...m.values()].reduce((s, r) => r.map((x, i) => x + s[i]), [0, 0, 0]);
    expect(total).toEqual([1_000_500, 100, 8]);
    expect(m.get('联洋')).toEqual([333_334, 34, 1]);
    expect(m.get('阳光')).toEqual([333_333 + 500, 33, 7]);
  });

  it('weights categories by their share, and falls back to equal parts when no weight is known', () => {
    const m = breakdown(
      [
        {
          projectId: 'p',
          weights: [
            { key: 'C01', weight: 3 },
            { key: 'C02', weight: 1 },
          ],
          figures: [101],
        },
      ],
      1,
    );
    expect(m.get('C01')).toEqual([76]);
    expect(m.get('C02')).toEqual([25]);
    const eq = breakdown(
      [
        {
          projectId: 'p',
          weights: [
            { key: 'a', weight: 0 },
            { key: 'b', weight: 0 },
          ],
          figures: [3],
        },
      ],
      1,
    );
    expect(eq.get('a')).toEqual([2]);
    expect(eq.get('b')).toEqual([1]);
  });

  it('carries negative figures without losing a fen', () => {
    const m = breakdown(
      [
        {
          projectId: 'p',
          weights: [
            { key: 'a', weight: 1 },
            { key: 'b', weight: 1 },
          ],
          figures: [-3],
        },
      ],
      1,
    );
    expect((m.get('a')?.[0] ?? 0) + (m.get('b')?.[0] ?? 0)).toBe(-3);
  });
});
