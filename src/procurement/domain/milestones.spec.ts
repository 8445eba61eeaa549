import { checkMilestones, formatBp, parsePercentToBp } from './milestones';

const period = { start: '2027-01-01', end: '2027-12-31' };
const keys = (problems: Record<string, Array<{ key: string }>>) => Object.fromEntries(Object.entries(problems).map(([f, list]) => [f, list.map((p) => p.key.replace('procurement.validation.', ''))]));
const row = (name: string, dueDate: string, share: string) => ({ name, dueDate, deliverables: '服务记录与台账', share });

describe('payment shares', () => {
  it.each([
    ['30', 3000],
    ['33.33', 3333],
    ['12.5', 1250],
    ['12.5 %', 1250],
    ['３０', 3000],
    ['100', 10000],
    ['0', 0],
  ])('reads %p as %d basis points', (raw, bp) => {
    expect(parsePercentToBp(raw)).toBe(bp);
  });

  it.each(['33.333', '-5', '101', 'abc', '', '1e2'])('refuses %p', (raw) => {
    expect(parsePercentToBp(raw)).toBeNull();
  });

  it('formats basis points back', () => {
    expect([3333, 3000, 1250, 5].map(formatBp)).toEqual(['33.33', '30', '12.5', '0.05']);
  });
});

describe('milestone plan', () => {
  it('accepts shares summing to exactly 100 % in thirds written to two decimals', () => {
    const result = checkMilestones([row('启动', '2027-03-31', '33.33'), row('中期', '2027-07-31', '33.33'), row('结项', '2027-12-31', '33.34')], period);
    expect(result.problems).toEqual({});
    expect(result.milestones.map((m) => m.paymentShareBp)).toEqual([3333, 3333, 3334]);
  });

  it('refuses shares that miss 100 % by one basis point, saying the sum', () => {
    const result = checkMilestones([row('启动', '2027-03-31', '33.33'), row('中期', '2027-07-31', '33.33'), row('结项', '2027-12-31', '33.33')], period);
    expect(result.problems.milestones).toEqual([{ key: 'procurement.validation.sharesSum', params: { sum: '99.99' } }]);
  });

  it('refuses a due date outside the service period, on its row', () => {
    const result = checkMilestones([row('启动', '2026-12-31', '50'), row('结项', '2027-12-31', '50')], period);
    expect(keys(result.problems)).toEqual({ 'milestones.0.dueDate': ['milestoneOutsidePeriod'] });
  });

  it('refuses dates out of order or repeated', () => {
    expect(keys(checkMilestones([row('结项', '2027-12-31', '50'), row('中期', '2027-06-30', '50')], period).problems)).toEqual({ 'milestones.1.dueDate': ['milestoneOrder'] });
    expect(keys(checkMilestones([row('第一期', '2027-06-30', '50'), row('第二期', '2027-06-30', '50')], period).problems)).toEqual({ 'milestones.1.dueDate': ['milestoneOrder'] });
  });

  it('ignores blank rows but keeps the row index in messages', () => {
    const result = checkMilestones([{ name: '', dueDate: '', deliverables: '', share: '' }, row('结项', '2027-12-31', '90')], period);
    expect(keys(result.problems)).toEqual({ milestones: ['sharesSum'] });
    const bad = checkMilestones([{}, { name: '结项', dueDate: '2027-12-31', deliverables: '', share: '100' }], period);
    expect(keys(bad.problems)).toEqual({ 'milestones.1.deliverables': ['textLength'] });
  });

  it('needs at least one milestone', () => {
    expect(keys(checkMilestones([], period).problems)).toEqual({ milestones: ['milestonesRequired'] });
  });
});
