import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { Actor } from '../audit/actor';
import { presentChallenge } from '../awards/award.presenter';
import { deadlineStatus } from '../awards/domain/working-day-period';
import { describePeriod, periodEndText } from '../awards/period.presenter';
import { FormContextProvider } from '../common/http/form-context.registry';
import { Locale } from '../i18n/i18n';
import { actorFromRequest } from '../identity/current-actor.decorator';
import { ComplaintRecord, ComplaintsService, SuspensionRecord } from './complaints.service';
import { COMPLAINT_CONSEQUENCES, SUSPENSION_MAX_DAYS, TEXT_MAX, TEXT_MIN } from './domain/complaints';
import { forRoles } from '../identity/form-contexts';

export const FINANCE_READERS = ['finance_supervisor', 'auditor'] as const;

function presentComplaint(c: ComplaintRecord, locale: Locale, now: Date) {
  const due = deadlineStatus(now, c.decisionDueAt);
  const open = c.status === 'received';
  return {
    ...c,
    statusKey: `complaints.status.${c.status}`,
    consequenceKey: c.consequence ? `complaints.consequences.${c.consequence}` : null,
    periodText: describePeriod(c.periodExplanation, locale),
    periodEndText: periodEndText(c.periodExplanation),
    decisionDueEndText: periodEndText(c.decisionDueExplanation),
    decisionDueText: describePeriod(c.decisionDueExplanation, locale),
    isOpen: open,
    daysLeft: due.daysLeft,
    daysOverdue: -due.daysLeft,
    isOverdue: open && due.isOverdue,
    isClose: open && due.isClose,
  };
}

function presentSuspension(s: SuspensionRecord) {
  return { ...s };
}

/** Page data for the complaint pages (organisation, finance department, public board). */
@Injectable()
export class ComplaintsQueries {
  constructor(private readonly complaints: ComplaintsService) {}

  async organisationPage(actor: Actor, challengeId: string, locale: Locale) {
    const { challenge, period, window, complaint, now } = await this.complaints.windowFor(actor, challengeId);
    return {
      titleKey: 'complaints.org.title',
      challenge: presentChallenge(challenge, locale, now),
      periodText: describePeriod(period.explanation, locale),
      periodEndText: periodEndText(period.explanation),
      canComplain: window.ok && !complaint,
      notYet: !window.ok && window.reason === 'not_yet',
      ended: !window.ok && window.reason === 'ended' && !complaint,
      complaint: complaint ? presentComplaint(complaint, locale, now) : null,
      textMin: TEXT_MIN,
      textMax: TEXT_MAX,
      values: { grounds: '' },
    };
  }

  async financeListPage(locale: Locale) {
    const now = await this.complaints.now();
    const [received, decided] = await Promise.all([this.complaints.list('received'), this.complaints.list('decided', 30)]);
    return {
      titleKey: 'complaints.finance.title',
      received: received.map((c) => presentComplaint(c, locale, now)),
      decided: decided.map((c) => presentComplaint(c, locale, now)),
    };
  }

  async financePage(complaintId: string, locale: Locale) {
    const complaint = await this.complaints.get(complaintId);
    const now = await this.complaints.now();
    const [challenge, suspensions] = await Promise.all([this.complaints.getChallenge(complaint.challengeId), this.complaints.suspensionsOf(complaint.projectId)]);
    const inForce = suspensions.find((s) => s.inForce) ?? null;
    return {
      titleKey: 'complaints.finance.complaintTitle',
      complaint: presentComplaint(complaint, locale, now),
      challenge: presentChallenge(challenge, locale, now),
      suspensions: suspensions.map(presentSuspension),
      suspension: inForce ? presentSuspension(inForce) : null,
      consequences: COMPLAINT_CONSEQUENCES.map((code) => ({ code, labelKey: `complaints.consequences.${code}` })),
      maxDays: SUSPENSION_MAX_DAYS,
      textMin: TEXT_MIN,
      textMax: TEXT_MAX,
      values: { days: String(SUSPENSION_MAX_DAYS), reason: '', liftReason: '', decision: '', consequence: '', text: '' },
    };
  }

  async publicPage(locale: Locale) {
    const now = await this.complaints.now();
    return { titleKey: 'complaints.notices.title', decisions: (await this.complaints.list('decided', 200)).map((c) => presentComplaint(c, locale, now)) };
  }

  formContexts(): Record<string, FormContextProvider> {
    const id = (req: Request, name: string) => String(req.params?.[name] ?? '');
    return {
      'complaints/org-complaint': forRoles(['org_member', 'org_admin'], (req) => this.organisationPage(actorFromRequest(req), id(req, 'id'), req.locale)),
      'complaints/finance-complaint': forRoles(['finance_supervisor'], (req) => this.financePage(id(req, 'id'), req.locale)),
    };
  }
}
