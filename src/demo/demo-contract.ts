import { randomBytes } from 'node:crypto';
import { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor, SYSTEM_ACTOR } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { buildAwardNotice } from '../awards/award-notice';
import { AWARDS_CONFIG, AwardsConfig } from '../awards/awards.config';
import { AwardsService } from '../awards/awards.service';
import { resultChallengePeriod } from '../awards/domain/challenge-periods';
import { canonicalJson, newNonce, receiptHash } from '../bidding/sealing/sealing';
import { SealingService } from '../bidding/sealing/sealing.service';
import { BID_CONTENT_FORMAT, BidContent } from '../bidding/domain/bid-content';
import { ContractsService } from '../contracts/contracts.service';
import { DeliveryService } from '../delivery/delivery.service';
import { parseFraction, toFraction } from '../evaluation/domain/rational';
import { translate } from '../i18n/i18n';
import { DisbursementsService } from '../payments/disbursements.service';
import { addDays, localDateOf } from '../procurement/domain/local-time';
import { FundsService } from '../procurement/funds.service';
import { ProcurementRulesService } from '../procurement/procurement-rules.service';
import { EvaluatorAssignmentService } from '../service-evaluation/evaluator-assignment.service';
import { MilestoneScoringService } from '../service-evaluation/milestone-scoring.service';
import { SiteVisitsService } from '../service-evaluation/site-visits.service';
import { SurveysService } from '../surveys/surveys.service';

/**
 * The demo's contracts in delivery (issue 6). Their procurement (publication, two sealed bids,
 * opening, a signed-off evaluation by expert1–4 with approver2 as the bureau representative, the
 * award 30 days ago) happened before the demo's "today", which the services cannot write without
 * moving the database clock (only tests may); so that history is written in SQL as the test
 * factories write it, the reservation through FundsService (journalled), with one audit event
 * saying so. From the contract on, everything goes through the real services:
 * - 乐龄's elderly-care contract: generated and confirmed by both sides, two service evaluators,
 *   milestone 1 delivered with records and attachments, a residents' survey that reached its
 *   minimum, a site visit, two scoresheets (优秀), the disbursement proposed by officer@,
 *   approved by approver@ and paid by treasury voucher (officer2@); milestone 2 delivered and
 *   waiting for evaluation, with its own open survey below its minimum;
 * - 同心's volunteer-station contract: milestone 1 delivered (ahead of its due date),
 *   scored 良好 by two other evaluators, its disbursement proposed by officer2@ and waiting for
 *   an approver.
 */
export interface DemoContractCast {
  officer: Actor;
  officer2: Actor;
  approver: Actor;
  /** The bureau representative on the committees (takes no part in the awards). */
  representativeId: string;
  /** expert1…expert5 user ids. */
  evaluatorIds: string[];
  elderlyFundId: string;
  governanceFundId: string;
  /** 乐龄, 同心, 和事佬 (approved, with an org_admin). */
  leling: { organisationId: string; admin: Actor };
  tongxin: { organisationId: string; admin: Actor };
  heshilao: { organisationId: string; admin: Actor };
}

export interface DemoContractStory {
  /** 乐龄's contract: milestone 1 passed and paid, milestone 2 delivered awaiting evaluation. */
  paidContractId: string;
  disbursementId: string;
  voucherNo: string;
  /** 同心's contract: milestone 1 passed, its disbursement proposed and waiting for an approver. */
  pendingContractId: string;
  pendingDisbursementId: string;
}

export const DEMO_CONTRACT_TITLE = '2026年度玉林北路社区高龄独居老人关爱服务项目';
export const DEMO_PENDING_CONTRACT_TITLE = '2026年度玉林街道社区志愿服务站运营与睦邻互助项目';
export const DEMO_VOUCHER_NO = 'WHGK-2026-000318';

const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

