import { checkCriteria, qualificationTermIn } from './criteria';

const openTender = { scoring: 'comprehensive' as const, priceWeightMin: 10, priceWeightMax: 30 };
const rfq = { scoring: 'lowest_price' as const, priceWeightMin: 100, priceWeightMax: 100 };
const keys = (problems: Record<string, Array<{ key: string }>>) => Object.fromEntries(Object.entries(problems).map(([f, list]) => [f, list.map((p) => p.key.replace('procurement.validation.', ''))]));

describe('evaluation criteria', () => {
  const good = [
    { name: '服务方案', description: '需求分析、服务内容与流程', weight: '40' },
    { name: '人员配置', description: '项目团队的专业背景与分工', weight: '30' },
  ];

  it('accepts a price weight inside the range and weights summing to 100', () => {
    const result = checkCriteria('30', good, openTender);
    expect(result.problems).toEqual({});
    expect(result.priceWeight).toBe(30);
    expect(result.criteria).toEqual([
      { position: 1, name: '服务方案', description: '需求分析、服务内容与流程', weight: 40 },
      { position: 2, name: '人员配置', description: '项目团队的专业背景与分工', weight: 30 },
    ]);
  });

  it('ignores blank rows and numbers the rest in order', () => {
    const result = checkCriteria('30', [{ name: '', description: '', weight: '' }, good[0], { name: ' ', weight: '' }, good[1]], openTender);
    expect(result.problems).toEqual({});
    expect(result.criteria.map((c) => c.position)).toEqual([1, 2]);
  });

  it('refuses weights that do not sum to 100, saying what they sum to', () => {
    const result = checkCriteria('30', [good[0], { ...good[1], weight: '20' }], openTender);
    expect(result.problems.criteria).toEqual([{ key: 'procurement.validation.weightsSum', params: { sum: 90, price: 30, technical: 60 } }]);
  });

  it('refuses a price weight outside the method range', () => {
    expect(keys(checkCriteria('40', [{ ...good[0], weight: '60' }], openTender).problems)).toEqual({ priceWeight: ['priceWeightRange'] });
    expect(keys(checkCriteria('5', [{ ...good[0], weight: '95' }], openTender).problems)).toEqual({ priceWeight: ['priceWeightRange'] });
    expect(keys(checkCriteria('abc', good, openTender).problems).priceWeight).toEqual(['weight']);
  });

  it('puts a bad weight on its own row', () => {
    const result = checkCriteria('30', [good[0], { ...good[1], weight: '0' }], openTender);
    expect(keys(result.problems)).toEqual({ 'criteria.1.weight': ['criterionWeight'] });
  });

  it.each([
    ['注册资本', '注册资本 100 万元以上得满分'],
    ['营业收入', '近三年营业收入'],
    ['从业人员', '从业人员数量'],
    ['成立年限', '机构成立年限'],
    ['资质', '具有相关资质'],
    ['等级', '社会组织评估等级'],
    ['registered capital', 'Registered capital above CNY 1m'],
    ['turnover', 'Annual turnover'],
    ['years in operation', 'Years in operation'],
    ['qualification', 'Professional qualification'],
  ])('refuses a criterion that scores %s, with the reason on the field', (term, name) => {
    const result = checkCriteria('30', [{ name, description: '', weight: '70' }], openTender);
    expect(result.problems[`criteria.0.name`]).toEqual([{ key: 'procurement.validation.qualificationScored', params: { term } }]);
  });

  it('finds a qualification condition in the description too', () => {
    const result = checkCriteria('30', [{ name: '服务经验', description: '按资产总额评分', weight: '70' }], openTender);
    expect(keys(result.problems)).toEqual({ 'criteria.0.description': ['qualificationScored'] });
  });

  it('does not mistake ordinary words for qualification terms', () => {
    expect(qualificationTermIn('Upgrade plan for volunteers')).toBeNull();
    expect(qualificationTermIn('服务方案')).toBeNull();
    expect(qualificationTermIn('Service grade')).toBe('grade');
  });

  it('for lowest-price methods requires a price weight of 100 and no technical criteria', () => {
    expect(checkCriteria('100', [], rfq).problems).toEqual({});
    expect(keys(checkCriteria('70', [], rfq).problems)).toEqual({ priceWeight: ['priceWeightFixed'] });
    expect(keys(checkCriteria('100', [{ name: '服务方案', description: '', weight: '30' }], rfq).problems)).toEqual({ 'criteria.0.name': ['noTechnicalCriteria'] });
  });

  it('requires at least one technical criterion when scoring is comprehensive', () => {
    expect(keys(checkCriteria('30', [], openTender).problems)).toEqual({ criteria: ['criteriaRequired'] });
  });

  it('refuses the same criterion twice', () => {
    expect(
      keys(
        checkCriteria(
          '30',
          [
            { ...good[0], weight: '35' },
            { ...good[0], weight: '35' },
          ],
          openTender,
        ).problems,
      ),
    ).toEqual({ 'criteria.1.name': ['criterionDuplicate'] });
  });
});
