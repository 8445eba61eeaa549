import { Injectable } from '@nestjs/common';
import { ConfirmationPage } from '../common/http/confirmation';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { CatalogueService } from '../catalogue/catalogue.service';
import { ListItemsQuery } from '../catalogue/dto/list-items.query';
import { FormContextProvider } from '../common/http/form-context.registry';
import { Locale, translate } from '../i18n/i18n';
import { describeDeadline } from './deadline.presenter';
import { EVALUATION_GRADES } from '../organisations/domain/registration';
import { localDateOf, localDateTimeOf } from './domain/local-time';
import { PROCUREMENT_METHODS, SCORINGS, ruleInForce } from './domain/method-rules';
import { MAX_MILESTONES } from './domain/milestones';
import { MAX_CRITERIA } from './domain/criteria';
import { MAX_ITEMS, PURCHASER_LEVELS, ProjectFormInput } from './domain/project-draft';
import { PROJECT_STATUSES } from './domain/project-lifecycle';
import { CalendarYearMissingError, PERIOD_UNITS, earliestDeadline } from './domain/working-days';
import { availableMinor } from './fund.entity';
import { FundsService } from './funds.service';
import { listApprovedOrganisations } from './organisation-facts';
import { ProcurementRulesService } from './procurement-rules.service';
import { ProjectQueries } from './project.queries';
import { pageLinks, presentListRow, presentProject } from './project.presenter';
import { ProjectsService, formInputOf } from './projects.service';
import { forRoles } from '../identity/form-contexts';

type Row = Record<string, unknown>;

interface FieldView {
  /** Form field name, e.g. items[0][code]. */
  name: string;
  /** Key of its messages, e.g. items.0.code. */
  key: string;
  id: string;
  value: string;
}

function rowsOf(list: string, fields: readonly string[], count: number, source: readonly Row[] | undefined) {
  return Array.from({ length: count }, (_, index) => {
    const row = (source?.[index] ?? {}) as Row;
    const view: Record<string, FieldView> = {};
    for (const field of fields) {
      const raw = row[field];
      view[field] = {
        name: `${list}[${index}][${field}]`,
        key: `${list}.${index}.${field}`,
        id: `f-${list}-${index}-${field}`,
        value: typeof raw === 'string' ? raw : raw === undefined || raw === null ? '' : String(raw),
      };
    }
    return { index, number: index + 1, fields: view };
  });
}

/** Scalars of the form for `values` (the rows are built separately). */
function scalarValues(input: ProjectFormInput): Record<string, unknown> {
  const { items: _i, criteria: _c, milestones: _m, eligibilityCategories, ...scalars } = input;
  return { ...scalars, eligibilityCategories: eligibilityCategories === false ? '0' : ['0', '1'] };
}

function asRows(value: unknown): Row[] {
  if (Array.isArray(value)) return value as Row[];
  if (value && typeof value === 'object') return Object.values(value as Record<string, Row>);
  return [];
}

/**
 * Builds the page contexts of this module's templates. The same builders serve the GET handlers
 * and the FormContextRegistry, so a form re-rendered after bad input shows the same page with
 * everything typed kept, each message next to its row.
 */
