import { Locale, translate } from '../i18n/i18n';
import { formatDateTime } from '../common/views/view-helpers';
import { describeProjectDeadline } from './deadline.presenter';
import { describePaymentTerms } from './payment-terms.presenter';
import { formatBp } from './domain/milestones';
import { canDo } from './domain/project-lifecycle';
import { availableMinor } from './fund.entity';
import { ProjectDetail, ProjectListRow } from './project.queries';

export type Audience = 'staff' | 'organisation' | 'public';

export interface PresentOptions {
  audience: Audience;
  locale: Locale;
  now: Date;
  /** The viewing organisation (its own questions are shown to it, unanswered ones too). */
  organisationId?: string | null;
}

function statusBadge(status: string) {
  return { status, statusKey: `procurement.status.${status}` };
}

/** A project for its pages: everything as published, in the reader's language. */
export function presentProject(detail: ProjectDetail, options: PresentOptions) {
  const p = detail.project;
  const isStaff = options.audience === 'staff';
  const eligibility: Array<{ key: string; params: Record<string, unknown> }> = [{ key: 'procurement.eligibilityRule.approved', params: {} }];
  if (p.eligibilityCategories) eligibility.push({ key: 'procurement.eligibilityRule.categories', params: { codes: detail.categoryCodes.join(translate(options.locale, 'app.punct.listSep')) } });
  if (p.eligibilityMinSocialWorkers !== null) eligibility.push({ key: 'procurement.eligibilityRule.socialWorkers', params: { count: p.eligibilityMinSocialWorkers } });
  if (p.eligibilityMinGrade) eligibility.push({ key: 'procurement.eligibilityRule.grade', params: { grade: p.eligibilityMinGrade } });
  if (detail.invited.length) eligibility.push({ key: 'procurement.eligibilityRule.invited', params: { name: detail.invited.map((o) => o.nameZh).join('、') } });

  const questions = detail.questions
    .filter((q) => isStaff || q.answer !== null || (options.organisationId && q.organisationId === options.organisationId))
    .map((q) => ({
      id: q.id,
      question: q.question,
      askedAt: q.askedAt,
      answer: q.answer,
      answeredAt: q.answeredAt,
      isOwn: Boolean(options.organisationId && q.organisationId === options.organisationId),
      // The asker's identity is for staff only.
      organisationName: isStaff ? q.organisationName : null,
    }));

  const open = p.status === 'published' && p.bidDeadlineAt !== null && p.bidDeadlineAt.getTime() > options.now.getTime();
  return {
    id: p.id,
    reference: p.reference,
    isDraft: p.status === 'draft',
    title: p.title,
    ...statusBadge(p.status),
    method: p.method,
    methodKey: `procurement.methods.${p.method}`,
    purchaserLevelKey: `procurement.levels.${p.purchaserLevel}`,
    purchaserName: p.purchaserName,
    description: p.description,
    serviceArea: p.serviceArea.join('、'),
    serviceStart: p.serviceStart,
    serviceEnd: p.serviceEnd,
    longPeriodJustification: p.longPeriodJustification,
    budgetCeilingMinor: p.budgetCeilingMinor,
    reservedMinor: p.reservedMinor,
    plannedReservationMinor: p.plannedReservationMinor ?? p.budgetCeilingMinor,
    reservationReleasedAt: p.reservationReleasedAt,
    fund: isStaff
      ? {
          id: detail.fund.id,
          name: detail.fund.name,
          fiscalYear: detail.fund.fiscalYear,
          ownerUnit: detail.fund.ownerUnit,
          totalMinor: detail.fund.totalMinor,
          availableMinor: availableMinor(detail.fund),
        }
      : null,
    rule: detail.rule
      ? {
          citation: options.locale === 'en' ? detail.rule.citationEn : detail.rule.citationZh,
          minPeriod: detail.rule.minPeriod,
          unitKey: `procurement.units.${detail.rule.periodUnit}`,
          effectiveFrom: detail.rule.effectiveFrom,
          scoringKey: `procurement.scoring.${detail.rule.scoring}`,
        }
      : null,
    priceWeight: p.priceWeight,
    items: detail.items,
    criteria: detail.criteria,
    milestones: detail.milestones.map((m) => ({ ...m, share: formatBp(m.paymentShareBp) })),
    eligibility: eligibility.map((e) => translate(options.locale, e.key, e.params)),
    publishedAt: p.publishedAt,
    questionDeadlineAt: p.questionDeadlineAt,
    bidDeadlineAt: p.bidDeadlineAt,
    deadlineLines: describeProjectDeadline(p.deadlineExplanation, options.locale),
    paymentTermLines: describePaymentTerms(p.paymentTerms, options.locale),
    amendments: detail.amendments.map((a) => ({
      sequence: a.sequence,
      kind: a.kind,
      kindKey: `procurement.amendment.kinds.${a.kind}`,
      title: a.title,
      body: a.body,
      publishedAt: a.publishedAt,
      changesSubmission: a.changesSubmission,
      noEffectReason: a.noEffectReason,
      changes: changeLines(a.changes, options.locale),
    })),
    questions,
    answeredCount: questions.filter((q) => q.answer !== null).length,
    unansweredCount: detail.questions.filter((q) => q.answer === null).length,
    cancelled: p.status === 'cancelled' ? { at: p.cancelledAt, reason: p.cancelReason } : null,
    failed: p.status === 'failed' ? { at: p.failedAt, reason: p.failedReason } : null,
    isOpen: open,
    questionsOpen: p.status === 'published' && p.questionDeadlineAt !== null && p.questionDeadlineAt.getTime() > options.now.getTime(),
    can: {
      edit: canDo('edit', p.status),
      publish: canDo('publish', p.status),
      amend: canDo('amend', p.status) && open,
      answer: canDo('answer', p.status),
      cancel: canDo('cancel', p.status),
    },
    hasOpeningRecord: ['opened', 'evaluation', 'awarded', 'failed'].includes(p.status) && p.openedAt !== null,
  };
}

