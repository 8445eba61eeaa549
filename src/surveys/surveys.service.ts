import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { fieldMessage } from '../common/http/validation';
import { Contract, ContractMilestone } from '../contracts/contract.entity';
import { ContractNotFoundError } from '../contracts/contracts.errors';
import { ContractsService } from '../contracts/contracts.service';
import { hasAnyRole } from '../identity/domain/roles';
import { NotificationsService } from '../notifications/notifications.service';
import { SurveyOptionsInput, parseSurveyOptions } from './domain/options';
import { Burst, findBursts } from './domain/bursts';
import { hashAddress, hashDevice, hashPhone } from './domain/phone';
import { ResponseInput, parseResponse } from './domain/response';
import { Satisfaction, satisfactionOf } from './domain/satisfaction';
import { SURVEYS_CONFIG, SurveysConfig } from './surveys.config';
import {
  ContractNotActiveError,
  MilestoneCancelledError,
  SurveyAlreadyClosedError,
  SurveyAlreadyOpenedError,
  SurveyMilestoneNotFoundError,
  SurveyNotFoundError,
  SurveyOptionsInvalidError,
  SurveyResponseInvalidError,
} from './surveys.errors';
import { pgError } from '../common/errors/pg-error';
import { isUuid } from '../common/validation/uuid';

export type SurveyStatus = 'open' | 'closed';

export interface MilestoneSurvey {
  id: string;
  contractId: string;
  milestonePosition: number;
  token: string;
  openedAt: Date;
  closesAt: Date;
  minResponses: number;
  openedBy: string;
  status: SurveyStatus;
  closedAt: Date | null;
  /** Answers are accepted: open and before closes_at by the database clock. */
  isAccepting: boolean;
  /** Answers without a phone number count towards the satisfaction indicator (the opener's choice). */
  countsUnverified: boolean;
}

export interface SurveyComment {
  rating: number;
  comment: string;
  submittedAt: Date;
}

/** What a resident's answer came to: recorded, refused as a repeat (device or phone), or too late. */
export type SubmitOutcome = { kind: 'recorded'; responseId: string } | { kind: 'duplicate' } | { kind: 'closed' };

interface SurveyRow {
  id: string;
  contract_id: string;
  milestone_position: number;
  token: string;
  opened_at: Date;
  closes_at: Date;
  min_responses: number;
  opened_by: string;
  status: SurveyStatus;
  closed_at: Date | null;
  is_accepting: boolean;
  counts_unverified: boolean;
}

const SURVEY_COLUMNS = `id, contract_id, milestone_position, token, opened_at, closes_at, min_responses, opened_by, status, closed_at, counts_unverified,
  (status = 'open' AND app_now() < closes_at) AS is_accepting`;
const TOKEN = /^[A-Za-z0-9_-]{32,64}$/;

function toSurvey(r: SurveyRow): MilestoneSurvey {
  return {
    id: r.id,
    contractId: r.contract_id,
    milestonePosition: r.milestone_position,
    token: r.token,
    openedAt: r.opened_at,
    closesAt: r.closes_at,
    minResponses: r.min_responses,
    openedBy: r.opened_by,
    status: r.status,
    closedAt: r.closed_at,
    isAccepting: r.is_accepting,
    countsUnverified: r.counts_unverified,
  };
}

/** A public token: 32 random bytes, base64url (43 characters), printed in the link and the QR code. */
export function newSurveyToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Resident satisfaction surveys of contract milestones: opened by the contracted organisation
 * or a bureau officer, answered without sign-in (one answer per device and per phone number,
 * enforced by unique indexes), closed by an officer or by the clock. The service evaluation
 * reads the tally through `satisfactionFor` or the milestone_satisfaction view.
 */
