import { GradeError, averageScoreCenti, formatScoreCenti, gradeAtLeast, gradeOf } from './grades';

describe('grade bands', () => {
  it.each([
    [10000, 'excellent'],
    [9000, 'excellent'],
    [8999, 'good'],
    [8000, 'good'],
    [7999, 'pass'],
    [6000, 'pass'],
    [5999, 'fail'],
    [0, 'fail'],
  ])('grades a score of %i hundredths as %s', (score, grade) => {
    expect(gradeOf(score)).toBe(grade);
  });

  it('refuses a fractional or out-of-range score', () => {
    expect(() => gradeOf(89.995)).toThrow(GradeError);
    expect(() => gradeOf(-1)).toThrow(GradeError);
    expect(() => gradeOf(10001)).toThrow(GradeError);
  });

  it('orders grades', () => {
    expect(gradeAtLeast('excellent', 'good')).toBe(true);
    expect(gradeAtLeast('good', 'good')).toBe(true);
    expect(gradeAtLeast('pass', 'good')).toBe(false);
  });
});

describe('averageScoreCenti: rounded half up to hundredths once', () => {
  it.each([
    [[7999, 8000, 8000], 8000], // 79.9967 → 80.00
    [[7999, 7999, 8000], 7999], // 79.9933 → 79.99
    [[7900, 8099], 8000], // 79.995 → 80.00 (half up)
    [[7900, 8098], 7999], // 79.99 exactly
    [[9000], 9000],
    [[0, 1], 1], // 0.005 → 0.01
  ])('%j averages to %i', (scores, expected) => {
    expect(averageScoreCenti(scores)).toBe(expected);
    expect(gradeOf(averageScoreCenti(scores))).toBe(gradeOf(expected));
  });

  it('formats the figure it decided on', () => {
    expect(formatScoreCenti(averageScoreCenti([7999, 8000, 8000]))).toBe('80.00');
    expect(formatScoreCenti(7999)).toBe('79.99');
  });

  it('refuses no scores and a score out of range', () => {
    expect(() => averageScoreCenti([])).toThrow(GradeError);
    expect(() => averageScoreCenti([10001])).toThrow(GradeError);
  });
});
