import { SYSTEM_ACTOR } from '../../src/audit/actor';
import { OpeningJobs } from '../../src/bidding/opening/opening.jobs';
import { OpeningService } from '../../src/bidding/opening/opening.service';
import { advanceClock, dbNow } from '../support/clock';
import { TestApp, createTestApp } from '../support/test-app';
import { BiddingOrganisation, bidPayload, createBiddingOrganisation, createPublishedProject, submitBid } from '../factories/bidding';
import { signInAs } from '../factories/users';

describe('opening the bids', () => {
  let t: TestApp;
  jest.setTimeout(30_000);
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('opens once when the job and an officer trigger it at the same moment; receipts verify afterwards', async () => {
    const project = await createPublishedProject(t, { deadlineInMs: 60_000 });
    const orgs = [await createBiddingOrganisation(t), await createBiddingOrganisation(t), await createBiddingOrganisation(t)];
    const receipts: Array<{ receiptSha256: string }> = [];
    for (const [i, org] of orgs.entries()) receipts.push((await submitBid(org.session, project.id, bidPayload(project, { price: String(150000 + i * 1000) })).expect(201)).body);
    const superseded = receipts[0];
    receipts[0] = (await submitBid(orgs[0].session, project.id, bidPayload(project, { price: '149000' })).expect(201)).body;
    await advanceClock(t.dataSource, 61_000);

    const { session } = await signInAs(t, ['bureau_officer']);
    const jobs = t.app.get(OpeningJobs);
    const [job, staff, job2] = await Promise.all([jobs.runOpening(project.id), session.form(`/staff/projects/${project.id}/open`), jobs.runOpening(project.id)]);
    expect(staff.status).toBe(303);
    const outcomes = [job, job2];
    const staffOpened = (await t.dataSource.query(`SELECT trigger FROM bid_openings WHERE project_id = $1`, [project.id]))[0].trigger === 'staff';
    expect(outcomes.filter((o) => o.opened).length + (staffOpened ? 1 : 0)).toBe(1);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM bid_openings WHERE project_id = $1`, [project.id]);
    expect(n).toBe(1);
    const [p] = await t.dataSource.query(`SELECT status, opened_at FROM projects WHERE id = $1`, [project.id]);
    expect(p.status).toBe('opened');

    // A second officer trigger gets a clear "already opened".
    const second = await session.form(`/staff/projects/${project.id}/open`).expect(303);
    const page = await session.agent.get(second.headers.location).expect(200);
    expect(page.text).toContain('本项目已经开标，不能重复开标');
    const api = await session.agent.post(`/staff/projects/${project.id}/open`).set('X-CSRF-Token', session.csrf).set('Accept', 'application/json').expect(409);
    expect(api.body.error.code).toBe('BIDDING.ALREADY_OPENED');

    const record = await t.http().get(`/api/v1/notices/projects/${project.reference}/opening`).expect(200);
    expect(record.body.bidCount).toBe(3);
    expect(record.body.bids.map((b: { priceMinor: number }) => b.priceMinor).sort()).toEqual([14_900_000, 15_100_000, 15_200_000]);
    expect(record.body.bids.map((b: { receiptSha256: string }) => b.receiptSha256).sort()).toEqual(receipts.map((r) => r.receiptSha256).sort());
    for (const r of receipts) {
      const v = await t.http().get(`/api/v1/notices/projects/${project.reference}/opening/verify`).query({ receipt: r.receiptSha256 }).expect(200);
      expect(v.body.status).toBe('verified');
    }
    const old = await t.http().get(`/api/v1/notices/projects/${project.reference}/opening/verify`).query({ receipt: superseded.receiptSha256 }).expect(200);
    expect(old.body.status).toBe('superseded');
    const unknown = await t
      .http()
      .get(`/api/v1/notices/projects/${project.reference}/opening/verify`)
      .query({ receipt: 'a'.repeat(64) })
      .expect(200);
    expect(unknown.body.status).toBe('unknown');
    const verifyPage = await t.http().get(`/notices/projects/${project.reference}/opening/verify`).query({ receipt: receipts[1].receiptSha256 }).expect(200);
    expect(verifyPage.text).toContain('核验通过');

    // Bidders and officers are told.
    const told = await t.dataSource.query(`SELECT count(DISTINCT user_id)::int AS n FROM notifications WHERE kind = 'project.bids_opened' AND link LIKE '%' || $1 || '%'`, [project.reference]);
    expect(told[0].n).toBeGreaterThanOrEqual(3);
    // Opened content is canonical: the receipt recomputes from the stored jsonb.
    const stored = await t.dataSource.query(`SELECT decrypted, price_minor FROM opened_bids WHERE project_id = $1`, [project.id]);
    expect(stored.every((s: { decrypted: boolean }) => s.decrypted)).toBe(true);
  });

  it('records a bid that cannot be decrypted, or whose receipt does not match, and opens the rest', async () => {
    const project = await createPublishedProject(t, { deadlineInMs: 60_000 });
    const orgs = [await createBiddingOrganisation(t), await createBiddingOrganisation(t), await createBiddingOrganisation(t)];
    const bids: Array<{ bidId: string }> = [];
    for (const org of orgs) bids.push((await submitBid(org.session, project.id, bidPayload(project)).expect(201)).body);
    await advanceClock(t.dataSource, 61_000);
    // Tamper with two rows the way someone with database access might (triggers bypassed).
    await t.dataSource.transaction(async (m) => {
      await m.query(`SET LOCAL session_replication_role = replica`);
      await m.query(`UPDATE bid_versions SET sealed_content = set_byte(sealed_content, 5, (get_byte(sealed_content, 5) + 1) % 256) WHERE bid_id = $1`, [bids[0].bidId]);
      await m.query(`UPDATE bid_versions SET receipt_sha256 = $2 WHERE bid_id = $1`, [bids[1].bidId, 'b'.repeat(64)]);
    });
    const outcome = await t.app.get(OpeningService).openProject(SYSTEM_ACTOR, project.id, 'job');
    expect(outcome).toMatchObject({ opened: true, bidCount: 3, decryptedCount: 1, failed: true });
    const rows = await t.dataSource.query(`SELECT bid_id, decrypted, decrypt_error, price_minor FROM opened_bids WHERE project_id = $1`, [project.id]);
    const byBid = new Map(rows.map((r: { bid_id: string }) => [r.bid_id, r]));
    expect(byBid.get(bids[0].bidId)).toMatchObject({ decrypted: false, price_minor: null });
    expect((byBid.get(bids[0].bidId) as { decrypt_error: string }).decrypt_error).toMatch(/decryption failed/);
    expect(byBid.get(bids[1].bidId)).toMatchObject({ decrypted: false });
    expect((byBid.get(bids[1].bidId) as { decrypt_error: string }).decrypt_error).toMatch(/receipt/);
    expect(byBid.get(bids[2].bidId)).toMatchObject({ decrypted: true });
    const page = await t.http().get(`/notices/projects/${project.reference}/opening`).expect(200);
    expect(page.text).toContain('无法解密（已记录）');
  });

  it('fails the procurement (流标) with fewer valid bids than the method requires and releases the reservation', async () => {
    const project = await createPublishedProject(t, { deadlineInMs: 60_000, method: 'open_tender', budgetCeilingMinor: 30_000_000 });
    const org = await createBiddingOrganisation(t);
    await submitBid(org.session, project.id, bidPayload(project)).expect(201);
    const [before] = await t.dataSource.query(`SELECT reserved_minor FROM funds WHERE id = $1`, [project.fundId]);
    expect(Number(before.reserved_minor)).toBe(30_000_000);
    await advanceClock(t.dataSource, 61_000);
    const outcome = await t.app.get(OpeningJobs).runOpening(project.id);
    expect(outcome).toMatchObject({ opened: true, bidCount: 1, decryptedCount: 1, failed: true });
    const [p] = await t.dataSource.query(`SELECT status, failed_reason, reservation_released_at FROM projects WHERE id = $1`, [project.id]);
    expect(p.status).toBe('failed');
    expect(p.failed_reason).toContain('流标');
    const [after] = await t.dataSource.query(`SELECT reserved_minor FROM funds WHERE id = $1`, [project.fundId]);
    expect(Number(after.reserved_minor)).toBe(0);
    const record = await t.http().get(`/notices/projects/${project.reference}/opening`).expect(200);
    expect(record.text).toContain('本项目已流标');
  });

  it('the job skips a project that is not yet due and one already opened', async () => {
    const project = await createPublishedProject(t, { deadlineInMs: 60_000 });
    const jobs = t.app.get(OpeningJobs);
    await expect(jobs.runOpening(project.id)).resolves.toEqual({ opened: false, skipped: 'not_due' });
    await advanceClock(t.dataSource, 61_000);
    await expect(jobs.runOpening(project.id)).resolves.toMatchObject({ opened: true, bidCount: 0, failed: true });
    await expect(jobs.runOpening(project.id)).resolves.toEqual({ opened: false, skipped: 'already_opened' });
  });

  it('makes concurrent first submissions of one organisation one bid, never a 500', async () => {
    const project = await createPublishedProject(t);
    const org = await createBiddingOrganisation(t);
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => submitBid(org.session, project.id, bidPayload(project, { price: String(120000 + i) }))));
    expect(results.map((r) => r.status).every((s) => s === 201 || s === 409)).toBe(true);
    const accepted = results.filter((r) => r.status === 201);
    expect(new Set(accepted.map((r) => r.body.bidId)).size).toBe(1);
    expect(accepted.map((r) => r.body.version).sort()).toEqual(accepted.map((_, i) => i + 1));
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM bids WHERE project_id = $1`, [project.id]);
    expect(n).toBe(1);
  });

  it('a burst of submissions and amendments across the deadline: those committed before are opened exactly once, the rest refused, no 500', async () => {
    // Organisations first (argon2 sign-ins take a while on a busy machine), then the project.
    const orgs: BiddingOrganisation[] = [];
    for (let i = 0; i < 12; i++) orgs.push(await createBiddingOrganisation(t));
    const project = await createPublishedProject(t, { deadlineInMs: 2_500 });
    const remaining = project.bidDeadlineAt.getTime() - (await dbNow(t.dataSource)).getTime();
    expect(remaining).toBeGreaterThan(0);
    const accepted = new Map<string, { version: number; receiptSha256: string; submittedAt: string }>();
    const statuses: number[] = [];
    const refused: number[] = [];
    const started = Date.now();
    // Each organisation keeps submitting (first, then amendments) until well past the deadline.
    await Promise.all(
      orgs.map(async (org, i) => {
        let n = 0;
        while (Date.now() - started < remaining + 1_500) {
          n += 1;
          const res = await submitBid(org.session, project.id, bidPayload(project, { price: String(100000 + i * 100 + n) }));
          statuses.push(res.status);
          if (res.status === 201) {
            const prev = accepted.get(org.organisationId);
            if (!prev || res.body.version > prev.version) accepted.set(org.organisationId, res.body);
          } else refused.push(res.status);
        }
      }),
    );
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(new Set(refused)).toEqual(new Set([422]));
    expect(refused.length).toBeGreaterThan(0);
    expect(accepted.size).toBeGreaterThan(0);
    for (const r of accepted.values()) expect(new Date(r.submittedAt).getTime()).toBeLessThan(project.bidDeadlineAt.getTime());

    await t.app.get(OpeningJobs).runOpening(project.id);
    const opened = await t.dataSource.query(`SELECT organisation_id, version, receipt_sha256 FROM opened_bids WHERE project_id = $1`, [project.id]);
    expect(opened.length).toBe(accepted.size);
    for (const o of opened) {
      const ack = accepted.get(o.organisation_id);
      expect(ack).toBeDefined();
      expect(o.version).toBe(ack!.version);
      expect(o.receipt_sha256).toBe(ack!.receiptSha256);
    }
    const [{ late }] = await t.dataSource.query(`SELECT count(*)::int AS late FROM bid_versions v JOIN projects p ON p.id = v.project_id WHERE p.id = $1 AND v.submitted_at >= p.bid_deadline_at`, [
      project.id,
    ]);
    expect(late).toBe(0);
  });
});

