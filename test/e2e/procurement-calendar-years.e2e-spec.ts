import { createFund, fieldErrorsIn, flattenForm, projectForm } from '../factories/procurement';
import { Session, signInAs } from '../factories/users';
import { advanceClock, dbNow, resetClock } from '../support/clock';
import { TestApp, createTestApp } from '../support/test-app';

/** Moves the database clock so that it reads `local` (Asia/Shanghai) now. */
async function setClockTo(t: TestApp, local: string): Promise<void> {
  await resetClock(t.dataSource);
  const now = await dbNow(t.dataSource);
  await advanceClock(t.dataSource, new Date(`${local}:00+08:00`).getTime() - now.getTime());
}

const ARRANGEMENT_2027 = [
  '2027-01-01~2027-01-03 休 元旦 / New Year’s Day',
  '2027-02-06~2027-02-14 休 春节 / Spring Festival',
  '2027-02-20 班 春节调休上班 / Make-up working day (Spring Festival)',
  '2027-10-01~2027-10-07 休 国庆节 / National Day',
].join('\n');

describe('no silent years: the holiday arrangement of each year', () => {
  let t: TestApp;
  let admin: Session;
  let officer: Session;
  let auditor: Session;
  beforeAll(async () => {
    t = await createTestApp();
    admin = (await signInAs(t, ['admin'])).session;
    officer = (await signInAs(t, ['bureau_officer'])).session;
    auditor = (await signInAs(t, ['auditor'])).session;
  });
  afterAll(async () => {
    await resetClock(t.dataSource);
    await t.close();
  });

  it('warns every staff dashboard from 1 November while next year is missing, not on 31 October, and not evaluators', async () => {
    await setClockTo(t, '2026-10-31T10:00');
    expect((await officer.agent.get('/dashboard').expect(200)).text).not.toContain('data-testid="calendar-year-warning"');
    await setClockTo(t, '2026-11-01T00:05');
    for (const session of [officer, admin, auditor]) {
      const page = await session.agent.get('/dashboard').expect(200);
      expect(page.text).toContain('data-testid="calendar-year-warning"');
      expect(page.text).toContain('2027 年节假日安排尚未录入');
    }
    const { session: member } = await signInAs(t, ['evaluator']);
    expect((await member.agent.get('/dashboard').expect(200)).text).not.toContain('calendar-year-warning');
    const calendar = await officer.agent.get('/staff/calendar?year=2027').expect(200);
    expect(calendar.text).toContain('data-testid="calendar-year-not-entered"');
  });

  it('refuses a bid deadline in 2027 while 2027 is missing, naming the year; accepts it once an admin entered the notice', async () => {
    await setClockTo(t, '2026-11-02T10:00');
    const fund = await createFund(t);
    const form = await projectForm(t, fund.id, {}, { enterCalendar: false });
    Object.assign(form, { bidDeadline: '2027-01-05T10:00', serviceStart: '2027-02-01', serviceEnd: '2027-12-31' });
    for (const [i, due] of ['2027-04-01', '2027-08-02', '2027-12-31'].entries()) (form.milestones as Array<Record<string, string>>)[i].dueDate = due;
    const refused = await officer.form('/staff/projects', flattenForm(form)).expect(400);
    expect(fieldErrorsIn(refused.text)).toContain('2027 年的节假日安排尚未录入');

    // A line the page cannot read: 400, the line named, everything typed kept.
    const typed = { year: '2027', noticeTitle: '国务院办公厅关于2027年部分节假日安排的通知', noticeNumber: '国办发明电〔2026〕TEST号', entries: `${ARRANGEMENT_2027}\n2027-13-01 休 错误 / Wrong` };
    const bad = await admin.form('/staff/calendar/years', typed).expect(400);
    expect(fieldErrorsIn(bad.text)).toContain('第 5 行无法识别');
    expect(bad.text).toContain('国办发明电〔2026〕TEST号');
    const missingFields = await admin.form('/staff/calendar/years', { year: '2027', noticeTitle: '', noticeNumber: '', entries: '' }).expect(400);
    expect(fieldErrorsIn(missingFields.text)).toMatch(/f-noticeTitle|字/);
    await officer.form('/staff/calendar/years', { ...typed, entries: ARRANGEMENT_2027 }).expect(403);

    await admin.form('/staff/calendar/years', { ...typed, entries: ARRANGEMENT_2027 }).expect(303);
    const page = await admin.agent.get('/staff/calendar?year=2027').expect(200);
    expect(page.text).toContain('国办发明电〔2026〕TEST号');
    expect(page.text).toContain('2027-02-08');
    const [event] = await t.dataSource.query(`SELECT action, summary FROM audit_events WHERE entity_type = 'calendar_year' AND entity_id = '2027'`);
    expect(event.action).toBe('calendar_year.entered');
    expect((await officer.agent.get('/dashboard').expect(200)).text).not.toContain('calendar-year-warning');

    const accepted = await officer.form('/staff/projects', flattenForm(form));
    expect([accepted.status, fieldErrorsIn(accepted.text)]).toEqual([303, expect.anything()]);
  });

  it('refuses a bid deadline on a Saturday and on a public holiday, though long enough', async () => {
    await setClockTo(t, '2026-11-02T10:00');
    const fund = await createFund(t);
    const saturday = await officer.form('/staff/projects', flattenForm(await projectForm(t, fund.id, { bidDeadline: '2026-11-28T10:00' }))).expect(400);
    expect(fieldErrorsIn(saturday.text)).toContain('2026-11-28 不是工作日');
    const newYear = await officer.form('/staff/projects', flattenForm(await projectForm(t, fund.id, { bidDeadline: '2027-01-01T10:00' }))).expect(400);
    expect(fieldErrorsIn(newYear.text)).toContain('2027-01-01 不是工作日');
  });

  it('records only the document number of a year loaded earlier, keeping its days', async () => {
    const before = await t.dataSource.query(`SELECT count(*)::int AS n FROM calendar_days WHERE day BETWEEN '2026-01-01' AND '2026-12-31'`);
    await admin.form('/staff/calendar/years', { year: '2026', noticeTitle: '国务院办公厅关于2026年部分节假日安排的通知', noticeNumber: '国办发明电〔2025〕TEST号', entries: '' }).expect(303);
    const after = await t.dataSource.query(`SELECT count(*)::int AS n FROM calendar_days WHERE day BETWEEN '2026-01-01' AND '2026-12-31'`);
    expect(after).toEqual(before);
    expect((await admin.agent.get('/staff/calendar?year=2026').expect(200)).text).toContain('国办发明电〔2025〕TEST号');
    // A new year cannot be entered without its holidays.
    const empty = await admin
      .form('/staff/calendar/years', { year: '2028', noticeTitle: '国务院办公厅关于2028年部分节假日安排的通知', noticeNumber: '国办发明电〔2027〕1号', entries: '' })
      .expect(400);
    expect(fieldErrorsIn(empty.text)).toContain('2028');
  });
});
