import { MethodRule } from './method-rules';
import { DraftContext, ProjectFormInput, checkProjectDraft, parseServiceArea } from './project-draft';
import { calendar2026, shanghai } from './test-calendar';

const base: Omit<MethodRule, 'id' | 'method'> = {
  effectiveFrom: '2000-01-01',
  minPeriod: 20,
  periodUnit: 'calendar_days',
  minValidBids: 3,
  minValidBidsServices: null,
  scoring: 'comprehensive',
  priceWeightMin: 10,
  priceWeightMax: 30,
  committeeMinSize: 5,
  committeeLargeSize: 7,
  largeBudgetMinor: 1_000_000_000,
  allowsBureauRepresentative: true,
  invitedOnly: false,
  amendmentMinPeriod: 15,
  amendmentPeriodUnit: 'calendar_days',
  abnormallyLowPercent: 80,
  citationZh: '87号令',
  citationEn: 'Order 87',
};
const rules: MethodRule[] = [
  { ...base, id: 'ot', method: 'open_tender' },
  { ...base, id: 'ss', method: 'single_source', minPeriod: 5, periodUnit: 'working_days', scoring: 'negotiated', priceWeightMin: 100, priceWeightMax: 100, invitedOnly: true, minValidBids: 1 },
];

const context: DraftContext = {
  catalogue: new Map([['C01-001', { categoryCode: 'C01', unitCode: 'person-meal' }]]),
  rules,
  fund: { id: 'f1', availableMinor: 50_000_000, isActive: true },
  invited: null,
  calendar: calendar2026(),
  now: shanghai('2026-11-23T10:00'),
};

const input: ProjectFormInput = {
  purchaserLevel: 'district',
  purchaserName: '示范区民政局',
  title: '社区助餐服务项目',
  description: '为辖区老年人提供助餐服务，含送餐上门。',
  serviceArea: '阳光社区、和平社区',
  serviceStart: '2027-01-01',
  serviceEnd: '2027-12-31',
  budgetCeiling: '300000',
  fundId: 'f1',
  reservation: '',
  method: 'open_tender',
  eligibilityCategories: true,
  priceWeight: '30',
  items: [{ code: 'c01-001', quantity: '1000' }],
  criteria: [{ name: '服务方案', description: '', weight: '70' }],
  milestones: [{ name: '结项', dueDate: '2027-12-31', deliverables: '结项报告', share: '100' }],
  questionDeadline: '2026-12-01T17:00',
  bidDeadline: '2026-12-14T10:00',
};

const fields = (i: ProjectFormInput, c: DraftContext = context) => Object.keys(checkProjectDraft(i, c).problems).sort();

describe('a project draft', () => {
  it('accepts a sound open tender: the reservation defaults to the ceiling, units come from the catalogue', () => {
    const { draft, problems } = checkProjectDraft(input, context);
    expect(problems).toEqual({});
    expect(draft).toMatchObject({ reservationMinor: 30_000_000, budgetCeilingMinor: 30_000_000, items: [{ itemCode: 'C01-001', unitCode: 'person-meal', quantity: 1000 }], rule: { id: 'ot' } });
    // 20 days from Monday 11-23 end on Sunday 12-13, a rest day: the period ends on Monday 12-14 (民法典 第二百零三条).
    expect(draft!.deadlineExplanation.earliest).toBe(shanghai('2026-12-14T10:00').toISOString());
  });

  it('refuses a reservation below the ceiling and one the fund cannot cover', () => {
    expect(fields({ ...input, reservation: '299999.99' })).toEqual(['reservation']);
    expect(fields(input, { ...context, fund: { id: 'f1', availableMinor: 29_999_999, isActive: true } })).toEqual(['reservation']);
    expect(fields(input, { ...context, fund: null })).toEqual(['fundId']);
  });

  it('allows a service period over one year only with a written justification, never over three', () => {
    const long = { ...input, serviceEnd: '2028-06-30', milestones: [{ name: '结项', dueDate: '2028-06-30', deliverables: '结项报告', share: '100' }] };
    expect(fields(long)).toEqual(['longPeriodJustification']);
    expect(fields({ ...long, longPeriodJustification: '服务对象需要连续两年的跟踪服务，避免中断。' })).toEqual([]);
    expect(fields({ ...long, serviceEnd: '2030-01-02', longPeriodJustification: '服务对象需要连续的跟踪服务。' })).toContain('serviceEnd');
  });

  it('wants the service to start after the bid deadline', () => {
    expect(fields({ ...input, serviceStart: '2026-12-10' })).toContain('serviceStart');
  });

  it('needs exactly one approved invited organisation for single source, with its 5-working-day notice', () => {
    const single = { ...input, method: 'single_source', priceWeight: '100', criteria: [], invitedOrganisationId: 'o1', questionDeadline: '2026-11-26T17:00', bidDeadline: '2026-11-30T10:00' };
    expect(fields(single)).toEqual(['invitedOrganisationId']);
    expect(fields(single, { ...context, invited: { id: 'o1', status: 'submitted' } })).toEqual(['invitedOrganisationId']);
    expect(fields(single, { ...context, invited: { id: 'o1', status: 'approved' } })).toEqual([]);
    // Five working days from Monday 23 November: not before Monday 30 November 10:00.
    expect(fields({ ...single, bidDeadline: '2026-11-30T09:59' }, { ...context, invited: { id: 'o1', status: 'approved' } })).toEqual(['bidDeadline']);
  });

  it('refuses a bid deadline (= the opening) on a rest day, even when long enough', () => {
    const { problems } = checkProjectDraft({ ...input, bidDeadline: '2026-12-19T10:00' }, context);
    expect(problems.bidDeadline).toEqual([{ key: 'procurement.validation.deadlineOnRestDay', params: { date: '2026-12-19' } }]);
  });

  it('refuses a deadline in a year whose holidays are not entered, naming the year, on the field', () => {
    const { problems } = checkProjectDraft({ ...input, questionDeadline: '2026-12-20T17:00', bidDeadline: '2027-01-11T10:00' }, { ...context, now: shanghai('2026-12-20T10:00') });
    expect(problems.bidDeadline).toEqual([{ key: 'procurement.validation.calendarYearMissing', params: { year: 2027 } }]);
  });

  it('reads the service area in Chinese or Western punctuation, without repeats', () => {
    expect(parseServiceArea('阳光社区、和平社区，阳光社区; 东风社区')).toEqual(['阳光社区', '和平社区', '东风社区']);
  });
});
