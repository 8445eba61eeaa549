import { MethodRule, isPriceOnly } from './method-rules';
import { Problems, addProblem, charLength, parseWholeNumber, text } from './problems';

/**
 * Evaluation criteria: a price weight plus technical criteria whose weights make 100 with it.
 * Qualification and size conditions (registered capital, turnover, headcount, years in
 * operation, qualifications, grades) decide who may bid; they may never be scored
 * (《政府采购货物和服务招标投标管理办法》第十七条、第五十五条). Pure.
 */
export const MAX_CRITERIA = 6;

export interface CriterionRow {
  name?: unknown;
  description?: unknown;
  weight?: unknown;
}

export interface Criterion {
  /** 1-based, in the order shown. */
  position: number;
  name: string;
  description: string;
  weight: number;
}

/** Qualification or size conditions, in the words buyers use for them. */
export const QUALIFICATION_TERMS_ZH = ['注册资本', '资产总额', '营业收入', '营业额', '从业人员', '员工人数', '成立年限', '成立时间', '利润', '纳税额', '资质', '等级'];
export const QUALIFICATION_TERMS_EN = [
  'registered capital',
  'total assets',
  'turnover',
  'revenue',
  'number of employees',
  'headcount',
  'staff size',
  'years in operation',
  'years of operation',
  'years established',
  'profit',
  'qualification',
  'qualifications',
  'grade',
  'rating',
];

/** The first qualification or size term in `value`, or null. English terms match whole words, any case. */
export function qualificationTermIn(value: string): string | null {
  const normalised = value.normalize('NFKC');
  for (const term of QUALIFICATION_TERMS_ZH) if (normalised.includes(term)) return term;
  const lower = normalised.toLowerCase();
  for (const term of QUALIFICATION_TERMS_EN) {
    if (new RegExp(`(^|[^a-z])${term.replace(/ /g, '\\s+')}($|[^a-z])`).test(lower)) return term;
  }
  return null;
}

export function isBlankRow(row: Record<string, unknown> | undefined): boolean {
  return !row || Object.values(row).every((v) => text(v) === '');
}

export interface CriteriaCheck {
  priceWeight: number | null;
  criteria: Criterion[];
  problems: Problems;
}

/**
 * Checks the price weight and the technical criteria rows (blank rows are ignored; messages name
 * the row's fields, `criteria.<index>.<field>`).
 */
export function checkCriteria(rawPriceWeight: unknown, rows: readonly CriterionRow[], rule: Pick<MethodRule, 'scoring' | 'priceWeightMin' | 'priceWeightMax'>): CriteriaCheck {
  const problems: Problems = {};
  const criteria: Criterion[] = [];
  const priceWeight = parseWholeNumber(rawPriceWeight);
  if (priceWeight === null || priceWeight > 100) {
    addProblem(problems, 'priceWeight', 'weight');
  } else if (priceWeight < rule.priceWeightMin || priceWeight > rule.priceWeightMax) {
    addProblem(problems, 'priceWeight', rule.priceWeightMin === rule.priceWeightMax ? 'priceWeightFixed' : 'priceWeightRange', {
      min: rule.priceWeightMin,
      max: rule.priceWeightMax,
    });
  }
  const used = rows.map((row, index) => ({ row, index })).filter(({ row }) => !isBlankRow(row as Record<string, unknown>));
  if (rows.length > MAX_CRITERIA) addProblem(problems, 'criteria', 'tooManyRows', { max: MAX_CRITERIA });

  if (isPriceOnly(rule)) {
    for (const { index } of used) addProblem(problems, `criteria.${index}.name`, 'noTechnicalCriteria');
    return { priceWeight, criteria, problems };
  }
  if (used.length === 0) addProblem(problems, 'criteria', 'criteriaRequired');

  const names = new Set<string>();
  let sum = 0;
  let allWeightsValid = true;
  for (const { row, index } of used) {
    const name = text(row.name);
    const description = text(row.description);
    const at = (field: string) => `criteria.${index}.${field}`;
    if (charLength(name) < 2 || charLength(name) > 100) addProblem(problems, at('name'), 'textLength', { min: 2, max: 100 });
    else if (names.has(name)) addProblem(problems, at('name'), 'criterionDuplicate');
    names.add(name);
    if (charLength(description) > 2000) addProblem(problems, at('description'), 'textLength', { min: 0, max: 2000 });
    const nameTerm = qualificationTermIn(name);
    const descriptionTerm = nameTerm ? null : qualificationTermIn(description);
    if (nameTerm) addProblem(problems, at('name'), 'qualificationScored', { term: nameTerm });
    if (descriptionTerm) addProblem(problems, at('description'), 'qualificationScored', { term: descriptionTerm });
    const weight = parseWholeNumber(row.weight);
    if (weight === null || weight < 1 || weight > 100) {
      addProblem(problems, at('weight'), 'criterionWeight');
      allWeightsValid = false;
    } else sum += weight;
    criteria.push({ position: criteria.length + 1, name, description, weight: weight ?? 0 });
  }
  if (priceWeight !== null && priceWeight <= 100 && allWeightsValid && used.length > 0 && priceWeight + sum !== 100) {
    addProblem(problems, 'criteria', 'weightsSum', { sum: priceWeight + sum, price: priceWeight, technical: sum });
  }
  return { priceWeight, criteria, problems };
}
