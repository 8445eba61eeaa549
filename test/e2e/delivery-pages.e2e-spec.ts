import { createHash } from 'node:crypto';
import { NARRATIVE, countDeliveries, milestoneStatus, postDelivery, setClockTo } from '../factories/delivery';
import { auditActions, signInAsUser } from '../factories/awards';
import { tinyPng } from '../factories/organisations';
import { PayableContract, createActiveContract } from '../factories/payments';
import { Session, signInAs } from '../factories/users';
import { TestApp, createTestApp } from '../support/test-app';

const PDF = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('delivery pages: the organisation delivers a milestone, the bureau reads it, no one else sees it', () => {
  let t: TestApp;
  let c: PayableContract;
  let org: Session;
  let stranger: Session;
  jest.setTimeout(120_000);

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
    c = await createActiveContract(t);
    await setClockTo(t, '2027-03-20T10:00:00+08:00');
    org = await signInAsUser(t, c.orgAdmin);
    const other = c.project.bidders.find((b) => b.organisationId !== c.organisationId)!;
    stranger = await signInAsUser(t, other.admin);
  });
  afterAll(async () => {
    await t.close();
  });

  const item = () => c.contract.items[0].itemCode;
  const base = () => `/organisation/contracts/${c.contract.id}`;

  it('lists the contract and its milestones with due dates and a deliver form with a row per contract item', async () => {
    const overview = await org.agent.get('/organisation/deliveries').expect(200);
    expect(overview.text).toContain(c.contract.reference);
    const list = await org.agent.get(`${base()}/milestones`).expect(200);
    expect(list.text).toContain('2027-03-31');
    expect(list.text).toContain('data-testid="deliver-1"');
    expect(list.text).not.toContain('data-testid="overdue-1"');
    const form = await org.agent.get(`${base()}/milestones/1/deliver`).expect(200);
    expect(form.text).toContain('data-testid="deliver-form"');
    for (const i of c.contract.items) expect(form.text).toContain(`value="${i.itemCode}"`);
    expect(form.text).toContain('首次交付');
    const template = await org.agent.get(`${base()}/service-log-template.csv`).expect(200);
    expect(template.headers['content-type']).toMatch(/text\/csv/);
    expect(template.text).toContain('项目编码');
    expect(template.text).toContain(`"${item()}"`);
  });

  it('re-renders the form with the input kept and field messages on bad input, and writes nothing', async () => {
    const bad = await postDelivery(org, c.contract.id, 1, { narrative: '太短', records: [{ itemCode: item(), sessions: 'abc', personVisits: '12' }] }).expect(400);
    expect(bad.text).toContain('data-testid="deliver-form"');
    expect(bad.text).toContain('服务报告须为 10–20000 字');
    expect(bad.text).toContain('须为不小于 0 的整数');
    expect(bad.text).toContain('value="abc"');
    expect(bad.text).toContain('太短');
    const empty = await postDelivery(org, c.contract.id, 1, {}).expect(400);
    expect(empty.text).toContain('请至少填写一条服务记录');
    const photoPdf = await postDelivery(org, c.contract.id, 1, { records: [{ itemCode: item(), sessions: '1' }], photos: [{ bytes: PDF, name: 'photo.pdf' }] }).expect(400);
    expect(photoPdf.text).toContain('现场照片须为 JPEG 或 PNG');
    const fake = await postDelivery(org, c.contract.id, 1, { records: [{ itemCode: item(), sessions: '1' }], signInSheets: [{ bytes: Buffer.from('<html>x</html>'), name: 'sheet.pdf' }] }).expect(400);
    expect(fake.text).toContain('data-testid="deliver-form"');
    expect(await countDeliveries(t, c.contract.id)).toEqual({ deliveries: 0, records: 0, attachments: 0, documents: 0 });
    expect(await milestoneStatus(t, c.contract.id, 1)).toBe('pending');
  });

  it('delivers with records, a photo and a sign-in sheet: milestone delivered, on time, sha256 shown, audited, officers notified', async () => {
    const photo = tinyPng();
    const ok = await postDelivery(org, c.contract.id, 1, {
      records: [
        { itemCode: c.contract.items[0].itemCode, date: '2027-03-10', sessions: '2', personVisits: '30', households: '', hours: '3.5', note: '健康讲座' },
        { itemCode: c.contract.items[1].itemCode, date: '', sessions: '', personVisits: '', households: '', hours: '' },
      ],
      photos: [{ bytes: photo, name: '现场.png' }],
      signInSheets: [{ bytes: PDF, name: '签到表.pdf' }],
    }).expect(303);
    expect(ok.headers.location).toBe(`${base()}/milestones/1/deliveries/1`);
    expect(await milestoneStatus(t, c.contract.id, 1)).toBe('delivered');
    expect(await countDeliveries(t, c.contract.id)).toMatchObject({ deliveries: 1, records: 1, attachments: 2 });

    const detail = await org.agent.get(ok.headers.location).expect(200);
    expect(detail.text).toContain('data-testid="delivery-on-time"');
    expect(detail.text).toContain(NARRATIVE);
    expect(detail.text).toContain(sha(photo));
    expect(detail.text).toContain(sha(PDF));
    expect(detail.text).toContain('3.5');
    const [row] = await t.dataSource.query(`SELECT id, late, hours_centi FROM milestone_deliveries d JOIN delivery_service_records r ON r.delivery_id = d.id WHERE d.contract_id = $1`, [
      c.contract.id,
    ]);
    expect(row).toMatchObject({ late: false, hours_centi: 350 });
    expect(await auditActions(t, 'milestone_delivery', row.id)).toEqual(['delivery.submitted']);
    const [n] = await t.dataSource.query(`SELECT count(*)::int AS n FROM notifications WHERE kind = 'delivery.submitted' AND user_id = $1`, [c.officer.id]);
    expect(n.n).toBe(1);

    const docId = /attachments\/([0-9a-f-]{36})/.exec(detail.text)![1];
    const file = await org.agent
      .get(`${ok.headers.location}/attachments/${docId}`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(sha(file.body as Buffer)).toMatch(new RegExp(`${sha(photo)}|${sha(PDF)}`));

    const list = await org.agent.get(`${base()}/milestones`).expect(200);
    expect(list.text).toContain('data-testid="delivery-link-1-1"');
    expect(list.text).not.toContain('data-testid="deliver-1"');
    const again = await org.agent.get(`${base()}/milestones/1/deliver`).expect(200);
    expect(again.text).toContain('data-testid="not-open"');
  });

  it('refuses a second submission of the same milestone with 409 and keeps one delivery', async () => {
    const res = await postDelivery(org, c.contract.id, 1, { records: [{ itemCode: item(), sessions: '1' }] }).expect(409);
    expect(res.text).toContain('该里程碑当前不接受交付');
    const api = await postDelivery(org, c.contract.id, 1, { records: [{ itemCode: item(), sessions: '1' }] }, { api: true }).expect(409);
    expect(api.body.error.code).toBe('DELIVERY.MILESTONE_NOT_OPEN');
    expect((await countDeliveries(t, c.contract.id)).deliveries).toBe(1);
  });

  it('shows the delivery read-only to officers, approvers and auditors, and refuses evaluators', async () => {
    const detailPath = `/staff/contracts/${c.contract.id}/milestones/1/deliveries/1`;
    for (const roles of [['bureau_officer'], ['bureau_approver'], ['auditor']]) {
      const { session } = await signInAs(t, roles);
      const list = await session.agent.get(`/staff/contracts/${c.contract.id}/deliveries`).expect(200);
      expect(list.text).toContain(`data-testid="delivery-link-1-1"`);
      expect(list.text).not.toContain('data-testid="deliver-1"');
      const detail = await session.agent.get(detailPath).expect(200);
      expect(detail.text).toContain(NARRATIVE);
      expect(detail.text).not.toContain('deliver-form');
      const docId = /attachments\/([0-9a-f-]{36})/.exec(detail.text)![1];
      await session.agent.get(`${detailPath}/attachments/${docId}`).expect(200);
      const overview = await session.agent.get('/staff/deliveries').expect(200);
      expect(overview.text).toContain(c.contract.reference);
      const api = await session.agent.get(`/api/v1/contracts/${c.contract.id}/milestones/1/deliveries/1`).expect(200);
      expect(api.body).toMatchObject({ milestonePosition: 1, round: 1, late: false, records: [{ itemCode: item(), sessions: 2, personVisits: 30, hoursCenti: 350 }] });
      await session.agent.get(`${base()}/milestones`).expect(403);
    }
    const { session: evaluator } = await signInAs(t, ['evaluator']);
    await evaluator.agent.get(detailPath).expect(403);
    await evaluator.agent.get(`/api/v1/contracts/${c.contract.id}/deliveries`).expect(403);
    await org.agent.get(detailPath).expect(403);
    await org.agent.get(`/staff/contracts/${c.contract.id}/milestones/1/deliveries/1/attachments/${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}`).expect(403);
  });

  it('answers 404 to another organisation on every route of this contract, and writes nothing', async () => {
    const detail = await org.agent.get(`${base()}/milestones/1/deliveries/1`).expect(200);
    const docId = /attachments\/([0-9a-f-]{36})/.exec(detail.text)![1];
    for (const path of [
      `${base()}/milestones`,
      `${base()}/service-log-template.csv`,
      `${base()}/milestones/2/deliver`,
      `${base()}/milestones/1/deliveries/1`,
      `${base()}/milestones/1/deliveries/1/attachments/${docId}`,
      `/api/v1/contracts/${c.contract.id}/deliveries`,
      `/api/v1/contracts/${c.contract.id}/milestones/1/deliveries/1`,
    ]) {
      await stranger.agent.get(path).expect(404);
    }
    await postDelivery(stranger, c.contract.id, 2, { records: [{ itemCode: item(), sessions: '1' }] }).expect(404);
    const api = await postDelivery(stranger, c.contract.id, 2, { records: [{ itemCode: item(), sessions: '1' }] }, { api: true }).expect(404);
    expect(api.body.error.code).toBe('DELIVERY.CONTRACT_NOT_FOUND');
    const overview = await stranger.agent.get('/organisation/deliveries').expect(200);
    expect(overview.text).not.toContain(c.contract.reference);
    expect(await milestoneStatus(t, c.contract.id, 2)).toBe('pending');
    // The owner's own attachment through another milestone's address is not found either.
    await org.agent.get(`${base()}/milestones/2/deliveries/1/attachments/${docId}`).expect(404);
    await org.agent.get(`${base()}/milestones/9/deliver`).expect(404);
    await org.agent.get(`/organisation/contracts/not-a-uuid/milestones`).expect(404);
  });
});
