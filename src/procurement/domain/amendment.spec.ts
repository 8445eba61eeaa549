import { amendmentDeadline, amendmentEffect } from './amendment';
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
    const result = amendmentDeadline({
      ...base,
      rule,
      currentDeadline: shanghai('2026-09-28T10:00'),
      publishedAt: shanghai('2026-09-22T10:00'),
      questionDeadline: shanghai('2026-09-23T10:00'),
      amendedAt: shanghai('2026-09-24T10:00'),
      changesSubmission: true,
    });
    expect(result).toMatchObject({ ok: true, extended: true, deadline: shanghai('2026-09-30T10:00') });
  });
});

describe('amendment effect (财政部令第87号 第二十七条)', () => {
  const description = { before: '为两社区高龄老人提供助餐', after: '为两社区高龄老人提供助餐，含送餐上门' };

  it('counts any change to the documents as affecting the bids when no reason is recorded', () => {
    expect(amendmentEffect({ kind: 'amendment', changes: { description }, movesDeadline: false, noEffectReason: '' })).toEqual({ affectsBids: true, noEffectReason: null, problems: {} });
    // The text alone says what changed (an attachment, a requirement not in a field): it counts too.
    expect(amendmentEffect({ kind: 'amendment', changes: {}, movesDeadline: false, noEffectReason: '  ' })).toMatchObject({ affectsBids: true });
  });

  it('keeps the deadline when the officer records why the change cannot affect the bids, and publishes that reason', () => {
    const result = amendmentEffect({ kind: 'amendment', changes: { description }, movesDeadline: false, noEffectReason: '  仅更正联系人电话，不涉及服务内容与报价  ' });
    expect(result).toEqual({ affectsBids: false, noEffectReason: '仅更正联系人电话，不涉及服务内容与报价', problems: {} });
  });

  it('refuses a reason too short to say anything (10 characters at least)', () => {
    const result = amendmentEffect({ kind: 'amendment', changes: { description }, movesDeadline: false, noEffectReason: '不影响' });
    expect(result.problems).toEqual({ noEffectReason: [{ key: 'procurement.validation.textLength', params: { min: 10, max: 2000 } }] });
  });

  it('needs no reason when only the deadline moves, and never for a clarification', () => {
    expect(amendmentEffect({ kind: 'amendment', changes: {}, movesDeadline: true, noEffectReason: '' })).toEqual({ affectsBids: false, noEffectReason: null, problems: {} });
    expect(amendmentEffect({ kind: 'clarification', changes: {}, movesDeadline: false, noEffectReason: '随便写的理由也不会公布' })).toEqual({ affectsBids: false, noEffectReason: null, problems: {} });
  });

  it('worked date: a description change on 2026-11-19 14:00 without a reason moves a 11-25 deadline to 12-04 14:00; with one it stays', () => {
    const affects = amendmentEffect({ kind: 'amendment', changes: { description }, movesDeadline: false, noEffectReason: '' }).affectsBids;
    expect(amendmentDeadline({ ...base, amendedAt: shanghai('2026-11-19T14:00'), changesSubmission: affects })).toMatchObject({ ok: true, extended: true, deadline: shanghai('2026-12-04T14:00') });
    const not = amendmentEffect({ kind: 'amendment', changes: { description }, movesDeadline: false, noEffectReason: '仅更正联系人电话，不涉及服务内容与报价' }).affectsBids;
    expect(amendmentDeadline({ ...base, amendedAt: shanghai('2026-11-19T14:00'), changesSubmission: not })).toMatchObject({ ok: true, extended: false, deadline: base.currentDeadline });
  });
});
