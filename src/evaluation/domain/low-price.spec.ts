import { canStillExplain, explanationDueAt, hasLapsed, parseExplanationHours } from './low-price';

const shanghai = (local: string) => new Date(`${local}:00+08:00`);

describe('the time limit for a low-price explanation (财政部令第87号 第六十条)', () => {
  it('reads whole hours 1–72, full-width digits too, and refuses the rest', () => {
    expect(parseExplanationHours('24')).toBe(24);
    expect(parseExplanationHours(' ２ ')).toBe(2);
    expect(parseExplanationHours('72')).toBe(72);
    for (const bad of ['0', '73', '1.5', '', 'abc', undefined, '-3']) expect(parseExplanationHours(bad)).toBeNull();
  });

  it('worked time: review closed 2026-11-12 15:30 with 2 hours, due 17:30 the same day; 24 hours runs over a weekend night as hours', () => {
    expect(explanationDueAt(shanghai('2026-11-12T15:30'), 2)).toEqual(shanghai('2026-11-12T17:30'));
    expect(explanationDueAt(shanghai('2026-11-13T16:00'), 24)).toEqual(shanghai('2026-11-14T16:00'));
  });

  it('lets the bidder explain until one moment before the due instant, not at it', () => {
    const due = shanghai('2026-11-12T17:30');
    const open = { explanation: null, accepted: null, explanationDueAt: due };
    expect(canStillExplain(open, new Date(due.getTime() - 1))).toBe(true);
    expect(canStillExplain(open, due)).toBe(false);
    expect(canStillExplain({ ...open, accepted: true }, shanghai('2026-11-12T16:00'))).toBe(false);
    // Inquiries opened before limits existed stay open until the committee decides.
    expect(canStillExplain({ ...open, explanationDueAt: null }, shanghai('2030-01-01T00:00'))).toBe(true);
  });

  it('lapses an unanswered, undecided inquiry at its due instant; an answered one waits for the committee', () => {
    const due = shanghai('2026-11-12T17:30');
    const open = { explanation: null, accepted: null, explanationDueAt: due };
    expect(hasLapsed(open, new Date(due.getTime() - 1))).toBe(false);
    expect(hasLapsed(open, due)).toBe(true);
    expect(hasLapsed({ ...open, explanation: '场地由街道无偿提供，人工成本由志愿者分担' }, shanghai('2026-11-13T09:00'))).toBe(false);
    expect(hasLapsed({ ...open, accepted: false }, shanghai('2026-11-13T09:00'))).toBe(false);
    expect(hasLapsed({ ...open, explanationDueAt: null }, shanghai('2030-01-01T00:00'))).toBe(false);
  });
});
