import { DataSource } from 'typeorm';
import { localDateOf } from '../procurement/domain/local-time';

/**
 * Do the demo's dates agree with each other (issue 11)? A demo that shows a milestone due before
 * its contract took effect, or service records from before the service began, teaches the bureau
 * the wrong thing. `seedDemo` runs this check last and refuses to finish on any problem. Pure
 * (`demoDateProblems`); `loadDemoDateFacts` reads what the seed wrote.
 *
 * Dates are Asia/Shanghai calendar dates (YYYY-MM-DD); instants are compared as instants.
 */
export interface DemoContractDates {
  reference: string;
  /** When the procurement happened. */
  publishedAt: Date;
  questionDeadlineAt: Date;
  bidDeadlineAt: Date;
  openedAt: Date | null;
  awardedAt: Date;
  challengePeriodEndsAt: Date;
  /** When the contract took effect (both sides confirmed). */
  activatedAt: Date;
  serviceStart: string;
  serviceEnd: string;
  milestones: Array<{ position: number; dueDate: string }>;
  deliveries: Array<{ position: number; submittedAt: Date; serviceDates: string[] }>;
  siteVisits: Array<{ position: number; visitedOn: string }>;
  treasuryPayments: Array<{ paidOn: string }>;
}

export function demoDateProblems(contracts: readonly DemoContractDates[], now: Date): string[] {
  const problems: string[] = [];
  const today = localDateOf(now);
  for (const c of contracts) {
    const say = (text: string) => problems.push(`${c.reference}: ${text}`);
    const effective = localDateOf(c.activatedAt);
    if (!(c.publishedAt < c.questionDeadlineAt && c.questionDeadlineAt <= c.bidDeadlineAt)) say('publication, question deadline and bid deadline out of order');
    if (c.openedAt && c.openedAt < c.bidDeadlineAt) say('opened before the bid deadline');
    if (c.awardedAt < c.bidDeadlineAt) say('awarded before the bid deadline');
    if (c.activatedAt < c.challengePeriodEndsAt) say('contract took effect before the challenge period ended');
    if (c.activatedAt > now) say('contract takes effect in the future');
    if (c.serviceStart < effective) say(`service starts ${c.serviceStart}, before the contract took effect on ${effective}`);
    if (c.serviceEnd <= c.serviceStart) say('service ends before it starts');
    for (const m of c.milestones) {
      if (m.dueDate < effective) say(`milestone ${m.position} due ${m.dueDate}, before the contract took effect on ${effective}`);
      if (m.dueDate < c.serviceStart || m.dueDate > c.serviceEnd) say(`milestone ${m.position} due ${m.dueDate}, outside the service period`);
    }
    for (const d of c.deliveries) {
      if (d.submittedAt < c.activatedAt) say(`milestone ${d.position} delivered before the contract took effect`);
      const delivered = localDateOf(d.submittedAt);
      for (const day of d.serviceDates) {
        if (day < c.serviceStart || day > delivered) say(`milestone ${d.position} has a service record of ${day}, outside ${c.serviceStart}…${delivered}`);
      }
    }
    for (const v of c.siteVisits) {
      if (v.visitedOn < effective || v.visitedOn > today) say(`site visit of milestone ${v.position} on ${v.visitedOn}, outside ${effective}…${today}`);
    }
    for (const p of c.treasuryPayments) {
      if (p.paidOn < effective || p.paidOn > today) say(`treasury payment on ${p.paidOn}, outside ${effective}…${today}`);
    }
  }
  return problems;
}

/** What the demo wrote, for the check (read-only; the demo module may read every table). */
export async function loadDemoDateFacts(dataSource: DataSource): Promise<{ contracts: DemoContractDates[]; now: Date }> {
  const [{ now }] = (await dataSource.query(`SELECT app_now() AS now`)) as Array<{ now: Date }>;
  const rows = (await dataSource.query(
    `SELECT c.id, c.reference, c.activated_at, c.service_start::text AS service_start, c.service_end::text AS service_end,
            p.published_at, p.question_deadline_at, p.bid_deadline_at, p.opened_at, a.awarded_at, a.challenge_period_ends_at
       FROM contracts c JOIN projects p ON p.id = c.project_id JOIN awards a ON a.id = c.award_id
      WHERE c.activated_at IS NOT NULL ORDER BY c.reference`,
  )) as Array<{
    id: string;
    reference: string;
    activated_at: Date;
    service_start: string;
    service_end: string;
    published_at: Date;
    question_deadline_at: Date;
    bid_deadline_at: Date;
    opened_at: Date | null;
    awarded_at: Date;
    challenge_period_ends_at: Date;
  }>;
  const contracts: DemoContractDates[] = [];
  for (const r of rows) {
    const milestones = (await dataSource.query(`SELECT position, due_date::text AS due FROM contract_milestones WHERE contract_id = $1 ORDER BY position`, [r.id])) as Array<{
      position: number;
      due: string;
    }>;
    const deliveries = (await dataSource.query(
      `SELECT d.milestone_position AS position, d.submitted_at,
              coalesce(array_agg(s.service_date::text) FILTER (WHERE s.service_date IS NOT NULL), '{}') AS dates
         FROM milestone_deliveries d LEFT JOIN delivery_service_records s ON s.delivery_id = d.id
        WHERE d.contract_id = $1 GROUP BY d.id ORDER BY d.milestone_position`,
      [r.id],
    )) as Array<{ position: number; submitted_at: Date; dates: string[] }>;
    const visits = (await dataSource.query(`SELECT milestone_position AS position, visited_on::text AS visited FROM site_visits WHERE contract_id = $1`, [r.id])) as Array<{
      position: number;
      visited: string;
    }>;
    const payments = (await dataSource.query(`SELECT t.paid_on::text AS paid FROM treasury_payments t JOIN disbursements d ON d.id = t.disbursement_id WHERE d.contract_id = $1`, [r.id])) as Array<{
      paid: string;
    }>;
    contracts.push({
      reference: r.reference,
      publishedAt: r.published_at,
      questionDeadlineAt: r.question_deadline_at,
      bidDeadlineAt: r.bid_deadline_at,
      openedAt: r.opened_at,
      awardedAt: r.awarded_at,
      challengePeriodEndsAt: r.challenge_period_ends_at,
      activatedAt: r.activated_at,
      serviceStart: r.service_start,
      serviceEnd: r.service_end,
      milestones: milestones.map((m) => ({ position: m.position, dueDate: m.due })),
      deliveries: deliveries.map((d) => ({ position: d.position, submittedAt: d.submitted_at, serviceDates: d.dates })),
      siteVisits: visits.map((v) => ({ position: v.position, visitedOn: v.visited })),
      treasuryPayments: payments.map((p) => ({ paidOn: p.paid })),
    });
  }
  return { contracts, now };
}

/** Refuses to finish a demo whose dates contradict each other. */
export async function assertDemoDatesAgree(dataSource: DataSource): Promise<void> {
  const { contracts, now } = await loadDemoDateFacts(dataSource);
  const problems = demoDateProblems(contracts, now);
  if (problems.length) throw new Error(`demo dates disagree:\n- ${problems.join('\n- ')}`);
}
