import { NotificationsService } from '../../src/notifications/notifications.service';
import { createUser } from '../factories/users';
import { TestSmtpServer, startSmtpServer } from '../support/smtp';
import { TestApp, createTestApp } from '../support/test-app';

/** The production path: the job queued in the decision's transaction delivers the email (the sweep is slowed right down). */
describe('notification email through the job queue (JOBS_ENABLED)', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  jest.setTimeout(120_000);
  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp({ SMTP_URL: smtp.url, JOBS_ENABLED: 'true', MAIL_POLL_SECONDS: '3600' });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const notify = (userId: string, fail = false) =>
    t.dataSource.transaction(async (m) => {
      await t.app.get(NotificationsService).notify(m, { recipients: { userIds: [userId] }, kind: 'test.event', titleKey: 'notifications.unread', params: { count: 2 }, link: '/inbox' });
      if (fail) throw new Error('the decision failed');
    });

  async function delivered(email: string, within = 30_000): Promise<number> {
    const deadline = Date.now() + within;
    while (Date.now() < deadline && !smtp.to(email).length) await new Promise((r) => setTimeout(r, 100));
    return smtp.to(email).length;
  }

  async function outboxRowSettled(userId: string, within = 30_000): Promise<{ status: string; attempts: number }> {
    const deadline = Date.now() + within;
    for (;;) {
      const [row] = await t.dataSource.query(`SELECT status, attempts FROM mail_outbox WHERE user_id = $1`, [userId]);
      if (row.status !== 'sending' || Date.now() > deadline) return row;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('delivers once from the job written with the notification; a rolled-back decision queues nothing', async () => {
    const user = await createUser(t, { roles: ['auditor'] });
    const [{ n: jobsBefore }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'notifications.mail'`);
    await expect(notify(user.id, true)).rejects.toThrow('the decision failed');
    const [{ n: jobsAfterRollback }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'notifications.mail'`);
    expect(jobsAfterRollback).toBe(jobsBefore);

    await notify(user.id);
    expect(await delivered(user.email)).toBe(1);
    expect(smtp.to(user.email)[0].subject).toBe('【社区公共服务购买平台】2 条未读');
    // The SMTP server has the message before the worker's closing UPDATE commits: wait for the row to leave 'sending'.
    expect(await outboxRowSettled(user.id)).toEqual({ status: 'sent', attempts: 1 });
    const [{ n: jobs }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'notifications.mail'`);
    expect(jobs).toBe(jobsBefore + 1);
  });
});
