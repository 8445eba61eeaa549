import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { parseYuanToMinor } from '../common/money/money';
import { isLocalDate, localDateOf } from './domain/local-time';
import { MethodRule, NewRuleInput, checkNewRule } from './domain/method-rules';
import { YearArrangementInput, checkYearArrangement, missingCalendarYears } from './domain/calendar-years';
import { Problems, addProblem, charLength, parseWholeNumber, text } from './domain/problems';
import { CalendarDay, WorkingCalendar, calendarOf } from './domain/working-days';
import { CalendarDayRecord, ProcurementMethodRule } from './procurement-rule.entity';
import { DuplicateRuleError, ProcurementValidationError } from './procurement.errors';
import { pgError } from '../common/errors/pg-error';
import { isUuid } from '../common/validation/uuid';

export interface CalendarYear {
  year: number;
  noticeTitle: string;
  noticeNumber: string | null;
  isDemo: boolean;
  enteredAt: Date;
}

export interface CalendarDayInput {
  day?: unknown;
  kind?: unknown;
  nameZh?: unknown;
  nameEn?: unknown;
}

export function toMethodRule(r: ProcurementMethodRule): MethodRule {
  return {
    id: r.id,
    method: r.method,
    effectiveFrom: r.effectiveFrom,
    minPeriod: r.minPeriod,
    periodUnit: r.periodUnit,
    minValidBids: r.minValidBids,
    minValidBidsServices: r.minValidBidsServices,
    scoring: r.scoring,
    priceWeightMin: r.priceWeightMin,
    priceWeightMax: r.priceWeightMax,
    committeeMinSize: r.committeeMinSize,
    committeeLargeSize: r.committeeLargeSize,
    largeBudgetMinor: r.largeBudgetMinor,
    allowsBureauRepresentative: r.allowsBureauRepresentative,
    invitedOnly: r.invitedOnly,
    amendmentMinPeriod: r.amendmentMinPeriod,
    amendmentPeriodUnit: r.amendmentPeriodUnit,
    abnormallyLowPercent: r.abnormallyLowPercent,
    citationZh: r.citationZh,
    citationEn: r.citationEn,
  };
}

/**
 * Procurement rules as configuration: the method rules (append-only rows with an effective date)
 * and the working-day calendar (holidays and make-up working days), both maintained by admins.
 */
