import { declarationProblems, endingProblems } from './relationships';

describe('declaring a relationship', () => {
  it('accepts an employment that started on a real date', () => {
    expect(declarationProblems({ kind: 'employment', startedOn: '2021-03-01' })).toEqual({});
  });

  it('accepts a start date in the future (a job offer already accepted)', () => {
    expect(declarationProblems({ kind: 'directorship', startedOn: '2030-01-01' })).toEqual({});
  });

  it('refuses an unknown kind and an impossible date', () => {
    expect(declarationProblems({ kind: 'friendship', startedOn: '2021-02-30' })).toEqual({
      kind: ['evaluators.validation.kind'],
      startedOn: ['evaluators.validation.date'],
    });
  });

  it('asks what an "other" relationship is', () => {
    expect(declarationProblems({ kind: 'other', startedOn: '2021-03-01', note: '  ' })).toEqual({ note: ['evaluators.validation.noteRequiredForOther'] });
    expect(declarationProblems({ kind: 'other', startedOn: '2021-03-01', note: '兼职顾问' })).toEqual({});
  });
});

describe('ending a relationship', () => {
  const started = { startedOn: '2021-03-01' };

  it('ends on the start day at the earliest and today at the latest', () => {
    expect(endingProblems(started, '2021-03-01', '2026-11-23')).toEqual({});
    expect(endingProblems(started, '2026-11-23', '2026-11-23')).toEqual({});
  });

  it('refuses an end before the start, in the future, or on an impossible date', () => {
    expect(endingProblems(started, '2021-02-28', '2026-11-23')).toEqual({ endedOn: ['evaluators.validation.endBeforeStart'] });
    expect(endingProblems(started, '2026-11-24', '2026-11-23')).toEqual({ endedOn: ['evaluators.validation.endInFuture'] });
    expect(endingProblems(started, '2026-02-29', '2026-11-23')).toEqual({ endedOn: ['evaluators.validation.date'] });
  });
});
