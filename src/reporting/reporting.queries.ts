import { Injectable } from '@nestjs/common';
import { formatMinor } from '../common/money/money';
import { Locale, translate } from '../i18n/i18n';
import { ChartModel, ChartSeries, buildBarChart } from './domain/bar-chart';
import { scoreOf } from '../common/export/export-format';
import { MoneyRow, ReportingService } from './reporting.service';

/** Colours with enough contrast on white and against each other (also distinguishable in grey). */
const SERIES: Array<{ key: keyof MoneyRow & `${string}Minor`; colour: string }> = [
  { key: 'budgetMinor', colour: '#1f4e79' },
  { key: 'reservedMinor', colour: '#8e6c00' },
  { key: 'committedMinor', colour: '#6a3d9a' },
  { key: 'paidMinor', colour: '#2e7d32' },
];

const money = (minor: number) => formatMinor(minor);

/** Page data for the dashboards (no rules: what to show). */
@Injectable()
export class ReportingQueries {
  constructor(private readonly reporting: ReportingService) {}

  private chart(id: string, rows: MoneyRow[], locale: Locale): ChartModel {
    const series: ChartSeries[] = SERIES.map((s) => ({ key: s.key, label: translate(locale, `reporting.series.${s.key}`), colour: s.colour }));
    return buildBarChart({
      id,
      title: translate(locale, `reporting.charts.${id}.title`),
      desc: translate(locale, `reporting.charts.${id}.desc`),
      emptyText: translate(locale, 'reporting.charts.empty'),
      series,
      groups: rows.map((r) => ({ label: locale === 'en' ? r.labelEn : r.label, values: SERIES.map((s) => Math.max(0, r[s.key])) })),
      format: money,
    });
  }

  private tableOf(rows: MoneyRow[], locale: Locale) {
    const total = rows.reduce(
      (t, r) => ({
        budgetMinor: t.budgetMinor + r.budgetMinor,
        reservedMinor: t.reservedMinor + r.reservedMinor,
        committedMinor: t.committedMinor + r.committedMinor,
        payableMinor: t.payableMinor + r.payableMinor,
        paidMinor: t.paidMinor + r.paidMinor,
      }),
      { budgetMinor: 0, reservedMinor: 0, committedMinor: 0, payableMinor: 0, paidMinor: 0 },
    );
    return { rows: rows.map((r) => ({ ...r, label: locale === 'en' ? r.labelEn : r.label })), total };
  }

  async bureauPage(locale: Locale, query: { fundId?: string; from?: string; to?: string }) {
    const [funds, communities, categories, attention, pending, fundOptions] = await Promise.all([
      this.reporting.byFund(),
      this.reporting.byCommunity(),
      this.reporting.byCategory(),
      this.reporting.milestonesNeedingAttention(),
      this.reporting.disbursementsAwaitingApproval(),
      this.reporting.fundOptions(),
    ]);
    return {
      titleKey: 'reporting.bureau.title',
      sections: [
        { id: 'funds', labelKey: 'reporting.tableLabel.funds', headingKey: 'reporting.bureau.byFund', chart: this.chart('funds', funds, locale), table: this.tableOf(funds, locale) },
        {
          id: 'communities',
          labelKey: 'reporting.tableLabel.communities',
          headingKey: 'reporting.bureau.byCommunity',
          chart: this.chart('communities', communities, locale),
          table: this.tableOf(communities, locale),
        },
        {
          id: 'categories',
          labelKey: 'reporting.tableLabel.categories',
          headingKey: 'reporting.bureau.byCategory',
          chart: this.chart('categories', categories, locale),
          table: this.tableOf(categories, locale),
        },
      ],
      attention: attention.map((a) => ({ ...a, statusKey: `contracts.milestoneStatus.${a.status}` })),
      pending: pending.map((p) => ({ ...p, kindKey: `payments.kind.${p.kind}` })),
      exportForm: { action: '/staff/reports', funds: fundOptions.map((f) => ({ ...f, selected: f.id === query.fundId })), from: query.from ?? '', to: query.to ?? '' },
      exportBase: '/staff/reports',
    };
  }

  async organisationPage(organisationId: string, query: { fundId?: string; from?: string; to?: string }) {
    const [contracts, milestones, payments, attention, fundOptions] = await Promise.all([
      this.reporting.organisationContracts(organisationId),
      this.reporting.organisationMilestones(organisationId),
      this.reporting.disbursementRows({ organisationId }, ['approved', 'sending', 'paid', 'failed', 'reversed']),
      this.reporting.milestonesNeedingAttention(organisationId),
      this.reporting.organisationFundOptions(organisationId),
    ]);
    return {
      titleKey: 'reporting.organisation.title',
      contracts: contracts.map((c) => ({ ...c, statusKey: `contracts.status.${c.status}` })),
      milestones: milestones.map((m) => ({
        ...m,
        statusKey: `contracts.milestoneStatus.${m.status}`,
        score: m.scoreCenti === null ? null : scoreOf(m.scoreCenti),
        gradeKey: m.grade ? `payments.grade.${m.grade}` : null,
      })),
      payments: payments.map((p) => ({ ...p, kindKey: `payments.kind.${p.kind}`, statusKey: `payments.status.${p.status}`, railKey: `payments.rail.${p.rail}` })),
      paidMinor: payments.filter((p) => p.status === 'paid').reduce((s, p) => s + p.amountMinor, 0),
      attentionCount: attention.length,
      exportForm: { action: '/organisation/reports', funds: fundOptions.map((f) => ({ ...f, selected: f.id === query.fundId })), from: query.from ?? '', to: query.to ?? '' },
      exportBase: '/organisation/reports',
    };
  }
}
