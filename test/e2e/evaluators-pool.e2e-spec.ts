import { SYSTEM_ACTOR } from '../../src/audit/actor';
import { calendarDate, yearsBefore } from '../../src/evaluators/domain/conflicts';
import { EvaluatorNotFoundError } from '../../src/evaluators/evaluators.errors';
import { EvaluatorRelationshipsService } from '../../src/evaluators/evaluator-relationships.service';
import { EvaluatorsService } from '../../src/evaluators/evaluators.service';
import { createEvaluator, createOrganisationRow } from '../factories/evaluators';
import { Session, anonymousSession, createUser, signIn, signInAs } from '../factories/users';
import { TestApp, createTestApp } from '../support/test-app';

const LINK = /\/password-reset\/([A-Za-z0-9_-]{20,})/;

async function auditOf(t: TestApp, entityType: string, entityId: string) {
  return t.dataSource.query(`SELECT action, actor_id, summary FROM audit_events WHERE entity_type = $1 AND entity_id = $2 ORDER BY id`, [entityType, entityId]);
}

async function dbNow(t: TestApp): Promise<Date> {
  const [{ now }] = await t.dataSource.query(`SELECT now() AS now`);
  return now;
}

describe('evaluator pool: admin pages', () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof createUser>>;
  let session: Session;

  beforeAll(async () => {
    t = await createTestApp();
    ({ user: admin, session } = await signInAs(t, ['admin']));
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates the evaluator’s account and profile together and shows a one-time link', async () => {
    const form = await session.agent.get('/admin/evaluators/new').expect(200);
    expect(form.text).toContain('value="C01"');
    expect(form.text).toContain('养老服务');

    const res = await session
      .form('/admin/evaluators/new', { email: 'liu.min@scu.edu.cn', displayName: '刘敏', expertise: ['C03', 'C01'], employer: '四川大学公共管理学院', title: '副教授', phone: '028-8541 2000' })
      .expect(200);
    expect(res.headers['cache-control']).toContain('no-store');
    expect(res.text).toContain('评审专家已入库');
    const token = LINK.exec(res.text)![1];

    const [user] = await t.dataSource.query(`SELECT id, roles, must_change_password FROM users WHERE email = 'liu.min@scu.edu.cn'`);
    expect(user.roles).toEqual(['evaluator']);
    expect(user.must_change_password).toBe(true);
    const [profile] = await t.dataSource.query(`SELECT expertise, employer, title, phone, bio, is_active FROM evaluator_profiles WHERE user_id = $1`, [user.id]);
    expect(profile).toEqual({ expertise: ['C01', 'C03'], employer: '四川大学公共管理学院', title: '副教授', phone: '028-8541 2000', bio: null, is_active: true });
    expect((await auditOf(t, 'evaluator_profile', user.id)).map((e: { action: string }) => e.action)).toEqual(['evaluator_profile.created']);

    const page = await session.agent.get(`/admin/evaluators/${user.id}`).expect(200);
    expect(page.text).toContain('刘敏');
    expect(page.text).not.toContain(token);

    // The evaluator sets a password and signs in to their own page.
    const owner = await anonymousSession(t);
    await owner.form(`/password-reset/${token}`, { newPassword: 'Liu-Min-2026ok', confirmPassword: 'Liu-Min-2026ok' }).expect(303);
    const own = await signIn(t, { email: 'liu.min@scu.edu.cn', password: 'Liu-Min-2026ok' });
    const ownPage = await own.agent.get('/evaluator/profile').expect(200);
    expect(ownPage.text).toContain('四川大学公共管理学院');
    expect(ownPage.text).toContain('残疾人服务');
  });

  it('rolls the account back when the profile is refused (a category not in the catalogue)', async () => {
    const before = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_events`);
    const res = await session.form('/admin/evaluators/new', { email: 'ghost.expert@test.example', displayName: '幽灵专家', expertise: ['C01', 'C99'], employer: '某研究院' }).expect(400);
    expect(res.text).toContain('不是服务目录中的类别：C99');
    expect(res.text).toContain('value="幽灵专家"');
    expect(res.text).toContain('value="某研究院"');
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM users WHERE email = 'ghost.expert@test.example'`);
    expect(n).toBe(0);
    expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_events`)).toEqual(before);
  });

  it('asks for expertise and an employer, keeping what was typed', async () => {
    const res = await session.form('/admin/evaluators/new', { email: 'half@test.example', displayName: '半填', employer: '', phone: 'call me' }).expect(400);
    expect(res.text).toContain('请至少选择一个专业领域');
    expect(res.text).toContain('请填写工作单位');
    expect(res.text).toContain('请填写有效的电话号码');
    expect(res.text).toContain('value="half@test.example"');
  });

  it('lists the pool with expertise, employer, status and open relationships, filtered by category', async () => {
    const elderly = await createEvaluator(t, { displayName: '吴养老', expertise: ['C01'], employer: '成都市老龄事业发展基金会' });
    const youth = await createEvaluator(t, { displayName: '郑青少', expertise: ['C02'], employer: '四川省青少年研究所' });
    const organisation = await createOrganisationRow(t);
    await t.app.get(EvaluatorRelationshipsService).addRelationship({ ...SYSTEM_ACTOR, userId: admin.id }, elderly.id, { organisationId: organisation.id, kind: 'employment', startedOn: '2020-01-01' });

    const all = await session.agent.get('/admin/evaluators').expect(200);
    const row = new RegExp(`data-evaluator-id="${elderly.id}"[\\s\\S]*?</tr>`).exec(all.text)![0];
    expect(row).toContain('养老服务');
    expect(row).toContain('成都市老龄事业发展基金会');
    expect(row).toContain('在库');
    expect(row).toMatch(/data-testid="open-relationships">1</);

    const filtered = await session.agent.get('/admin/evaluators?category=C02').expect(200);
    expect(filtered.text).toContain('郑青少');
    expect(filtered.text).not.toContain('吴养老');
    expect(filtered.text).toContain(youth.email);
    await session.agent.get('/admin/evaluators?category=elderly').expect(400);
  });

  it('edits the profile and takes the evaluator out of the pool without touching the account', async () => {
    const evaluator = await createEvaluator(t, { expertise: ['C01'], employer: '旧单位' });
    await session.form(`/admin/evaluators/${evaluator.id}/profile`, { expertise: ['C01', 'C04'], employer: '新单位', title: '高级社会工作师', phone: '', bio: '' }).expect(303);
    const [event] = await auditOf(t, 'evaluator_profile', evaluator.id);
    expect(event).toMatchObject({
      action: 'evaluator_profile.updated',
      actor_id: admin.id,
      summary: { before: { expertise: ['C01'], employer: '旧单位', title: null }, after: { expertise: ['C01', 'C04'], employer: '新单位', title: '高级社会工作师' } },
    });

    const bad = await session.form(`/admin/evaluators/${evaluator.id}/profile`, { employer: '新单位' }).expect(400);
    expect(bad.text).toContain('请至少选择一个专业领域');
    expect(bad.text).toContain('value="新单位"');

    const res = await session.form(`/admin/evaluators/${evaluator.id}/deactivate`).expect(303);
    expect((await session.agent.get(res.headers.location).expect(200)).text).toContain('已暂停抽取该专家');
    const [row] = await t.dataSource.query(`SELECT p.is_active AS in_pool, u.is_active AS account FROM evaluator_profiles p JOIN users u ON u.id = p.user_id WHERE p.user_id = $1`, [evaluator.id]);
    expect(row).toEqual({ in_pool: false, account: true });
    await signIn(t, evaluator);
    await session.form(`/admin/evaluators/${evaluator.id}/reactivate`).expect(303);
    expect((await auditOf(t, 'evaluator_profile', evaluator.id)).map((e: { action: string }) => e.action)).toEqual([
      'evaluator_profile.updated',
      'evaluator_profile.deactivated',
      'evaluator_profile.reactivated',
    ]);
  });

  it('makes the missing profile of an account given the evaluator role on the accounts page', async () => {
    const officer = await createUser(t, { roles: ['bureau_officer', 'evaluator'], displayName: '褚兼任' });
    const list = await session.agent.get('/admin/evaluators').expect(200);
    expect(list.text).toMatch(new RegExp(`data-testid="without-profile"[\\s\\S]*href="/admin/evaluators/${officer.id}"`));
    const page = await session.agent.get(`/admin/evaluators/${officer.id}`).expect(200);
    expect(page.text).toContain('data-testid="needs-profile"');
    expect((await t.app.get(EvaluatorsService).listActiveEvaluators({ categories: ['C06'] })).map((e) => e.userId)).not.toContain(officer.id);

    await session.form(`/admin/evaluators/${officer.id}/profile`, { expertise: ['C06'], employer: '武侯区文化馆' }).expect(303);
    expect((await t.app.get(EvaluatorsService).listActiveEvaluators({ categories: ['C06'] })).map((e) => e.userId)).toContain(officer.id);
    expect((await auditOf(t, 'evaluator_profile', officer.id)).map((e: { action: string }) => e.action)).toEqual(['evaluator_profile.created']);

    // Not for accounts without the role.
    const auditor = await createUser(t, { roles: ['auditor'] });
    await session.agent.get(`/admin/evaluators/${auditor.id}`).expect(404);
    await session.form(`/admin/evaluators/${auditor.id}/profile`, { expertise: ['C06'], employer: '某单位' }).expect(404);
  });

  it('records and ends relationships, with audit events, and never deletes one', async () => {
    const evaluator = await createEvaluator(t);
    const organisation = await createOrganisationRow(t, { nameZh: '锦江区阳光家庭服务中心' });

    const draft = await createOrganisationRow(t, { nameZh: '尚未提交的草稿组织', status: 'draft' });

    const page = await session.agent.get(`/admin/evaluators/${evaluator.id}`).expect(200);
    expect(page.text).toContain(`锦江区阳光家庭服务中心（${organisation.creditCode}）`);
    expect(page.text).not.toContain('尚未提交的草稿组织');
    await session.form(`/admin/evaluators/${evaluator.id}/relationships`, { organisationId: draft.id, kind: 'employment', startedOn: '2021-03-01' }).expect(400);

    await session.form(`/admin/evaluators/${evaluator.id}/relationships`, { organisationId: organisation.id, kind: 'directorship', startedOn: '2021-03-01', note: '理事' }).expect(303);
    const [rel] = await t.dataSource.query(`SELECT id, declared_by, ended_on FROM evaluator_relationships WHERE evaluator_id = $1`, [evaluator.id]);
    expect(rel).toMatchObject({ declared_by: admin.id, ended_on: null });
    const duplicate = await session.form(`/admin/evaluators/${evaluator.id}/relationships`, { organisationId: organisation.id, kind: 'directorship', startedOn: '2022-01-01' }).expect(400);
    expect(duplicate.text).toContain('与该组织的同类关系已登记且尚未结束');

    const early = await session.form(`/admin/evaluators/${evaluator.id}/relationships/${rel.id}/end`, { endedOn: '2021-02-28' }).expect(400);
    expect(early.text).toMatch(new RegExp(`id="f-endedOn-${rel.id}-error">结束日期不能早于开始日期`));
    expect(early.text).toMatch(/<details class="confirm" open>/);
    const late = await session.form(`/admin/evaluators/${evaluator.id}/relationships/${rel.id}/end`, { endedOn: '2999-01-01' }).expect(400);
    expect(late.text).toContain('结束日期不能晚于今天');

    await session.form(`/admin/evaluators/${evaluator.id}/relationships/${rel.id}/end`, { endedOn: '2024-06-30' }).expect(303);
    const shown = await session.agent.get(`/admin/evaluators/${evaluator.id}`).expect(200);
    expect(shown.text).toContain('至 2024-06-30');
    expect(shown.text).toContain('须回避至 2027-06-30');
    await session.form(`/admin/evaluators/${evaluator.id}/relationships/${rel.id}/end`, { endedOn: '2024-07-01' }).expect(409);

    expect(await auditOf(t, 'evaluator_relationship', rel.id)).toMatchObject([
      { action: 'evaluator_relationship.declared', actor_id: admin.id, summary: { after: { kind: 'directorship', startedOn: '2021-03-01' } } },
      { action: 'evaluator_relationship.ended', actor_id: admin.id, summary: { before: { endedOn: null }, after: { endedOn: '2024-06-30' } } },
    ]);

    await expect(t.dataSource.query(`DELETE FROM evaluator_relationships WHERE id = $1`, [rel.id])).rejects.toThrow(/never deleted/);
    await expect(t.dataSource.query(`UPDATE evaluator_relationships SET ended_on = NULL WHERE id = $1`, [rel.id])).rejects.toThrow(/only be ended, once/);
  });

  it('refuses an unknown organisation and a missing note for "other"', async () => {
    const evaluator = await createEvaluator(t);
    const organisation = await createOrganisationRow(t);
    const unknown = await session
      .form(`/admin/evaluators/${evaluator.id}/relationships`, { organisationId: '00000000-0000-4000-8000-000000000000', kind: 'employment', startedOn: '2021-03-01' })
      .expect(400);
    expect(unknown.text).toContain('找不到该社会组织');
    const other = await session.form(`/admin/evaluators/${evaluator.id}/relationships`, { organisationId: organisation.id, kind: 'other', startedOn: '2021-02-30' }).expect(400);
    expect(other.text).toContain('请说明是什么关系');
    expect(other.text).toContain('请填写有效日期');
  });
});

describe('evaluator pool: the evaluator’s own page', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('lets an evaluator declare a relationship of their own, but not end it', async () => {
    const evaluator = await createEvaluator(t, { expertise: ['C01', 'C05'], displayName: '冯专家' });
    const organisation = await createOrganisationRow(t, { nameZh: '武侯区助残服务社' });
    const session = await signIn(t, evaluator);

    const dashboard = await session.agent.get('/dashboard').expect(200);
    expect(dashboard.text).toContain('养老服务');
    expect(dashboard.text).toContain('未结束的利害关系：0 项');
    expect(dashboard.text).toContain('href="/evaluator/profile#declare"');

    const page = await session.agent.get('/evaluator/profile').expect(200);
    expect(page.text).toContain('申报利害关系');
    expect(page.text).not.toContain('data-testid="end-relationship"');

    const missing = await session.form('/evaluator/profile/relationships', { organisationId: organisation.id, kind: 'other', startedOn: '2022-05-01' }).expect(400);
    expect(missing.text).toContain('请说明是什么关系');
    expect(missing.text).toMatch(/<option value="other" selected>/);

    const res = await session
      .form('/evaluator/profile/relationships', { organisationId: organisation.id, kind: 'close_relative_of_legal_representative', startedOn: '2015-09-01', note: '配偶为法定代表人' })
      .expect(303);
    expect(res.headers.location).toBe('/evaluator/profile#relationships');
    const [rel] = await t.dataSource.query(`SELECT id, declared_by FROM evaluator_relationships WHERE evaluator_id = $1`, [evaluator.id]);
    expect(rel.declared_by).toBe(evaluator.id);
    const [event] = await auditOf(t, 'evaluator_relationship', rel.id);
    expect(event).toMatchObject({ action: 'evaluator_relationship.declared', actor_id: evaluator.id, summary: { details: { selfDeclared: true } } });

    const after = await session.agent.get('/evaluator/profile').expect(200);
    expect(after.text).toContain('武侯区助残服务社');
    expect(after.text).toContain('专家本人申报');
    expect((await session.agent.get('/dashboard').expect(200)).text).toContain('未结束的利害关系：1 项');

    // Ending (or anything else on the admin pages) is not for the evaluator.
    await session.form(`/admin/evaluators/${evaluator.id}/relationships/${rel.id}/end`, { endedOn: '2020-01-01' }).expect(403);
    const [still] = await t.dataSource.query(`SELECT ended_on FROM evaluator_relationships WHERE id = $1`, [rel.id]);
    expect(still.ended_on).toBeNull();
  });

  it('tells an evaluator without a profile to contact the administrator', async () => {
    const { session } = await signInAs(t, ['evaluator']);
    const page = await session.agent.get('/evaluator/profile').expect(200);
    expect(page.text).toContain('data-testid="no-profile"');
    const res = await session.form('/evaluator/profile/relationships', { organisationId: (await createOrganisationRow(t)).id, kind: 'employment', startedOn: '2020-01-01' }).expect(404);
    expect(res.text).not.toContain('Internal');
  });

  it('is for evaluators only', async () => {
    for (const roles of [['admin'], ['bureau_officer'], ['auditor']]) {
      const { session } = await signInAs(t, roles);
      await session.agent.get('/evaluator/profile').expect(403);
      await session.form('/evaluator/profile/relationships', {}).expect(403);
    }
    const anonymous = await t.http().get('/evaluator/profile').set('Accept', 'text/html').expect(303);
    expect(anonymous.headers.location).toBe('/login?next=%2Fevaluator%2Fprofile');
  });
});

describe('evaluator pool: what later modules call', () => {
  let t: TestApp;
  let evaluators: EvaluatorsService;
  let relationships: EvaluatorRelationshipsService;
  const actor = SYSTEM_ACTOR;

  beforeAll(async () => {
    t = await createTestApp();
    evaluators = t.app.get(EvaluatorsService);
    relationships = t.app.get(EvaluatorRelationshipsService);
  });
  afterAll(async () => {
    await t.close();
  });

  it('finds conflicts that overlap the three years before a date, against real rows', async () => {
    const [a, b] = [await createEvaluator(t), await createEvaluator(t)];
    const [x, y, z] = [await createOrganisationRow(t), await createOrganisationRow(t), await createOrganisationRow(t)];
    const asOf = await dbNow(t);
    const today = calendarDate(asOf);
    const threeYearsAgo = yearsBefore(today, 3);
    const dayBefore = calendarDate(new Date(Date.parse(`${threeYearsAgo}T12:00:00+08:00`) - 86_400_000));

    const declare = async (evaluatorId: string, organisationId: string, kind: string, startedOn: string, endedOn?: string) => {
      const rel = await relationships.addRelationship(actor, evaluatorId, { organisationId, kind, startedOn });
      if (endedOn) await relationships.endRelationship(actor, evaluatorId, rel.relationshipId, endedOn);
      return rel.relationshipId;
    };
    const open = await declare(a.id, x.id, 'employment', '2019-01-01');
    const endedExactly = await declare(a.id, y.id, 'directorship', '2015-01-01', threeYearsAgo);
    const endedDayBefore = await declare(b.id, x.id, 'directorship', '2015-01-01', dayBefore);
    const future = await declare(b.id, y.id, 'employment', yearsBefore(today, -1));
    const otherOrganisation = await declare(b.id, z.id, 'employment', '2020-01-01');

    const found = await evaluators.conflictsFor([a.id, b.id], [x.id, y.id], asOf);
    expect(found.map((c) => c.relationshipId).sort()).toEqual([open, endedExactly, future].sort());
    expect(found.find((c) => c.relationshipId === endedExactly)).toMatchObject({ evaluatorId: a.id, organisationId: y.id, kind: 'directorship', endedOn: threeYearsAgo });
    expect(found.map((c) => c.relationshipId)).not.toContain(endedDayBefore);
    expect(found.map((c) => c.relationshipId)).not.toContain(otherOrganisation);

    // A day earlier, the relationship that ended three years and a day ago was still within the window.
    const yesterday = new Date(asOf.getTime() - 86_400_000);
    expect((await evaluators.conflictsFor([b.id], [x.id], yesterday)).map((c) => c.relationshipId)).toEqual([endedDayBefore]);
    expect(await evaluators.conflictsFor([], [x.id], asOf)).toEqual([]);
    expect(await evaluators.conflictsFor([a.id, 'not-a-uuid'], [x.id], asOf)).toHaveLength(1);
  });

  it('lists the evaluators who may be drawn for some categories', async () => {
    const elderly = await createEvaluator(t, { expertise: ['C01', 'C02'] });
    const disability = await createEvaluator(t, { expertise: ['C03'] });
    const paused = await createEvaluator(t, { expertise: ['C01'], isActive: false });
    const deactivated = await createEvaluator(t, { expertise: ['C01'] });
    await t.dataSource.query(`UPDATE users SET is_active = false WHERE id = $1`, [deactivated.id]);
    const noLongerEvaluator = await createEvaluator(t, { expertise: ['C01'] });
    await t.dataSource.query(`UPDATE users SET roles = '{auditor}' WHERE id = $1`, [noLongerEvaluator.id]);

    const ids = async (categories?: string[]) => (await evaluators.listActiveEvaluators(categories ? { categories } : {})).map((e) => e.userId);
    const forElderly = await ids(['C01']);
    expect(forElderly).toContain(elderly.id);
    expect(forElderly).not.toContain(disability.id);
    for (const excluded of [paused.id, deactivated.id, noLongerEvaluator.id]) expect(forElderly).not.toContain(excluded);
    expect(await ids(['C02', 'C03'])).toEqual(expect.arrayContaining([elderly.id, disability.id]));
    expect(await ids()).toEqual(expect.arrayContaining([elderly.id, disability.id]));
    expect(await ids([])).toEqual([]);

    const [view] = (await evaluators.listActiveEvaluators({ categories: ['C03'] })).filter((e) => e.userId === disability.id);
    expect(view).toMatchObject({ expertise: ['C03'], employer: '四川大学公共管理学院', isActive: true, isAccountActive: true });
  });

  it('gets one profile, and refuses an unknown one', async () => {
    const evaluator = await createEvaluator(t, { expertise: ['C04'], employer: '西南财经大学' });
    await expect(evaluators.getProfile(evaluator.id)).resolves.toMatchObject({ userId: evaluator.id, expertise: ['C04'], employer: '西南财经大学' });
    await expect(evaluators.getProfile('00000000-0000-4000-8000-000000000000')).rejects.toThrow(EvaluatorNotFoundError);
    await expect(evaluators.getProfile('nonsense')).rejects.toThrow(EvaluatorNotFoundError);
  });
});
