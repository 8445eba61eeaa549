import { advanceClock } from '../support/clock';
import { TestApp, createTestApp } from '../support/test-app';
import { bidPayload, createBiddingOrganisation, createPublishedProject, submitBid } from '../factories/bidding';
import { signInAs } from '../factories/users';

describe('sealed bids', () => {
  let t: TestApp;
  jest.setTimeout(30_000);
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('submits a bid, amends it (the latest counts, versions kept), withdraws and resubmits', async () => {
    const project = await createPublishedProject(t);
    const org = await createBiddingOrganisation(t);

    const first = await submitBid(org.session, project.id, bidPayload(project)).expect(201);
    expect(first.body).toMatchObject({ projectId: project.id, version: 1, kind: 'submission', organisationId: org.organisationId });
    expect(first.body.receiptSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(new Date(first.body.submittedAt).getTime()).toBeLessThan(project.bidDeadlineAt.getTime());

    const second = await submitBid(org.session, project.id, bidPayload(project, { price: '175000' })).expect(201);
    expect(second.body).toMatchObject({ bidId: first.body.bidId, version: 2, kind: 'amendment' });
    expect(second.body.receiptSha256).not.toBe(first.body.receiptSha256);

    const mine = await org.session.agent.get(`/api/v1/projects/${project.id}/bids/mine`).expect(200);
    expect(mine.body.currentVersion).toBe(2);
    expect(mine.body.content.priceMinor).toBe(17_500_000);
    expect(mine.body.versions.map((v: { version: number; kind: string }) => [v.version, v.kind])).toEqual([
      [2, 'amendment'],
      [1, 'submission'],
    ]);

    const withdrawn = await org.session.agent.post(`/api/v1/projects/${project.id}/bids/withdrawal`).set('X-CSRF-Token', org.session.csrf).expect(201);
    expect(withdrawn.body).toMatchObject({ version: 3, kind: 'withdrawal', receiptSha256: null });
    const again = await org.session.agent.post(`/api/v1/projects/${project.id}/bids/withdrawal`).set('X-CSRF-Token', org.session.csrf).expect(409);
    expect(again.body.error.code).toBe('BIDDING.ALREADY_WITHDRAWN');

    const resubmitted = await submitBid(org.session, project.id, bidPayload(project, { price: '180000' })).expect(201);
    expect(resubmitted.body).toMatchObject({ bidId: first.body.bidId, version: 4, kind: 'submission' });

    const rows = await t.dataSource.query(`SELECT version, kind FROM bid_versions WHERE bid_id = $1 ORDER BY version`, [first.body.bidId]);
    expect(rows.map((r: { kind: string }) => r.kind)).toEqual(['submission', 'amendment', 'withdrawal', 'submission']);
    const [bid] = await t.dataSource.query(`SELECT status, current_version FROM bids WHERE id = $1`, [first.body.bidId]);
    expect(bid).toEqual({ status: 'submitted', current_version: 4 });
    const audit = await t.dataSource.query(`SELECT action FROM audit_events WHERE entity_type = 'bid' AND entity_id = $1 ORDER BY id`, [first.body.bidId]);
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['bid.submitted', 'bid.amended', 'bid.withdrawn', 'bid.submitted']);
  });

  it('renders the proposal as escaped text in paragraphs, never as HTML', async () => {
    const project = await createPublishedProject(t);
    const org = await createBiddingOrganisation(t);
    const proposal = '第一段<script>alert(1)</script><img src=x onerror=alert(2)>\n第一段第二行\n\n第二段 <b>加粗</b>';
    await submitBid(org.session, project.id, bidPayload(project, { proposal })).expect(201);
    const page = await org.session.agent.get(`/projects/${project.id}/bid`).expect(200);
    const rendered = /<div class="bid-proposal"[^>]*>([\s\S]*?)<\/div>/.exec(page.text)![1].trim();
    expect(rendered).toBe('<p>第一段&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src&#x3D;x onerror&#x3D;alert(2)&gt;<br>第一段第二行</p><p>第二段 &lt;b&gt;加粗&lt;/b&gt;</p>');
  });

  it('refuses a bid one second after the deadline, with a clear message', async () => {
    const project = await createPublishedProject(t, { deadlineInMs: 60_000 });
    const org = await createBiddingOrganisation(t);
    await submitBid(org.session, project.id, bidPayload(project)).expect(201);
    await advanceClock(t.dataSource, 61_000);
    const late = await submitBid(org.session, project.id, bidPayload(project, { price: '100000' }))
      .set('Accept-Language', 'zh-CN')
      .expect(422);
    expect(late.body.error.code).toBe('PROCUREMENT.BID_WINDOW_CLOSED');
    expect(late.body.error.message).toContain('投标已于');
    const en = await org.session.agent.post(`/api/v1/projects/${project.id}/bids/withdrawal`).set('X-CSRF-Token', org.session.csrf).expect(422);
    expect(en.body.error.message).toMatch(/Bidding closed at/);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM bid_versions WHERE project_id = $1`, [project.id]);
    expect(n).toBe(1);
  });

  it('maps the deadline trigger at COMMIT to PROCUREMENT.BID_WINDOW_CLOSED', async () => {
    // The deadline passes between the friendly check and the commit: only the trigger can refuse it.
    const project = await createPublishedProject(t, { deadlineInMs: 60_000 });
    const org = await createBiddingOrganisation(t);
    await t.dataSource.query(`
      CREATE OR REPLACE FUNCTION test_jump_clock() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN UPDATE clock_settings SET offset_ms = offset_ms + 120000; RETURN NULL; END $$`);
    await t.dataSource.query(`CREATE TRIGGER test_jump_clock AFTER INSERT ON bid_versions FOR EACH ROW EXECUTE FUNCTION test_jump_clock()`);
    try {
      const res = await submitBid(org.session, project.id, bidPayload(project)).expect(422);
      expect(res.body.error.code).toBe('PROCUREMENT.BID_WINDOW_CLOSED');
    } finally {
      await t.dataSource.query(`DROP TRIGGER test_jump_clock ON bid_versions`);
      await t.dataSource.query(`DROP FUNCTION test_jump_clock()`);
    }
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM bids WHERE project_id = $1`, [project.id]);
    expect(n).toBe(0);
  });

  it('checks the price against the ceiling and the plan against the milestones, by field', async () => {
    const project = await createPublishedProject(t, { budgetCeilingMinor: 10_000_000 });
    const org = await createBiddingOrganisation(t);
    const res = await submitBid(org.session, project.id, bidPayload(project, { price: '100000.01', deliveryPlan: [{ milestone: 1, plan: 'x' }], declarationAccepted: false, team: [] }))
      .set('Accept-Language', 'zh-CN')
      .expect(400);
    expect(res.body.error.code).toBe('BIDDING.INVALID_BID');
    expect(res.body.error.fields.price[0]).toContain('¥100,000');
    expect(Object.keys(res.body.error.fields).sort()).toEqual(['declarationAccepted', 'deliveryPlan.2', 'price', 'team']);
    await submitBid(org.session, project.id, bidPayload(project, { price: '100000' })).expect(201);
  });

  describe('eligibility, re-checked in the submitting transaction', () => {
    it('refuses an organisation that is not approved', async () => {
      const project = await createPublishedProject(t);
      const org = await createBiddingOrganisation(t, { status: 'submitted' });
      const res = await submitBid(org.session, project.id, bidPayload(project)).expect(403);
      expect(res.body.error.code).toBe('BIDDING.NOT_ELIGIBLE');
    });

    it('refuses a suspended organisation, even one that bid before its suspension', async () => {
      const project = await createPublishedProject(t);
      const org = await createBiddingOrganisation(t);
      await submitBid(org.session, project.id, bidPayload(project)).expect(201);
      await t.dataSource.query(`UPDATE organisations SET status = 'suspended', status_reason = '违规' WHERE id = $1`, [org.organisationId]);
      const res = await submitBid(org.session, project.id, bidPayload(project, { price: '1000' })).expect(403);
      expect(res.body.error.code).toBe('BIDDING.NOT_ELIGIBLE');
    });

    it('refuses an organisation not registered for the project’s category', async () => {
      const project = await createPublishedProject(t, { categoryCode: 'C05' });
      const org = await createBiddingOrganisation(t, { serviceCategories: ['C01'] });
      await submitBid(org.session, project.id, bidPayload(project)).expect(403);
    });

    it('refuses an organisation with too few social workers', async () => {
      const project = await createPublishedProject(t, { minSocialWorkers: 10 });
      const few = await createBiddingOrganisation(t, { socialWorkerCount: 3 });
      const enough = await createBiddingOrganisation(t, { socialWorkerCount: 12 });
      await submitBid(few.session, project.id, bidPayload(project)).expect(403);
      await submitBid(enough.session, project.id, bidPayload(project)).expect(201);
    });

    it('lets only the invited organisation bid on a single-source project', async () => {
      const invited = await createBiddingOrganisation(t);
      const other = await createBiddingOrganisation(t);
      const project = await createPublishedProject(t, { method: 'single_source', invitedOrganisationId: invited.organisationId });
      await submitBid(other.session, project.id, bidPayload(project)).expect(403);
      await submitBid(invited.session, project.id, bidPayload(project)).expect(201);
    });

    it('refuses staff: only organisation members bid', async () => {
      const project = await createPublishedProject(t);
      const { session } = await signInAs(t, ['bureau_officer']);
      await submitBid(session, project.id, bidPayload(project)).expect(403);
    });
  });

  it('keeps no plaintext price or proposal in the database before the opening', async () => {
    const project = await createPublishedProject(t);
    const org = await createBiddingOrganisation(t);
    const phrase = '紫藤花开独居长者守望计划';
    await submitBid(org.session, project.id, bidPayload(project, { price: '193857.46', proposal: `${phrase}：每周三次上门，配备智能手环。` })).expect(201);
    await submitBid(org.session, project.id, bidPayload(project, { price: '187654.32', proposal: `${phrase}（修订）：每周三次上门。` })).expect(201);
    const dump = async (sql: string) => JSON.stringify(await t.dataSource.query(sql, [project.id]));
    const texts = [
      await dump(`SELECT b::text FROM bids b WHERE project_id = $1`),
      await dump(`SELECT v::text, encode(sealed_content, 'escape') AS esc, encode(sealed_content, 'hex') AS hex FROM bid_versions v WHERE project_id = $1`),
      await dump(`SELECT k::text, encode(wrapped_key, 'escape') AS esc, encode(wrapped_key, 'hex') AS hex FROM project_keys k WHERE project_id = $1`),
      await dump(`SELECT a::text FROM audit_events a WHERE summary::text LIKE '%' || $1 || '%'`),
      await dump(`SELECT j::text FROM pgboss.job j WHERE data::text LIKE '%' || $1 || '%'`),
    ].join('\n');
    expect(texts).toContain(project.id);
    for (const secret of ['19385746', '193857.46', '193,857', '18765432', '187654', phrase, Buffer.from(phrase).toString('hex')]) {
      expect(texts).not.toContain(secret);
    }
  });

  it('seals attachments too: the stored bytes are ciphertext, the bidder downloads the original', async () => {
    const { BidsService } = await import('../../src/bidding/bids.service');
    const project = await createPublishedProject(t);
    const org = await createBiddingOrganisation(t);
    const secret = 'PRICE-SHEET-CNY-173000-TOPSECRET';
    // A PNG signature followed by a text chunk carrying the secret.
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from(`0000001ftEXtComment\0${secret}`, 'latin1')]);
    const actor = { userId: org.user.id, roles: ['org_member'], organisationId: org.organisationId, requestId: null, ip: null };
    const payload = bidPayload(project) as never;
    await t.app
      .get(BidsService)
      .submitBid(actor, project.id, payload, [{ fieldname: 'attachments', originalname: 'price-sheet.png', encoding: '7bit', mimetype: 'image/png', size: png.length, buffer: png }]);
    const [doc] = await t.dataSource.query(
      `SELECT d.id, d.sealed, d.size_bytes, encode(d.content, 'escape') AS esc, b.id AS bid_id
         FROM documents d JOIN bids b ON b.id::text = d.owner_id WHERE b.project_id = $1`,
      [project.id],
    );
    expect(doc.sealed).toBe(true);
    expect(doc.size_bytes).toBe(png.length);
    expect(doc.esc).not.toContain(secret);
    const download = await org.session.agent
      .get(`/bids/${doc.bid_id}/attachments/${doc.id}`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(Buffer.compare(download.body as Buffer, png)).toBe(0);
  });

  it('shows staff only how many bids there are before the opening', async () => {
    const project = await createPublishedProject(t);
    const a = await createBiddingOrganisation(t);
    const b = await createBiddingOrganisation(t);
    await submitBid(a.session, project.id, bidPayload(project, { price: '155555' })).expect(201);
    await submitBid(b.session, project.id, bidPayload(project, { price: '166666' })).expect(201);
    for (const role of ['bureau_officer', 'bureau_approver', 'auditor']) {
      const { session } = await signInAs(t, [role]);
      const page = await session.agent.get(`/staff/projects/${project.id}/bids`).expect(200);
      expect(page.text).toContain('data-testid="bid-count">2 份<');
      expect(page.text).not.toMatch(/155,555|166,666|独居老人建立一人一档/);
      expect(page.text).not.toContain(a.nameZh);
    }
    const { session } = await signInAs(t, ['bureau_officer']);
    const early = await session.form(`/staff/projects/${project.id}/open`).expect(303);
    const after = await session.agent.get(early.headers.location).expect(200);
    expect(after.text).toContain('投标截止时间');
    expect(after.text).toContain('不能开标');
  });

  it('never shows one organisation another’s bid, before or after the opening (guessed ids are 404)', async () => {
    const project = await createPublishedProject(t, { deadlineInMs: 60_000 });
    const owner = await createBiddingOrganisation(t);
    const rival = await createBiddingOrganisation(t);
    const res = await submitBid(owner.session, project.id, bidPayload(project, { price: '199999' })).expect(201);
    const { bidId } = res.body;

    const probes = async () => {
      await rival.session.agent.get(`/bids/${bidId}/versions/1/receipt`).expect(404);
      await rival.session.agent.get(`/api/v1/projects/${project.id}/bids/mine`).expect(404);
      const page = await rival.session.agent.get(`/projects/${project.id}/bid`).expect(200);
      expect(page.text).not.toContain('199,999');
      expect(page.text).not.toContain(bidId);
      const list = await rival.session.agent.get('/bids').expect(200);
      expect(list.text).not.toContain(project.title);
    };
    await probes();
    const docs = await t.dataSource.query(`SELECT id FROM documents WHERE owner_type = 'bid' AND owner_id = $1`, [bidId]);
    expect(docs).toEqual([]);
    await rival.session.agent.get(`/bids/${bidId}/attachments/00000000-0000-4000-8000-000000000000`).expect(404);

    await advanceClock(t.dataSource, 61_000);
    const { session } = await signInAs(t, ['bureau_officer']);
    await session.form(`/staff/projects/${project.id}/open`).expect(303);
    await probes();
    // The public record shows the price and receipt hash, never the proposal or team.
    const opening = await rival.session.agent.get(`/notices/projects/${project.reference}/opening`).expect(200);
    expect(opening.text).toContain('¥199,999');
    expect(opening.text).toContain(res.body.receiptSha256);
    expect(opening.text).not.toContain('独居老人建立一人一档');
    expect(opening.text).not.toContain('王芳');
    const json = await rival.session.agent.get(`/api/v1/notices/projects/${project.reference}/opening`).expect(200);
    expect(JSON.stringify(json.body)).not.toMatch(/proposal|王芳|nonce/);
    // The owner still reads its own bid.
    const mine = await owner.session.agent.get(`/api/v1/projects/${project.id}/bids/mine`).expect(200);
    expect(mine.body.content.team[0].name).toBe('王芳');
  });
});
