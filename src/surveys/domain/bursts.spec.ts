import { AnswerStamp, findBursts } from './bursts';

const at = (hhmm: string, address: string | null = null): AnswerStamp => ({ addressHash: address, submittedAt: new Date(`2026-12-07T${hhmm}:00+08:00`) });
const limits = { sameAddress: 3, windowAnswers: 4, windowMinutes: 10 };

describe('bursts of survey answers', () => {
  it('flags nothing for answers spread over the day from different addresses', () => {
    expect(findBursts([at('09:00', 'a'), at('09:30', 'b'), at('11:00', 'a'), at('15:00', 'c')], limits)).toEqual([]);
  });

  it('flags three answers from one address (limit 3), from the first to the last', () => {
    const bursts = findBursts([at('09:00', 'a'), at('12:00', 'b'), at('13:00', 'a'), at('18:20', 'a')], limits);
    expect(bursts).toEqual([{ kind: 'sameAddress', answers: 3, from: at('09:00').submittedAt, to: at('18:20').submittedAt }]);
  });

  it('ignores answers without an address when counting addresses', () => {
    expect(findBursts([at('09:00'), at('12:00'), at('13:00')], limits)).toEqual([]);
  });

  it('flags four answers within ten minutes (09:00, 09:03, 09:05, 09:09), not four within ten minutes and one second', () => {
    expect(findBursts([at('09:00', 'a'), at('09:03', 'b'), at('09:05', 'c'), at('09:09', 'd')], limits)).toEqual([
      { kind: 'window', answers: 4, from: at('09:00').submittedAt, to: at('09:09').submittedAt },
    ]);
    // 09:00 and 09:10 are ten minutes apart: not within the same ten-minute window.
    expect(findBursts([at('09:00', 'a'), at('09:03', 'b'), at('09:05', 'c'), at('09:10', 'd')], limits)).toEqual([]);
  });

  it('merges overlapping busy windows into one span and keeps separate spans apart', () => {
    const morning = ['09:00', '09:02', '09:04', '09:06', '09:08', '09:12', '09:14'].map((t, i) => at(t, `m${i}`));
    const evening = ['19:00', '19:01', '19:02', '19:03'].map((t, i) => at(t, `e${i}`));
    expect(findBursts([...evening, ...morning], limits)).toEqual([
      { kind: 'window', answers: 7, from: at('09:00').submittedAt, to: at('09:14').submittedAt },
      { kind: 'window', answers: 4, from: at('19:00').submittedAt, to: at('19:03').submittedAt },
    ]);
  });

  it('uses 5 answers per address and 20 in 10 minutes by default', () => {
    const five = ['08:00', '10:00', '12:00', '14:00', '16:00'].map((t) => at(t, 'shared-wifi'));
    expect(findBursts(five)).toEqual([{ kind: 'sameAddress', answers: 5, from: five[0].submittedAt, to: five[4].submittedAt }]);
    const nineteen = Array.from({ length: 19 }, (_, i) => at(`10:0${Math.floor(i / 3)}`, `x${i}`));
    expect(findBursts(nineteen)).toEqual([]);
    expect(findBursts([...nineteen, at('10:09', 'x19')])).toEqual([{ kind: 'window', answers: 20, from: nineteen[0].submittedAt, to: at('10:09').submittedAt }]);
  });
});
