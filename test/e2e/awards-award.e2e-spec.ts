import { AwardsService } from '../../src/awards/awards.service';
import { TestApp, createTestApp } from '../support/test-app';
import { dbNow } from '../support/clock';
import { EvaluatedProject, actorOf, auditActions, awardProject, createApprover, createEvaluatedProject, createOfficer, signInAsUser } from '../factories/awards';
import { fieldErrorsIn } from '../factories/procurement';
import { anonymousSession } from '../factories/users';

const REASON = '排名第一的机构已书面放弃成交资格（放弃函编号 2026-017，已存档），依次由第二名成交。';

describe('awarding a project (定标)', () => {
  let t: TestApp;
  jest.setTimeout(60_000);
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
  });
  afterAll(async () => {
    await t.close();
  });

  const top = (p: EvaluatedProject) => p.bidders.find((b) => b.rank === 1)!;
  const second = (p: EvaluatedProject) => p.bidders.find((b) => b.rank === 2)!;

  it('shows an independent approver the signed-off ranking with the top-ranked bidder preselected', async () => {
    const project = await createEvaluatedProject(t);
    const session = await signInAsUser(t, await createApprover(t));
    const page = await session.agent.get(`/staff/projects/${project.id}/award`).expect(200);
    expect(page.text).toContain('data-testid="award-form"');
    expect(page.text).toMatch(new RegExp(`value="${top(project).bidId}"[^>]*\\schecked`));
    // Exact "n/d" scores, rounded for display: 257/3 → 85.67, 88/3 → 29.33.
    expect(page.text).toContain('85.67');
    expect(page.text).toContain('29.33');
    expect(page.text).toContain(project.experts[1].displayName);
    expect(page.text).toContain(project.representative.displayName);
  });

  it('awards the top-ranked bidder: project awarded, public notice, 7 working days to challenge (explained), bidders told, audited', async () => {
    const project = await createEvaluatedProject(t);
    const approver = await createApprover(t, '郑审批');
    const session = await signInAsUser(t, approver);
    const res = await session.form(`/staff/projects/${project.id}/award`, { confirm: 'yes', bidId: top(project).bidId, reason: '' }).expect(303);
    const [award] = await t.dataSource.query(`SELECT * FROM awards WHERE project_id = $1`, [project.id]);
    expect(res.headers.location).toBe(`/staff/awards/${award.id}`);
    expect(award).toMatchObject({
      status: 'active',
      bid_id: top(project).bidId,
      organisation_id: top(project).organisationId,
      price_minor: '18000000',
      is_top_ranked: true,
      deviation_reason: null,
      awarded_by: approver.id,
    });
    // 7 working days, to 24:00 Shanghai of the last one, counted from the database clock.
    expect(award.challenge_period_explanation).toMatchObject({ kind: 'challenge_period', workingDays: 7 });
    expect(award.challenge_period_explanation.count.counted).toHaveLength(7);
    const lastDay = award.challenge_period_explanation.count.counted[6];
    expect(new Date(award.challenge_period_ends_at).toISOString()).toBe(new Date(`${lastDay}T24:00:00+08:00`).toISOString());
    const elapsedDays = (award.challenge_period_ends_at.getTime() - award.awarded_at.getTime()) / 86_400_000;
    expect(elapsedDays).toBeGreaterThan(7);
    const [{ status }] = await t.dataSource.query(`SELECT status FROM projects WHERE id = $1`, [project.id]);
    expect(status).toBe('awarded');

    const notice = await t.http().get(`/notices/awards/${project.reference}`).expect(200);
    expect(notice.text).toContain(top(project).nameZh);
    expect(notice.text).toContain('¥180,000');
    for (const score of ['85.67', '29.33', '56.15', '83.95', '53.95', '78.05', '27.50', '50.55']) expect(notice.text).toContain(score);
    for (const member of [...project.experts, project.representative]) expect(notice.text).toContain(member.displayName);
    expect(notice.text).toContain('质疑期');
    expect(notice.text).toContain(lastDay);
    const json = await t.http().get(`/api/v1/notices/awards/${project.reference}`).expect(200);
    expect(json.body.notices[0]).toMatchObject({ status: 'active', winner: { organisationName: top(project).nameZh, priceMinor: 18_000_000 } });
    expect(json.body.notices[0].results.map((r: { totalScore: string }) => r.totalScore)).toEqual(['257/3', '8395/100', '7805/100']);
    const index = await t.http().get('/notices/awards').expect(200);
    expect(index.text).toContain(project.reference);

    // The winner hears it won, every other bidder that it did not; nobody hears both.
    const told = await t.dataSource.query(
      `SELECT n.kind, u.organisation_id FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.kind IN ('award.won', 'award.not_won') AND u.organisation_id = ANY($1::uuid[])`,
      [project.bidders.map((b) => b.organisationId)],
    );
    expect(told).toHaveLength(project.bidders.length * 2);
    for (const row of told) expect(row.kind).toBe(row.organisation_id === top(project).organisationId ? 'award.won' : 'award.not_won');
    expect(told.filter((r: { kind: string }) => r.kind === 'award.won')).toHaveLength(2);
    expect(await auditActions(t, 'award', award.id)).toEqual(['award.made']);
    expect(await auditActions(t, 'project', project.id)).toEqual(['project.awarded']);
    const staffPage = await session.agent.get(`/staff/awards/${award.id}`).expect(200);
    expect(staffPage.text).toContain('data-testid="award-status"');
  });

  it('refuses a committee expert who also holds the approver role, and the bureau representative, whatever they choose', async () => {
    const project = await createEvaluatedProject(t);
    for (const evaluator of [project.experts[0], project.representative]) {
      const session = await signInAsUser(t, evaluator);
      const page = await session.agent.get(`/staff/projects/${project.id}/award`).expect(200);
      expect(page.text).toContain('data-testid="took-part"');
      expect(page.text).not.toContain('data-testid="award-form"');
      const res = await session.form(`/staff/projects/${project.id}/award`, { bidId: top(project).bidId }).expect(403);
      expect(res.text).toContain('您参与了本项目的评审');
      const api = await session.agent
        .post(`/staff/projects/${project.id}/award`)
        .set('X-CSRF-Token', session.csrf)
        .set('Accept', 'application/json')
        .send({ bidId: top(project).bidId })
        .expect(403);
      expect(api.body.error.code).toBe('AWARDS.APPROVER_TOOK_PART');
    }
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM awards WHERE project_id = $1`, [project.id]);
    expect(n).toBe(0);
  });

  it('refuses anyone who is not an approver (officer, organisation, anonymous)', async () => {
    const project = await createEvaluatedProject(t);
    const officer = await signInAsUser(t, await createOfficer(t));
    await officer.form(`/staff/projects/${project.id}/award`, { bidId: top(project).bidId }).expect(403);
    const org = await signInAsUser(t, project.bidders[0].admin);
    await org.form(`/staff/projects/${project.id}/award`, { bidId: top(project).bidId }).expect(403);
    await org.agent.get(`/staff/projects/${project.id}/award`).expect(403);
    const anon = await anonymousSession(t);
    await anon.form(`/staff/projects/${project.id}/award`, { bidId: top(project).bidId }).expect(401);
    // The service refuses too, whatever the edge let through.
    await expect(t.app.get(AwardsService).awardProject(actorOf(await createOfficer(t)), project.id, { bidId: top(project).bidId })).rejects.toMatchObject({ code: 'AWARDS.APPROVER_REQUIRED' });
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM awards WHERE project_id = $1`, [project.id]);
    expect(n).toBe(0);
  });

  it('refuses another bidder than the top-ranked one without a reason, keeping the choice; with a reason it is published and audited', async () => {
    const project = await createEvaluatedProject(t);
    const session = await signInAsUser(t, await createApprover(t));
    const refused = await session.form(`/staff/projects/${project.id}/award`, { bidId: second(project).bidId, reason: '价格更低' }).expect(400);
    expect(fieldErrorsIn(refused.text)).toContain('选择非第一名的投标人必须填写理由');
    expect(refused.text).toMatch(new RegExp(`value="${second(project).bidId}"[^>]*\\schecked`));
    expect(refused.text).toContain('价格更低');
    const api = await session.agent
      .post(`/staff/projects/${project.id}/award`)
      .set('X-CSRF-Token', session.csrf)
      .set('Accept', 'application/json')
      .send({ bidId: second(project).bidId })
      .expect(400);
    expect(api.body.error.code).toBe('AWARDS.DEVIATION_REASON_REQUIRED');
    expect(api.body.error.fields.reason).toBeDefined();

    await session.form(`/staff/projects/${project.id}/award`, { confirm: 'yes', bidId: second(project).bidId, reason: REASON }).expect(303);
    const [award] = await t.dataSource.query(`SELECT id, is_top_ranked, deviation_reason, price_minor FROM awards WHERE project_id = $1`, [project.id]);
    expect(award).toMatchObject({ is_top_ranked: false, deviation_reason: REASON, price_minor: '17500050' });
    const notice = await t.http().get(`/notices/awards/${project.reference}`).expect(200);
    expect(notice.text).toContain(REASON);
    expect(notice.text).toContain('评审排名第 2 名');
    const [event] = await t.dataSource.query(`SELECT summary FROM audit_events WHERE entity_type = 'award' AND entity_id = $1`, [award.id]);
    expect(event.summary.after).toMatchObject({ isTopRanked: false, deviationReason: REASON });
  });

  it('refuses a bid the committee found invalid, and a bid of another project', async () => {
    const project = await createEvaluatedProject(t, {
      bidders: [
        { nameZh: '有效机构甲', priceMinor: 18_000_000, priceScore: '29', technicalScore: '56', totalScore: '85', rank: 1 },
        { nameZh: '无效机构乙', priceMinor: 10_000_000, priceScore: '30', technicalScore: '40', totalScore: '70', rank: 2, isValid: false },
      ],
    });
    const other = await createEvaluatedProject(t);
    const session = await signInAsUser(t, await createApprover(t));
    const page = await session.agent.get(`/staff/projects/${project.id}/award`).expect(200);
    expect(page.text).toContain('无效投标');
    for (const bidId of [project.bidders[1].bidId, other.bidders[0].bidId]) {
      const res = await session.agent.post(`/staff/projects/${project.id}/award`).set('X-CSRF-Token', session.csrf).set('Accept', 'application/json').send({ bidId, reason: REASON }).expect(400);
      expect(res.body.error.code).toBe('AWARDS.NOT_A_VALID_BIDDER');
    }
  });

  it('refuses while the committee has not signed off', async () => {
    const project = await createEvaluatedProject(t, { evaluationStatus: 'review' });
    const session = await signInAsUser(t, await createApprover(t));
    const res = await session.form(`/staff/projects/${project.id}/award`, { bidId: top(project).bidId }).expect(422);
    expect(res.text).toContain('评审委员会尚未签署评审结果');
  });

  it('refuses a second award with a clear 409, never a 500', async () => {
    const project = await createEvaluatedProject(t);
    await awardProject(t, project);
    const session = await signInAsUser(t, await createApprover(t));
    const res = await session.form(`/staff/projects/${project.id}/award`, { bidId: second(project).bidId, reason: REASON }).expect(409);
    expect(res.text).toContain('该项目已由其他审批人定标，不能重复定标');
    const api = await session.agent
      .post(`/staff/projects/${project.id}/award`)
      .set('X-CSRF-Token', session.csrf)
      .set('Accept', 'application/json')
      .send({ bidId: top(project).bidId })
      .expect(409);
    expect(api.body.error.code).toBe('AWARDS.ALREADY_AWARDED');
  });

  it('two approvers awarding at the same moment: exactly one award, the other a clear 409', async () => {
    for (let round = 0; round < 3; round++) {
      const project = await createEvaluatedProject(t);
      const [a, b] = [await signInAsUser(t, await createApprover(t, '甲审批')), await signInAsUser(t, await createApprover(t, '乙审批'))];
      const results = await Promise.all([
        a.form(`/staff/projects/${project.id}/award`, { confirm: 'yes', bidId: top(project).bidId }),
        b.form(`/staff/projects/${project.id}/award`, { confirm: 'yes', bidId: second(project).bidId, reason: REASON }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([303, 409]);
      expect(results.find((r) => r.status === 409)!.text).toContain('该项目已由其他审批人定标');
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM awards WHERE project_id = $1`, [project.id]);
      expect(n).toBe(1);
    }
    // Straight through the service, three at once: one award, the others the same clear refusal.
    const project = await createEvaluatedProject(t);
    const service = t.app.get(AwardsService);
    const approvers = await Promise.all([createApprover(t), createApprover(t), createApprover(t)]);
    const outcomes = await Promise.allSettled(approvers.map((ap) => service.awardProject(actorOf(ap), project.id, { bidId: top(project).bidId })));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason.code)).toEqual(['AWARDS.ALREADY_AWARDED', 'AWARDS.ALREADY_AWARDED']);
  });

  it('the database allows one active award per project and never changes an award but to end it', async () => {
    const project = await createEvaluatedProject(t);
    const award = await awardProject(t, project);
    await expect(
      t.dataSource.query(
        `INSERT INTO awards (project_id, evaluation_id, bid_id, organisation_id, price_minor, is_top_ranked, status, awarded_by, awarded_at, challenge_period_ends_at, challenge_period_explanation, notice)
         SELECT project_id, evaluation_id, bid_id, organisation_id, price_minor, true, 'active', awarded_by, awarded_at, challenge_period_ends_at, '{}', '{}' FROM awards WHERE id = $1`,
        [award.id],
      ),
    ).rejects.toThrow(/awards_one_active_per_project/);
    await expect(t.dataSource.query(`UPDATE awards SET price_minor = 1 WHERE id = $1`, [award.id])).rejects.toThrow(/only an active award may end/);
    await expect(t.dataSource.query(`DELETE FROM awards WHERE id = $1`, [award.id])).rejects.toThrow(/never deleted/);
    expect((await dbNow(t.dataSource)).getTime()).toBeLessThan(award.challengePeriodEndsAt.getTime());
  });

  it('shows approvers what awaits an award decision on the dashboard, and refuses unknown notices', async () => {
    const project = await createEvaluatedProject(t);
    const session = await signInAsUser(t, await createApprover(t));
    const dash = await session.agent.get('/dashboard').expect(200);
    expect(dash.text).toContain('data-testid="dash-awaiting-award"');
    expect(dash.text).toContain(`/staff/projects/${project.id}/award`);
    const rep = await signInAsUser(t, project.representative);
    expect((await rep.agent.get('/dashboard').expect(200)).text).toContain('您参与了评审，须由其他审批人定标');
    await t.http().get('/notices/awards/WH-2026-99999').expect(404);
    await t.http().get('/notices/awards/nonsense').expect(404);
    await t.http().get(`/notices/awards/${project.reference}`).expect(404);
  });
});
