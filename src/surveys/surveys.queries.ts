import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request } from 'express';
import QRCode from 'qrcode';
import { DataSource } from 'typeorm';
import { Actor } from '../audit/actor';
import { APP_CONFIG } from '../common/common.module';
import { FormContextProvider } from '../common/http/form-context.registry';
import { AppConfig } from '../config/app.config';
import { Contract, ContractMilestone } from '../contracts/contract.entity';
import { translate } from '../i18n/i18n';
import { actorFromRequest } from '../identity/current-actor.decorator';
import { hasAnyRole } from '../identity/domain/roles';
import { COMMENT_MAX_LENGTH } from './domain/response';
import { UNVERIFIED_ANSWER_CHOICES } from './domain/options';
import { distributionOf, formatAverage, satisfactionOf } from './domain/satisfaction';
import { SurveyNotFoundError } from './surveys.errors';
import { MilestoneSurvey, SurveysService } from './surveys.service';

export type Audience = 'staff' | 'organisation';

const STAFF = ['bureau_officer', 'bureau_approver', 'auditor'] as const;
export const SURVEY_LAYOUT = 'surveys/layout';

interface ListRow {
  contract_id: string;
  reference: string;
  provider: string;
  title: string;
  position: number;
  milestone_name: string;
  due_date: string;
  survey_id: string | null;
  status: string | null;
  is_accepting: boolean | null;
  closes_at: Date | null;
  responses: number | null;
  rating_sum: number | null;
  min_responses: number | null;
}

