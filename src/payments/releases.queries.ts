import { Injectable, OnModuleInit } from '@nestjs/common';
import { Actor } from '../audit/actor';
import { STAFF_READERS } from '../awards/awards.queries';
import { FormContextRegistry } from '../common/http/form-context.registry';
import { actorFromRequest } from '../identity/current-actor.decorator';
import { hasAnyRole } from '../identity/domain/roles';
import { ReleasesService } from './releases.service';
import { renderExplanation } from './explanation.presenter';
import { Locale } from '../i18n/i18n';

/** Page data for the releases and settlement of one contract (what to show and which actions apply). */
@Injectable()
export class ReleasesQueries implements OnModuleInit {
  constructor(
    private readonly releases: ReleasesService,
    private readonly forms: FormContextRegistry,
  ) {}

  onModuleInit(): void {
    this.forms.register('payments/releases', async (req) => {
      if (!req.user || !hasAnyRole(req.user.roles, STAFF_READERS)) return {};
      return this.releasesPage(String(req.params?.id ?? ''), actorFromRequest(req), req.locale).catch(() => ({}));
    });
  }

  async releasesPage(contractId: string, actor: Actor, locale: Locale = 'zh-CN') {
    const { contract, plan, releases, settlement, approvedMinor, rules } = await this.releases.releasesOf(contractId);
    const isOfficer = hasAnyRole(actor.roles, ['bureau_officer']);
    const open = contract.status === 'active' || contract.status === 'completed';
    const has = (kind: string) => releases.some((d) => d.kind === kind);
    const outstanding = releases.some((d) => d.status === 'proposed');
    return {
      titleKey: 'reporting.releases.title',
      contract: {
        id: contract.id,
        reference: contract.reference,
        provider: contract.parties.provider.name,
        amountMinor: contract.amountMinor,
        statusKey: `contracts.status.${contract.status}`,
        approvedMinor,
      },
      rules: { minGradeKey: `payments.grade.${rules.passHoldbackReleaseMinGrade}`, retentionPct: (rules.retentionBp / 100).toFixed(2) },
      plan: {
        ...plan,
        explanation: renderExplanation(plan.explanation, locale),
        averageScore: plan.averageScoreCenti === null ? null : (plan.averageScoreCenti / 100).toFixed(2),
        averageGradeKey: plan.averageGrade ? `payments.grade.${plan.averageGrade}` : null,
        blockers: plan.blockers.map((b) => ({ ...b, key: `reporting.releases.blocker.${b.kind}`, statusKey: 'status' in b ? `contracts.milestoneStatus.${b.status}` : '' })),
      },
      releases: releases.map((d) => ({ ...d, kindKey: `payments.kind.${d.kind}`, statusKey: `payments.status.${d.status}` })),
      settlement,
      canProposeHoldback: isOfficer && open && !settlement && plan.isDue && plan.holdback.releaseMinor > 0 && !has('holdback_release'),
      canProposeRetention: isOfficer && open && !settlement && plan.isDue && plan.retention.releaseMinor > 0 && !has('retention_release'),
      canSettle: isOfficer && open && !settlement && plan.isDue && !outstanding,
    };
  }
}
