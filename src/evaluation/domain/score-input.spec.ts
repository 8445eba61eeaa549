import { checkSheet, needsComment, parsePoints } from './score-input';

const criteria = [
  { position: 1, weight: 40 },
  { position: 2, weight: 30 },
];

describe('score sheet input', () => {
  it('reads points with up to two decimals into hundredths', () => {
    expect(parsePoints('12')).toBe(1200);
    expect(parsePoints('12.5')).toBe(1250);
    expect(parsePoints(' 12.05 ')).toBe(1205);
    expect(parsePoints('１２.５')).toBe(1250);
    expect(parsePoints('-1')).toBe(-100);
    expect(parsePoints('12.345')).toBeNull();
    expect(parsePoints('1e2')).toBeNull();
    expect(parsePoints('')).toBeNull();
  });

  it('asks for a comment below 60 % or above 95 % of the weight, not at the bounds', () => {
    expect(needsComment(2399, 40)).toBe(true);
    expect(needsComment(2400, 40)).toBe(false);
    expect(needsComment(3800, 40)).toBe(false);
    expect(needsComment(3801, 40)).toBe(true);
  });

  it('accepts a complete sheet and refuses scores outside 0..weight or without a required comment, by field', () => {
    expect(checkSheet(criteria, { points: { c1: '30', c2: '20.5' } })).toEqual({
      lines: [
        { criterion: 1, pointsCenti: 3000, comment: null },
        { criterion: 2, pointsCenti: 2050, comment: null },
      ],
      problems: {},
    });
    const bad = checkSheet(criteria, { points: { c1: '40.01', c2: '10' }, comments: { c2: '  ' } });
    expect(bad.lines).toBeNull();
    expect(Object.keys(bad.problems).sort()).toEqual(['comments.c2', 'points.c1']);
    expect(bad.problems['points.c1'][0].key).toBe('evaluation.validation.pointsRange');
    expect(bad.problems['comments.c2'][0]).toEqual({ key: 'evaluation.validation.commentRequired', params: { low: '18.00', high: '28.50' } });
    expect(checkSheet(criteria, { points: { c1: '-1', c2: 'abc' } }).problems).toEqual({
      'points.c1': [{ key: 'evaluation.validation.pointsRange', params: { max: 40 } }],
      'points.c2': [{ key: 'evaluation.validation.pointsFormat', params: { max: 30 } }],
    });
    expect(checkSheet(criteria, { points: { c1: '39' }, comments: { c1: '方案完整，风险预案具体' } }).problems).toEqual({
      'points.c2': [{ key: 'evaluation.validation.pointsRequired', params: { max: 30 } }],
    });
  });
});
