import { DELIVERY_REMINDERS_QUEUE, DeliveryReminders } from '../../src/delivery/delivery.reminders';
import { postDelivery, setClockTo } from '../factories/delivery';
import { signInAsUser } from '../factories/awards';
import { createActiveContract } from '../factories/payments';
import { TestApp, createTestApp } from '../support/test-app';
import { waitForQueueIdle } from '../support/waits';

async function members(t: TestApp, organisationId: string): Promise<string[]> {
  const rows = (await t.dataSource.query(`SELECT id FROM users WHERE organisation_id = $1 AND is_active ORDER BY id`, [organisationId])) as Array<{ id: string }>;
  return rows.map((r) => r.id);
}

/** One row per (kind, position) when every member of the organisation got exactly one notification of it. */
async function remindedOnce(t: TestApp, contractId: string, organisationId: string): Promise<Array<[string, string]>> {
  const people = await members(t, organisationId);
  const rows = await reminders(t, contractId);
  const keys = [...new Set(rows.map((r) => `${r.kind}|${r.position}`))].sort();
  for (const key of keys) {
    const to = rows
      .filter((r) => `${r.kind}|${r.position}` === key)
      .map((r) => r.user_id)
      .sort();
    expect(to).toEqual(people);
  }
  return keys.map((k) => k.split('|') as [string, string]);
}

async function reminders(t: TestApp, contractId: string) {
  return (await t.dataSource.query(
    `SELECT n.user_id, n.kind, n.params->>'position' AS position FROM notifications n WHERE n.kind IN ('delivery.due_soon', 'delivery.overdue') AND n.params->>'reference' = (SELECT reference FROM contracts WHERE id = $1) ORDER BY n.kind, position`,
    [contractId],
  )) as Array<{ user_id: string; kind: string; position: string }>;
}

