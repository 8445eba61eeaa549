import { MailOutboxWorker } from '../../src/notifications/mail-outbox.worker';
import { NotificationsService } from '../../src/notifications/notifications.service';
import { anonymousSession, createUser, signIn } from '../factories/users';
import { TestSmtpServer, startSmtpServer } from '../support/smtp';
import { TestApp, createTestApp } from '../support/test-app';
import { waitForLockWait } from '../support/waits';

const PUBLIC_URL = 'https://mkt.example';

describe('notification email through SMTP', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let worker: MailOutboxWorker;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp({ SMTP_URL: smtp.url, MAIL_FROM: '社区公共服务购买平台 <noreply@mkt.example>', PUBLIC_URL });
    worker = t.app.get(MailOutboxWorker);
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  /** The inbox row a decision writes (here: the unread-count key, which takes a parameter). */
  const notify = (recipients: Parameters<NotificationsService['notify']>[1]['recipients'], kind = 'test.event', count = 7, link = '/dashboard') =>
    t.dataSource.transaction((m) => t.app.get(NotificationsService).notify(m, { recipients, kind, titleKey: 'notifications.unread', params: { count }, link }));

  it('emails each recipient once, in the language they chose while signed in, with the public link', async () => {
    const zh = await createUser(t, { roles: ['auditor'], displayName: '王审计' });
    const en = await createUser(t, { roles: ['auditor'], displayName: 'Ann Auditor' });
    const bystander = await createUser(t, { roles: ['evaluator'] });
    // Switching the site's language while signed in sets the email language.
    const s = await signIn(t, en);
    await s.agent.get('/locale/en?next=/dashboard').expect(303);
    const [{ preferred_locale }] = await t.dataSource.query(`SELECT preferred_locale FROM users WHERE id = $1`, [en.id]);
    expect(preferred_locale).toBe('en');

    await notify({ userIds: [zh.id, en.id] }, 'test.event', 11, '/inbox');
    await expect(worker.sendPending()).resolves.toEqual({ sent: 2, retrying: 0, dead: 0 });

    const [toZh] = smtp.to(zh.email);
    expect(smtp.to(zh.email)).toHaveLength(1);
    expect(toZh.to).toEqual([zh.email]);
    expect(toZh.from).toBe('noreply@mkt.example');
    expect(toZh.subject).toBe('【社区公共服务购买平台】11 条未读');
    expect(toZh.text).toContain('王审计，您好：');
    expect(toZh.text).toContain(`查看详情：${PUBLIC_URL}/inbox`);
    expect(toZh.text).toContain(`${PUBLIC_URL}/account/notifications`);

    const [toEn] = smtp.to(en.email);
    expect(smtp.to(en.email)).toHaveLength(1);
    expect(toEn.subject).toBe('[Community Services Marketplace] 11 unread');
    expect(toEn.text).toContain('Dear Ann Auditor,');
    expect(toEn.text).toContain(`Details: ${PUBLIC_URL}/inbox`);
    expect(smtp.to(bystander.email)).toHaveLength(0);

    const rows = await t.dataSource.query(`SELECT status, attempts, message_id, sent_at FROM mail_outbox WHERE user_id = ANY($1::uuid[])`, [[zh.id, en.id]]);
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatchObject({ status: 'sent', attempts: 1, message_id: expect.stringMatching(/@/) });
    // Sending again finds nothing due.
    await expect(worker.sendPending()).resolves.toEqual({ sent: 0, retrying: 0, dead: 0 });
  });

  it('takes the language chosen before signing in as the email language', async () => {
    const user = await createUser(t, { roles: ['auditor'] });
    const anon = await anonymousSession(t);
    await anon.agent.get('/locale/en?next=/login').expect(303);
    await anon.form('/login', { email: user.email, password: user.password }).expect(303);
    const [{ preferred_locale }] = await t.dataSource.query(`SELECT preferred_locale FROM users WHERE id = $1`, [user.id]);
    expect(preferred_locale).toBe('en');
  });

  it('writes no email when the decision rolls back', async () => {
    const user = await createUser(t, { roles: ['auditor'] });
    await expect(
      t.dataSource.transaction(async (m) => {
        await t.app.get(NotificationsService).notify(m, { recipients: { userIds: [user.id] }, kind: 'test.event', titleKey: 'notifications.unread', params: { count: 1 } });
        throw new Error('the decision failed');
      }),
    ).rejects.toThrow('the decision failed');
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM mail_outbox WHERE user_id = $1`, [user.id]);
    expect(n).toBe(0);
  });

  it('sends every message exactly once when two senders claim at the same moment', async () => {
    const users = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => createUser(t, { roles: ['auditor'], displayName: `并发${i}` })));
    for (const [i, u] of users.entries()) await notify({ userIds: [u.id] }, 'test.event', 100 + i);
    const locker = t.dataSource.createQueryRunner();
    await locker.connect();
    await locker.startTransaction();
    let first: Promise<unknown> | undefined;
    let second: Promise<unknown> | undefined;
    try {
      // Both senders queue behind this lock inside their claim, then are released together.
      await locker.query(`LOCK TABLE mail_outbox IN EXCLUSIVE MODE`);
      first = worker.sendPending();
      second = worker.sendPending();
      const waiting = await waitForLockWait(t.dataSource, '%FROM mail_outbox%SKIP LOCKED%', { sessions: 2 });
      expect(waiting).toBe(2);
      await locker.commitTransaction();
      const results = (await Promise.all([first, second])) as Array<{ sent: number }>;
      expect(results[0].sent + results[1].sent).toBe(6);
    } finally {
      if (locker.isTransactionActive) await locker.rollbackTransaction();
      await locker.release();
      await Promise.allSettled([first, second]);
    }
    for (const u of users) expect(smtp.to(u.email)).toHaveLength(1);
    const rows = await t.dataSource.query(`SELECT status, attempts FROM mail_outbox WHERE user_id = ANY($1::uuid[])`, [users.map((u) => u.id)]);
    expect(rows).toEqual(users.map(() => ({ status: 'sent', attempts: 1 })));
  });

  it('retries after the SMTP server refuses once, after the back-off, and delivers once', async () => {
    const user = await createUser(t, { roles: ['auditor'] });
    await notify({ userIds: [user.id] }, 'test.event', 3);
    smtp.rejectNext(1);
    await expect(worker.sendPending()).resolves.toEqual({ sent: 0, retrying: 1, dead: 0 });
    const [row] = await t.dataSource.query(`SELECT id, status, attempts, last_error, next_attempt_at > now() + interval '50 seconds' AS backed_off FROM mail_outbox WHERE user_id = $1`, [user.id]);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, backed_off: true });
    expect(row.last_error).toContain('451');
    expect(smtp.to(user.email)).toHaveLength(0);
    // Not due yet: nothing is sent before the back-off has passed.
    await expect(worker.sendPending()).resolves.toEqual({ sent: 0, retrying: 0, dead: 0 });
    await t.dataSource.query(`UPDATE mail_outbox SET next_attempt_at = now() WHERE id = $1`, [row.id]);
    await expect(worker.sendPending()).resolves.toEqual({ sent: 1, retrying: 0, dead: 0 });
    expect(smtp.to(user.email)).toHaveLength(1);
    const [after] = await t.dataSource.query(`SELECT status, attempts, last_error FROM mail_outbox WHERE id = $1`, [row.id]);
    expect(after).toEqual({ status: 'sent', attempts: 2, last_error: null });
  });

  it('takes over a message whose sender died once its lease has passed, and not before', async () => {
    const user = await createUser(t, { roles: ['auditor'] });
    await notify({ userIds: [user.id] }, 'test.event', 4);
    await t.dataSource.query(`UPDATE mail_outbox SET status = 'sending', attempts = 1, locked_until = now() + interval '1 minute' WHERE user_id = $1`, [user.id]);
    await expect(worker.sendPending()).resolves.toEqual({ sent: 0, retrying: 0, dead: 0 });
    await t.dataSource.query(`UPDATE mail_outbox SET locked_until = now() - interval '1 second' WHERE user_id = $1`, [user.id]);
    await expect(worker.sendPending()).resolves.toEqual({ sent: 1, retrying: 0, dead: 0 });
    expect(smtp.to(user.email)).toHaveLength(1);
  });

  it('respects a person’s choice to receive essential email only, reached from the account menu', async () => {
    const user = await createUser(t, { roles: ['auditor'] });
    const s = await signIn(t, user);
    const dashboard = await s.agent.get('/dashboard').expect(200);
    expect(dashboard.text).toContain('href="/account/notifications"');
    const page = await s.agent.get('/account/notifications').expect(200);
    expect(page.text).toContain('邮件通知设置');
    expect(page.text).toMatch(/value="all"[^>]*checked/);

    const bad = await s.form('/account/notifications', { email: 'never' }).expect(400);
    expect(bad.text).toContain('请选择要接收的邮件。');
    await s.form('/account/notifications', { email: 'essential' }).expect(303);
    expect((await s.agent.get('/account/notifications').expect(200)).text).toMatch(/value="essential"[^>]*checked/);

    await notify({ userIds: [user.id] }, 'award.not_won', 5);
    await notify({ userIds: [user.id] }, 'disbursement.paid', 6);
    const inbox = await t.dataSource.query(`SELECT kind FROM notifications WHERE user_id = $1 ORDER BY kind`, [user.id]);
    expect(inbox.map((r: { kind: string }) => r.kind)).toEqual(['award.not_won', 'disbursement.paid']);
    await worker.sendPending();
    const mails = smtp.to(user.email);
    expect(mails.map((m) => m.subject)).toEqual(['【社区公共服务购买平台】6 条未读']);
    expect(mails[0].text).toContain('始终发送');

    await s.form('/account/notifications', { email: 'all' }).expect(303);
    await notify({ userIds: [user.id] }, 'award.not_won', 8);
    await worker.sendPending();
    expect(smtp.to(user.email)).toHaveLength(2);
  });

  it('emails the owner when their password changes (essential, even with non-essential email off)', async () => {
    const user = await createUser(t, { roles: ['auditor'] });
    await t.app.get(NotificationsService).setEmailSettings(user.id, false);
    const s = await signIn(t, user);
    await s.form('/account/password', { currentPassword: user.password, newPassword: 'Another-horse-77', confirmPassword: 'Another-horse-77' }).expect(303);
    await worker.sendPending();
    const [mail] = smtp.to(user.email);
    expect(mail.subject).toBe('【社区公共服务购买平台】您的账户密码已更改。如果不是您本人操作，请立即联系平台管理员。');
    expect(mail.text).toContain(`${PUBLIC_URL}/account/password`);
  });
});

describe('notification email without SMTP_URL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('keeps messages in the outbox, listed for admins on /admin/outbox (linked from the admin navigation)', async () => {
    const user = await createUser(t, { roles: ['auditor'], displayName: '李四' });
    await t.dataSource.transaction((m) =>
      t.app.get(NotificationsService).notify(m, { recipients: { userIds: [user.id] }, kind: 'test.event', titleKey: 'notifications.unread', params: { count: 9 }, link: '/inbox' }),
    );
    await expect(t.app.get(MailOutboxWorker).sendPending()).resolves.toEqual({ sent: 0, retrying: 0, dead: 0 });
    const [row] = await t.dataSource.query(`SELECT status, attempts FROM mail_outbox WHERE user_id = $1`, [user.id]);
    expect(row).toEqual({ status: 'pending', attempts: 0 });

    const admin = await signIn(t, await createUser(t, { roles: ['admin'] }));
    const nav = await admin.agent.get('/dashboard').expect(200);
    expect(nav.text).toContain('href="/admin/outbox"');
    const page = await admin.agent.get('/admin/outbox').expect(200);
    expect(page.text).toContain('未配置 SMTP_URL');
    expect(page.text).toContain(user.email);
    expect(page.text).toContain('【社区公共服务购买平台】9 条未读');
    expect(page.text).toContain('李四，您好：');
    expect(page.text).toContain('待发送');
    expect(page.headers['cache-control']).toContain('no-store');
    const sent = await admin.agent.get('/admin/outbox?status=sent').expect(200);
    expect(sent.text).not.toContain(user.email);
    await admin.agent.get('/admin/outbox?status=bogus').expect(400);
    await admin.agent.get('/locale/en?next=/admin/outbox').expect(303);
    const english = await admin.agent.get('/admin/outbox').expect(200);
    expect(english.text).toContain('SMTP_URL is not set');

    const auditor = await signIn(t, user);
    await auditor.agent.get('/admin/outbox').expect(403);
  });
});
