import { documentsChallengePeriod } from '../../src/awards/domain/challenge-periods';
import { enterCalendarYears } from '../support/calendar';
import { ProcurementRulesService } from '../../src/procurement/procurement-rules.service';
import { setClockTo } from '../factories/delivery';
import { fieldErrorsIn } from '../factories/procurement';
import { createEvaluatedProject, createOfficer, signInAsUser } from '../factories/awards';
import { Session } from '../factories/users';
import { resetClock } from '../support/clock';
import { TestApp, createTestApp } from '../support/test-app';

const GROUNDS = '招标文件第四章评分标准将“本区注册”列为加分项，构成对外地供应商的差别待遇，请予修改。';
const ANSWER = '经复核，该评分项确属差别待遇，质疑成立，将发布更正公告删除该评分项。';

/** A challenge against the documents or a procedural step, through the page (multipart; CSRF token in the body). */
function fileProjectChallenge(session: Session, projectId: string, choice: string, grounds: string) {
  return session.agent.post(`/organisation/projects/${projectId}/challenges`).field('_csrf', session.csrf).field('choice', choice).field('grounds', grounds);
}

describe('challenges against the procurement documents and a procedural step (政府采购法实施条例 第五十三条(一)(二))', () => {
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

  it('against the documents: 7 working days after their 5-working-day notice period; the last minute accepted, a minute after refused', async () => {
    const project = await createEvaluatedProject(t);
    const [row] = await t.dataSource.query(`SELECT published_at FROM projects WHERE id = $1`, [project.id]);
    const calendar = await t.app.get(ProcurementRulesService).loadCalendar(t.dataSource.manager, '2000-01-01');
    const period = documentsChallengePeriod({ publishedAt: row.published_at }, calendar, { documentsNoticeWorkingDays: 5, challengeWorkingDays: 7 });
    try {
      await setClockTo(t, new Date(period.endsAt.getTime() - 60_000).toISOString());
      const first = await signInAsUser(t, project.bidders[1].member);
      const page = await first.agent.get(`/projects/${project.id}`).expect(200);
      expect(page.text).toContain(`href="/organisation/projects/${project.id}/challenges"`);
      const form = await first.agent.get(`/organisation/projects/${project.id}/challenges`).expect(200);
      expect(form.text).toContain('data-testid="project-challenge-form"');
      expect(form.text).toContain('采购文件自');
      const bad = await fileProjectChallenge(first, project.id, '', '不服').expect(400);
      expect(fieldErrorsIn(bad.text)).toContain('请选择一项');
      expect(fieldErrorsIn(bad.text)).toContain('请填写 10–20000 个字');
      await fileProjectChallenge(first, project.id, 'documents', GROUNDS).expect(303);
      await fileProjectChallenge(first, project.id, 'documents', GROUNDS).expect(409);
      await setClockTo(t, new Date(period.endsAt.getTime() + 60_000).toISOString());
      const late = await fileProjectChallenge(await signInAsUser(t, project.bidders[2].member), project.id, 'documents', GROUNDS).expect(422);
      expect(late.text).toContain('质疑期已于');
      const rows = await t.dataSource.query(`SELECT subject, award_id, organisation_id, period_ends_at FROM challenges WHERE project_id = $1`, [project.id]);
      expect(rows).toEqual([{ subject: 'documents', award_id: null, organisation_id: project.bidders[1].organisationId, period_ends_at: period.endsAt }]);
    } finally {
      await resetClock(t.dataSource);
    }
  });

  it('against a step, by a bidder, from the end of that step; answered with a correction, the award untouched', async () => {
    const project = await createEvaluatedProject(t);
    const bidder = await signInAsUser(t, project.bidders[1].member);
    // The opening was 20 days ago: its period is over. The evaluation was signed off yesterday: open.
    const late = await fileProjectChallenge(bidder, project.id, 'procedure:bid_opening', GROUNDS).expect(422);
    expect(late.text).toContain('质疑期已于');
    await fileProjectChallenge(bidder, project.id, 'procedure:evaluation', GROUNDS).expect(303);
    const [challenge] = await t.dataSource.query(`SELECT id, subject, step, status FROM challenges WHERE project_id = $1`, [project.id]);
    expect(challenge).toMatchObject({ subject: 'procedure', step: 'evaluation', status: 'open' });

    const officer = await signInAsUser(t, await createOfficer(t));
    const list = await officer.agent.get('/staff/challenges').expect(200);
    expect(list.text).toContain(`/staff/challenges/${challenge.id}`);
    const page = await officer.agent.get(`/staff/challenges/${challenge.id}`).expect(200);
    expect(page.text).toContain('data-testid="challenge-subject">评审');
    await officer.form(`/staff/challenges/${challenge.id}/answer`, { decision: 'uphold', outcome: 'rerun_evaluation', answer: ANSWER }).expect(400);
    await officer.form(`/staff/challenges/${challenge.id}/answer`, { decision: 'uphold', outcome: 'correct_and_continue', answer: ANSWER }).expect(303);
    const [answered] = await t.dataSource.query(`SELECT status, outcome FROM challenges WHERE id = $1`, [challenge.id]);
    expect(answered).toEqual({ status: 'upheld', outcome: 'correct_and_continue' });
    const [p] = await t.dataSource.query(`SELECT status FROM projects WHERE id = $1`, [project.id]);
    expect(p.status).toBe('evaluation');
    const own = await bidder.agent.get(`/organisation/projects/${project.id}/challenges`).expect(200);
    expect(own.text).toContain(ANSWER);
    // An organisation whose bid was not opened here cannot challenge the process.
    const other = await createEvaluatedProject(t);
    const outsider = await signInAsUser(t, other.bidders[0].member);
    await fileProjectChallenge(outsider, project.id, 'procedure:evaluation', GROUNDS).expect(403);
  });
});