describe('delivery reminders and dashboards', () => {
  let t: TestApp;
  jest.setTimeout(120_000);
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000', DELIVERY_REMINDER_DAYS: '7' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('reminds the organisation 7 days before the due date and once overdue, once each however often and concurrently the job runs', async () => {
    const c = await createActiveContract(t);
    const job = t.app.get(DeliveryReminders);
    await setClockTo(t, '2027-03-23T23:00:00+08:00'); // 8 days before 31 March: nothing yet
    expect(await job.sendReminders()).toEqual({ dueSoon: 0, overdue: 0 });
    expect(await reminders(t, c.contract.id)).toEqual([]);

    await setClockTo(t, '2027-03-24T00:10:00+08:00'); // 7 days before
    const runs = await Promise.all([job.sendReminders(), job.sendReminders(), job.sendReminders()]);
    expect(runs.reduce((n, r) => n + r.dueSoon, 0)).toBe(1);
    expect(await job.sendReminders()).toEqual({ dueSoon: 0, overdue: 0 });
    expect(await remindedOnce(t, c.contract.id, c.organisationId)).toEqual([['delivery.due_soon', '1']]);
    expect((await reminders(t, c.contract.id)).map((r) => r.user_id)).toContain(c.orgAdmin.id);

    const org = await signInAsUser(t, c.orgAdmin);
    const dash = await org.agent.get('/dashboard').expect(200);
    expect(dash.text).toContain('data-testid="dash-delivery-due-soon"');
    expect(dash.text).not.toContain('data-testid="dash-delivery-overdue"');
    const inbox = await org.agent.get('/inbox').expect(200);
    expect(inbox.text).toContain(`合同 ${c.contract.reference} 第 1 个里程碑`);

    await setClockTo(t, '2027-03-31T23:59:00+08:00'); // the due day itself: not overdue yet
    expect(await job.sendReminders()).toEqual({ dueSoon: 0, overdue: 0 });
    await setClockTo(t, '2027-04-01T00:01:00+08:00');
    const overdueRuns = await Promise.all([job.sendReminders(), job.sendReminders()]);
    expect(overdueRuns.reduce((n, r) => n + r.overdue, 0)).toBe(1);
    await setClockTo(t, '2027-04-05T09:00:00+08:00');
    expect(await job.sendReminders()).toEqual({ dueSoon: 0, overdue: 0 });
    expect(await remindedOnce(t, c.contract.id, c.organisationId)).toEqual([
      ['delivery.due_soon', '1'],
      ['delivery.overdue', '1'],
    ]);

    const overdueDash = await org.agent.get('/dashboard').expect(200);
    expect(overdueDash.text).toContain('data-testid="dash-delivery-overdue"');
    expect(overdueDash.text).toContain('逾期 5 天');
    const officer = await signInAsUser(t, c.officer);
    const staffDash = await officer.agent.get('/dashboard').expect(200);
    expect(staffDash.text).toContain('data-testid="dash-delivery-overdue"');
    expect(staffDash.text).toContain(c.contract.reference);
    const staffPage = await officer.agent.get('/staff/deliveries').expect(200);
    expect(staffPage.text).toContain('data-testid="staff-overdue"');
    expect(staffPage.text).toContain(c.contract.reference);

    // Delivered late: no longer overdue, flagged as a late delivery on both dashboards.
    await postDelivery(org, c.contract.id, 1, { records: [{ itemCode: c.contract.items[0].itemCode, sessions: '1' }] }).expect(303);
    const after = await org.agent.get('/dashboard').expect(200);
    expect(after.text).not.toContain('data-testid="dash-delivery-overdue"');
    expect(after.text).toContain('data-testid="dash-delivery-late"');
    expect((await officer.agent.get('/dashboard').expect(200)).text).toContain('data-testid="dash-delivery-late"');
    expect(await job.sendReminders()).toEqual({ dueSoon: 0, overdue: 0 });
  });

  it('does not remind about a delivered milestone or a contract that is not active', async () => {
    const c = await createActiveContract(t);
    await setClockTo(t, '2027-06-25T10:00:00+08:00');
    const org = await signInAsUser(t, c.orgAdmin);
    await postDelivery(org, c.contract.id, 2, { records: [{ itemCode: c.contract.items[0].itemCode, sessions: '1' }] }).expect(303);
    const job = t.app.get(DeliveryReminders);
    await job.sendReminders();
    // Milestone 1 (due 31 March) is overdue and reminded; milestone 2 was delivered before its due date.
    expect(await remindedOnce(t, c.contract.id, c.organisationId)).toEqual([['delivery.overdue', '1']]);
    const other = await createActiveContract(t);
    await t.dataSource.query(`UPDATE contracts SET status = 'terminating' WHERE id = $1`, [other.contract.id]);
    await setClockTo(t, '2027-07-02T10:00:00+08:00');
    await job.sendReminders();
    expect(await reminders(t, other.contract.id)).toEqual([]);
  });
});

describe('the reminder job on the queue (JOBS_ENABLED)', () => {
  let t: TestApp;
  jest.setTimeout(120_000);
  const previous = process.env.JOBS_ENABLED;
  beforeAll(async () => {
    process.env.JOBS_ENABLED = 'true';
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
  });
  afterAll(async () => {
    await t.close();
    if (previous === undefined) delete process.env.JOBS_ENABLED;
    else process.env.JOBS_ENABLED = previous;
  });

  it('sends the reminders from a queued job, on the hourly schedule in Asia/Shanghai', async () => {
    const c = await createActiveContract(t);
    await setClockTo(t, '2027-04-02T10:00:00+08:00');
    const job = t.app.get(DeliveryReminders);
    expect(job.isRunning).toBe(true);
    await job.queueReminders(); // null while a run is already waiting: that run reads the clock when it starts
    await waitForQueueIdle(t.dataSource, DELIVERY_REMINDERS_QUEUE);
    const found = await reminders(t, c.contract.id);
    expect(found.map((r) => r.user_id)).toContain(c.orgAdmin.id);
    // Further runs of the job (it is delivered at least once) send nothing more.
    await expect(job.queueReminders()).resolves.toEqual(expect.any(String));
    await waitForQueueIdle(t.dataSource, DELIVERY_REMINDERS_QUEUE);
    expect(await remindedOnce(t, c.contract.id, c.organisationId)).toEqual([['delivery.overdue', '1']]);
    const [schedule] = await t.dataSource.query(`SELECT cron, timezone FROM pgboss.schedule WHERE name = 'delivery.reminders'`);
    expect(schedule).toEqual({ cron: '5 * * * *', timezone: 'Asia/Shanghai' });
  });
});