/** An amendment's changes as lines: what, before, after. */
function changeLines(changes: ProjectDetail['amendments'][number]['changes'], locale: Locale) {
  const lines: Array<{ labelKey: string; params: Record<string, unknown>; before: string; after: string; label?: string }> = [];
  if (changes.description) lines.push({ labelKey: 'procurement.amendment.changed.description', params: {}, before: changes.description.before, after: changes.description.after });
  for (const c of changes.criteria ?? []) {
    if (c.name.before !== c.name.after) lines.push({ labelKey: 'procurement.amendment.changed.criterionName', params: { n: c.position }, before: c.name.before, after: c.name.after });
    if (c.description.before !== c.description.after) {
      lines.push({ labelKey: 'procurement.amendment.changed.criterionDescription', params: { n: c.position }, before: c.description.before, after: c.description.after });
    }
  }
  for (const m of changes.milestones ?? []) {
    if (m.dueDate.before !== m.dueDate.after) lines.push({ labelKey: 'procurement.amendment.changed.milestoneDate', params: { n: m.position }, before: m.dueDate.before, after: m.dueDate.after });
    if (m.deliverables.before !== m.deliverables.after) {
      lines.push({ labelKey: 'procurement.amendment.changed.milestoneDeliverables', params: { n: m.position }, before: m.deliverables.before, after: m.deliverables.after });
    }
  }
  if (changes.bidDeadline) {
    lines.push({
      labelKey: changes.bidDeadline.extended ? 'procurement.amendment.changed.deadlineExtended' : 'procurement.amendment.changed.deadline',
      params: {},
      before: formatDateTime(changes.bidDeadline.before, locale),
      after: formatDateTime(changes.bidDeadline.after, locale),
    });
  }
  return lines.map((l) => ({ label: translate(locale, l.labelKey, l.params), before: l.before, after: l.after }));
}

export function presentListRow(row: ProjectListRow) {
  return { ...row, ...statusBadge(row.status), methodKey: `procurement.methods.${row.method}` };
}

export function pageLinks(meta: { page: number; pageSize: number; total: number }) {
  const pages = Math.max(1, Math.ceil(meta.total / meta.pageSize));
  return { page: meta.page, pages, total: meta.total, prev: meta.page > 1 ? meta.page - 1 : null, next: meta.page < pages ? meta.page + 1 : null };
}
