import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { Contract } from '../contracts/contract.entity';
import { calendarDate, isCalendarDate } from '../evaluators/domain/conflicts';
import { TemplateIndicator, templateProblems } from './domain/scoring';
import { CategoryNotFoundError, ServiceEvaluationInputError } from './service-evaluation.errors';
import { pgError } from '../common/errors/pg-error';

export interface TemplateVersion {
  id: string;
  categoryCode: string;
  version: number;
  effectiveFrom: string;
  indicators: TemplateIndicator[];
  note: string | null;
  createdAt: Date;
}

export interface TemplateInput {
  effectiveFrom?: string;
  note?: string;
  indicators?: Array<Record<string, unknown>> | Record<string, Record<string, unknown>>;
}

/** Indicator templates of service evaluation: one versioned template per catalogue category, and which one a contract uses. */
@Injectable()
export class IndicatorTemplatesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async templateVersions(categoryCode: string, manager: EntityManager = this.dataSource.manager): Promise<TemplateVersion[]> {
    const rows = (await manager.query(
      `SELECT id, category_code, version, effective_from::text AS effective_from, indicators, note, created_at FROM indicator_templates WHERE category_code = $1 ORDER BY version DESC`,
      [categoryCode],
    )) as Array<Record<string, any>>;
    return rows.map((r) => ({ id: r.id, categoryCode: r.category_code, version: r.version, effectiveFrom: r.effective_from, indicators: r.indicators, note: r.note, createdAt: r.created_at }));
  }

  /** The version in force on `day` (YYYY-MM-DD, Shanghai). */
  async templateOn(categoryCode: string, day: string, manager: EntityManager = this.dataSource.manager): Promise<TemplateVersion | null> {
    const rows = (await manager.query(
      `SELECT id, category_code, version, effective_from::text AS effective_from, indicators, note, created_at FROM indicator_templates
        WHERE category_code = $1 AND effective_from <= $2::date ORDER BY effective_from DESC LIMIT 1`,
      [categoryCode, day],
    )) as Array<Record<string, any>>;
    const r = rows[0];
    return r ? { id: r.id, categoryCode: r.category_code, version: r.version, effectiveFrom: r.effective_from, indicators: r.indicators, note: r.note, createdAt: r.created_at } : null;
  }

  /** A new version of a category's template, effective today or later (history is never rewritten). */
  async createTemplateVersion(actor: Actor, categoryCode: string, input: TemplateInput): Promise<TemplateVersion> {
    const [category] = (await this.dataSource.query(`SELECT code FROM catalogue_categories WHERE code = $1`, [String(categoryCode ?? '').slice(0, 3)])) as Array<{ code: string }>;
    if (!category || category.code !== categoryCode) throw new CategoryNotFoundError();
    const raw = Array.isArray(input.indicators) ? input.indicators : Object.values(input.indicators ?? {});
    const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
    const indicators: TemplateIndicator[] = raw
      .filter((i) => i && typeof i === 'object' && [i.code, i.nameZh, i.nameEn, i.weight].some((v) => str(v) !== ''))
      .map((i) => ({
        code: str(i.code),
        nameZh: str(i.nameZh),
        nameEn: str(i.nameEn),
        weight: /^\d{1,3}$/.test(str(i.weight)) ? Number(str(i.weight)) : Number.NaN,
        guidanceZh: str(i.guidanceZh),
        guidanceEn: str(i.guidanceEn),
      }));
    const problems: Record<string, Array<{ key: string; params?: Record<string, unknown> }>> = { ...templateProblems(indicators) };
    const effectiveFrom = str(input.effectiveFrom);
    const note = str(input.note);
    if (note.length > 1000) problems.note = [{ key: 'serviceEvaluation.validation.tooLong', params: { max: 1000 } }];
    return this.dataSource.transaction(async (m) => {
      const today = calendarDate(await this.clock.now(m));
      if (!isCalendarDate(effectiveFrom)) problems.effectiveFrom = [{ key: 'serviceEvaluation.validation.date' }];
      else if (effectiveFrom < today) problems.effectiveFrom = [{ key: 'serviceEvaluation.validation.effectiveFromPast', params: { today } }];
      if (Object.keys(problems).length) throw new ServiceEvaluationInputError(problems);
      // One writer per category at a time: the versions are numbered without gaps.
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('indicator_templates:' || $1))`, [categoryCode]);
      const [{ next }] = (await m.query(`SELECT coalesce(max(version), 0) + 1 AS next FROM indicator_templates WHERE category_code = $1`, [categoryCode])) as Array<{ next: number }>;
      let row: Record<string, any>;
      try {
        await m.query('SAVEPOINT indicator_template');
        [row] = (await m.query(
          `INSERT INTO indicator_templates (category_code, version, effective_from, indicators, note, created_by) VALUES ($1, $2, $3, $4::jsonb, $5, $6)
           RETURNING id, version, effective_from::text AS effective_from, created_at`,
          [categoryCode, next, effectiveFrom, JSON.stringify(indicators), note || null, actor.userId],
        )) as Array<Record<string, any>>;
        await m.query('RELEASE SAVEPOINT indicator_template');
      } catch (error) {
        const { code, constraint } = pgError(error);
        if (code === '23505' && constraint === 'indicator_templates_category_code_effective_from_key') {
          await m.query('ROLLBACK TO SAVEPOINT indicator_template');
          throw new ServiceEvaluationInputError({ effectiveFrom: [{ key: 'serviceEvaluation.validation.effectiveFromTaken' }] });
        }
        throw error;
      }
      await this.audit.record(m, actor, {
        action: 'service_evaluation.template_versioned',
        entityType: 'indicator_template',
        entityId: row.id,
        after: { categoryCode, version: row.version, effectiveFrom },
        details: { indicators: indicators.map((i) => ({ code: i.code, weight: i.weight })) },
      });
      return { id: row.id, categoryCode, version: row.version, effectiveFrom: row.effective_from, indicators, note: note || null, createdAt: row.created_at };
    });
  }

  /** Catalogue categories of the contract's items, the first item's first (it picks the template). */
  async categoriesOf(contract: Pick<Contract, 'items'>, manager: EntityManager = this.dataSource.manager): Promise<string[]> {
    const codes = [...contract.items].sort((a, b) => a.position - b.position).map((i) => i.itemCode);
    if (!codes.length) return [];
    const rows = (await manager.query(`SELECT code, category_code FROM catalogue_items WHERE code = ANY($1::text[])`, [codes])) as Array<{ code: string; category_code: string }>;
    const byCode = new Map(rows.map((r) => [r.code, r.category_code]));
    return [...new Set(codes.map((c) => byCode.get(c)).filter((c): c is string => !!c))];
  }

  /** The template of the contract's main category (its first item's) in force on the day the contract took effect. */
  async templateForContract(m: EntityManager, contract: Contract): Promise<TemplateVersion> {
    const [category] = await this.categoriesOf(contract, m);
    const day = calendarDate(contract.activatedAt ?? contract.createdAt);
    const template = (category && (await this.templateOn(category, day, m))) || (category && (await this.templateVersions(category, m)).at(-1));
    if (!template) throw new CategoryNotFoundError();
    return template;
  }
}
