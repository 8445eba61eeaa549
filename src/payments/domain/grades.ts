/**
 * Grade bands of a milestone evaluation (服务评估等级), decided on the exact score held in
 * hundredths of a point (`scoreCenti`, 0–10000): 优秀 excellent ≥ 90, 良好 good 80–89.99,
 * 合格 pass 60–79.99, 不合格 fail < 60.
 */
export type Grade = 'excellent' | 'good' | 'pass' | 'fail';

export const GRADES: readonly Grade[] = ['excellent', 'good', 'pass', 'fail'];

export const GRADE_LABELS_ZH: Record<Grade, string> = { excellent: '优秀', good: '良好', pass: '合格', fail: '不合格' };

/** Lower bound of each band in hundredths of a point. */
export const GRADE_FLOORS_CENTI: Record<Exclude<Grade, 'fail'>, number> = { excellent: 9000, good: 8000, pass: 6000 };

export class GradeError extends Error {}

export function assertScoreCenti(scoreCenti: number): number {
  if (!Number.isInteger(scoreCenti) || scoreCenti < 0 || scoreCenti > 10000) {
    throw new GradeError(`a score is a whole number of hundredths between 0 and 10000, not ${scoreCenti}`);
  }
  return scoreCenti;
}

export function gradeOf(scoreCenti: number): Grade {
  assertScoreCenti(scoreCenti);
  if (scoreCenti >= GRADE_FLOORS_CENTI.excellent) return 'excellent';
  if (scoreCenti >= GRADE_FLOORS_CENTI.good) return 'good';
  if (scoreCenti >= GRADE_FLOORS_CENTI.pass) return 'pass';
  return 'fail';
}

/** 'excellent' ranks above 'good' above 'pass' above 'fail'. */
export function gradeAtLeast(grade: Grade, minimum: Grade): boolean {
  return GRADES.indexOf(grade) <= GRADES.indexOf(minimum);
}

/**
 * One rounding rule for grades: an average of scores (each already in hundredths) is rounded
 * half up to hundredths ONCE, here, and every decision (the grade, a hold-back release) uses that
 * figure, which is also the one shown. 7999, 8000, 8000 average 7999.67 → 8000 (80.00, 良好), not
 * 7999 (79.99, 合格) beside a displayed 80.00.
 */
export function averageScoreCenti(scoresCenti: readonly number[]): number {
  if (!scoresCenti.length) throw new GradeError('an average needs at least one score');
  const sum = scoresCenti.reduce((s, c) => s + assertScoreCenti(c), 0);
  const n = scoresCenti.length;
  return Math.floor((2 * sum + n) / (2 * n));
}

/** Hundredths as the score shown: 7999 → "79.99". */
export function formatScoreCenti(scoreCenti: number): string {
  return `${Math.floor(scoreCenti / 100)}.${String(scoreCenti % 100).padStart(2, '0')}`;
}
