import { DemoContractDates, demoDateProblems } from './demo-dates';

const at = (local: string) => new Date(`${local}:00+08:00`);

/** 同心 as the demo used to write it, with today 2026-12-07: awarded 30 days ago, in force today. */
function tongxin(overrides: Partial<DemoContractDates> = {}): DemoContractDates {
  return {
    reference: 'WH-HT-2026-0002',
    publishedAt: at('2026-09-23T10:00'),
    questionDeadlineAt: at('2026-10-06T10:00'),
    bidDeadlineAt: at('2026-10-16T10:00'),
    openedAt: at('2026-10-16T10:00'),
    awardedAt: at('2026-11-07T10:00'),
    challengePeriodEndsAt: at('2026-11-19T00:00'),
    activatedAt: at('2026-12-07T09:30'),
    serviceStart: '2026-12-07',
    serviceEnd: '2027-12-06',
    milestones: [
      { position: 1, dueDate: '2026-12-17' },
      { position: 2, dueDate: '2027-12-06' },
    ],
    deliveries: [{ position: 1, submittedAt: at('2026-12-07T09:40'), serviceDates: ['2026-12-07'] }],
    siteVisits: [],
    treasuryPayments: [],
    ...overrides,
  };
}

describe('demo dates agree (issue 11)', () => {
  const now = at('2026-12-07T10:00');

  it('accepts a contract whose service, milestones, records and payments all come after it took effect', () => {
    expect(demoDateProblems([tongxin({ siteVisits: [{ position: 1, visitedOn: '2026-12-07' }], treasuryPayments: [{ paidOn: '2026-12-07' }] })], now)).toEqual([]);
  });

  it('refuses what the demo used to write: milestone 1 due 2026-12-05 and service from 2026-11-22 under a contract in force from 2026-12-07', () => {
    const old = tongxin({
      serviceStart: '2026-11-22',
      milestones: [
        { position: 1, dueDate: '2026-12-05' },
        { position: 2, dueDate: '2027-11-21' },
      ],
      deliveries: [{ position: 1, submittedAt: at('2026-12-07T09:40'), serviceDates: ['2026-11-25', '2026-11-30'] }],
      siteVisits: [{ position: 1, visitedOn: '2026-12-06' }],
    });
    expect(demoDateProblems([old], now)).toEqual([
      'WH-HT-2026-0002: service starts 2026-11-22, before the contract took effect on 2026-12-07',
      'WH-HT-2026-0002: milestone 1 due 2026-12-05, before the contract took effect on 2026-12-07',
      'WH-HT-2026-0002: site visit of milestone 1 on 2026-12-06, outside 2026-12-07…2026-12-07',
    ]);
  });

  it('refuses service records after the delivery, a contract signed inside the challenge period, and a payment before it took effect', () => {
    const bad = tongxin({
      activatedAt: at('2026-11-18T10:00'),
      serviceStart: '2026-11-18',
      deliveries: [{ position: 1, submittedAt: at('2026-12-07T09:40'), serviceDates: ['2026-12-08'] }],
      treasuryPayments: [{ paidOn: '2026-11-17' }],
    });
    expect(demoDateProblems([bad], now)).toEqual([
      'WH-HT-2026-0002: contract took effect before the challenge period ended',
      'WH-HT-2026-0002: milestone 1 has a service record of 2026-12-08, outside 2026-11-18…2026-12-07',
      'WH-HT-2026-0002: treasury payment on 2026-11-17, outside 2026-11-18…2026-12-07',
    ]);
  });
});
