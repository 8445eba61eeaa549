import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { parseYuanToMinor } from '../common/money/money';
import { isLocalDate, localDateOf } from './domain/local-time';
import { MethodRule, NewRuleInput, checkNewRule } from './domain/method-rules';
import { Problems, addProblem, charLength, text } from './domain/problems';
import { CalendarDay, WorkingCalendar, calendarOf } from './domain/working-days';
import { pgError } from './funds.service';
import { CalendarDayRecord, ProcurementMethodRule } from './procurement-rule.entity';
import { DuplicateRuleError, ProcurementValidationError } from './procurement.errors';

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
    const row = /^[0-9a-f-]{36}$/i.test(id) ? await manager.findOneBy(ProcurementMethodRule, { id }) : null;
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
             allows_bureau_representative, invited_only, amendment_min_period, amendment_period_unit, citation_zh, citation_en, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id`,
          [
            rule.method, rule.effectiveFrom, rule.minPeriod, rule.periodUnit, rule.minValidBids, rule.minValidBidsServices,
            rule.scoring, rule.priceWeightMin, rule.priceWeightMax, rule.committeeMinSize, rule.committeeLargeSize, rule.largeBudgetMinor,
            rule.allowsBureauRepresentative, rule.invitedOnly, rule.amendmentMinPeriod, rule.amendmentPeriodUnit, rule.citationZh, rule.citationEn, actor.userId,
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

  /** Every calendar entry from `fromDate` on (deadlines never look back). */
  async loadCalendar(manager: EntityManager, fromDate: string): Promise<WorkingCalendar> {
    const rows = (await manager.query(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, kind, name_zh, name_en FROM calendar_days WHERE day >= $1::date ORDER BY day`,
      [fromDate],
    )) as Array<{ day: string; kind: CalendarDay['kind']; name_zh: string; name_en: string }>;
    return calendarOf(rows.map((r) => ({ day: r.day, kind: r.kind, nameZh: r.name_zh, nameEn: r.name_en })));
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
