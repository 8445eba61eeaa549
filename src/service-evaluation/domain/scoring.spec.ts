import { toFraction } from '../../evaluation/domain/rational';
import { DEFAULT_TEMPLATE_FOR_TESTS, checkScoresheet, milestoneScore, surveyPoints, surveyQualifies, templateProblems } from './scoring';

const indicators = DEFAULT_TEMPLATE_FOR_TESTS;

describe('milestone score: the exact mean of the evaluators’ totals, rounded half up to hundredths', () => {
  it('averages two totals exactly and keeps the fraction', () => {
    const s = milestoneScore([8550, 8551]);
    expect(toFraction(s.exact)).toBe('17101/200'); // 85.505
    expect(s.scoreCenti).toBe(8551); // half up
    expect(s.grade).toBe('good');
  });

  it('rounds a third down or up to the nearest hundredth', () => {
    expect(milestoneScore([8000, 8000, 8001]).scoreCenti).toBe(8000); // 80.00333…
    expect(milestoneScore([8000, 8001, 8001]).scoreCenti).toBe(8001); // 80.00666…
  });

  it('decides the grade on the rounded score at every band edge', () => {
    expect(milestoneScore([8999, 9000]).grade).toBe('excellent'); // 89.995 → 90.00
    expect(milestoneScore([8998, 8999]).grade).toBe('good'); // 89.985 → 89.99
    expect(milestoneScore([7999, 8000]).grade).toBe('good');
    expect(milestoneScore([7998, 7999]).grade).toBe('pass');
    expect(milestoneScore([5999, 6000]).grade).toBe('pass');
    expect(milestoneScore([5998, 5999]).scoreCenti).toBe(5999);
    expect(milestoneScore([5998, 5999]).grade).toBe('fail');
    expect(milestoneScore([0, 0]).grade).toBe('fail');
    expect(milestoneScore([10000, 10000]).scoreCenti).toBe(10000);
  });

  it('adds the survey part exactly: average / 5 × weight', () => {
    // 7 responses summing 30 → average 4.2857…; × 20 / 5 = 120/7 = 17.142857…
    const part = surveyPoints({ responses: 7, ratingSum: 30, minResponses: 5 }, 20);
    expect(toFraction(part)).toBe('120/7');
    const s = milestoneScore([6500, 6600], part); // 65.5 + 17.142857 = 82.642857…
    expect(s.scoreCenti).toBe(8264);
    expect(s.grade).toBe('good');
  });

  it('refuses fewer than two evaluators and impossible totals', () => {
    expect(() => milestoneScore([9000])).toThrow(/at least 2/);
    expect(() => milestoneScore([9000, 10001])).toThrow();
    expect(() => milestoneScore([9000, 12.5])).toThrow();
  });

  it('lets the survey decide only with its minimum of responses', () => {
    expect(surveyQualifies(null)).toBe(false);
    expect(surveyQualifies({ responses: 9, ratingSum: 40, minResponses: 10 })).toBe(false);
    expect(surveyQualifies({ responses: 10, ratingSum: 40, minResponses: 10 })).toBe(true);
    expect(surveyQualifies({ responses: 0, ratingSum: 0, minResponses: 0 })).toBe(false);
  });
});

describe('score sheet input', () => {
  it('takes 0 … weight with two decimals, kept in hundredths', () => {
    const { lines, problems } = checkScoresheet(
      indicators,
      { points: { output_quantity: '27.5', service_quality: '30', resident_satisfaction: '18.25', management_finance: '０' }, comments: { management_finance: '账目缺失' } },
      { submit: true },
    );
    expect(problems).toEqual({});
    expect(lines.map((l) => l.pointsCenti)).toEqual([2750, 3000, 1825, 0]);
  });

  it('names the field of each problem: empty, malformed, out of range, a low score without a reason', () => {
    const { problems } = checkScoresheet(indicators, { points: { output_quantity: '', service_quality: '12.345', resident_satisfaction: '21', management_finance: '5' } }, { submit: true });
    expect(problems['points.output_quantity'][0].key).toBe('serviceEvaluation.validation.pointsRequired');
    expect(problems['points.service_quality'][0].key).toBe('serviceEvaluation.validation.pointsFormat');
    expect(problems['points.resident_satisfaction'][0].key).toBe('serviceEvaluation.validation.pointsRange');
    expect(problems['comments.management_finance'][0].key).toBe('serviceEvaluation.validation.commentRequired');
  });

  it('reads numbers from JSON clients like typed text', () => {
    const { lines, problems } = checkScoresheet(indicators, { points: { output_quantity: 27.5, service_quality: 30, resident_satisfaction: 18, management_finance: 12.345 } }, { submit: true });
    expect(lines.map((l) => l.pointsCenti)).toEqual([2750, 3000, 1800]);
    expect(problems['points.management_finance'][0].key).toBe('serviceEvaluation.validation.pointsFormat');
  });

  it('lets a draft leave points empty, and skips the indicator the survey decides', () => {
    expect(checkScoresheet(indicators, { points: { output_quantity: '20' } }, { submit: false }).problems).toEqual({});
    const { lines, problems } = checkScoresheet(
      indicators,
      { points: { output_quantity: '20', service_quality: '20', management_finance: '15', resident_satisfaction: '999' } },
      { submit: true, skip: 'resident_satisfaction' },
    );
    expect(problems).toEqual({});
    expect(lines.map((l) => l.code)).toEqual(['output_quantity', 'service_quality', 'management_finance']);
  });
});

describe('indicator templates', () => {
  it('accepts the default (30/30/20/20) and refuses weights that do not add up to 100', () => {
    expect(templateProblems(indicators)).toEqual({});
    const broken = indicators.map((i, n) => (n === 0 ? { ...i, weight: 31 } : i));
    expect(templateProblems(broken).indicators[0]).toEqual({ key: 'serviceEvaluation.validation.weightsTotal', params: { total: 101 } });
    expect(templateProblems([...indicators.slice(0, 3), { ...indicators[3], code: indicators[0].code }])['indicators.3.code']).toBeDefined();
    expect(templateProblems([]).indicators[0].key).toBe('serviceEvaluation.validation.noIndicators');
  });
});