export async function seedDemoContracts(app: INestApplicationContext, cast: DemoContractCast): Promise<DemoContractStory> {
  const dataSource = app.get(DataSource);
  const [{ now }] = (await dataSource.query(`SELECT app_now() AS now`)) as Array<{ now: Date }>;
  const today = localDateOf(now);
  // The contracts take effect today (both sides confirm through the services, on the database
  // clock), so the service starts today and every milestone, record, visit and payment comes on
  // or after it: demo-dates.ts checks that they agree (issue 11).
  const serviceStart = today;
  const serviceEnd = addDays(serviceStart, 364);
  const contracts = app.get(ContractsService);
  const assignment = app.get(EvaluatorAssignmentService);
  const scoring = app.get(MilestoneScoringService);
  const siteVisits = app.get(SiteVisitsService);
  const delivery = app.get(DeliveryService);
  const surveys = app.get(SurveysService);
  const disbursements = app.get(DisbursementsService);
  const resident: Actor = { ...SYSTEM_ACTOR, roles: ['anonymous'], requestId: 'demo-seed' };
  const answer = async (token: string, answers: Array<{ rating: string; comment?: string; phone?: string }>) => {
    // Each resident on their own phone: a fresh device token.
    for (const a of answers) await surveys.submitResponse(resident, token, a, randomBytes(16).toString('hex'));
  };
  const activate = async (awardId: string, organisationAdmin: Actor) => {
    const generated = await contracts.generateContract(cast.officer, awardId);
    await contracts.confirmContract(organisationAdmin, generated.id, 'organisation');
    return contracts.confirmContract(cast.approver, generated.id, 'approver');
  };

  // ── 1. 乐龄's elderly-care contract: milestone 1 passed and paid, milestone 2 awaiting evaluation ──
  const first = await writeProcurementHistory(app, dataSource, cast, {
    title: DEMO_CONTRACT_TITLE,
    description: '为玉林北路社区 80 周岁以上独居、空巢老人提供每周上门探访、助餐送餐和健康监测服务，建立一人一档，开展满意度回访。',
    purchaserLevel: 'district',
    purchaserName: '武侯区民政局',
    serviceArea: ['玉林北路社区'],
    fundId: cast.elderlyFundId,
    reservationMinor: 30_000_000,
    items: [
      { code: 'C01-002', quantity: 2400, notes: '高龄独居老人每周探访' },
      { code: 'C01-004', quantity: 12000, notes: '助餐与送餐' },
    ],
    serviceStart,
    serviceEnd,
    milestones: [
      { position: 1, name: '需求评估与建档', dueDate: addDays(today, 3), shareBp: 3000, deliverables: '服务对象档案、需求评估报告、首月探访记录' },
      { position: 2, name: '中期服务与评估', dueDate: addDays(today, 150), shareBp: 4000, deliverables: '探访与助餐服务记录、中期报告' },
      { position: 3, name: '结项验收', dueDate: serviceEnd, shareBp: 3000, deliverables: '结项报告、财务报告、服务对象回访' },
    ],
    bidders: [
      {
        organisationId: cast.leling.organisationId,
        submittedBy: cast.leling.admin.userId!,
        priceMinor: 28_600_000,
        priceScore: '30/1',
        technicalScore: '306/5',
        totalScore: '456/5',
        proposal: '依托玉林北路社区睦邻点，组建持证社工加志愿者的双工团队，一人一档、每周探访、助餐送餐。',
      },
      {
        organisationId: cast.tongxin.organisationId,
        submittedBy: cast.tongxin.admin.userId!,
        priceMinor: 29_500_000,
        priceScore: '1716/59',
        technicalScore: '583/10',
        totalScore: '51557/590',
        proposal: '以社区自组织为依托，开展结对探访与互助送餐。',
      },
    ],
  });
  const paid = await activate(first.awardId, cast.leling.admin);
  const [sunLi, fengJie] = [cast.evaluatorIds[0], cast.evaluatorIds[3]]; // expert1 孙立 (四川大学), expert4 冯洁 (省社会组织评估中心)
  await assignment.assignEvaluator(cast.officer, paid.id, sunLi);
  await assignment.assignEvaluator(cast.officer, paid.id, fengJie);
  await delivery.submitDelivery(cast.leling.admin, paid.id, 1, {
    narrative: '本阶段完成玉林北路社区 80 岁以上独居老人摸底建档 96 户，逐户开展需求评估，组建“社工 + 志愿者”探访小组，每周上门探访并提供助餐送餐，详见服务记录和签到表。',
    formRows: [
      { itemCode: 'C01-002', date: serviceStart, sessions: '24', personVisits: '96', households: '96', hours: '48', note: '首轮入户建档与需求评估' },
      { itemCode: 'C01-002', date: serviceStart, sessions: '30', personVisits: '118', households: '92', hours: '59.5', note: '每周探访' },
      { itemCode: 'C01-004', date: serviceStart, sessions: '10', personVisits: '640', households: '64', hours: '40', note: '社区食堂助餐与送餐上门' },
    ],
    attachments: [
      { kind: 'photo', originalName: '入户探访.png', buffer: TINY_PNG },
      { kind: 'sign_in_sheet', originalName: '探访签到表.png', buffer: TINY_PNG },
    ],
  });
  // Five residents answer; with a minimum of three, their average (4.6) gives the satisfaction indicator 18.4 of 20.
  const survey1 = await surveys.openSurvey(cast.leling.admin, paid.id, 1, { minResponses: '3' });
  // Each leaves a phone number, so each answer counts (answers without one count only where the opener allows it).
  await answer(survey1.token, [
    { rating: '5', comment: '社工每周都来看我，还帮我量血压，很贴心。', phone: '138 0801 0001' },
    { rating: '5', comment: '送餐准时，饭菜软烂适合老人。', phone: '138 0801 0002' },
    { rating: '4', comment: '服务很好，希望周末也能送餐。', phone: '138 0801 0003' },
    { rating: '5', phone: '138 0801 0004' },
    { rating: '4', comment: '志愿者很有耐心。', phone: '138 0801 0005' },
  ]);
  await siteVisits.recordSiteVisit(
    evaluatorFor(sunLi),
    paid.id,
    1,
    { visitedOn: today, place: '玉林北路社区睦邻点及 3 户独居老人家中', notes: '抽查 3 户建档资料与探访记录一致；社区食堂卫生良好，留样齐全。' },
    [{ originalName: '现场评估.png', buffer: TINY_PNG }],
  );
  // 28 + 27.5 + 18 + 18.4 = 91.9 and 27 + 26 + 17 + 18.4 = 88.4: mean 90.15, 优秀, the whole tranche payable.
  await scoring.saveScores(evaluatorFor(sunLi), paid.id, 1, sheet({ output_quantity: '28', service_quality: '27.5', management_finance: '18' }), true);
  const outcome = await scoring.saveScores(evaluatorFor(fengJie), paid.id, 1, sheet({ output_quantity: '27', service_quality: '26', management_finance: '17' }), true);
  if (outcome.completed?.milestoneStatus !== 'passed') throw new Error(`demo milestone did not pass: ${JSON.stringify(outcome.completed)}`);
  const proposed = await disbursements.proposeDisbursement(cast.officer, paid.id, 1);
  const approved = await disbursements.approveDisbursement(cast.approver, proposed.id);
  await disbursements.recordTreasuryPayment(cast.officer2, approved.id, {
    voucherNo: DEMO_VOUCHER_NO,
    paidOn: today,
    payerAccount: '成都市武侯区财政局国库单一账户 5100 1078 0000 0001',
    payeeAccount: '中国银行成都玉林支行 1234 5678 9012 3456',
    amountMinor: approved.amountMinor,
  });
  await delivery.submitDelivery(cast.leling.admin, paid.id, 2, {
    narrative: '中期阶段持续开展每周探访与助餐送餐，新增 12 户高龄独居老人纳入服务，组织健康讲座 2 场，完成中期满意度回访，详见服务记录。',
    formRows: [
      { itemCode: 'C01-002', date: serviceStart, sessions: '36', personVisits: '140', households: '108', hours: '70', note: '每周探访（含新增 12 户）' },
      { itemCode: 'C01-004', date: serviceStart, sessions: '12', personVisits: '820', households: '76', hours: '48', note: '助餐与送餐' },
    ],
    attachments: [{ kind: 'photo', originalName: '健康讲座.png', buffer: TINY_PNG }],
  });
  const survey2 = await surveys.openSurvey(cast.leling.admin, paid.id, 2, {});
  await answer(survey2.token, [{ rating: '5', comment: '健康讲座讲得很清楚。', phone: '139 0802 0001' }, { rating: '4' }]);

  // ── 2. 同心's volunteer-station contract: milestone 1 passed 良好, its disbursement waiting for an approver ──
  const second = await writeProcurementHistory(app, dataSource, cast, {
    title: DEMO_PENDING_CONTRACT_TITLE,
    description: '运营玉林街道社区志愿服务站，培育居民志愿者队伍，组织低龄老人结对探访高龄老人，开展邻里互助活动。',
    purchaserLevel: 'sub_district',
    purchaserName: '玉林街道办事处',
    serviceArea: ['玉林北路社区', '玉林东路社区'],
    fundId: cast.governanceFundId,
    reservationMinor: 15_000_000,
    items: [
      { code: 'C07-004', quantity: 1, notes: '志愿服务站全年运营' },
      { code: 'C01-002', quantity: 1200, notes: '低龄老人结对探访高龄老人' },
    ],
    serviceStart,
    serviceEnd,
    milestones: [
      { position: 1, name: '站点启动与队伍组建', dueDate: addDays(today, 10), shareBp: 5000, deliverables: '志愿者名册、站点运营制度、首月活动记录' },
      { position: 2, name: '全年运营与结项', dueDate: serviceEnd, shareBp: 5000, deliverables: '活动记录、结对探访台账、结项报告' },
    ],
    bidders: [
      {
        organisationId: cast.tongxin.organisationId,
        submittedBy: cast.tongxin.admin.userId!,
        priceMinor: 13_800_000,
        priceScore: '30/1',
        technicalScore: '297/5',
        totalScore: '447/5',
        proposal: '以睦邻点为阵地，招募培育居民志愿者，建立“时间银行”激励机制。',
      },
      {
        organisationId: cast.heshilao.organisationId,
        submittedBy: cast.heshilao.admin.userId!,
        priceMinor: 14_200_000,
        priceScore: '2070/71',
        technicalScore: '56/1',
        totalScore: '6046/71',
        proposal: '依托调解志愿者队伍开展邻里互助。',
      },
    ],
  });
  const pending = await activate(second.awardId, cast.tongxin.admin);
  const [wuFang, zhengHao] = [cast.evaluatorIds[1], cast.evaluatorIds[2]]; // expert2 吴芳 (C01), expert3 郑浩 (C07)
  await assignment.assignEvaluator(cast.officer2, pending.id, wuFang);
  await assignment.assignEvaluator(cast.officer2, pending.id, zhengHao);
  await delivery.submitDelivery(cast.tongxin.admin, pending.id, 1, {
    narrative: '志愿服务站已挂牌运营，招募登记居民志愿者 46 名并完成培训，低龄老人与高龄老人结对 30 对，开展邻里互助活动 6 场，详见服务记录。',
    formRows: [
      { itemCode: 'C07-004', date: serviceStart, sessions: '6', personVisits: '210', households: '0', hours: '36', note: '站点活动与志愿者培训' },
      { itemCode: 'C01-002', date: serviceStart, sessions: '30', personVisits: '60', households: '30', hours: '45', note: '结对探访' },
    ],
    attachments: [{ kind: 'sign_in_sheet', originalName: '志愿者培训签到表.png', buffer: TINY_PNG }],
  });
  // No survey here: the evaluators score resident satisfaction themselves. 25 + 25 + 17 + 17 = 84, 26 + 24 + 16 + 16 = 82: 良好.
  await scoring.saveScores(evaluatorFor(wuFang), pending.id, 1, sheet({ output_quantity: '25', service_quality: '25', resident_satisfaction: '17', management_finance: '17' }), true);
  const second1 = await scoring.saveScores(evaluatorFor(zhengHao), pending.id, 1, sheet({ output_quantity: '26', service_quality: '24', resident_satisfaction: '16', management_finance: '16' }), true);
  if (second1.completed?.milestoneStatus !== 'passed') throw new Error(`demo milestone did not pass: ${JSON.stringify(second1.completed)}`);
  const waiting = await disbursements.proposeDisbursement(cast.officer2, pending.id, 1);

  return { paidContractId: paid.id, disbursementId: approved.id, voucherNo: DEMO_VOUCHER_NO, pendingContractId: pending.id, pendingDisbursementId: waiting.id };
}