@Injectable()
export class SurveysService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SURVEYS_CONFIG) private readonly config: SurveysConfig,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly contracts: ContractsService,
    private readonly clock: Clock,
  ) {}

  get defaults(): { minResponses: number; openDays: number } {
    return { minResponses: this.config.defaultMinResponses, openDays: this.config.defaultOpenDays };
  }

  /**
   * The contract and milestone an actor may see surveys of: staff see every contract, an
   * organisation only its own (another organisation's contract is "not found").
   */
  async milestoneFor(actor: Actor, contractId: string, position: number, manager: EntityManager = this.dataSource.manager): Promise<{ contract: Contract; milestone: ContractMilestone }> {
    const contract = await this.contracts.getContract(contractId, manager);
    const isStaff = hasAnyRole(actor.roles, ['bureau_officer', 'bureau_approver', 'auditor']);
    if (!isStaff && (!actor.organisationId || contract.organisationId !== actor.organisationId)) throw new ContractNotFoundError();
    const milestone = Number.isSafeInteger(position) ? (await this.contracts.milestonesOf(contract.id, manager)).find((m) => m.position === position) : undefined;
    if (!milestone) throw new SurveyMilestoneNotFoundError();
    return { contract, milestone };
  }

  /** Opens the milestone's survey (one per milestone, unique in the database). The opener is the contract's organisation or a bureau officer. */
  async openSurvey(actor: Actor, contractId: string, position: number, input: SurveyOptionsInput): Promise<MilestoneSurvey> {
    try {
      return await this.dataSource.transaction(async (m) => {
        const { contract, milestone } = await this.milestoneFor(actor, contractId, position, m);
        if (!hasAnyRole(actor.roles, ['bureau_officer', 'org_member', 'org_admin'])) throw new ContractNotFoundError();
        if (contract.status !== 'active') throw new ContractNotActiveError(contract.status);
        if (milestone.status === 'cancelled') throw new MilestoneCancelledError();
        const now = await this.clock.now(m);
        const parsed = parseSurveyOptions(input, { now, defaultMinResponses: this.config.defaultMinResponses, defaultOpenDays: this.config.defaultOpenDays });
        if (!parsed.ok) {
          throw new SurveyOptionsInvalidError(Object.fromEntries(Object.entries(parsed.problems).map(([f, p]) => [f, [fieldMessage(p.key, p.params ?? {})]])));
        }
        // Counting answers that only a device cookie vouches for is the bureau's call, never the contracted organisation's.
        if (parsed.value.countsUnverified && !hasAnyRole(actor.roles, ['bureau_officer'])) {
          throw new SurveyOptionsInvalidError({ unverifiedAnswers: [fieldMessage('surveys.validation.unverifiedOfficerOnly')] });
        }
        const [row] = (await m.query(
          `INSERT INTO milestone_surveys (contract_id, milestone_position, token, opened_at, closes_at, min_responses, opened_by, counts_unverified)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${SURVEY_COLUMNS}`,
          [contract.id, milestone.position, newSurveyToken(), now, parsed.value.closesAt, parsed.value.minResponses, actor.userId, parsed.value.countsUnverified],
        )) as SurveyRow[];
        await this.audit.record(m, actor, {
          action: 'survey.opened',
          entityType: 'milestone_survey',
          entityId: row.id,
          after: { status: 'open', closesAt: row.closes_at, minResponses: row.min_responses, countsUnverified: row.counts_unverified },
          details: { contractId: contract.id, position: milestone.position },
        });
        const byOrganisation = actor.organisationId === contract.organisationId;
        await this.notifications.notify(m, {
          recipients: byOrganisation ? { roles: ['bureau_officer'] } : { organisationIds: [contract.organisationId] },
          kind: 'survey.opened',
          titleKey: 'surveys.notifications.opened',
          params: { reference: contract.reference, position: milestone.position },
          link: byOrganisation ? `/staff/contracts/${contract.id}/milestones/${milestone.position}/survey` : `/organisation/contracts/${contract.id}/milestones/${milestone.position}/survey`,
        });
        return toSurvey(row);
      });
    } catch (error) {
      if (pgError(error).code === '23505' && pgError(error).constraint === 'milestone_surveys_one_per_milestone') throw new SurveyAlreadyOpenedError();
      throw error;
    }
  }

  /** Closes the survey early (bureau officers); later answers are refused by the database. */
  async closeSurvey(actor: Actor, contractId: string, position: number): Promise<MilestoneSurvey> {
    return this.dataSource.transaction(async (m) => {
      const { contract, milestone } = await this.milestoneFor(actor, contractId, position, m);
      const [existing] = (await m.query(`SELECT ${SURVEY_COLUMNS} FROM milestone_surveys WHERE contract_id = $1 AND milestone_position = $2 FOR UPDATE`, [
        contract.id,
        milestone.position,
      ])) as SurveyRow[];
      if (!existing) throw new SurveyNotFoundError();
      if (existing.status === 'closed') throw new SurveyAlreadyClosedError();
      const [row] = (await m.query(`UPDATE milestone_surveys SET status = 'closed', closed_at = app_now(), closed_by = $2 WHERE id = $1 RETURNING ${SURVEY_COLUMNS}`, [existing.id, actor.userId])) as [
        SurveyRow[],
        number,
      ];
      const tally = await this.tallyOf(m, existing.id);
      await this.audit.record(m, actor, {
        action: 'survey.closed',
        entityType: 'milestone_survey',
        entityId: existing.id,
        before: { status: 'open', closesAt: existing.closes_at },
        after: { status: 'closed' },
        details: { contractId: contract.id, position: milestone.position, responses: tally.responses, ratingSum: tally.ratingSum },
      });
      return toSurvey(row[0]);
    });
  }

  async surveyOf(contractId: string, position: number): Promise<MilestoneSurvey | null> {
    if (!isUuid(contractId) || !Number.isSafeInteger(position)) return null;
    const [row] = (await this.dataSource.query(`SELECT ${SURVEY_COLUMNS} FROM milestone_surveys WHERE contract_id = $1 AND milestone_position = $2`, [contractId, position])) as SurveyRow[];
    return row ? toSurvey(row) : null;
  }

  /** The survey behind a public token; unknown tokens are "not found". */
  async surveyByToken(token: string): Promise<MilestoneSurvey> {
    const [row] = TOKEN.test(token) ? ((await this.dataSource.query(`SELECT ${SURVEY_COLUMNS} FROM milestone_surveys WHERE token = $1`, [token])) as SurveyRow[]) : [];
    if (!row) throw new SurveyNotFoundError();
    return toSurvey(row);
  }

  /** Has this device already answered the survey? (For the "already answered" page.) */
  async hasDeviceAnswered(survey: MilestoneSurvey, deviceToken: string | null): Promise<boolean> {
    if (!deviceToken) return false;
    const rows = (await this.dataSource.query(`SELECT 1 FROM survey_responses WHERE survey_id = $1 AND device_hash = $2`, [
      survey.id,
      hashDevice(this.config.hashSecret, survey.id, deviceToken),
    ])) as unknown[];
    return rows.length > 0;
  }

  /**
   * Records a resident's answer. Bad input is refused with field messages; a second answer from
   * the same device or phone number is a "duplicate" (unique indexes decide, so two answers sent
   * at once still count once); an answer after the survey closed is "closed" (a trigger checks
   * the database clock at insert).
   */
  async submitResponse(actor: Actor, token: string, input: ResponseInput, deviceToken: string): Promise<SubmitOutcome> {
    const survey = await this.surveyByToken(token);
    if (!survey.isAccepting) return { kind: 'closed' };
    const parsed = parseResponse(input);
    if (!parsed.ok) throw new SurveyResponseInvalidError(parsed.problems);
    const { rating, comment, phone } = parsed.value;
    const deviceHash = hashDevice(this.config.hashSecret, survey.id, deviceToken);
    const phoneHash = phone ? hashPhone(this.config.hashSecret, survey.id, phone) : null;
    const addressHash = actor.ip ? hashAddress(this.config.hashSecret, survey.id, actor.ip) : null;
    try {
      return await this.dataSource.transaction(async (m) => {
        const rows = (await m.query(
          `INSERT INTO survey_responses (survey_id, rating, comment, device_hash, phone_hash, address_hash) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT DO NOTHING RETURNING id`,
          [survey.id, rating, comment, deviceHash, phoneHash, addressHash],
        )) as Array<{ id: string }>;
        if (!rows.length) return { kind: 'duplicate' } as const;
        // The audit trail records that an answer arrived and its rating; never the comment, the phone hash or the device.
        await this.audit.record(m, actor, {
          action: 'survey.response_recorded',
          entityType: 'milestone_survey',
          entityId: survey.id,
          details: { responseId: rows[0].id, rating, hasComment: comment !== null, hasPhone: phoneHash !== null },
        });
        return { kind: 'recorded', responseId: rows[0].id } as const;
      });
    } catch (error) {
      if (pgError(error).code === '23514' && pgError(error).constraint === 'survey_responses_survey_open') return { kind: 'closed' };
      throw error;
    }
  }

  /**
   * For the service evaluation: the milestone's survey tally and whether it reached its minimum
   * (then the average feeds the satisfaction indicator; otherwise evaluators score it). Null when
   * the milestone has no survey.
   */
  async satisfactionFor(contractId: string, position: number, manager: EntityManager = this.dataSource.manager): Promise<Satisfaction | null> {
    if (!isUuid(contractId) || !Number.isSafeInteger(position)) return null;
    const [row] = (await manager.query(`SELECT responses, rating_sum, min_responses FROM milestone_satisfaction WHERE contract_id = $1 AND milestone_position = $2`, [contractId, position])) as Array<{
      responses: number;
      rating_sum: number;
      min_responses: number;
    }>;
    return row ? satisfactionOf({ responses: row.responses, ratingSum: row.rating_sum, minResponses: row.min_responses }) : null;
  }

  /** Residents' comments, newest first: for bureau staff and the contract's evaluators only (callers check who reads). */
  async commentsFor(contractId: string, position: number, manager: EntityManager = this.dataSource.manager): Promise<SurveyComment[]> {
    if (!isUuid(contractId) || !Number.isSafeInteger(position)) return [];
    const rows = (await manager.query(
      `SELECT r.rating, r.comment, r.submitted_at FROM survey_responses r JOIN milestone_surveys s ON s.id = r.survey_id
        WHERE s.contract_id = $1 AND s.milestone_position = $2 AND r.comment IS NOT NULL ORDER BY r.submitted_at DESC, r.id`,
      [contractId, position],
    )) as Array<{ rating: number; comment: string; submitted_at: Date }>;
    return rows.map((r) => ({ rating: r.rating, comment: r.comment, submittedAt: r.submitted_at }));
  }

  /** Every answer received, counted towards the indicator or not (the view's all_responses). */
  async allResponses(surveyId: string): Promise<number> {
    const [row] = (await this.dataSource.query(`SELECT count(*)::int AS n FROM survey_responses WHERE survey_id = $1`, [surveyId])) as Array<{ n: number }>;
    return row.n;
  }

  /** Bursts of answers (many from one address, many in a short window) for staff to look at (domain/bursts.ts). */
  async burstsOf(surveyId: string): Promise<Burst[]> {
    const rows = (await this.dataSource.query(`SELECT address_hash, submitted_at FROM survey_responses WHERE survey_id = $1 ORDER BY submitted_at`, [surveyId])) as Array<{
      address_hash: string | null;
      submitted_at: Date;
    }>;
    return findBursts(rows.map((r) => ({ addressHash: r.address_hash, submittedAt: r.submitted_at })));
  }

  /** Count of each rating for the results pages, among the answers that count towards the indicator. */
  async ratingCounts(surveyId: string): Promise<Array<{ rating: number; count: number }>> {
    return (await this.dataSource.query(
      `SELECT r.rating, count(*)::int AS count FROM survey_responses r JOIN milestone_surveys s ON s.id = r.survey_id
        WHERE r.survey_id = $1 AND (r.phone_hash IS NOT NULL OR s.counts_unverified) GROUP BY r.rating`,
      [surveyId],
    )) as Array<{ rating: number; count: number }>;
  }

  private async tallyOf(m: EntityManager, surveyId: string): Promise<{ responses: number; ratingSum: number }> {
    const [row] = (await m.query(`SELECT count(*)::int AS responses, coalesce(sum(rating), 0)::int AS rating_sum FROM survey_responses WHERE survey_id = $1`, [surveyId])) as Array<{
      responses: number;
      rating_sum: number;
    }>;
    return { responses: row.responses, ratingSum: row.rating_sum };
  }
}
