import { workingDayPeriod } from '../../awards/domain/working-day-period';
import { calendar2026, shanghai } from '../../procurement/domain/test-calendar';
import { checkDecision, complaintPeriod, complaintWindow, suspensionEndsAt } from './complaints';

const calendar = calendar2026();

/** A challenge filed at `filed`, its 7-working-day answer period as the service computes it. */
function challengeFiled(filed: string) {
  const due = workingDayPeriod(shanghai(filed), 7, calendar, 'challenge_answer');
  return { answerDueAt: due.endsAt, answerDueExplanation: due.explanation };
}

describe('the complaint period (政府采购法 第五十五条, 财政部令第94号 第十七条)', () => {
  it('runs 15 working days after the answer period: challenge filed Monday 11-02, answer due with 11-11, complaint until 12-02', () => {
    const challenge = challengeFiled('2026-11-02T10:00');
    expect(challenge.answerDueAt).toEqual(shanghai('2026-11-12T00:00'));
    const period = complaintPeriod(challenge, calendar);
    expect(period.explanation.start).toMatchObject({ basis: 'answer_period', lastDay: '2026-11-11' });
    expect(period.explanation.count.counted).toHaveLength(15);
    expect(period.explanation.count.counted[0]).toBe('2026-11-12');
    expect(period.explanation.count.counted[14]).toBe('2026-12-02');
    expect(period.endsAt).toEqual(shanghai('2026-12-03T00:00'));
    expect(period.explanation.kind).toBe('complaint_period');
  });

  it('crosses 国庆 and counts the make-up Saturday: challenge filed Friday 09-18, answer due with 09-29, complaint until 10-26', () => {
    const challenge = challengeFiled('2026-09-18T10:00');
    expect(challenge.answerDueExplanation.count.counted.at(-1)).toBe('2026-09-29');
    const period = complaintPeriod(challenge, calendar);
    expect(period.explanation.count.counted.slice(0, 4)).toEqual(['2026-09-30', '2026-10-08', '2026-10-09', '2026-10-10']);
    expect(period.explanation.count.counted.at(-1)).toBe('2026-10-26');
    expect(period.endsAt).toEqual(shanghai('2026-10-27T00:00'));
  });
});

describe('when the challenger may complain', () => {
  const challenge = challengeFiled('2026-11-02T10:00');
  const endsAt = complaintPeriod(challenge, calendar).endsAt;

  it('not while the challenge awaits its answer within the answer period', () => {
    expect(complaintWindow(shanghai('2026-11-11T23:59'), { status: 'open', answerDueAt: challenge.answerDueAt }, endsAt)).toEqual({ ok: false, reason: 'not_yet' });
  });
  it('as soon as the answer period passes unanswered (2026-11-12 00:00)', () => {
    expect(complaintWindow(shanghai('2026-11-12T00:00'), { status: 'open', answerDueAt: challenge.answerDueAt }, endsAt)).toEqual({ ok: true });
  });
  it('as soon as it is answered, even early', () => {
    expect(complaintWindow(shanghai('2026-11-05T09:00'), { status: 'dismissed', answerDueAt: challenge.answerDueAt }, endsAt)).toEqual({ ok: true });
  });
  it('on the last day until 23:59, not at 00:00 after it', () => {
    expect(complaintWindow(shanghai('2026-12-02T23:59'), { status: 'dismissed', answerDueAt: challenge.answerDueAt }, endsAt)).toEqual({ ok: true });
    expect(complaintWindow(shanghai('2026-12-03T00:00'), { status: 'dismissed', answerDueAt: challenge.answerDueAt }, endsAt)).toEqual({ ok: false, reason: 'ended' });
  });
});

describe("the finance department's decision", () => {
  it('dismisses with a published text', () => {
    expect(checkDecision({ decision: 'dismiss', consequence: 'award_void', text: '投诉事项缺乏事实依据，驳回投诉。' }).decision).toEqual({
      status: 'dismissed',
      consequence: null,
      decision: '投诉事项缺乏事实依据，驳回投诉。',
    });
  });
  it('upholds only with a consequence, and reports every problem at once', () => {
    expect(checkDecision({ decision: 'uphold', consequence: '', text: '短' }).problems.map((p) => p.field)).toEqual(['consequence', 'text']);
    expect(checkDecision({ decision: 'uphold', consequence: 'restart_procurement', text: '投诉成立，责令重新开展采购活动。' }).decision?.consequence).toBe('restart_procurement');
    expect(checkDecision({ decision: 'maybe', text: '' }).problems.map((p) => p.field)).toEqual(['decision', 'text']);
  });
});

describe('a suspension (财政部令第94号 第二十八条)', () => {
  it('lasts at most 30 days', () => {
    expect(suspensionEndsAt(shanghai('2026-11-02T10:00'), 30)).toEqual(shanghai('2026-12-02T10:00'));
    expect(() => suspensionEndsAt(shanghai('2026-11-02T10:00'), 31)).toThrow(RangeError);
    expect(() => suspensionEndsAt(shanghai('2026-11-02T10:00'), 0)).toThrow(RangeError);
  });
});
