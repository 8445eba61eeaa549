import { createEvaluatorPool } from '../factories/evaluation';
import { enterCalendarYears } from '../support/calendar';
import { fieldErrorsIn } from '../factories/procurement';
import { awardProject, createEvaluatedProject, createOfficer, fileChallenge, signInAsUser } from '../factories/awards';
import { createUser } from '../factories/users';
import { TestApp, createTestApp } from '../support/test-app';

const GROUNDS = '评审委员会成员王某与成交供应商存在利害关系未回避，且“人员配置”评分明显违背招标文件第四章规定。';
const ANSWER = '经核查，评审委员会成员未按规定回避，评分存在错误，质疑成立，重新组建评审委员会评审。';

describe('a re-run after an upheld challenge (财政部令第87号 第六十七条) and the representative screened like the experts', () => {
  let t: TestApp;
  jest.setTimeout(120_000);
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
    // Challenge, answer and complaint periods reach next year whenever the suite runs late in a year.
    await enterCalendarYears(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('excludes the members found at fault from the new committee, representative included, in the draw and in the database', async () => {
    const project = await createEvaluatedProject(t);
    // The expert found at fault is in the pool (a profile in the project's field), so only the exclusion keeps them out.
    const [atFault, innocent] = project.experts;
    for (const e of [atFault, innocent]) await t.dataSource.query(`INSERT INTO evaluator_profiles (user_id, expertise, employer, is_active) VALUES ($1, '{C01}', '四川大学', true)`, [e.id]);
    await createEvaluatorPool(t, 5, { prefix: '重评' });
    const award = await awardProject(t, project);
    const loser = project.bidders.find((b) => b.rank === 2)!;
    await fileChallenge(await signInAsUser(t, loser.member), award.id, GROUNDS).expect(303);
    const [challenge] = await t.dataSource.query(`SELECT id FROM challenges WHERE award_id = $1`, [award.id]);

    const officer = await signInAsUser(t, await createOfficer(t));
    const page = await officer.agent.get(`/staff/challenges/${challenge.id}`).expect(200);
    expect(page.text).toContain('data-testid="faulted-members"');
    expect(page.text).toContain(atFault.displayName);
    expect(page.text).toContain(project.representative.displayName);
    // Naming members at fault without a re-run is refused, with every field's message and the input kept.
    const bad = await officer.form(`/staff/challenges/${challenge.id}/answer`, { decision: 'dismiss', answer: ANSWER, faultedMemberIds: atFault.id }).expect(400);
    expect(fieldErrorsIn(bad.text)).toContain('请选择一项');
    expect(bad.text).toContain(ANSWER);
    await officer
      .form(`/staff/challenges/${challenge.id}/answer`, { decision: 'uphold', outcome: 'rerun_evaluation', answer: ANSWER, faultedMemberIds: [atFault.id, project.representative.id] })
      .expect(303);
    const exclusions = await t.dataSource.query(`SELECT user_id, evaluation_id FROM committee_exclusions WHERE project_id = $1 ORDER BY user_id`, [project.id]);
    expect(exclusions.map((x: { user_id: string }) => x.user_id).sort()).toEqual([atFault.id, project.representative.id].sort());
    expect(exclusions.every((x: { evaluation_id: string }) => x.evaluation_id === project.evaluationId)).toBe(true);

    // The officer requests the new committee: the representative found at fault is refused, by name of the rule.
    const requester = await signInAsUser(t, project.officer);
    const refused = await requester.form(`/staff/projects/${project.id}/committee`, { representativeId: project.representative.id }).expect(400);
    expect(fieldErrorsIn(refused.text)).toContain('该人员在本项目此前的评审中被认定存在过错，不得参加重新组建的评审委员会（财政部令第87号第六十七条）');
    const res = await requester.form(`/staff/projects/${project.id}/committee`, { representativeId: '' }).expect(303);
    const evaluationId = /([0-9a-f-]{36})$/.exec(res.headers.location)![1];
    const [round] = await t.dataSource.query(`SELECT round FROM evaluations WHERE id = $1`, [evaluationId]);
    expect(round.round).toBe(2);
    const members = (await t.dataSource.query(`SELECT user_id FROM committee_members WHERE evaluation_id = $1`, [evaluationId])).map((r: { user_id: string }) => r.user_id);
    expect(members).toHaveLength(5);
    expect(members).not.toContain(atFault.id);
    const [draw] = await t.dataSource.query(`SELECT pool, excluded FROM committee_draws WHERE evaluation_id = $1`, [evaluationId]);
    expect(draw.pool).not.toContain(atFault.id);
    expect(draw.pool).toContain(innocent.id);
    expect(draw.excluded).toEqual(expect.arrayContaining([expect.objectContaining({ userId: atFault.id, reason: 'found_at_fault' })]));
    // The database refuses seating them however the insert is reached.
    await expect(
      t.dataSource.query(`INSERT INTO committee_members (evaluation_id, user_id, role, status) VALUES ($1, $2, 'bureau_representative', 'drawn')`, [evaluationId, project.representative.id]),
    ).rejects.toThrow(/found at fault/);
    await expect(t.dataSource.query(`UPDATE committee_exclusions SET reason = 'x' WHERE project_id = $1`, [project.id])).rejects.toThrow(/never changed/);
  });

  it('refuses a bureau representative with a relationship to any bidder, naming the bidder', async () => {
    const project = await createEvaluatedProject(t, { evaluationStatus: 'signed_off' });
    await createEvaluatorPool(t, 5, { prefix: '代表' });
    const award = await awardProject(t, project);
    const loser = project.bidders.find((b) => b.rank === 2)!;
    await fileChallenge(await signInAsUser(t, loser.member), award.id, GROUNDS).expect(303);
    const [challenge] = await t.dataSource.query(`SELECT id FROM challenges WHERE award_id = $1`, [award.id]);
    const officer = await signInAsUser(t, await createOfficer(t));
    await officer.form(`/staff/challenges/${challenge.id}/answer`, { decision: 'uphold', outcome: 'rerun_evaluation', answer: ANSWER }).expect(303);

    const conflicted = await createUser(t, { roles: ['bureau_approver'], displayName: '有关联的代表' });
    await t.dataSource.query(`INSERT INTO evaluator_profiles (user_id, expertise, employer, is_active) VALUES ($1, '{C09}', '民政局', true)`, [conflicted.id]);
    await t.dataSource.query(`INSERT INTO evaluator_relationships (evaluator_id, organisation_id, kind, started_on) VALUES ($1, $2, 'directorship', '2024-01-01')`, [
      conflicted.id,
      project.bidders[2].organisationId,
    ]);
    const requester = await signInAsUser(t, project.officer);
    const refused = await requester.form(`/staff/projects/${project.id}/committee`, { representativeId: conflicted.id }).expect(400);
    expect(fieldErrorsIn(refused.text)).toContain(`该人员与投标人 ${project.bidders[2].nameZh} 存在利害关系，应当回避`);
    const clean = await createUser(t, { roles: ['bureau_approver'], displayName: '无关联的代表' });
    await requester.form(`/staff/projects/${project.id}/committee`, { representativeId: clean.id }).expect(303);
  });
});