@Injectable()
export class ProcurementRulesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async listRules(manager: EntityManager = this.dataSource.manager): Promise<MethodRule[]> {
    const rows = await manager.find(ProcurementMethodRule, { order: { method: 'ASC', effectiveFrom: 'DESC' } });
    return rows.map(toMethodRule);
  }

  /** Rule rows never change once written (a trigger refuses updates), so one read per id is enough. */
  private readonly ruleCache = new Map<string, MethodRule>();

  async getRule(id: string, manager: EntityManager = this.dataSource.manager): Promise<MethodRule | null> {
    const cached = this.ruleCache.get(id);
    if (cached) return cached;
    const row = isUuid(id) ? await manager.findOneBy(ProcurementMethodRule, { id }) : null;
    const rule = row ? toMethodRule(row) : null;
    if (rule) this.ruleCache.set(id, rule);
    return rule;
  }

  /** Adds a rule row effective from a date (today or later); rows are never edited. */
  async addRule(actor: Actor, input: NewRuleInput): Promise<MethodRule> {
    return this.dataSource.transaction(async (manager) => {
      const today = localDateOf(await this.clock.now(manager));
      const { rule, problems } = checkNewRule(input, today, parseYuanToMinor);
      if (!rule) throw new ProcurementValidationError(problems, 'The rule has problems', 'PROCUREMENT.RULE_INVALID');
      await manager.query('SAVEPOINT new_rule');
      let id: string;
      try {
        const [row] = (await manager.query(
          `INSERT INTO procurement_method_rules (method, effective_from, min_period, period_unit, min_valid_bids, min_valid_bids_services,
             scoring, price_weight_min, price_weight_max, committee_min_size, committee_large_size, large_budget_minor,
             allows_bureau_representative, invited_only, amendment_min_period, amendment_period_unit, citation_zh, citation_en, created_by, abnormally_low_percent)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING id`,
          [
            rule.method,
            rule.effectiveFrom,
            rule.minPeriod,
            rule.periodUnit,
            rule.minValidBids,
            rule.minValidBidsServices,
            rule.scoring,
            rule.priceWeightMin,
            rule.priceWeightMax,
            rule.committeeMinSize,
            rule.committeeLargeSize,
            rule.largeBudgetMinor,
            rule.allowsBureauRepresentative,
            rule.invitedOnly,
            rule.amendmentMinPeriod,
            rule.amendmentPeriodUnit,
            rule.citationZh,
            rule.citationEn,
            actor.userId,
            rule.abnormallyLowPercent,
          ],
        )) as { id: string }[];
        id = row.id;
      } catch (error) {
        if (pgError(error).code === '23505') throw new DuplicateRuleError();
        throw error;
      }
      await this.audit.record(manager, actor, { action: 'procurement_rule.added', entityType: 'procurement_method_rule', entityId: id, after: rule });
      return { id, ...rule };
    });
  }

  /** The calendar entries of one year, in date order. */
  async listCalendar(year: number): Promise<CalendarDay[]> {
    const rows = (await this.dataSource.query(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, kind, name_zh, name_en FROM calendar_days
        WHERE day >= make_date($1, 1, 1) AND day < make_date($1 + 1, 1, 1) ORDER BY day`,
      [year],
    )) as Array<{ day: string; kind: CalendarDay['kind']; name_zh: string; name_en: string }>;
    return rows.map((r) => ({ day: r.day, kind: r.kind, nameZh: r.name_zh, nameEn: r.name_en }));
  }

  /** The years that have entries, plus this one and the next. */
  async calendarYears(): Promise<number[]> {
    const rows = (await this.dataSource.query(`SELECT DISTINCT extract(year FROM day)::int AS y FROM calendar_days`)) as { y: number }[];
    const thisYear = Number(localDateOf(await this.clock.now(this.dataSource.manager)).slice(0, 4));
    return [...new Set([...rows.map((r) => r.y), thisYear, thisYear + 1])].sort();
  }

  /**
   * Every calendar entry from `fromDate` on (deadlines never look back), and the years whose
   * arrangement has been entered: counting into any other year is refused (no silent years).
   */
  async loadCalendar(manager: EntityManager, fromDate: string): Promise<WorkingCalendar> {
    const rows = (await manager.query(`SELECT to_char(day, 'YYYY-MM-DD') AS day, kind, name_zh, name_en FROM calendar_days WHERE day >= $1::date ORDER BY day`, [fromDate])) as Array<{
      day: string;
      kind: CalendarDay['kind'];
      name_zh: string;
      name_en: string;
    }>;
    const years = await this.enteredYears(manager);
    return calendarOf(
      rows.map((r) => ({ day: r.day, kind: r.kind, nameZh: r.name_zh, nameEn: r.name_en })),
      years,
    );
  }

  /** Years whose holiday arrangement has been entered. */
  async enteredYears(manager: EntityManager = this.dataSource.manager): Promise<Set<number>> {
    const rows = (await manager.query(`SELECT year FROM calendar_years`)) as { year: number }[];
    return new Set(rows.map((r) => r.year));
  }

  /** The entered years with their notices, latest first (the calendar page). */
  async listCalendarYears(): Promise<CalendarYear[]> {
    const rows = (await this.dataSource.query(`SELECT year, notice_title, notice_number, is_demo, entered_at FROM calendar_years ORDER BY year DESC`)) as Array<{
      year: number;
      notice_title: string;
      notice_number: string | null;
      is_demo: boolean;
      entered_at: Date;
    }>;
    return rows.map((r) => ({ year: r.year, noticeTitle: r.notice_title, noticeNumber: r.notice_number, isDemo: r.is_demo, enteredAt: r.entered_at }));
  }

  /** The years a staff dashboard warns about today (this year or, from 1 November, next year, while missing). */
  async missingYears(): Promise<number[]> {
    const today = localDateOf(await this.clock.now(this.dataSource.manager));
    return missingCalendarYears(today, await this.enteredYears());
  }

  /**
   * Enters a year's arrangement from the State Council's notice: its holidays and make-up working
   * days replace the year's entries (unless none are given and the year has some: then only the
   * notice is recorded). `isDemo` marks data the demo seed entered, shown as such, never as the
   * official notice.
   */
  async enterYearArrangement(actor: Actor, input: YearArrangementInput, options: { isDemo?: boolean } = {}): Promise<{ year: number; days: number }> {
    return this.dataSource.transaction(async (manager) => {
      const year = parseWholeNumber(input.year);
      // One admin at a time per year: the row lock (or, for a new year, the advisory lock) serialises entries.
      if (year !== null) await manager.query(`SELECT pg_advisory_xact_lock(hashtext('calendar_year'), $1)`, [year]);
      const counts = (await manager.query(`SELECT extract(year FROM day)::int AS year, count(*)::int AS n FROM calendar_days GROUP BY 1`)) as Array<{ year: number; n: number }>;
      const withDays = new Set(counts.filter((c) => c.n > 0).map((c) => c.year));
      const { arrangement, problems } = checkYearArrangement(input, (y) => withDays.has(y));
      if (!arrangement) throw new ProcurementValidationError(problems, 'The year arrangement has problems', 'PROCUREMENT.CALENDAR_YEAR_INVALID');
      const [before] = (await manager.query(`SELECT notice_title, notice_number, is_demo FROM calendar_years WHERE year = $1`, [arrangement.year])) as Array<Record<string, unknown>>;
      if (arrangement.days.length) {
        await manager.query(`DELETE FROM calendar_days WHERE day >= make_date($1, 1, 1) AND day < make_date($1 + 1, 1, 1)`, [arrangement.year]);
        for (const d of arrangement.days) {
          await manager.query(`INSERT INTO calendar_days (day, kind, name_zh, name_en, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, now())`, [d.day, d.kind, d.nameZh, d.nameEn, actor.userId]);
        }
      }
      await manager.query(
        `INSERT INTO calendar_years (year, notice_title, notice_number, is_demo, entered_by, entered_at) VALUES ($1, $2, $3, $4, $5, now())
         ON CONFLICT (year) DO UPDATE SET notice_title = EXCLUDED.notice_title, notice_number = EXCLUDED.notice_number,
           is_demo = EXCLUDED.is_demo, entered_by = EXCLUDED.entered_by, entered_at = now()`,
        [arrangement.year, arrangement.noticeTitle, arrangement.noticeNumber, options.isDemo === true, actor.userId],
      );
      await this.audit.record(manager, actor, {
        action: 'calendar_year.entered',
        entityType: 'calendar_year',
        entityId: String(arrangement.year),
        before: before ?? undefined,
        after: { noticeTitle: arrangement.noticeTitle, noticeNumber: arrangement.noticeNumber, isDemo: options.isDemo === true },
        details: arrangement.days.length ? { days: arrangement.days.map((d) => `${d.day} ${d.kind}`) } : { daysKept: true },
      });
      return { year: arrangement.year, days: arrangement.days.length };
    });
  }

  /** Adds or changes the entry for a day (a holiday or a make-up working day). */
  async setCalendarDay(actor: Actor, input: CalendarDayInput): Promise<CalendarDay> {
    const problems: Problems = {};
    const day = text(input.day);
    const kind = text(input.kind);
    const nameZh = text(input.nameZh);
    const nameEn = text(input.nameEn);
    if (!isLocalDate(day)) addProblem(problems, 'day', 'date');
    if (kind !== 'holiday' && kind !== 'workday') addProblem(problems, 'kind', 'choose');
    if (charLength(nameZh) < 1 || charLength(nameZh) > 50) addProblem(problems, 'nameZh', 'textLength', { min: 1, max: 50 });
    if (charLength(nameEn) < 1 || charLength(nameEn) > 80) addProblem(problems, 'nameEn', 'textLength', { min: 1, max: 80 });
    if (Object.keys(problems).length) throw new ProcurementValidationError(problems, 'The calendar day has problems', 'PROCUREMENT.CALENDAR_INVALID');
    return this.dataSource.transaction(async (manager) => {
      const before = await manager.findOne(CalendarDayRecord, { where: { day }, lock: { mode: 'pessimistic_write' } });
      await manager.query(
        `INSERT INTO calendar_days (day, kind, name_zh, name_en, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, now())
         ON CONFLICT (day) DO UPDATE SET kind = EXCLUDED.kind, name_zh = EXCLUDED.name_zh, name_en = EXCLUDED.name_en,
           updated_by = EXCLUDED.updated_by, updated_at = now()`,
        [day, kind, nameZh, nameEn, actor.userId],
      );
      const after = { kind, nameZh, nameEn };
      await this.audit.record(manager, actor, {
        action: before ? 'calendar_day.changed' : 'calendar_day.added',
        entityType: 'calendar_day',
        entityId: day,
        before: before ? { kind: before.kind, nameZh: before.nameZh, nameEn: before.nameEn } : undefined,
        after,
      });
      return { day, kind: kind as CalendarDay['kind'], nameZh, nameEn };
    });
  }

  /** Removes a day's entry: it becomes an ordinary weekday or weekend day again. */
  async removeCalendarDay(actor: Actor, day: string): Promise<void> {
    if (!isLocalDate(day)) {
      const problems: Problems = {};
      addProblem(problems, 'day', 'date');
      throw new ProcurementValidationError(problems);
    }
    await this.dataSource.transaction(async (manager) => {
      const before = await manager.findOne(CalendarDayRecord, { where: { day }, lock: { mode: 'pessimistic_write' } });
      if (!before) return;
      await manager.query(`DELETE FROM calendar_days WHERE day = $1`, [day]);
      await this.audit.record(manager, actor, {
        action: 'calendar_day.removed',
        entityType: 'calendar_day',
        entityId: day,
        before: { kind: before.kind, nameZh: before.nameZh, nameEn: before.nameEn },
      });
    });
  }
}
