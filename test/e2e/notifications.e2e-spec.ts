import { NotificationsService } from '../../src/notifications/notifications.service';
import { createUser, signIn } from '../factories/users';
import { TestApp, createTestApp } from '../support/test-app';

describe('notifications inbox', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const notify = (recipients: Parameters<NotificationsService['notify']>[1]['recipients'], link = '/dashboard') =>
    t.dataSource.transaction((m) => t.app.get(NotificationsService).notify(m, { recipients, kind: 'test.event', titleKey: 'notifications.unread', params: { count: 7 }, link }));

  it('delivers to users, roles and active members only, and shows the unread count in the header', async () => {
    const officer = await createUser(t, { roles: ['bureau_officer'] });
    const retired = await createUser(t, { roles: ['bureau_officer'] });
    await t.dataSource.query(`UPDATE users SET is_active = false WHERE id = $1`, [retired.id]);
    const evaluator = await createUser(t, { roles: ['evaluator'] });
    const delivered = await notify({ roles: ['bureau_officer'], userIds: [officer.id] });
    expect(delivered).toBeGreaterThanOrEqual(1);
    const rows = await t.dataSource.query(`SELECT user_id FROM notifications WHERE kind = 'test.event'`);
    const ids = rows.map((r: { user_id: string }) => r.user_id);
    expect(ids).toContain(officer.id);
    expect(ids).not.toContain(retired.id);
    expect(ids).not.toContain(evaluator.id);
    expect(ids.filter((id: string) => id === officer.id)).toHaveLength(1);

    const s = await signIn(t, officer);
    const page = await s.agent.get('/dashboard').expect(200);
    expect(page.text).toMatch(/data-testid="inbox-link">消息 <span class="count"[^>]*>1<\/span>/);
    const inbox = await s.agent.get('/inbox').expect(200);
    expect(inbox.text).toContain('7 条未读');
  });

  it('opens a notification (marks it read, follows its link) and refuses someone else’s', async () => {
    const a = await createUser(t, { roles: ['auditor'] });
    const b = await createUser(t, { roles: ['auditor'] });
    await notify({ userIds: [a.id] }, '/catalogue');
    const [{ id }] = await t.dataSource.query(`SELECT id FROM notifications WHERE user_id = $1`, [a.id]);
    const sb = await signIn(t, b);
    await sb.form(`/inbox/${id}/open`).expect(404);
    const sa = await signIn(t, a);
    const res = await sa.form(`/inbox/${id}/open`).expect(303);
    expect(res.headers.location).toBe('/catalogue');
    const [{ read_at }] = await t.dataSource.query(`SELECT read_at FROM notifications WHERE id = $1`, [id]);
    expect(read_at).not.toBeNull();
    await t.http().get('/inbox').expect(303);
  });
});