function evaluatorFor(userId: string): Actor {
  return { userId, roles: ['evaluator'], organisationId: null, requestId: 'demo-seed', ip: null };
}

/**
 * A score exactly as the evaluation services store it: a fraction n/d in lowest terms ("30/1",
 * never "30"), which the report pages parse back. Refuses any other spelling.
 */
function storedFraction(text: string): string {
  const stored = toFraction(parseFraction(text));
  if (stored !== text) throw new Error(`demo score "${text}" is not in the stored form "${stored}"`);
  return stored;
}

function sheet(points: Record<string, string>): { points: Record<string, string>; comments: Record<string, string> } {
  const comments: Record<string, string> = {
    output_quantity: '建档与探访数量达到阶段目标，服务记录完整。',
    service_quality: '探访记录规范，个案跟进及时；建议加强慢病老人的专业转介。',
    resident_satisfaction: '回访居民对服务总体满意。',
    management_finance: '团队分工清晰，阶段经费使用台账齐全。',
  };
  return { points, comments: Object.fromEntries(Object.keys(points).map((k) => [k, comments[k] ?? ''])) };
}

/**
 * What procurement, bidding and evaluation left behind for this project, written in SQL the way
 * test/factories/awards.ts writes it (the services refuse deadlines in the past), in one
 * transaction with an audit event naming what was written; the reservation goes through
 * FundsService so the journal and the fund row agree.
 */
