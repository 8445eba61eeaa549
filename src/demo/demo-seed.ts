import { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor, SYSTEM_ACTOR } from '../audit/actor';
import { computeCheckCharacter } from '../common/validation/credit-code';
import { EvaluatorProfilesService } from '../evaluators/evaluator-profiles.service';
import { EvaluatorRelationshipsService } from '../evaluators/evaluator-relationships.service';
import { IdentityService, SessionUser } from '../identity/identity.service';
import { OrganisationStatus } from '../organisations/organisation.entity';
import { OrganisationsService, RegistrationInput } from '../organisations/organisations.service';
import { VettingService } from '../organisations/vetting.service';
import { Clock } from '../common/clock/clock';
import { addDays, atSameLocalTime, localDateOf, localDateTimeOf } from '../procurement/domain/local-time';
import { nextWorkingDay } from '../procurement/domain/working-days';
import { ProcurementRulesService } from '../procurement/procurement-rules.service';
import { enterDemoCalendar } from './demo-calendar';
import { FundsService } from '../procurement/funds.service';
import { ProjectsService } from '../procurement/projects.service';
import { assertDemoDatesAgree } from './demo-dates';
import { seedDemoContracts } from './demo-contract';

/**
 * A believable demo district (武侯示范区), created through the same services the pages use, so
 * every record has its audit trail. Demo mode only: these accounts share one known password.
 */
export const DEMO_PASSWORD = 'Demo-2026-pass';
export const DEMO_MARKER_EMAIL = 'admin@demo.example';

export const DEMO_STAFF = [
  { email: 'admin@demo.example', displayName: '系统管理员 周敏', roles: ['admin'] },
  { email: 'officer@demo.example', displayName: '采购经办 李娜', roles: ['bureau_officer'] },
  { email: 'officer2@demo.example', displayName: '采购经办 陈伟', roles: ['bureau_officer'] },
  { email: 'approver@demo.example', displayName: '审批人 王强', roles: ['bureau_approver'] },
  { email: 'approver2@demo.example', displayName: '审批人 刘洋', roles: ['bureau_approver'] },
  { email: 'auditor@demo.example', displayName: '审计 赵静', roles: ['auditor'] },
  { email: 'finance@demo.example', displayName: '区财政局采购监督科 黄磊', roles: ['finance_supervisor'] },
];

export const DEMO_EVALUATORS = [
  { email: 'expert1@demo.example', displayName: '评审专家 孙立', expertise: ['C01', 'C05'], employer: '四川大学公共管理学院', title: '副教授' },
  { email: 'expert2@demo.example', displayName: '评审专家 吴芳', expertise: ['C01', 'C02', 'C04'], employer: '成都市社会工作者协会', title: '高级社会工作师' },
  { email: 'expert3@demo.example', displayName: '评审专家 郑浩', expertise: ['C01', 'C03', 'C07'], employer: '西南财经大学社会发展研究院', title: '研究员' },
  { email: 'expert4@demo.example', displayName: '评审专家 冯洁', expertise: ['C01', 'C06', 'C08'], employer: '四川省社会组织评估中心', title: '评估师' },
  { email: 'expert5@demo.example', displayName: '评审专家 何军', expertise: ['C01', 'C02', 'C09'], employer: '武侯区律师协会', title: '律师' },
];

interface DemoOrganisation {
  nameZh: string;
  email: string;
  contact: string;
  categories: string[];
  grade: RegistrationInput['evaluationGrade'];
  socialWorkers: number;
  target: OrganisationStatus;
  reason?: string;
  track?: RegistrationInput['registrationTrack'];
}

export const DEMO_ORGANISATIONS: DemoOrganisation[] = [
  { nameZh: '武侯区乐龄社会工作服务中心', email: 'leling@demo.example', contact: '张慧', categories: ['C01', 'C05'], grade: '4A', socialWorkers: 12, target: 'approved' },
  { nameZh: '成都市同心社区发展中心', email: 'tongxin@demo.example', contact: '黄磊', categories: ['C01', 'C07', 'C02'], grade: '3A', socialWorkers: 8, target: 'approved' },
  { nameZh: '武侯区阳光儿童成长服务中心', email: 'yangguang@demo.example', contact: '林晓', categories: ['C02', 'C06'], grade: '3A', socialWorkers: 6, target: 'approved' },
  { nameZh: '武侯区和事佬人民调解服务社', email: 'heshilao@demo.example', contact: '杨帆', categories: ['C08', 'C07', 'C01'], grade: '2A', socialWorkers: 4, target: 'approved' },
  { nameZh: '武侯区安心助残服务中心', email: 'anxin@demo.example', contact: '罗丹', categories: ['C03', 'C05'], grade: 'none', socialWorkers: 3, target: 'submitted' },
  {
    nameZh: '玉林社区邻里互助会',
    email: 'yulin@demo.example',
    contact: '徐明',
    categories: ['C07', 'C09'],
    grade: 'none',
    socialWorkers: 1,
    target: 'needs_changes',
    track: 'filed',
    reason: '请补充章程扫描件，并核对注册资本与登记证书是否一致。',
  },
  { nameZh: '武侯区新青年社会服务社', email: 'xinqingnian@demo.example', contact: '高远', categories: ['C02'], grade: 'none', socialWorkers: 2, target: 'draft' },
  {
    nameZh: '武侯区康宁养老服务中心',
    email: 'kangning@demo.example',
    contact: '宋佳',
    categories: ['C01'],
    grade: '2A',
    socialWorkers: 5,
    target: 'suspended',
    reason: '年度检查未按期提交，暂停投标资格至补交年检材料。',
  },
];

