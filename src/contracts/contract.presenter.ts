import { describePeriod, periodEndText } from '../awards/period.presenter';
import { formatMinor } from '../common/money/money';
import { Locale } from '../i18n/i18n';
import { formatBp } from '../procurement/domain/milestones';
import { Contract, ContractMilestone, ContractVariation } from './contract.entity';
import { amountLimits } from './domain/variations';

export type ContractAudience = 'staff' | 'organisation' | 'public';

/** A contract for its pages, in the reader's language; the contract text itself is as signed (Chinese). */
export function presentContract(contract: Contract, milestones: ContractMilestone[], locale: Locale) {
  const en = locale === 'en';
  return {
    id: contract.id,
    reference: contract.reference,
    status: contract.status,
    statusKey: `contracts.status.${contract.status}`,
    isAwaitingConfirmation: contract.status === 'awaiting_confirmation',
    isActive: contract.status === 'active',
    amountMinor: contract.amountMinor,
    currency: contract.currency,
    serviceStart: contract.serviceStart,
    serviceEnd: contract.serviceEnd,
    parties: contract.parties,
    purchaserLevelKey: `procurement.levels.${contract.parties.purchaser.level}`,
    items: contract.items.map((i) => ({ ...i, name: en ? i.nameEn : i.nameZh, unit: en ? i.unitEn : i.unitZh })),
    milestones: milestones.map((m) => ({
      position: m.position,
      name: m.name,
      dueDate: m.dueDate,
      deliverables: m.deliverables,
      share: formatBp(m.shareBp),
      amountMinor: m.amountMinor,
      statusKey: `contracts.milestoneStatus.${m.status}`,
      indicators: m.indicators.map((i) => ({ name: en ? i.nameEn : i.nameZh, weight: i.weight })),
    })),
    milestonesTotalMinor: milestones.reduce((sum, m) => sum + m.amountMinor, 0),
    settlementMethod: contract.settlementMethod,
    terms: contract.terms,
    termsSha256: contract.termsSha256.trim(),
    organisationConfirmedAt: contract.organisationConfirmedAt,
    approverConfirmedAt: contract.approverConfirmedAt,
    activatedAt: contract.activatedAt,
    publishedAt: contract.publishedAt,
    publishDueAt: contract.publishDueAt,
    publishDueEndText: contract.publishDueExplanation ? periodEndText(contract.publishDueExplanation) : null,
    publishDueText: contract.publishDueExplanation ? describePeriod(contract.publishDueExplanation, locale) : null,
    createdAt: contract.createdAt,
  };
}

/** A variation's history entry; `forPublic` leaves out who proposed and decided. */
export function presentVariation(v: ContractVariation, names: Map<string, string>, forPublic: boolean) {
  const c = v.changes;
  const lines: Array<{ key: string; params: Record<string, unknown> }> = [];
  if (c.dates) {
    if (c.dates.before.serviceStart !== c.dates.after.serviceStart || c.dates.before.serviceEnd !== c.dates.after.serviceEnd) {
      lines.push({
        key: 'contracts.variation.changes.period',
        params: { before: `${c.dates.before.serviceStart} – ${c.dates.before.serviceEnd}`, after: `${c.dates.after.serviceStart} – ${c.dates.after.serviceEnd}` },
      });
    }
    for (const after of c.dates.after.milestones) {
      const before = c.dates.before.milestones.find((b) => b.position === after.position);
      if (before && before.dueDate !== after.dueDate) lines.push({ key: 'contracts.variation.changes.milestone', params: { position: after.position, before: before.dueDate, after: after.dueDate } });
    }
  }
  if (c.scope) {
    for (const after of c.scope.after) {
      const before = c.scope.before.find((b) => b.position === after.position);
      if (before && before.quantity !== after.quantity)
        lines.push({ key: 'contracts.variation.changes.quantity', params: { position: after.position, before: before.quantity, after: after.quantity } });
    }
  }
  if (c.amount) lines.push({ key: 'contracts.variation.changes.amount', params: { before: formatMinor(c.amount.beforeMinor), after: formatMinor(c.amount.afterMinor) } });
  if (c.amount?.reductionReason) lines.push({ key: 'contracts.variation.changes.reductionReason', params: { reason: c.amount.reductionReason } });
  return {
    id: v.id,
    sequence: v.sequence,
    kind: v.kind,
    kindKey: `contracts.variation.kinds.${v.kind}`,
    status: v.status,
    statusKey: `contracts.variation.status.${v.status}`,
    isProposed: v.status === 'proposed',
    description: v.description,
    lines,
    proposedAt: v.proposedAt,
    proposedBy: forPublic ? null : (names.get(v.proposedBy) ?? null),
    proposedById: v.proposedBy,
    decidedAt: v.decidedAt,
    decidedBy: forPublic || !v.decidedBy ? null : (names.get(v.decidedBy) ?? null),
    decisionReason: v.decisionReason,
    reallocated: (c.applied?.milestoneAmounts ?? [])
      .filter((a) => a.afterMinor !== a.beforeMinor)
      .map((a) => ({ position: a.position, before: formatMinor(a.beforeMinor), after: formatMinor(a.afterMinor) })),
  };
}

export function presentLimits(originalMinor: number, currentMinor: number, increasedMinor: number) {
  return amountLimits(originalMinor, currentMinor, increasedMinor);
}
