import { createHash } from 'node:crypto';
import { bidPayload, createBiddingOrganisation, submitBid, createProjectWithBidder } from '../factories/bidding';
import { registerOrganisation, tinyPng, uploadDocument } from '../factories/organisations';
import { ContractsService } from '../../src/contracts/contracts.service';
import { actorOf, awardProject, createEvaluatedProject, createOfficer, passChallengePeriod, signInAsUser } from '../factories/awards';
import { createActiveContract } from '../factories/payments';
import { Session, signInAs } from '../factories/users';
import { TestApp, createTestApp } from '../support/test-app';

function binary(req: ReturnType<Session['agent']['get']>) {
  return req.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });
}

/** A whole PDF: the header, an embedded font (the CJK glyphs), and the end-of-file marker. */
function expectPdf(body: Buffer) {
  expect(body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(body.subarray(-8).toString('latin1')).toContain('%%EOF');
  expect(body.toString('latin1')).toMatch(/\/FontFile2|\/FontFile/);
}

describe('printable records: bid receipts, contracts, vetting document previews', () => {
  let t: TestApp;
  jest.setTimeout(120_000);
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('prints a bid receipt as HTML and PDF with its sha256, for the bidder only', async () => {
    const { project, org } = await createProjectWithBidder(t);
    const receipt = (await submitBid(org.session, project.id, bidPayload(project)).expect(201)).body as { bidId: string; version: number; receiptSha256: string };
    const page = await org.session.agent.get(`/projects/${project.id}/bid`).expect(200);
    const printUrl = `/bids/${receipt.bidId}/versions/1/receipt/print`;
    expect(page.text).toContain(`href="${printUrl}"`);

    const html = await org.session.agent.get(printUrl).expect(200);
    expect(html.text).toContain(`data-testid="receipt-sha256">${receipt.receiptSha256}<`);
    expect(html.text).toContain('投标回执');
    expect(html.text).toContain(`/bids/${receipt.bidId}/versions/1/receipt.pdf`);
    const en = await org.session.agent.get(printUrl).set('Cookie', 'lang=en').expect(200);
    expect(en.text).toContain('sha256 of the sealed bid');

    const pdf = await binary(org.session.agent.get(`/bids/${receipt.bidId}/versions/1/receipt.pdf`)).expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toMatch(/^inline; filename="bid-receipt-.+-v1\.pdf"$/);
    expect(pdf.headers['x-content-type-options']).toBe('nosniff');
    expect(pdf.headers['cache-control']).toContain('no-store');
    expectPdf(pdf.body as Buffer);

    // Another organisation learns nothing: not found, on both.
    const rival = await createBiddingOrganisation(t);
    await rival.session.agent.get(printUrl).expect(404);
    await rival.session.agent.get(`/bids/${receipt.bidId}/versions/1/receipt.pdf`).expect(404);
    await org.session.agent.get(`/bids/${receipt.bidId}/versions/9/receipt/print`).expect(404);
  });

  it('prints a published contract as HTML and PDF whose sha256 is that of the text as signed', async () => {
    const c = await createActiveContract(t);
    const reference = c.contract.reference;
    const notice = await t.http().get(`/notices/contracts/${reference}`).expect(200);
    expect(notice.text).toContain(`/notices/contracts/${reference}/print`);
    const text = await t.http().get(`/notices/contracts/${reference}/text`).expect(200);
    const sha256 = createHash('sha256').update(text.text, 'utf8').digest('hex');

    const html = await t.http().get(`/notices/contracts/${reference}/print`).expect(200);
    expect(html.text).toContain(`data-testid="contract-sha256">${sha256}<`);
    expect(html.text).toContain('data-testid="contract-text"');
    const pdf = await binary(t.http().get(`/notices/contracts/${reference}/contract.pdf`)).expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toBe(`inline; filename="${reference}.pdf"`);
    expectPdf(pdf.body as Buffer);
    await t.http().get('/notices/contracts/HT-2099-9999/print').expect(404);
  });

  it('prints a contract awaiting confirmation only for the purchasing staff and the contracted organisation, marked as a draft; the public and others get 404', async () => {
    const project = await createEvaluatedProject(t);
    const award = await awardProject(t, project);
    await passChallengePeriod(t, award.id);
    const officer = await createOfficer(t);
    const draft = await t.app.get(ContractsService).generateContract(actorOf(officer), award.id);
    const winner = project.bidders.find((b) => b.bidId === award.bidId)!;
    const loser = project.bidders.find((b) => b.bidId !== award.bidId)!;

    await t.http().get(`/notices/contracts/${draft.reference}/print`).expect(404);
    await t.http().get(`/notices/contracts/${draft.reference}/contract.pdf`).expect(404);

    const staff = await signInAsUser(t, officer);
    const staffPage = await staff.agent.get(`/staff/contracts/${draft.id}`).expect(200);
    expect(staffPage.text).toContain(`href="/staff/contracts/${draft.id}/print"`);
    const staffPrint = await staff.agent.get(`/staff/contracts/${draft.id}/print`).expect(200);
    expect(staffPrint.text).toContain('data-testid="contract-draft"');
    expect(staffPrint.text).toContain('草稿');
    expect(staffPrint.text).toContain(`href="/staff/contracts/${draft.id}/contract.pdf"`);
    expect(staffPrint.text).not.toContain(`/notices/contracts/${draft.reference}`);
    const staffPdf = await binary(staff.agent.get(`/staff/contracts/${draft.id}/contract.pdf`)).expect(200);
    expect(staffPdf.headers['content-disposition']).toBe(`inline; filename="${draft.reference}-draft.pdf"`);
    expectPdf(staffPdf.body as Buffer);
    const english = await staff.agent.get(`/staff/contracts/${draft.id}/print`).set('Cookie', 'lang=en').expect(200);
    expect(english.text).toContain('DRAFT');

    const member = await signInAsUser(t, winner.member);
    expect((await member.agent.get(`/organisation/contracts/${draft.id}`).expect(200)).text).toContain(`href="/organisation/contracts/${draft.id}/print"`);
    expect((await member.agent.get(`/organisation/contracts/${draft.id}/print`).expect(200)).text).toContain('data-testid="contract-draft"');
    expectPdf((await binary(member.agent.get(`/organisation/contracts/${draft.id}/contract.pdf`)).expect(200)).body as Buffer);

    const other = await signInAsUser(t, loser.admin);
    await other.agent.get(`/organisation/contracts/${draft.id}/print`).expect(404);
    await other.agent.get(`/organisation/contracts/${draft.id}/contract.pdf`).expect(404);
    await other.agent.get(`/staff/contracts/${draft.id}/print`).expect(403);

    // Once in force and published, no draft mark anywhere.
    const active = await createActiveContract(t);
    const published = await staff.agent.get(`/staff/contracts/${active.contract.id}/print`).expect(200);
    expect(published.text).not.toContain('data-testid="contract-draft"');
    expect(published.text).toContain(`/notices/contracts/${active.contract.reference}/text`);
  });

  it('lets staff preview a vetting document inline, safely; other files still download', async () => {
    const org = await registerOrganisation(t);
    await uploadDocument(org.session, 'registration_certificate', tinyPng(), '登记证书.png').expect(303);
    const [doc] = (await t.dataSource.query(`SELECT id FROM documents WHERE owner_id = $1`, [org.organisationId])) as Array<{ id: string }>;
    const officer = (await signInAs(t, ['bureau_officer'])).session;
    const detail = await officer.agent.get(`/staff/organisations/${org.organisationId}`).expect(200);
    const preview = `/staff/organisations/${org.organisationId}/documents/${doc.id}/preview`;
    expect(detail.text).toContain(`href="${preview}"`);

    const res = await binary(officer.agent.get(preview)).expect(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['content-disposition']).toMatch(/^inline; filename=/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect((res.body as Buffer).equals(tinyPng())).toBe(true);
    const download = await officer.agent.get(`/staff/organisations/${org.organisationId}/documents/${doc.id}`).expect(200);
    expect(download.headers['content-disposition']).toMatch(/^attachment;/);

    // Only staff; the organisation's own page has downloads, no staff preview link.
    await org.session.agent.get(preview).expect(403);
    const own = await org.session.agent.get('/organisation').expect(200);
    expect(own.text).not.toContain('data-testid="document-preview"');
    await officer.agent.get(`/staff/organisations/${org.organisationId}/documents/00000000-0000-4000-8000-000000000000/preview`).expect(404);
  });
});