/** A 1×1 PNG: the demo's stand-in for a scanned registration certificate. */
const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

function demoCreditCode(index: number): string {
  // 5 = civil affairs, 2 = social service agency, 510107 = Wuhou district, then an organisation code.
  const first17 = `52510107MJ${String(index + 1).padStart(7, '0')}`;
  return first17 + computeCheckCharacter(first17);
}

function actorFor(user: { id: string; roles: string[]; organisationId: string | null }): Actor {
  return { userId: user.id, roles: user.roles, organisationId: user.organisationId, requestId: 'demo-seed', ip: null };
}

export async function seedDemo(app: INestApplicationContext, log: (message: string) => void = () => undefined): Promise<boolean> {
  const dataSource = app.get(DataSource);
  const [{ exists }] = (await dataSource.query(`SELECT EXISTS (SELECT 1 FROM users WHERE email = $1) AS exists`, [DEMO_MARKER_EMAIL])) as { exists: boolean }[];
  if (exists) {
    log('demo district already present');
    return false;
  }
  const identity = app.get(IdentityService);
  const system: Actor = { ...SYSTEM_ACTOR, roles: ['system:demo-seed'], requestId: 'demo-seed' };

  const staff = new Map<string, SessionUser & { id: string }>();
  for (const s of DEMO_STAFF) {
    const user = await dataSource.transaction((m) => identity.createUser(m, system, { ...s, password: DEMO_PASSWORD }));
    staff.set(s.email, { ...user, mustChangePassword: false });
  }
  const officer = actorFor(staff.get('officer@demo.example')!);
  const admin = actorFor(staff.get('admin@demo.example')!);
  // Periods reach next year: the admin enters a (clearly labelled) demo arrangement for it.
  const demoYears = await enterDemoCalendar(app, admin);

  const evaluators = app.get(EvaluatorProfilesService);
  const evaluatorIds: string[] = [];
  for (const e of DEMO_EVALUATORS) {
    const link = await evaluators.createEvaluator(admin, { email: e.email, displayName: e.displayName, expertise: e.expertise, employer: e.employer, title: e.title });
    await identity.resetPassword(system, link.token, DEMO_PASSWORD);
    evaluatorIds.push(link.userId);
  }

  const organisations = app.get(OrganisationsService);
  const vetting = app.get(VettingService);
  const orgIds: string[] = [];
  const orgAdmins: Actor[] = [];
  for (const [i, o] of DEMO_ORGANISATIONS.entries()) {
    const track = o.track ?? 'registered';
    const { organisation, user } = await organisations.register(
      { ...SYSTEM_ACTOR, roles: ['anonymous'], requestId: 'demo-seed' },
      {
        nameZh: o.nameZh,
        creditCode: demoCreditCode(i),
        registrationTrack: track,
        registeringAuthority: track === 'registered' ? '成都市武侯区民政局' : '玉林街道办事处',
        legalRepresentative: o.contact,
        contactPerson: o.contact,
        contactPhone: `028-8555${String(1000 + i)}`,
        subDistrict: ['玉林街道', '浆洗街街道', '望江路街道', '簇桥街道'][i % 4],
        community: ['玉林北路社区', '锦里社区', '望江社区', '七里社区'][i % 4],
        streetAddress: `武侯区示范路 ${10 + i} 号`,
        foundedOn: `20${String(10 + i).padStart(2, '0')}-0${(i % 9) + 1}-15`,
        registeredCapitalYuan: String(30000 + i * 10000),
        organisationType: track === 'filed' ? 'community_organisation' : 'social_service_agency',
        serviceCategories: o.categories,
        staffCount: o.socialWorkers + 6,
        socialWorkerCount: o.socialWorkers,
        evaluationGrade: o.grade,
        email: o.email,
        displayName: `${o.contact}（${o.nameZh.slice(0, 6)}）`,
        password: DEMO_PASSWORD,
      },
    );
    orgIds.push(organisation.id);
    const member = actorFor(user);
    orgAdmins.push(member);
    if (o.target === 'draft') continue;
    await organisations.uploadOwnDocument(member, { kind: 'registration_certificate', originalName: '登记证书.png', buffer: TINY_PNG });
    await organisations.submitOwn(member);
    if (o.target === 'submitted') continue;
    if (o.target === 'needs_changes') {
      await vetting.decide(officer, organisation.id, { decision: 'request_changes', expectedStatus: 'submitted', reason: o.reason });
      continue;
    }
    await vetting.decide(officer, organisation.id, { decision: 'approve', expectedStatus: 'submitted', reason: '材料齐全，同意入库。' });
    if (o.target === 'suspended') await vetting.decide(officer, organisation.id, { decision: 'suspend', expectedStatus: 'approved', reason: o.reason });
  }

  // An honest expert's declared conflict: excluded later from any draw where this organisation bids.
  await app.get(EvaluatorRelationshipsService).addRelationship(admin, evaluatorIds[4], { organisationId: orgIds[1], kind: 'directorship', startedOn: '2024-03-01', note: '曾任该机构理事' });

  const funds = app.get(FundsService);
  const elderly = await funds.create(officer, { name: '2026年度社区养老服务专项资金', fiscalYear: '2026', ownerLevel: 'district', ownerUnit: '武侯区民政局', total: '2000000' });
  const governance = await funds.create(officer, { name: '2026年度社区治理与居民参与专项资金', fiscalYear: '2026', ownerLevel: 'sub_district', ownerUnit: '玉林街道办事处', total: '500000' });

  const projects = app.get(ProjectsService);
  const now = await app.get(Clock).now(dataSource.manager);
  const calendar = await app.get(ProcurementRulesService).loadCalendar(dataSource.manager, localDateOf(now));
  // The deadline (and opening) on a working day, 25 days out or the next working day after.
  const plainDeadline = new Date(now.getTime() + 25 * 86_400_000);
  const bidDeadline = atSameLocalTime(plainDeadline, nextWorkingDay(localDateOf(plainDeadline), calendar));
  const start = addDays(localDateOf(now), 45);
  const end = addDays(start, 330);
  const draft = await projects.createDraft(officer, {
    purchaserLevel: 'district',
    purchaserName: '武侯区民政局',
    title: '2027年度武侯区社区老年助餐服务项目',
    description: '为辖区60周岁以上老年人，特别是高龄、独居和经济困难老人，提供社区食堂堂食与送餐上门服务，建立用餐台账并开展满意度回访。',
    serviceArea: '玉林北路社区、锦里社区、望江社区',
    serviceStart: start,
    serviceEnd: end,
    longPeriodJustification: '',
    budgetCeiling: '360000',
    fundId: elderly.id,
    reservation: '360000',
    method: 'open_tender',
    invitedOrganisationId: '',
    eligibilityCategories: true,
    eligibilityMinSocialWorkers: '3',
    eligibilityMinGrade: '',
    priceWeight: '30',
    items: [
      { code: 'C01-004', quantity: '20000', notes: '堂食与送餐合计' },
      { code: 'C01-002', quantity: '3000', notes: '高龄独居老人探访' },
    ],
    criteria: [
      { name: '服务方案', description: '需求分析、服务流程、食品安全与质量控制', weight: '35' },
      { name: '团队配置', description: '项目团队的专业背景、持证社工与分工', weight: '20' },
      { name: '项目经验', description: '近三年同类社区服务项目的执行情况', weight: '15' },
    ],
    milestones: [
      { name: '启动与建档', dueDate: addDays(start, 60), deliverables: '服务对象档案、配餐方案、送餐路线', share: '30' },
      { name: '中期评估', dueDate: addDays(start, 200), deliverables: '服务记录、满意度调查、中期报告', share: '40' },
      { name: '结项验收', dueDate: end, deliverables: '结项报告、财务报告、服务对象回访', share: '30' },
    ],
    questionDeadline: localDateTimeOf(new Date(now.getTime() + 10 * 86_400_000)),
    bidDeadline: localDateTimeOf(bidDeadline),
  });
  await projects.publish(officer, draft.id);

  // Issue 6: two contracts in delivery, one paid milestone and one waiting for approval (see demo-contract.ts).
  await seedDemoContracts(app, {
    officer,
    officer2: actorFor(staff.get('officer2@demo.example')!),
    approver: actorFor(staff.get('approver@demo.example')!),
    representativeId: staff.get('approver2@demo.example')!.id,
    evaluatorIds,
    elderlyFundId: elderly.id,
    governanceFundId: governance.id,
    leling: { organisationId: orgIds[0], admin: orgAdmins[0] },
    tongxin: { organisationId: orgIds[1], admin: orgAdmins[1] },
    heshilao: { organisationId: orgIds[3], admin: orgAdmins[3] },
  });
  // Issue 11: no milestone due before its contract takes effect, no record before the service began.
  await assertDemoDatesAgree(dataSource);
  log(
    `demo district created: ${DEMO_STAFF.length} staff, ${DEMO_EVALUATORS.length} evaluators, ${DEMO_ORGANISATIONS.length} organisations, 2 funds, 1 published project, ` +
      '2 contracts in delivery (one tranche paid, one awaiting approval)' +
      (demoYears.length ? `; DEMO holiday arrangement (not an official notice) entered for ${demoYears.join(', ')}` : ''),
  );
  return true;
}