describe('the opening job on the queue (JOBS_ENABLED)', () => {
  let t: TestApp;
  jest.setTimeout(30_000);
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

  it('queues the opening with the first bid and opens at the deadline by itself', async () => {
    const project = await createPublishedProject(t, { deadlineInMs: 3_000 });
    const a = await createBiddingOrganisation(t);
    const b = await createBiddingOrganisation(t);
    await submitBid(a.session, project.id, bidPayload(project)).expect(201);
    await submitBid(b.session, project.id, bidPayload(project, { price: '170000' })).expect(201);
    const jobs = await t.dataSource.query(`SELECT singleton_key, state FROM pgboss.job WHERE name = 'bidding.open-project' AND data->>'projectId' = $1`, [project.id]);
    expect(jobs).toEqual([{ singleton_key: `${project.id}@${project.bidDeadlineAt.toISOString()}`, state: 'created' }]);
    // The every-minute scan queues nothing new for the same deadline.
    await expect(t.app.get(OpeningJobs).scanDeadlines()).resolves.toBe(0);
    const deadline = Date.now() + 20_000;
    let status = '';
    while (Date.now() < deadline) {
      [{ status }] = await t.dataSource.query(`SELECT status FROM projects WHERE id = $1`, [project.id]);
      if (status === 'opened') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe('opened');
    const [opening] = await t.dataSource.query(`SELECT trigger, bid_count, opened_at FROM bid_openings WHERE project_id = $1`, [project.id]);
    expect(opening).toMatchObject({ trigger: 'job', bid_count: 2 });
    expect(opening.opened_at.getTime()).toBeGreaterThanOrEqual(project.bidDeadlineAt.getTime());
  }, 40_000);
});
