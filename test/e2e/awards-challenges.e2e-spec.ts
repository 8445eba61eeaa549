import { SYSTEM_ACTOR } from '../../src/audit/actor';
import { enterCalendarYears } from '../support/calendar';
import { ChallengesService } from '../../src/awards/challenges.service';
import { tinyPng } from '../factories/organisations';
import { fieldErrorsIn } from '../factories/procurement';
import { setClockTo } from '../factories/delivery';
import { advanceClock, dbNow, resetClock } from '../support/clock';
import { TestApp, createTestApp } from '../support/test-app';
import { EvaluatedProject, actorOf, auditActions, awardProject, createApprover, createEvaluatedProject, createOfficer, fileChallenge, passChallengePeriod, signInAsUser } from '../factories/awards';

const GROUNDS = '第三项评分标准“人员配置”的得分与招标文件第四章规定不一致：本机构持证社工 6 名，应得满分。请复核。';
const ANSWER = '经复核，评审委员会对“人员配置”的评分符合招标文件第四章规定，质疑事项不成立。';

describe('challenges (质疑) against an award', () => {
  let t: TestApp;
  jest.setTimeout(60_000);
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
    // Challenge, answer and complaint periods reach next year whenever the suite runs late in a year.
    await enterCalendarYears(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const loser = (p: EvaluatedProject) => p.bidders.find((b) => b.rank === 2)!;

  it('a bidder files a challenge with grounds and an attachment within the period; officers and the approver are told; the answer is due in 7 working days', async () => {
    const project = await createEvaluatedProject(t);
    const approver = await createApprover(t);
    const award = await awardProject(t, project, { approver });
    const session = await signInAsUser(t, loser(project).member);
    const page = await session.agent.get(`/organisation/awards/${award.id}`).expect(200);
    expect(page.text).toContain('data-testid="challenge-form"');
    expect(page.text).toContain('85.67');
    const res = await fileChallenge(session, award.id, GROUNDS, [{ name: '社工证书.png', bytes: tinyPng() }]).expect(303);
    expect(res.headers.location).toBe(`/organisation/awards/${award.id}#challenge`);
    const [challenge] = await t.dataSource.query(`SELECT * FROM challenges WHERE award_id = $1`, [award.id]);
    expect(challenge).toMatchObject({ status: 'open', organisation_id: loser(project).organisationId, filed_by: loser(project).member.id, grounds: GROUNDS });
    expect(challenge.answer_due_explanation).toMatchObject({ kind: 'challenge_answer', workingDays: 7 });
    const lastDay = challenge.answer_due_explanation.count.counted[6];
    expect(new Date(challenge.answer_due_at).toISOString()).toBe(new Date(`${lastDay}T24:00:00+08:00`).toISOString());
    const docs = await t.dataSource.query(`SELECT original_name FROM documents WHERE owner_type = 'challenge' AND owner_id = $1`, [challenge.id]);
    expect(docs).toEqual([{ original_name: '社工证书.png' }]);
    expect(await auditActions(t, 'challenge', challenge.id)).toEqual(['challenge.filed']);
    const told = await t.dataSource.query(`SELECT user_id FROM notifications WHERE kind = 'challenge.filed' AND link = $1`, [`/staff/challenges/${challenge.id}`]);
    expect(told.map((r: { user_id: string }) => r.user_id)).toContain(approver.id);

    // Officers see it with the days left; the attachment downloads for staff and for the challenger only.
    const officer = await signInAsUser(t, await createOfficer(t));
    const dash = await officer.agent.get('/dashboard').expect(200);
    expect(dash.text).toContain('data-testid="dash-challenges"');
    expect(dash.text).toMatch(/剩余 \d+ 天/);
    const staffPage = await officer.agent.get(`/staff/challenges/${challenge.id}`).expect(200);
    expect(staffPage.text).toContain(GROUNDS);
    expect(staffPage.text).toContain(loser(project).nameZh);
    const [doc] = await t.dataSource.query(`SELECT id FROM documents WHERE owner_id = $1`, [challenge.id]);
    await officer.agent.get(`/staff/challenges/${challenge.id}/attachments/${doc.id}`).expect(200).expect('Content-Type', 'image/png');
    await session.agent.get(`/organisation/challenges/${challenge.id}/attachments/${doc.id}`).expect(200);
    const other = await signInAsUser(t, project.bidders[2].member);
    await other.agent.get(`/organisation/challenges/${challenge.id}/attachments/${doc.id}`).expect(404);
    // The public notice shows that a challenge awaits its answer, never who filed it or why.
    const notice = await t.http().get(`/notices/awards/${project.reference}`).expect(200);
    expect(notice.text).toContain('第 1 项质疑');
    expect(notice.text).not.toContain(GROUNDS);
    expect(notice.text).not.toContain('社工证书.png');
  });

  it('counts the 7 working days from the day after the 1-day notice period: notice of 2026-09-30, a challenge at 23:59 on 10-16 accepted, one at 10-17 00:00 refused', async () => {
    await setClockTo(t, '2026-09-30T15:00:00+08:00');
    try {
      const project = await createEvaluatedProject(t);
      const award = await awardProject(t, project);
      expect(award.challengePeriodEndsAt.toISOString()).toBe(new Date('2026-10-17T00:00:00+08:00').toISOString());
      expect(award.challengePeriodExplanation.start).toMatchObject({ basis: 'award_notice', workingDays: 1, lastDay: '2026-10-08' });
      const notice = await t.http().get(`/notices/awards/${project.reference}`).expect(200);
      expect(notice.text).toContain('2026-10-16 24:00');
      expect(notice.text).toContain('公告期 1 个工作日');
      expect(notice.text).toContain('于 2026-10-08 24:00 届满');

      await setClockTo(t, '2026-10-16T23:59:00+08:00');
      await fileChallenge(await signInAsUser(t, loser(project).member), award.id, GROUNDS).expect(303);
      await setClockTo(t, '2026-10-17T00:00:00+08:00');
      const late = await fileChallenge(await signInAsUser(t, project.bidders.find((b) => b.rank === 3)!.member), award.id, GROUNDS).expect(422);
      expect(late.text).toContain('质疑期已于');
      const rows = await t.dataSource.query(`SELECT organisation_id FROM challenges WHERE award_id = $1`, [award.id]);
      expect(rows).toEqual([{ organisation_id: loser(project).organisationId }]);
    } finally {
      await resetClock(t.dataSource);
    }
  });

  it('refuses a bidder one minute after the period, with a clear message (database clock)', async () => {
    const project = await createEvaluatedProject(t);
    const award = await awardProject(t, project);
    const session = await signInAsUser(t, loser(project).member);
    await passChallengePeriod(t, award.id, 60_000);
    const res = await fileChallenge(session, award.id, GROUNDS).expect(422);
    expect(res.text).toContain('质疑期已于');
    expect(res.text).toContain('质疑未被受理');
    expect(res.text).toContain(GROUNDS);
    const api = await session.agent.post(`/organisation/awards/${award.id}/challenge`).set('X-CSRF-Token', session.csrf).set('Accept', 'application/json').field('grounds', GROUNDS).expect(422);
    expect(api.body.error.code).toBe('AWARDS.CHALLENGE_PERIOD_ENDED');
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM challenges WHERE award_id = $1`, [award.id]);
    expect(n).toBe(0);
    const page = await session.agent.get(`/organisation/awards/${award.id}`).expect(200);
    expect(page.text).toContain('data-testid="challenge-closed"');
  });

  it('the database refuses, at COMMIT, a challenge that commits after the period however it was timed', async () => {
    const project = await createEvaluatedProject(t);
    const award = await awardProject(t, project);
    const now = await dbNow(t.dataSource);
    await expect(
      t.dataSource.transaction(async (m) => {
        await m.query(
          `INSERT INTO challenges (award_id, organisation_id, filed_by, grounds, filed_at, answer_due_at, answer_due_explanation, status,
             subject, project_id, period_ends_at, period_explanation)
           SELECT $1, $2, $3, $4, $5, $5::timestamptz + interval '10 days', '{}', 'open', 'result', a.project_id, a.challenge_period_ends_at, a.challenge_period_explanation
             FROM awards a WHERE a.id = $1`,
          [award.id, loser(project).organisationId, loser(project).member.id, GROUNDS, now],
        );
        // The period ends while the transaction is still open.
        await m.query(`UPDATE clock_settings SET offset_ms = offset_ms + $1`, [award.challengePeriodEndsAt.getTime() - now.getTime() + 1000]);
      }),
    ).rejects.toThrow(/challenge period of .* has ended/);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM challenges WHERE award_id = $1`, [award.id]);
    expect(n).toBe(0);
  });

  it('refuses an organisation that did not bid, and staff, and keeps a bidder to one challenge', async () => {
    const project = await createEvaluatedProject(t);
    const other = await createEvaluatedProject(t);
    const award = await awardProject(t, project);
    const outsider = await signInAsUser(t, other.bidders[1].member);
    await outsider.agent.get(`/organisation/awards/${award.id}`).expect(404);
    const refused = await outsider.agent.post(`/organisation/awards/${award.id}/challenge`).set('X-CSRF-Token', outsider.csrf).set('Accept', 'application/json').field('grounds', GROUNDS).expect(403);
    expect(refused.body.error.code).toBe('AWARDS.NOT_A_BIDDER');
    const officer = await signInAsUser(t, await createOfficer(t));
    await fileChallenge(officer, award.id, GROUNDS).expect(403);

    const bidder = await signInAsUser(t, loser(project).admin);
    const short = await fileChallenge(bidder, award.id, '不服').expect(400);
    expect(fieldErrorsIn(short.text)).toContain('请填写 10–20000 个字');
    await fileChallenge(bidder, award.id, GROUNDS).expect(303);
    const colleague = await signInAsUser(t, loser(project).member);
    const twice = await fileChallenge(colleague, award.id, `${GROUNDS}（补充）`).expect(409);
    expect(twice.text).toContain('本机构已对该成交结果提出过质疑');
    // Two colleagues at once: one challenge.
    const third = project.bidders.find((b) => b.rank === 3)!;
    const [a, b] = [await signInAsUser(t, third.admin), await signInAsUser(t, third.member)];
    const results = await Promise.all([fileChallenge(a, award.id, GROUNDS), fileChallenge(b, award.id, GROUNDS)]);
    expect(results.map((r) => r.status).sort()).toEqual([303, 409]);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM challenges WHERE award_id = $1`, [award.id]);
    expect(n).toBe(2);
  });

  it('an officer dismisses a challenge: the award stands, the challenger sees the answer, the public sees it without the challenger', async () => {
    const project = await createEvaluatedProject(t);
    const award = await awardProject(t, project);
    const bidder = await signInAsUser(t, loser(project).member);
    await fileChallenge(bidder, award.id, GROUNDS).expect(303);
    const [challenge] = await t.dataSource.query(`SELECT id FROM challenges WHERE award_id = $1`, [award.id]);

    // Only officers answer.
    const approver = await signInAsUser(t, await createApprover(t));
    await approver.form(`/staff/challenges/${challenge.id}/answer`, { decision: 'dismiss', answer: ANSWER }).expect(403);
    const officer = await signInAsUser(t, await createOfficer(t));
    const bad = await officer.form(`/staff/challenges/${challenge.id}/answer`, { decision: 'uphold', answer: ANSWER }).expect(400);
    expect(fieldErrorsIn(bad.text)).toContain('请选择一项');
    expect(bad.text).toContain(ANSWER);
    await officer.form(`/staff/challenges/${challenge.id}/answer`, { decision: 'dismiss', answer: ANSWER }).expect(303);
    const again = await officer.form(`/staff/challenges/${challenge.id}/answer`, { decision: 'dismiss', answer: ANSWER }).expect(409);
    expect(again.text).toContain('该质疑已经答复');

    const [row] = await t.dataSource.query(`SELECT status, outcome, answer FROM challenges WHERE id = $1`, [challenge.id]);
    expect(row).toMatchObject({ status: 'dismissed', outcome: null, answer: ANSWER });
    const [a] = await t.dataSource.query(`SELECT status FROM awards WHERE id = $1`, [award.id]);
    expect(a.status).toBe('active');
    const own = await bidder.agent.get(`/organisation/awards/${award.id}`).expect(200);
    expect(own.text).toContain(ANSWER);
    const [note] = await t.dataSource.query(`SELECT title_key FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.kind = 'challenge.answered' AND u.id = $1`, [loser(project).member.id]);
    expect(note.title_key).toBe('awards.notifications.challenge_dismissed');
    const notice = await t.http().get(`/notices/awards/${project.reference}`).expect(200);
    expect(notice.text).toContain(ANSWER);
    expect(notice.text).toContain('质疑不成立');
    expect(notice.text).not.toContain(GROUNDS);
    expect(notice.text).not.toContain(loser(project).member.displayName);
    // The challenger's name appears on the notice only as a bidder in the results, never beside the challenge.
    const challengesSection = notice.text.slice(notice.text.indexOf('data-testid="public-challenges"'));
    expect(challengesSection).not.toContain(loser(project).nameZh);
    expect(await auditActions(t, 'challenge', challenge.id)).toEqual(['challenge.filed', 'challenge.answered']);
  });

  it('shows officers how long is left to answer, highlighting three days or fewer and overdue answers', async () => {
    const project = await createEvaluatedProject(t);
    const award = await awardProject(t, project);
    await fileChallenge(await signInAsUser(t, loser(project).member), award.id, GROUNDS).expect(303);
    const [challenge] = await t.dataSource.query(`SELECT id, answer_due_at FROM challenges WHERE award_id = $1`, [award.id]);
    const officer = await signInAsUser(t, await createOfficer(t));
    const now = await dbNow(t.dataSource);
    await advanceClock(t.dataSource, challenge.answer_due_at.getTime() - now.getTime() - 2 * 86_400_000);
    let page = await officer.agent.get('/staff/challenges').expect(200);
    expect(page.text).toMatch(/class="badge due-badge badge-needs_changes is-close" data-testid="due-badge">剩余 2 天/);
    await advanceClock(t.dataSource, 3 * 86_400_000);
    page = await officer.agent.get('/staff/challenges').expect(200);
    expect(page.text).toContain('已逾期 1 天');
    const dash = await officer.agent.get('/dashboard').expect(200);
    expect(dash.text).toContain('已逾期 1 天');
  });

  it('upheld with a re-run: award and evaluation round superseded, project back in evaluation, bidders told; the notice keeps the history', async () => {
    const project = await createEvaluatedProject(t);
    const award = await awardProject(t, project);
    await fileChallenge(await signInAsUser(t, loser(project).member), award.id, GROUNDS).expect(303);
    const [challenge] = await t.dataSource.query(`SELECT id FROM challenges WHERE award_id = $1`, [award.id]);
    const officer = await signInAsUser(t, await createOfficer(t));
    await officer
      .form(`/staff/challenges/${challenge.id}/answer`, { decision: 'uphold', outcome: 'rerun_evaluation', answer: '经复核，人员配置评分存在计算错误，质疑成立，重新组织评审。' })
      .expect(303);
    const [a] = await t.dataSource.query(`SELECT status, cancelled_at, cancel_reason FROM awards WHERE id = $1`, [award.id]);
    expect(a.status).toBe('superseded');
    expect(a.cancelled_at).not.toBeNull();
    const [e] = await t.dataSource.query(`SELECT status, ended_reason FROM evaluations WHERE id = $1`, [project.evaluationId]);
    expect(e.status).toBe('superseded');
    expect(e.ended_reason).toContain('质疑成立');
    const [p] = await t.dataSource.query(`SELECT status FROM projects WHERE id = $1`, [project.id]);
    expect(p.status).toBe('evaluation');
    // No live round is left, so the evaluation module can request round 2.
    const [{ live }] = await t.dataSource.query(`SELECT count(*)::int AS live FROM evaluations WHERE project_id = $1 AND status NOT IN ('superseded', 'failed')`, [project.id]);
    expect(live).toBe(0);
    expect(await auditActions(t, 'award', award.id)).toEqual(['award.made', 'award.superseded']);
    expect(await auditActions(t, 'evaluation', project.evaluationId)).toEqual(['evaluation.superseded']);
    expect(await auditActions(t, 'project', project.id)).toEqual(['project.awarded', 'project.award_withdrawn']);
    const told = await t.dataSource.query(`SELECT count(DISTINCT user_id)::int AS n FROM notifications WHERE kind = 'award.superseded' AND link = $1`, [`/notices/awards/${project.reference}`]);
    expect(told[0].n).toBeGreaterThanOrEqual(project.bidders.length * 2);
    const notice = await t.http().get(`/notices/awards/${project.reference}`).expect(200);
    expect(notice.text).toContain('已被重新评审取代');
    expect(notice.text).toContain('质疑成立');
    // The evaluation is no longer signed off: nobody can award from it.
    const approver = await signInAsUser(t, await createApprover(t));
    const res = await approver.form(`/staff/projects/${project.id}/award`, { bidId: project.bidders[0].bidId }).expect(422);
    expect(res.text).toContain('评审委员会尚未签署评审结果');
  });

  it('upheld with cancellation: award cancelled, project back in evaluation, and another approver may award again', async () => {
    const project = await createEvaluatedProject(t);
    const award = await awardProject(t, project);
    const winner = project.bidders.find((b) => b.rank === 1)!;
    await fileChallenge(await signInAsUser(t, loser(project).member), award.id, GROUNDS).expect(303);
    const [challenge] = await t.dataSource.query(`SELECT id FROM challenges WHERE award_id = $1`, [award.id]);
    const officer = await createOfficer(t);
    await t.app
      .get(ChallengesService)
      .answerChallenge(actorOf(officer), challenge.id, { decision: 'uphold', outcome: 'cancel_award', answer: '成交人提交的资质证明材料存在虚假，质疑成立，撤销成交结果。' });
    const [a] = await t.dataSource.query(`SELECT status FROM awards WHERE id = $1`, [award.id]);
    expect(a.status).toBe('cancelled');
    const [e] = await t.dataSource.query(`SELECT status FROM evaluations WHERE id = $1`, [project.evaluationId]);
    expect(e.status).toBe('signed_off');
    const [p] = await t.dataSource.query(`SELECT status FROM projects WHERE id = $1`, [project.id]);
    expect(p.status).toBe('evaluation');
    // A new award (here the second-ranked, with its published reason) is possible: the index only counts active awards.
    const again = await awardProject(t, project, { bidId: loser(project).bidId, reason: '原成交人资质材料虚假，成交结果已撤销，由排名第二的有效投标人成交。' });
    expect(again.organisationId).not.toBe(winner.organisationId);
    const notice = await t.http().get(`/notices/awards/${project.reference}`).expect(200);
    expect(notice.text).toContain('此前的成交结果');
    expect(notice.text).toContain('已撤销');
    // A challenge against the ended award can no longer be filed.
    const third = project.bidders.find((b) => b.rank === 3)!;
    const late = await fileChallenge(await signInAsUser(t, third.member), award.id, GROUNDS).expect(409);
    expect(late.text).toContain('该成交结果已终止');
    await expect(t.app.get(ChallengesService).answerChallenge(SYSTEM_ACTOR, challenge.id, { decision: 'dismiss', answer: ANSWER })).rejects.toMatchObject({
      code: 'AWARDS.CHALLENGE_ALREADY_ANSWERED',
    });
  });

  it('shows an organisation its awards and its challenge on its dashboard', async () => {
    const project = await createEvaluatedProject(t);
    const award = await awardProject(t, project);
    const session = await signInAsUser(t, loser(project).member);
    await fileChallenge(session, award.id, GROUNDS).expect(303);
    const dash = await session.agent.get('/dashboard').expect(200);
    expect(dash.text).toContain('data-testid="dash-org-awards"');
    expect(dash.text).toContain('待答复');
    const list = await session.agent.get('/organisation/awards').expect(200);
    expect(list.text).toContain(project.reference);
    const winner = await signInAsUser(t, project.bidders.find((b) => b.rank === 1)!.admin);
    expect((await winner.agent.get('/dashboard').expect(200)).text).toContain('本机构成交');
  });
});
