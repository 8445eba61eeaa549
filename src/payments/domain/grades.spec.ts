import { GradeError, gradeAtLeast, gradeOf } from './grades';

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