@Injectable()
export class ProcurementQueries {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly projects: ProjectsService,
    private readonly queries: ProjectQueries,
    private readonly funds: FundsService,
    private readonly rules: ProcurementRulesService,
    private readonly catalogue: CatalogueService,
  ) {}

  // ── Project form ────────────────────────────────────────────────────────────────────────────

  private async formOptions() {
    const [categories, page, funds, organisations, rules, now] = await Promise.all([
      this.catalogue.listCategories(),
      this.catalogue.listItems(Object.assign(new ListItemsQuery(), { page: 1, pageSize: 10_000 })),
      this.funds.listActive(),
      listApprovedOrganisations(this.dataSource.manager),
      this.rules.listRules(),
      this.queries.now(),
    ]);
    const today = localDateOf(now);
    return {
      levels: PURCHASER_LEVELS.map((code) => ({ code, labelKey: `procurement.levels.${code}` })),
      methods: PROCUREMENT_METHODS.map((code) => {
        const rule = ruleInForce(rules, code, today);
        return {
          code,
          labelKey: `procurement.methods.${code}`,
          rule: rule
            ? {
                minPeriod: rule.minPeriod,
                unitKey: `procurement.units.${rule.periodUnit}`,
                priceWeightMin: rule.priceWeightMin,
                priceWeightMax: rule.priceWeightMax,
                priceOnly: rule.scoring !== 'comprehensive',
              }
            : null,
        };
      }),
      grades: EVALUATION_GRADES.filter((g) => g !== 'none'),
      funds: funds.map((f) => ({ id: f.id, name: f.name, fiscalYear: f.fiscalYear, ownerUnit: f.ownerUnit, availableMinor: availableMinor(f) })),
      organisations,
      catalogue: categories.map((c) => ({ code: c.code, nameZh: c.nameZh, nameEn: c.nameEn, items: page.data.filter((i) => i.categoryCode === c.code) })),
    };
  }

  /** The create / edit form; `source` is what to show (the stored draft, or the posted form). */
  async projectFormPage(mode: 'create' | 'edit', source: ProjectFormInput, projectId?: string) {
    const options = await this.formOptions();
    const items = rowsOf('items', ['code', 'quantity', 'notes'], MAX_ITEMS, source.items as Row[]);
    // Each item row gets the catalogue with its own selection, so no client script is needed.
    const itemRows = items.map((row) => ({
      ...row,
      groups: options.catalogue.map((g) => ({
        ...g,
        items: g.items.map((i) => ({ code: i.code, nameZh: i.nameZh, nameEn: i.nameEn, unitZh: i.unitZh, unitEn: i.unitEn, selected: i.code === row.fields.code.value })),
      })),
    }));
    return {
      titleKey: mode === 'create' ? 'procurement.form.createTitle' : 'procurement.form.editTitle',
      mode,
      projectId: projectId ?? null,
      action: mode === 'create' ? '/staff/projects' : `/staff/projects/${projectId}`,
      options,
      itemRows,
      criteriaRows: rowsOf('criteria', ['name', 'description', 'weight'], MAX_CRITERIA, source.criteria as Row[]),
      milestoneRows: rowsOf('milestones', ['name', 'dueDate', 'deliverables', 'share'], MAX_MILESTONES, source.milestones as Row[]),
      values: scalarValues(source),
    };
  }

  newProjectSource(): ProjectFormInput {
    return { purchaserLevel: 'district', eligibilityCategories: true, method: 'open_tender', priceWeight: '30' };
  }

  async editSource(projectId: string): Promise<ProjectFormInput> {
    const detail = await this.queries.getDetail(projectId);
    return formInputOf(detail.project, await this.projects.loadChildren(this.dataSource.manager, projectId));
  }

  /** The posted body in the shape of the form (rows may come as arrays or index-keyed objects). */
  postedSource(body: Record<string, unknown>): ProjectFormInput {
    const checkbox = body.eligibilityCategories;
    return {
      ...(body as ProjectFormInput),
      eligibilityCategories: Array.isArray(checkbox) ? checkbox.includes('1') : checkbox === '1' || checkbox === undefined,
      items: asRows(body.items),
      criteria: asRows(body.criteria),
      milestones: asRows(body.milestones),
    };
  }

  // ── Staff project pages ─────────────────────────────────────────────────────────────────────

  async staffProjectPage(projectId: string, locale: Locale) {
    const [detail, now] = await Promise.all([this.queries.getDetail(projectId), this.queries.now()]);
    const project = presentProject(detail, { audience: 'staff', locale, now });
    let preview: string | null = null;
    if (project.isDraft) {
      // What publishing now would require, under the rule in force today.
      const rule = ruleInForce(await this.rules.listRules(), detail.project.method, localDateOf(now));
      if (rule) {
        const calendar = await this.rules.loadCalendar(this.dataSource.manager, localDateOf(now));
        try {
          preview = describeDeadline(earliestDeadline(now, rule.minPeriod, rule.periodUnit, calendar).explanation, locale);
        } catch (error) {
          if (!(error instanceof CalendarYearMissingError)) throw error;
          preview = translate(locale, 'procurement.errors.calendarYearMissing', { year: error.year });
        }
      }
    }
    return { title: { nameZh: project.title, nameEn: project.title }, project, preview };
  }

  /** The confirmation step before publishing: the reservation on the fund and the bid deadline it would get. */
  async publishConfirmation(projectId: string, locale: Locale): Promise<ConfirmationPage> {
    await this.projects.checkPublication(projectId);
    const { project, preview } = await this.staffProjectPage(projectId, locale);
    return {
      titleKey: 'procurement.confirm.publishTitle',
      consequenceKey: 'procurement.confirm.publishConsequence',
      params: { fund: project.fund?.name ?? '' },
      amountMinor: project.plannedReservationMinor,
      amountLabelKey: 'procurement.confirm.publishAmount',
      facts: [
        { labelKey: 'procurement.confirm.project', value: `${project.reference} ${project.title}`, lang: 'zh-CN' },
        { labelKey: 'procurement.confirm.fund', value: project.fund?.name ?? '', lang: 'zh-CN' },
        { labelKey: 'procurement.confirm.fundAvailable', minor: project.fund?.availableMinor ?? 0 },
        ...(preview ? [{ labelKey: 'procurement.confirm.deadline', value: preview }] : []),
      ],
      confirmKey: 'procurement.confirm.publish',
      backUrl: `/staff/projects/${projectId}`,
    };
  }

  async staffListPage(status: string | undefined, page: number) {
    const [result, counts] = await Promise.all([this.queries.listForStaff({ status, page, pageSize: 30 }), this.queries.statusCounts()]);
    return {
      titleKey: 'procurement.staff.listTitle',
      status: status ?? '',
      tabs: [{ code: '', labelKey: 'procurement.staff.allStatuses', count: Object.values(counts).reduce((a, b) => a + b, 0), current: !status }].concat(
        PROJECT_STATUSES.map((s) => ({ code: s, labelKey: `procurement.status.${s}`, count: counts[s] ?? 0, current: status === s })),
      ),
      projects: result.data.map(presentListRow),
      pagination: { ...pageLinks(result.meta), baseQuery: status ? `status=${status}` : '' },
    };
  }

  async amendmentPage(projectId: string, locale: Locale, posted?: Record<string, unknown>) {
    const [detail, now] = await Promise.all([this.queries.getDetail(projectId), this.queries.now()]);
    const project = presentProject(detail, { audience: 'staff', locale, now });
    const criteria = asRows(posted?.criteria);
    const milestones = asRows(posted?.milestones);
    return {
      titleKey: 'procurement.amendment.title',
      project,
      criteriaRows: detail.criteria.map((c, index) => ({
        ...rowsOf('criteria', ['name', 'description'], index + 1, posted ? criteria : detail.criteria.map((x) => ({ name: x.name, description: x.description })))[index],
        weight: c.weight,
      })),
      milestoneRows: detail.milestones.map((m, index) => ({
        ...rowsOf('milestones', ['dueDate', 'deliverables'], index + 1, posted ? milestones : detail.milestones.map((x) => ({ dueDate: x.dueDate, deliverables: x.deliverables })))[index],
        name: m.name,
        share: project.milestones[index].share,
      })),
      values: {
        kind: 'clarification',
        description: detail.project.description,
        bidDeadline: detail.project.bidDeadlineAt ? localDateTimeOf(detail.project.bidDeadlineAt) : '',
        noEffectReason: '',
      },
    };
  }

  async cancelPage(projectId: string, locale: Locale) {
    const [detail, now] = await Promise.all([this.queries.getDetail(projectId), this.queries.now()]);
    return { titleKey: 'procurement.cancel.title', project: presentProject(detail, { audience: 'staff', locale, now }) };
  }

  // ── Organisation pages ──────────────────────────────────────────────────────────────────────

  async organisationListPage(organisationId: string | null) {
    const { organisation, rows } = await this.queries.listOpenFor(organisationId);
    return {
      titleKey: 'procurement.org.listTitle',
      organisation,
      projects: rows.map((r) => ({ ...presentListRow(r), problems: r.problems, eligible: r.problems.length === 0 })),
    };
  }

  async organisationProjectPage(projectId: string, organisationId: string | null, locale: Locale) {
    const [detail, now, organisation] = await Promise.all([this.queries.getPublished(projectId), this.queries.now(), this.queries.organisationFacts(organisationId)]);
    const project = presentProject(detail, { audience: 'organisation', locale, now, organisationId });
    const problems = organisation
      ? this.projects.eligibilityProblems(organisation, {
          method: detail.project.method,
          eligibilityCategories: detail.project.eligibilityCategories,
          categoryCodes: detail.categoryCodes,
          eligibilityMinSocialWorkers: detail.project.eligibilityMinSocialWorkers,
          eligibilityMinGrade: detail.project.eligibilityMinGrade,
          invitedOrganisationIds: detail.invited.map((o) => o.id),
        })
      : ['procurement.eligibility.notApproved'];
    return {
      title: { nameZh: project.title, nameEn: project.title },
      project,
      problems,
      eligible: problems.length === 0,
      canAsk: project.questionsOpen && problems.length === 0,
      // Challenges against the documents and steps are open to approved organisations (and to bidders, from their bids and awards).
      canChallenge: organisation?.status === 'approved',
    };
  }

  // ── Funds, rules, calendar ──────────────────────────────────────────────────────────────────

  async fundsPage() {
    const funds = await this.funds.list();
    return { titleKey: 'procurement.funds.title', funds: funds.map((f) => ({ ...f, availableMinor: availableMinor(f), ownerLevelKey: `procurement.levels.${f.ownerLevel}` })) };
  }

  async fundPage(fundId: string) {
    const fund = await this.funds.get(fundId);
    const reservations = await this.funds.reservationsOf(fund.id);
    return {
      title: { nameZh: fund.name, nameEn: fund.name },
      fund: { ...fund, availableMinor: availableMinor(fund), ownerLevelKey: `procurement.levels.${fund.ownerLevel}` },
      reservations: reservations.map((r) => ({ ...r, statusKey: `procurement.status.${r.status}`, held: r.releasedAt === null })),
    };
  }

  async fundFormPage() {
    const now = await this.queries.now();
    return {
      titleKey: 'procurement.funds.newTitle',
      levels: PURCHASER_LEVELS.map((code) => ({ code, labelKey: `procurement.levels.${code}` })),
      values: { fiscalYear: localDateOf(now).slice(0, 4), ownerLevel: 'district' },
    };
  }

  async rulesPage(locale: Locale) {
    const [rules, now] = await Promise.all([this.rules.listRules(), this.queries.now()]);
    const today = localDateOf(now);
    const inForce = new Set(PROCUREMENT_METHODS.map((m) => ruleInForce(rules, m, today)?.id));
    return {
      titleKey: 'procurement.rules.title',
      methods: PROCUREMENT_METHODS.map((method) => ({
        method,
        labelKey: `procurement.methods.${method}`,
        rules: rules
          .filter((r) => r.method === method)
          .map((r) => ({
            ...r,
            inForce: inForce.has(r.id),
            future: r.effectiveFrom > today,
            unitKey: `procurement.units.${r.periodUnit}`,
            amendmentUnitKey: `procurement.units.${r.amendmentPeriodUnit}`,
            scoringKey: `procurement.scoring.${r.scoring}`,
            citation: locale === 'en' ? r.citationEn : r.citationZh,
          })),
      })),
    };
  }

  async ruleFormPage(method: string | undefined) {
    const [rules, now] = await Promise.all([this.rules.listRules(), this.queries.now()]);
    const today = localDateOf(now);
    const chosen = (PROCUREMENT_METHODS as readonly string[]).includes(method ?? '') ? method! : 'open_tender';
    const base = ruleInForce(rules, chosen, today);
    return {
      titleKey: 'procurement.rules.newTitle',
      methods: PROCUREMENT_METHODS.map((code) => ({ code, labelKey: `procurement.methods.${code}` })),
      units: PERIOD_UNITS.map((code) => ({ code, labelKey: `procurement.units.${code}` })),
      scorings: SCORINGS.map((code) => ({ code, labelKey: `procurement.scoring.${code}` })),
      values: base
        ? {
            method: chosen,
            effectiveFrom: today,
            minPeriod: String(base.minPeriod),
            periodUnit: base.periodUnit,
            minValidBids: String(base.minValidBids),
            minValidBidsServices: base.minValidBidsServices === null ? '' : String(base.minValidBidsServices),
            scoring: base.scoring,
            priceWeightMin: String(base.priceWeightMin),
            priceWeightMax: String(base.priceWeightMax),
            committeeMinSize: String(base.committeeMinSize),
            committeeLargeSize: String(base.committeeLargeSize),
            largeBudgetYuan: String(base.largeBudgetMinor / 100),
            allowsBureauRepresentative: base.allowsBureauRepresentative ? ['0', '1'] : '0',
            invitedOnly: base.invitedOnly ? ['0', '1'] : '0',
            amendmentMinPeriod: String(base.amendmentMinPeriod),
            amendmentPeriodUnit: base.amendmentPeriodUnit,
            abnormallyLowPercent: String(base.abnormallyLowPercent),
            citationZh: base.citationZh,
            citationEn: base.citationEn,
          }
        : { method: chosen, effectiveFrom: today },
    };
  }

  async calendarPage(year: number | undefined) {
    const now = await this.queries.now();
    const thisYear = Number(localDateOf(now).slice(0, 4));
    const shown = year ?? thisYear;
    const [days, years, entered, missing] = await Promise.all([this.rules.listCalendar(shown), this.rules.calendarYears(), this.rules.listCalendarYears(), this.rules.missingYears()]);
    const shownYear = entered.find((y) => y.year === shown) ?? null;
    return {
      titleKey: 'procurement.calendar.title',
      year: shown,
      years: years.map((y) => ({ year: y, current: y === shown, isEntered: entered.some((e) => e.year === y) })),
      shownYear,
      isShownYearMissing: !shownYear,
      missingYears: missing,
      enteredYears: entered,
      days: days.map((d) => ({ ...d, kindKey: `procurement.calendar.kinds.${d.kind}`, weekdayKey: `procurement.weekdays.${new Date(`${d.day}T00:00:00Z`).getUTCDay()}` })),
      values: { kind: 'holiday', year: String(missing[missing.length - 1] ?? thisYear + 1) },
    };
  }

  /** Providers for the error filter: each form template re-rendered with its page data and the input kept. */
  formContexts(): Record<string, FormContextProvider> {
    const locale = (req: Request) => req.locale;
    // A refused post (403, or 401 without a session) re-renders its form too: page data only for
    // those who may read it, so a refusal never shows a draft or who asked a question.
    const staff = ['bureau_officer', 'bureau_approver', 'auditor'];
    const members = ['org_member', 'org_admin'];
    const ruleReaders = ['admin', ...staff];
    const contexts: Record<string, [readonly string[], FormContextProvider]> = {
      'procurement/project-form': [
        staff,
        async (req) => {
          const id = typeof req.params?.id === 'string' ? req.params.id : undefined;
          return this.projectFormPage(id ? 'edit' : 'create', this.postedSource((req.body ?? {}) as Record<string, unknown>), id);
        },
      ],
      'procurement/staff-project': [staff, async (req) => this.staffProjectPage(String(req.params.id), locale(req))],
      'procurement/amend': [staff, async (req) => this.amendmentPage(String(req.params.id), locale(req), (req.body ?? {}) as Record<string, unknown>)],
      'procurement/cancel': [staff, async (req) => this.cancelPage(String(req.params.id), locale(req))],
      'procurement/org-project': [members, async (req) => this.organisationProjectPage(String(req.params.id), req.user?.organisationId ?? null, locale(req))],
      'procurement/fund-form': [staff, async () => this.fundFormPage()],
      'procurement/rule-form': [ruleReaders, async (req) => this.ruleFormPage(String((req.body as { method?: string })?.method ?? ''))],
      'procurement/calendar': [
        ruleReaders,
        async (req) => {
          const body = (req.body ?? {}) as { day?: string; year?: string };
          const year = Number(body.year) || Number(body.day?.slice(0, 4));
          return this.calendarPage(year >= 2000 && year <= 2100 ? year : undefined);
        },
      ],
    };
    return Object.fromEntries(Object.entries(contexts).map(([template, [roles, provider]]) => [template, forRoles(roles, provider)]));
  }
}