/** Page data for the survey pages (no business rules: what to show and which actions apply). */
@Injectable()
export class SurveysQueries {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly app: AppConfig,
    private readonly surveys: SurveysService,
  ) {}

  publicUrl(token: string): string {
    return `${this.app.publicUrl}/survey/${token}`;
  }

  /** Milestones of active contracts (and any that have a survey), with their survey's state. */
  async listPage(actor: Actor, audience: Audience) {
    const params: unknown[] = [];
    let where = `(c.status = 'active' OR s.id IS NOT NULL)`;
    if (audience === 'organisation') {
      params.push(actor.organisationId);
      where += ` AND c.organisation_id = $1`;
    }
    const rows = (await this.dataSource.query(
      `SELECT c.id AS contract_id, c.reference, c.parties->'provider'->>'name' AS provider, p.title, m.position, m.name AS milestone_name,
              to_char(m.due_date, 'YYYY-MM-DD') AS due_date, s.id AS survey_id, s.status, (s.status = 'open' AND app_now() < s.closes_at) AS is_accepting,
              s.closes_at, ms.responses, ms.rating_sum, ms.min_responses
         FROM contracts c
         JOIN project_labels p ON p.id = c.project_id
         JOIN contract_milestones m ON m.contract_id = c.id
         LEFT JOIN milestone_surveys s ON s.contract_id = m.contract_id AND s.milestone_position = m.position
         LEFT JOIN milestone_satisfaction ms ON ms.contract_id = m.contract_id AND ms.milestone_position = m.position
        WHERE ${where} AND m.status <> 'cancelled'
        ORDER BY c.reference, m.position
        LIMIT 500`,
      params,
    )) as ListRow[];
    const base = audience === 'staff' ? '/staff' : '/organisation';
    return {
      titleKey: 'surveys.list.title',
      audience,
      rows: rows.map((r) => ({
        link: `${base}/contracts/${r.contract_id}/milestones/${r.position}/survey`,
        reference: r.reference,
        provider: r.provider,
        title: r.title,
        position: r.position,
        milestoneName: r.milestone_name,
        dueDate: r.due_date,
        stateKey: r.survey_id === null ? 'surveys.state.none' : r.is_accepting ? 'surveys.state.open' : 'surveys.state.closed',
        closesAt: r.closes_at,
        responses: r.responses,
        minResponses: r.min_responses,
        average: r.responses ? formatAverage(r.responses, r.rating_sum ?? 0) : null,
        meetsMinimum: r.responses !== null && r.min_responses !== null ? r.responses >= r.min_responses : null,
      })),
    };
  }

  /** The survey of one milestone: state, results, and for staff the residents' comments. */
  async surveyPage(actor: Actor, audience: Audience, contractId: string, position: number) {
    const { contract, milestone } = await this.surveys.milestoneFor(this.as(actor, audience), contractId, position);
    const survey = await this.surveys.surveyOf(contract.id, milestone.position);
    const base = audience === 'staff' ? '/staff' : '/organisation';
    const action = `${base}/contracts/${contract.id}/milestones/${milestone.position}/survey`;
    const canOpen = !survey && contract.status === 'active' && milestone.status !== 'cancelled' && (audience === 'organisation' || hasAnyRole(actor.roles, ['bureau_officer']));
    return {
      titleKey: 'surveys.survey.title',
      audience,
      action,
      contract: await this.contractFacts(contract),
      milestone: this.milestoneFacts(milestone),
      survey: survey ? this.surveyFacts(survey) : null,
      results: survey ? await this.results(survey) : null,
      showComments: survey !== null && audience === 'staff',
      comments: survey && audience === 'staff' ? await this.surveys.commentsFor(contract.id, milestone.position) : [],
      // Staff look at bursts before trusting the average; the organisation is not shown who answered when.
      bursts: survey && audience === 'staff' ? (await this.surveys.burstsOf(survey.id)).map((b) => ({ ...b, messageKey: `surveys.bursts.${b.kind}` })) : [],
      canOpen,
      canClose: survey !== null && survey.status === 'open' && audience === 'staff' && hasAnyRole(actor.roles, ['bureau_officer']),
      contractNotActive: !survey && contract.status !== 'active',
      defaults: this.surveys.defaults,
      values: { minResponses: String(this.surveys.defaults.minResponses), unverifiedAnswers: 'exclude' },
      unverifiedChoices: UNVERIFIED_ANSWER_CHOICES.map((code) => ({ code, labelKey: `surveys.survey.unverified.${code}` })),
      canChooseUnverified: audience === 'staff',
    };
  }

  /** The printable poster: service, milestone, public link and its QR code (inline SVG rendered here). */
  async posterPage(actor: Actor, audience: Audience, contractId: string, position: number, locale: Request['locale']) {
    const { contract, milestone } = await this.surveys.milestoneFor(this.as(actor, audience), contractId, position);
    const survey = await this.surveys.surveyOf(contract.id, milestone.position);
    if (!survey) throw new SurveyNotFoundError();
    const url = this.publicUrl(survey.token);
    const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    const label = translate(locale ?? 'zh-CN', 'surveys.poster.qrLabel');
    return {
      titleKey: 'surveys.poster.title',
      layout: SURVEY_LAYOUT,
      backLink: `${audience === 'staff' ? '/staff' : '/organisation'}/contracts/${contract.id}/milestones/${milestone.position}/survey`,
      contract: await this.contractFacts(contract),
      milestone: this.milestoneFacts(milestone),
      survey: this.surveyFacts(survey),
      publicUrl: url,
      // Generated by the qrcode package from our own URL (no user input): safe to emit unescaped.
      qrSvg: svg.replace('<svg ', `<svg role="img" aria-label="${label.replace(/[<>&"]/g, '')}" class="poster-qr" `),
    };
  }

  /** The public page for residents: the form, "already answered", or "closed". */
  async publicPage(token: string, deviceToken: string | null) {
    const survey = await this.surveys.surveyByToken(token);
    const context = await this.publicContext(survey);
    if (!survey.isAccepting) return { template: 'surveys/closed', status: 410, context: { ...context, titleKey: 'surveys.public.closedTitle' } };
    if (await this.surveys.hasDeviceAnswered(survey, deviceToken)) return { template: 'surveys/answered', status: 200, context: { ...context, titleKey: 'surveys.public.answeredTitle' } };
    return { template: 'surveys/respond', status: 200, context };
  }

  async publicContext(survey: MilestoneSurvey) {
    const [row] = (await this.dataSource.query(
      `SELECT c.parties->'provider'->>'name' AS provider, c.parties->'purchaser'->>'name' AS purchaser, p.title, m.name AS milestone_name
         FROM contracts c JOIN project_labels p ON p.id = c.project_id
         JOIN contract_milestones m ON m.contract_id = c.id AND m.position = $2
        WHERE c.id = $1`,
      [survey.contractId, survey.milestonePosition],
    )) as Array<{ provider: string; purchaser: string; title: string; milestone_name: string }>;
    return {
      titleKey: 'surveys.public.title',
      layout: SURVEY_LAYOUT,
      token: survey.token,
      action: `/survey/${survey.token}`,
      service: { title: row.title, provider: row.provider, purchaser: row.purchaser, milestoneName: row.milestone_name, position: survey.milestonePosition },
      closesAt: survey.closesAt,
      ratings: [5, 4, 3, 2, 1].map((n) => ({ code: String(n), labelKey: `surveys.rating.${n}` })),
      commentMax: COMMENT_MAX_LENGTH,
    };
  }

  /** Providers for the error filter: forms re-rendered with their page, for readers allowed to see it. */
  formContexts(): Record<string, FormContextProvider> {
    const param = (req: Request, name: string) => String(req.params?.[name] ?? '');
    const position = (req: Request) => Number.parseInt(param(req, 'position'), 10);
    return {
      'surveys/respond': async (req) => this.publicContext(await this.surveys.surveyByToken(param(req, 'token'))),
      'surveys/survey': async (req) => {
        if (!req.user) return {};
        const audience: Audience = req.path.startsWith('/staff/') ? 'staff' : 'organisation';
        const roles = audience === 'staff' ? STAFF : (['org_member', 'org_admin'] as const);
        if (!hasAnyRole(req.user.roles, roles)) return {};
        const page = await this.surveyPage(actorFromRequest(req), audience, param(req, 'id'), position(req));
        return { ...page, values: {} };
      },
    };
  }

  private as(actor: Actor, audience: Audience): Actor {
    // On the organisation's pages a staff role held alongside does not widen what is shown.
    return audience === 'organisation' ? { ...actor, roles: actor.roles.filter((r) => r === 'org_member' || r === 'org_admin') } : actor;
  }

  private async results(survey: MilestoneSurvey) {
    const [counts, tally, all] = await Promise.all([
      this.surveys.ratingCounts(survey.id),
      this.surveys.satisfactionFor(survey.contractId, survey.milestonePosition),
      this.surveys.allResponses(survey.id),
    ]);
    const satisfaction = tally ?? satisfactionOf({ responses: 0, ratingSum: 0, minResponses: survey.minResponses });
    return {
      responses: satisfaction.responses,
      ratingSum: satisfaction.ratingSum,
      minResponses: satisfaction.minResponses,
      meetsMinimum: satisfaction.meetsMinimum,
      missing: Math.max(0, satisfaction.minResponses - satisfaction.responses),
      notCounted: all - satisfaction.responses,
      average: formatAverage(satisfaction.responses, satisfaction.ratingSum),
      distribution: distributionOf(counts).map((d) => ({ ...d, labelKey: `surveys.rating.${d.rating}` })),
    };
  }

  private async contractFacts(contract: Contract) {
    const [project] = (await this.dataSource.query(`SELECT title FROM project_labels WHERE id = $1`, [contract.projectId])) as Array<{ title: string }>;
    return {
      id: contract.id,
      reference: contract.reference,
      title: project?.title ?? '',
      provider: contract.parties.provider.name,
      purchaser: contract.parties.purchaser.name,
      statusKey: `contracts.status.${contract.status}`,
    };
  }

  private milestoneFacts(m: ContractMilestone) {
    return { position: m.position, name: m.name, dueDate: m.dueDate, statusKey: `contracts.milestoneStatus.${m.status}` };
  }

  private surveyFacts(s: MilestoneSurvey) {
    return {
      status: s.isAccepting ? 'open' : 'closed',
      stateKey: s.isAccepting ? 'surveys.state.open' : 'surveys.state.closed',
      isAccepting: s.isAccepting,
      openedAt: s.openedAt,
      closesAt: s.closesAt,
      closedAt: s.closedAt,
      minResponses: s.minResponses,
      unverifiedKey: `surveys.survey.unverified.${s.countsUnverified ? 'count' : 'exclude'}`,
      publicUrl: this.publicUrl(s.token),
    };
  }
}