interface HistorySpec {
  title: string;
  description: string;
  purchaserLevel: 'district' | 'sub_district';
  purchaserName: string;
  serviceArea: string[];
  fundId: string;
  reservationMinor: number;
  items: Array<{ code: string; quantity: number; notes: string }>;
  serviceStart: string;
  serviceEnd: string;
  milestones: Array<{ position: number; name: string; dueDate: string; shareBp: number; deliverables: string }>;
  /** Ranked 1, 2: the first wins. Scores are exact "n/d" strings as the evaluation stores them. */
  bidders: Array<{ organisationId: string; submittedBy: string; priceMinor: number; priceScore: string; technicalScore: string; totalScore: string; proposal: string }>;
}

async function writeProcurementHistory(app: INestApplicationContext, dataSource: DataSource, cast: DemoContractCast, plan: HistorySpec): Promise<{ projectId: string; awardId: string }> {
  const awards = app.get(AwardsService);
  const rules = app.get(ProcurementRulesService);
  const awardsConfig = app.get<AwardsConfig>(AWARDS_CONFIG);
  return dataSource.transaction(async (m) => {
    const [project] = (await m.query(
      `INSERT INTO projects (reference, purchaser_level, purchaser_name, title, description, service_area, service_start, service_end,
         budget_ceiling_minor, fund_id, reserved_minor, method, method_rule_id, price_weight, eligibility_categories, status,
         published_at, question_deadline_at, bid_deadline_at, closed_at, opened_at, created_by)
       SELECT 'WH-' || to_char(app_now() AT TIME ZONE 'Asia/Shanghai', 'YYYY') || '-' || lpad(nextval('project_reference_seq')::text, 4, '0'),
         $8, $9, $1, $2, $10::text[], $3::date, $4::date, $5, $6, $5, 'open_tender', r.id, 30, true, 'evaluation',
         app_now() - interval '75 days', app_now() - interval '62 days', app_now() - interval '52 days', app_now() - interval '52 days', app_now() - interval '52 days', $7
         FROM procurement_method_rules r WHERE r.method = 'open_tender' ORDER BY r.effective_from DESC LIMIT 1
       RETURNING id, reference`,
      [plan.title, plan.description, plan.serviceStart, plan.serviceEnd, plan.reservationMinor, plan.fundId, cast.officer.userId, plan.purchaserLevel, plan.purchaserName, plan.serviceArea],
    )) as Array<{ id: string; reference: string }>;
    await app.get(FundsService).reserve(m, cast.officer, plan.fundId, plan.reservationMinor, project.id);
    for (const [i, item] of plan.items.entries()) {
      await m.query(`INSERT INTO project_items (project_id, position, item_code, quantity, unit_code, notes) SELECT $1, $2, code, $3, unit_code, $4 FROM catalogue_items WHERE code = $5`, [
        project.id,
        i + 1,
        item.quantity,
        item.notes,
        item.code,
      ]);
    }
    for (const ms of plan.milestones) {
      await m.query(`INSERT INTO project_milestones (project_id, position, name, due_date, deliverables, payment_share_bp) VALUES ($1, $2, $3, $4, $5, $6)`, [
        project.id,
        ms.position,
        ms.name,
        ms.dueDate,
        ms.deliverables,
        ms.shareBp,
      ]);
    }
    // The sealed bids exactly as BidsService.submitBid writes them: a bid, its version 1 sealed under
    // the project's data key (project_keys), the receipt hash of the canonical content, the
    // bid.submitted audit event; then what the opening wrote from them. The deadline trigger on
    // bid_versions checks the project was open: it was, 55 days ago, so for these inserts the
    // project is shown to it as it stood then (published, deadline ahead), checked immediately,
    // and moved to its history (deadline passed, in evaluation) before the transaction ends.
    const sealing = app.get(SealingService);
    const { dataKey } = await sealing.dataKeyForSealing(m, project.id);
    await m.query(`UPDATE projects SET status = 'published', bid_deadline_at = app_now() + interval '1 hour' WHERE id = $1`, [project.id]);
    await m.query(`SET CONSTRAINTS bid_versions_deadline IMMEDIATE`);
    const bidders = plan.bidders.map((b, i) => ({ ...b, rank: i + 1 }));
    const bidIds: string[] = [];
    const opened: Array<{ bidId: string; organisationId: string; priceMinor: number; hash: string; plaintext: string }> = [];
    for (const b of bidders) {
      const [bid] = (await m.query(
        `INSERT INTO bids (project_id, organisation_id, status, current_version, first_submitted_at, last_changed_at)
         VALUES ($1, $2, 'submitted', 1, app_now() - interval '55 days', app_now() - interval '55 days') RETURNING id`,
        [project.id, b.organisationId],
      )) as Array<{ id: string }>;
      bidIds.push(bid.id);
      const content: BidContent = {
        format: BID_CONTENT_FORMAT,
        projectId: project.id,
        organisationId: b.organisationId,
        bidId: bid.id,
        version: 1,
        priceMinor: b.priceMinor,
        currency: 'CNY',
        proposal: b.proposal,
        team: [{ name: '项目主管', role: '项目主管', qualifications: '中级社会工作师' }],
        deliveryPlan: plan.milestones.map((ms) => ({ milestone: ms.position, milestoneName: ms.name, plan: `${ms.name}：${ms.deliverables}。` })),
        attachments: [],
        declaration: { accepted: true, text: translate('zh-CN', 'bidding.declaration.text'), signerName: '法定代表人' },
        nonce: newNonce(),
      };
      const plaintext = canonicalJson(content);
      const hash = receiptHash(plaintext);
      const sealed = sealing.seal(dataKey, plaintext, { projectId: project.id, bidId: bid.id, version: 1 });
      await m.query(
        `INSERT INTO bid_versions (bid_id, version, project_id, kind, sealed_content, iv, auth_tag, receipt_sha256, submitted_at, submitted_by)
         VALUES ($1, 1, $2, 'submission', $3, $4, $5, $6, app_now() - interval '55 days', $7)`,
        [bid.id, project.id, sealed.ciphertext, sealed.iv, sealed.authTag, hash, b.submittedBy],
      );
      await app.get(AuditService).record(
        m,
        { userId: b.submittedBy, roles: ['org_admin'], organisationId: b.organisationId, requestId: 'demo-seed', ip: null },
        {
          action: 'bid.submitted',
          entityType: 'bid',
          entityId: bid.id,
          after: { status: 'submitted', version: 1 },
          details: { projectId: project.id, kind: 'submission', receiptSha256: hash, attachments: 0 },
        },
      );
      opened.push({ bidId: bid.id, organisationId: b.organisationId, priceMinor: b.priceMinor, hash, plaintext });
    }
    await m.query(`SET CONSTRAINTS bid_versions_deadline DEFERRED`);
    // The deadline is the instant the bids were closed and opened (not a second app_now() a few ms later).
    await m.query(`UPDATE projects SET status = 'evaluation', bid_deadline_at = opened_at WHERE id = $1`, [project.id]);
    await m.query(`INSERT INTO bid_openings (project_id, opened_at, opened_by, trigger, bid_count) VALUES ($1, app_now() - interval '52 days', NULL, 'job', $2)`, [project.id, plan.bidders.length]);
    for (const o of opened) {
      await m.query(
        `INSERT INTO opened_bids (bid_id, project_id, organisation_id, version, submitted_at, receipt_sha256, decrypted, price_minor, content)
         VALUES ($1, $2, $3, 1, app_now() - interval '55 days', $4, true, $5, $6::jsonb)`,
        [o.bidId, project.id, o.organisationId, o.hash, o.priceMinor, o.plaintext],
      );
    }

    const [evaluationRow] = (await m.query(
      `INSERT INTO evaluations (project_id, round, status, committee_size, requested_by, created_at, scoring_closed_at, signed_off_at, scoring, price_weight)
       VALUES ($1, 1, 'signed_off', 5, $2, app_now() - interval '50 days', app_now() - interval '46 days', app_now() - interval '45 days', 'comprehensive', 30) RETURNING id`,
      [project.id, cast.officer.userId],
    )) as Array<{ id: string }>;
    const committee: Array<[string, string, boolean]> = [
      [cast.evaluatorIds[0], 'expert', true],
      [cast.evaluatorIds[1], 'expert', false],
      [cast.evaluatorIds[2], 'expert', false],
      [cast.evaluatorIds[3], 'expert', false],
      [cast.representativeId, 'bureau_representative', false],
    ];
    for (const [userId, role, isChair] of committee) {
      await m.query(
        `INSERT INTO committee_members (evaluation_id, user_id, role, is_chair, status, declared_at, declaration_sha256, declaration_text, declaration_signer, signed_off_at)
         SELECT $1, u.id, $2, $3, 'declared', app_now() - interval '49 days', $4, '本人与各投标人无利害关系。', u.display_name, app_now() - interval '45 days' FROM users u WHERE u.id = $5`,
        [evaluationRow.id, role, isChair, randomBytes(32).toString('hex'), userId],
      );
    }
    for (const [i, b] of bidders.entries()) {
      await m.query(`INSERT INTO evaluation_results (evaluation_id, bid_id, organisation_id, price_minor, price_score, technical_score, total_score, rank) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
        evaluationRow.id,
        bidIds[i],
        b.organisationId,
        b.priceMinor,
        storedFraction(b.priceScore),
        storedFraction(b.technicalScore),
        storedFraction(b.totalScore),
        b.rank,
      ]);
    }

    // The award, 30 days before today, with the notice and challenge period the service would have written then.
    const [{ awardedAt, signedOffAt }] = (await m.query(`SELECT app_now() - interval '30 days' AS "awardedAt", signed_off_at AS "signedOffAt" FROM evaluations WHERE id = $1`, [
      evaluationRow.id,
    ])) as Array<{ awardedAt: Date; signedOffAt: Date }>;
    const results = await awards.resultsOf(m, evaluationRow.id);
    const chosen = results.find((r) => r.organisationId === plan.bidders[0].organisationId)!;
    const calendar = await rules.loadCalendar(m, localDateOf(awardedAt));
    const period = resultChallengePeriod(awardedAt, calendar, { noticeWorkingDays: awardsConfig.awardNoticeWorkingDays, challengeWorkingDays: awardsConfig.challengePeriodWorkingDays });
    const [projectRow] = (await m.query(`SELECT reference, title, purchaser_name, method, budget_ceiling_minor, currency FROM projects WHERE id = $1`, [project.id])) as Array<Record<string, string>>;
    const notice = buildAwardNotice({
      project: {
        id: project.id,
        reference: projectRow.reference,
        title: projectRow.title,
        purchaserName: projectRow.purchaser_name,
        method: projectRow.method,
        budgetCeilingMinor: Number(projectRow.budget_ceiling_minor),
        currency: projectRow.currency,
      },
      evaluation: { id: evaluationRow.id, round: 1, signedOffAt: signedOffAt.toISOString() },
      results,
      committee: await awards.committeeOf(m, evaluationRow.id),
      chosen,
      isTopRanked: true,
      deviationReason: null,
      awardedAt,
      challengePeriodEndsAt: period.endsAt,
      challengePeriodWorkingDays: awardsConfig.challengePeriodWorkingDays,
      noticeWorkingDays: awardsConfig.awardNoticeWorkingDays,
    });
    const [{ id: awardId }] = (await m.query(
      `INSERT INTO awards (project_id, evaluation_id, bid_id, organisation_id, price_minor, is_top_ranked, deviation_reason, status,
         awarded_by, awarded_at, challenge_period_ends_at, challenge_period_explanation, notice)
       VALUES ($1, $2, $3, $4, $5, true, NULL, 'active', $6, $7, $8, $9::jsonb, $10::jsonb) RETURNING id`,
      [
        project.id,
        evaluationRow.id,
        chosen.bidId,
        chosen.organisationId,
        chosen.priceMinor,
        cast.approver.userId,
        awardedAt,
        period.endsAt,
        JSON.stringify(period.explanation),
        JSON.stringify(notice),
      ],
    )) as Array<{ id: string }>;
    await m.query(`UPDATE projects SET status = 'awarded', updated_at = now() WHERE id = $1`, [project.id]);
    await app.get(AuditService).record(
      m,
      { ...SYSTEM_ACTOR, roles: ['system:demo-seed'], requestId: 'demo-seed' },
      {
        action: 'demo.procurement_history_written',
        entityType: 'project',
        entityId: project.id,
        after: { status: 'awarded', reference: projectRow.reference, awardId },
        details: {
          note: 'demo seed: publication, bids, opening, evaluation and award of this project written in SQL with past dates; the reservation was journalled by FundsService',
          evaluationId: evaluationRow.id,
          bids: bidIds.length,
          awardedAt: awardedAt.toISOString(),
          challengePeriodEndsAt: period.endsAt.toISOString(),
        },
      },
    );
    return { projectId: project.id, awardId };
  });
}
