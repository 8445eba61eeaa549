import { Rational, add, div, fromCenti, mean, mul, rational, roundHalfUpTo, toDecimal } from '../../evaluation/domain/rational';
import { parsePoints } from '../../evaluation/domain/score-input';
import { Grade, gradeOf } from '../../payments/domain/grades';

/**
 * Milestone scoring (pure). Each evaluator gives every indicator 0 … its weight, with at most two
 * decimals, kept exactly in hundredths. The milestone score is the mean of the evaluators' totals,
 * exact (a rational number); it is rounded half up to hundredths only for `score_centi`, and the
 * grade is decided on that rounded value (the band CHECK of milestone_results):
 * 优秀 ≥ 90, 良好 80–89.99, 合格 60–79.99, 不合格 < 60.
 *
 * When the residents' survey has at least its minimum of responses, the satisfaction indicator
 * is not scored by evaluators: it is (average rating / 5) × its weight, exact, added to every
 * evaluator's total (so to the mean as well).
 */
export const SATISFACTION_CODE = 'resident_satisfaction';
export const COMMENT_MAX = 1000;
/** A score below this share of the weight needs a comment saying why (percent). */
export const COMMENT_BELOW_PERCENT = 60;
export const MIN_EVALUATORS = 2;
export const RATING_MAX = 5;

export interface TemplateIndicator {
  code: string;
  nameZh: string;
  nameEn: string;
  /** Whole points out of 100. */
  weight: number;
  guidanceZh: string;
  guidanceEn: string;
}

export interface ScoreLine {
  code: string;
  weight: number;
  pointsCenti: number;
  comment: string | null;
}

export type Problems = Record<string, Array<{ key: string; params?: Record<string, unknown> }>>;

export interface SurveyFigures {
  responses: number;
  ratingSum: number;
  minResponses: number;
}

/** Whether the survey decides the satisfaction indicator. */
export function surveyQualifies(survey: SurveyFigures | null): survey is SurveyFigures {
  return !!survey && survey.responses > 0 && survey.responses >= survey.minResponses && survey.minResponses >= 1;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.replace(/\r\n?/g, '\n').trim() : '';
}

/**
 * Checks a score sheet as typed: fields `points.<code>` and `comments.<code>`. `skip` names the
 * indicator the evaluator does not score (satisfaction taken from the survey). A draft may leave
 * points empty; a submission may not.
 */
export function checkScoresheet(
  indicators: readonly TemplateIndicator[],
  input: { points?: Record<string, unknown>; comments?: Record<string, unknown> },
  options: { skip?: string | null; submit: boolean },
): { lines: ScoreLine[]; problems: Problems } {
  const problems: Problems = {};
  const add = (field: string, key: string, params?: Record<string, unknown>) => (problems[field] ??= []).push(params ? { key, params } : { key });
  const lines: ScoreLine[] = [];
  for (const i of indicators) {
    if (i.code === options.skip) continue;
    const given = input.points?.[i.code];
    // JSON clients may send numbers; they are read exactly like the typed text.
    const raw = typeof given === 'number' && Number.isFinite(given) ? String(given) : given;
    const comment = text(input.comments?.[i.code]);
    if (comment.length > COMMENT_MAX) add(`comments.${i.code}`, 'serviceEvaluation.validation.commentTooLong', { max: COMMENT_MAX });
    if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
      if (options.submit) add(`points.${i.code}`, 'serviceEvaluation.validation.pointsRequired', { max: i.weight });
      continue;
    }
    const centi = parsePoints(raw);
    if (centi === null) {
      add(`points.${i.code}`, 'serviceEvaluation.validation.pointsFormat', { max: i.weight });
      continue;
    }
    if (centi < 0 || centi > i.weight * 100) {
      add(`points.${i.code}`, 'serviceEvaluation.validation.pointsRange', { max: i.weight });
      continue;
    }
    // centi / (weight × 100) < 60 / 100  ⇔  centi < 60 × weight
    if (options.submit && centi < COMMENT_BELOW_PERCENT * i.weight && comment === '') {
      add(`comments.${i.code}`, 'serviceEvaluation.validation.commentRequired', { below: (COMMENT_BELOW_PERCENT * i.weight) / 100 });
    }
    lines.push({ code: i.code, weight: i.weight, pointsCenti: centi, comment: comment === '' ? null : comment });
  }
  return { lines, problems };
}

