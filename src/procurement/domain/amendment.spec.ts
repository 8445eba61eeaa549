import { amendmentDeadline } from './amendment';
import { calendar2026, shanghai } from './test-calendar';

const calendar = calendar2026();
const openTender = { minPeriod: 20, periodUnit: 'calendar_days' as const, amendmentMinPeriod: 15, amendmentPeriodUnit: 'calendar_days' as const };
const base = {
  publishedAt: shanghai('2026-11-02T10:00'),
  currentDeadline: shanghai('2026-11-25T10:00'),
  questionDeadline: shanghai('2026-11-15T17:00'),
  requestedDeadline: null,
  rule: openTender,
  calendar,
};

describe('amendment deadline', () => {
  it('extends the deadline to amendment time + 15 days when a submission-changing amendment comes late', () => {
    const result = amendmentDeadline({ ...base, amendedAt: shanghai('2026-11-19T14:00'), changesSubmission: true });
    expect(result).toMatchObject({ ok: true, extended: true, deadline: shanghai('2026-12-04T14:00') });
  });

  it('an automatic extension never lands on a rest day: 2026-11-20 + 15 days is Saturday 12-05, so Monday 12-07', () => {
    const result = amendmentDeadline({ ...base, amendedAt: shanghai('2026-11-20T14:00'), changesSubmission: true });
    expect(result).toMatchObject({ ok: true, extended: true, deadline: shanghai('2026-12-07T14:00') });
    // Into National Day: amended 2026-09-16, the extension would end on 10-01 and moves to 10-08.
    const national = amendmentDeadline({
      ...base,
      publishedAt: shanghai('2026-09-01T10:00'),
      questionDeadline: shanghai('2026-09-10T10:00'),
      currentDeadline: shanghai('2026-09-24T10:00'),
      amendedAt: shanghai('2026-09-16T10:00'),
      changesSubmission: true,
    });
    expect(national).toMatchObject({ ok: true, extended: true, deadline: shanghai('2026-10-08T10:00') });
  });

  it('refuses a requested deadline on a rest day, and one reaching a year not entered', () => {
    const saturday = amendmentDeadline({ ...base, amendedAt: shanghai('2026-11-10T10:00'), changesSubmission: false, requestedDeadline: shanghai('2026-11-28T10:00') });
    expect(saturday).toEqual({ ok: false, problem: 'deadlineOnRestDay', params: { date: '2026-11-28' } });
    const late = amendmentDeadline({ ...base, amendedAt: shanghai('2026-12-20T10:00'), currentDeadline: shanghai('2026-12-28T10:00'), changesSubmission: true });
    expect(late).toEqual({ ok: false, problem: 'calendarYearMissing', params: { year: 2027 } });
  });

  it('keeps the deadline when 15 days or more remain', () => {
    const result = amendmentDeadline({ ...base, amendedAt: shanghai('2026-11-10T10:00'), changesSubmission: true });
    expect(result).toMatchObject({ ok: true, extended: false, deadline: base.currentDeadline });
  });

  it('never extends for a change that does not touch what bidders submit', () => {
    const result = amendmentDeadline({ ...base, amendedAt: shanghai('2026-11-24T10:00'), changesSubmission: false });
    expect(result).toMatchObject({ ok: true, extended: false, deadline: base.currentDeadline, amendmentExplanation: null });
  });

  it('refuses a new deadline shorter than the minimum from publication', () => {
    const result = amendmentDeadline({ ...base, amendedAt: shanghai('2026-11-05T10:00'), requestedDeadline: shanghai('2026-11-21T10:00'), changesSubmission: false });
    expect(result).toMatchObject({ ok: false, problem: 'deadlineTooEarly' });
  });

  it('extends further than a requested deadline that is still too close', () => {
    const result = amendmentDeadline({ ...base, amendedAt: shanghai('2026-11-19T10:00'), requestedDeadline: shanghai('2026-11-30T10:00'), changesSubmission: true });
    expect(result).toMatchObject({ ok: true, extended: true, deadline: shanghai('2026-12-04T10:00') });
  });

  it('counts working days for negotiation', () => {
    const rule = { minPeriod: 3, periodUnit: 'working_days' as const, amendmentMinPeriod: 3, amendmentPeriodUnit: 'working_days' as const };
    const result = amendmentDeadline({ ...base, rule, currentDeadline: shanghai('2026-09-28T10:00'), publishedAt: shanghai('2026-09-22T10:00'), questionDeadline: shanghai('2026-09-23T10:00'), amendedAt: shanghai('2026-09-24T10:00'), changesSubmission: true });
    expect(result).toMatchObject({ ok: true, extended: true, deadline: shanghai('2026-09-30T10:00') });
  });
});