/** The survey's part of the score: (ratingSum / responses / 5) × weight, exact. */
export function surveyPoints(survey: SurveyFigures, weight: number): Rational {
  return div(mul(rational(survey.ratingSum), rational(weight)), rational(survey.responses * RATING_MAX));
}

export interface MilestoneScore {
  /** Exact points out of 100. */
  exact: Rational;
  /** Rounded half up to hundredths. */
  scoreCenti: number;
  grade: Grade;
  evaluatorsMean: Rational;
  surveyPart: Rational | null;
}

export class ScoringError extends Error {}

/**
 * The milestone's score from each evaluator's total of the indicators they scored (hundredths)
 * and, when the survey decides satisfaction, its exact points.
 */
export function milestoneScore(evaluatorTotalsCenti: readonly number[], surveyPart: Rational | null = null): MilestoneScore {
  if (evaluatorTotalsCenti.length < MIN_EVALUATORS) throw new ScoringError(`a milestone needs at least ${MIN_EVALUATORS} evaluators, got ${evaluatorTotalsCenti.length}`);
  for (const t of evaluatorTotalsCenti) if (!Number.isSafeInteger(t) || t < 0 || t > 10000) throw new ScoringError(`an evaluator's total is 0–10000 hundredths, not ${t}`);
  const evaluatorsMean = mean(evaluatorTotalsCenti.map((t) => fromCenti(t)));
  const exact = surveyPart ? add(evaluatorsMean, surveyPart) : evaluatorsMean;
  const scoreCenti = Number(roundHalfUpTo(exact, 100n));
  if (scoreCenti < 0 || scoreCenti > 10000) throw new ScoringError(`the score ${toDecimal(exact)} is outside 0–100`);
  return { exact, scoreCenti, grade: gradeOf(scoreCenti), evaluatorsMean, surveyPart };
}

/** Indicators of a template version: codes unique, whole weights ≥ 1, adding up to 100. */
export function templateProblems(indicators: readonly TemplateIndicator[]): Problems {
  const problems: Problems = {};
  const add = (field: string, key: string, params?: Record<string, unknown>) => (problems[field] ??= []).push(params ? { key, params } : { key });
  const seen = new Set<string>();
  indicators.forEach((i, index) => {
    if (!/^[a-z][a-z0-9_]{1,39}$/.test(i.code) || seen.has(i.code)) add(`indicators.${index}.code`, 'serviceEvaluation.validation.indicatorCode');
    seen.add(i.code);
    if (!i.nameZh.trim() || i.nameZh.length > 100) add(`indicators.${index}.nameZh`, 'serviceEvaluation.validation.required');
    if (!i.nameEn.trim() || i.nameEn.length > 100) add(`indicators.${index}.nameEn`, 'serviceEvaluation.validation.required');
    if (!Number.isInteger(i.weight) || i.weight < 1 || i.weight > 100) add(`indicators.${index}.weight`, 'serviceEvaluation.validation.weight');
    if (i.guidanceZh.length > 2000 || i.guidanceEn.length > 2000) add(`indicators.${index}.guidanceZh`, 'serviceEvaluation.validation.tooLong', { max: 2000 });
  });
  if (!indicators.length) add('indicators', 'serviceEvaluation.validation.noIndicators');
  const total = indicators.reduce((s, i) => s + (Number.isInteger(i.weight) ? i.weight : 0), 0);
  if (indicators.length && total !== 100) add('indicators', 'serviceEvaluation.validation.weightsTotal', { total });
  return problems;
}

export function formatCenti(centi: number): string {
  return `${Math.floor(centi / 100)}.${String(centi % 100).padStart(2, '0')}`;
}

/** The default indicators as the migration seeds them (for tests and as the fallback shape). */
export const DEFAULT_TEMPLATE_FOR_TESTS: readonly TemplateIndicator[] = [
  { code: 'output_quantity', nameZh: '产出数量', nameEn: 'Output quantity', weight: 30, guidanceZh: '', guidanceEn: '' },
  { code: 'service_quality', nameZh: '服务质量', nameEn: 'Service quality', weight: 30, guidanceZh: '', guidanceEn: '' },
  { code: SATISFACTION_CODE, nameZh: '居民满意度', nameEn: 'Resident satisfaction', weight: 20, guidanceZh: '', guidanceEn: '' },
  { code: 'management_finance', nameZh: '管理与财务', nameEn: 'Management and finances', weight: 20, guidanceZh: '', guidanceEn: '' },
];
