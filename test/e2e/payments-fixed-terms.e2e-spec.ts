import { signInAsUser } from '../factories/awards';
import { createDraft, createFund, projectForm, publishProject } from '../factories/procurement';
import { createActiveContract, passMilestone } from '../factories/payments';
import { localDateOf } from '../../src/procurement/domain/local-time';
import { dbNow } from '../support/clock';
import { TestApp, createTestApp } from '../support/test-app';

/**
 * Payment terms are fixed before bidding: the table in force when a project is published is the
 * one its tender documents and contract show and every disbursement of its contract uses, even
 * after the payment rules change.
 */
describe('payment terms fixed at publication', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('pays a contract by the table published with its project after the rules change; later projects get the new table', async () => {
    const c = await createActiveContract(t);
    const [{ payment_terms: terms }] = await t.dataSource.query(`SELECT payment_terms FROM projects WHERE id = $1`, [c.contract.projectId]);
    expect(terms).toMatchObject({ excellentBp: 10000, goodBp: 10000, passBp: 9000, failBp: 0, effectiveFrom: '2000-01-01' });

    // The contract says what the engine pays: 90 % at 合格, the rest held back; not "the whole amount".
    const [{ terms: text }] = await t.dataSource.query(`SELECT terms FROM contracts WHERE id = $1`, [c.contract.id]);
    expect(text).toContain('（3）评估等级合格（60–79.99 分）：支付该里程碑金额的 90%，其余 10% 暂扣，终期评估平均等级达到良好（80–89.99 分）后支付');
    expect(text).not.toContain('评价合格的，甲方按该里程碑金额支付');

    // The rules change from today: 合格 pays 50 %, 良好 90 %.
    const today = localDateOf(await dbNow(t.dataSource));
    const [newRules] = await t.dataSource.query(`INSERT INTO payment_rules (effective_from, excellent_bp, good_bp, pass_bp, fail_bp) VALUES ($1, 10000, 9000, 5000, 0) RETURNING id`, [today]);

    await passMilestone(t, c.contract.id, 1, 7000);
    const officer = await signInAsUser(t, c.officer);
    const res = await officer.form(`/staff/contracts/${c.contract.id}/milestones/1/disbursements`).expect(303);
    const id = /\/staff\/disbursements\/([0-9a-f-]{36})/.exec(res.headers.location)![1];
    const [d] = await t.dataSource.query(`SELECT amount_minor, computation FROM disbursements WHERE id = $1`, [id]);
    const trancheMinor = Number(c.milestones[0].amountMinor);
    expect(Number(d.amount_minor)).toBe(Math.floor((trancheMinor * 9000) / 10000));
    expect(d.computation).toMatchObject({ grade: 'pass', shareBp: 9000, rulesId: terms.paymentRulesId });
    expect(d.computation.rulesId).not.toBe(newRules.id);

    // The award notice shows the table published with the project, not the one in force today, in both languages.
    const [{ reference: awardedReference }] = await t.dataSource.query(`SELECT reference FROM projects WHERE id = $1`, [c.contract.projectId]);
    const awardNotice = await t.http().get(`/notices/awards/${awardedReference}`).expect(200);
    expect(awardNotice.text).toContain('data-testid="award-payment-terms"');
    expect(awardNotice.text).toContain('支付该里程碑金额的 90%，其余 10% 暂扣');
    expect(awardNotice.text).not.toContain('支付该里程碑金额的 50%');
    const awardNoticeEn = await t.http().get(`/notices/awards/${awardedReference}`).set('Accept-Language', 'en').expect(200);
    expect(awardNoticeEn.text).toContain('data-testid="award-payment-terms"');
    expect(awardNoticeEn.text).toMatch(/90 ?%/);
    const awardJson = await t.http().get(`/api/v1/notices/awards/${awardedReference}`).expect(200);
    expect(awardJson.body.notices[0].paymentTerms.join(' ')).toMatch(/90 ?%/);

    // Fixed means fixed: the copy cannot be rewritten.
    await expect(t.dataSource.query(`UPDATE projects SET payment_terms = payment_terms_in_force($2::date) WHERE id = $1`, [c.contract.projectId, today])).rejects.toThrow(/fixed at publication/);

    // A project published now bids against the new table, and its notice says so.
    const fund = await createFund(t);
    const laterId = await createDraft(officer, await projectForm(t, fund.id));
    const [{ payment_terms: draftTerms }] = await t.dataSource.query(`SELECT payment_terms FROM projects WHERE id = $1`, [laterId]);
    expect(draftTerms).toBeNull();
    await publishProject(officer, laterId).expect(303);
    const [{ payment_terms: laterTerms, reference }] = await t.dataSource.query(`SELECT payment_terms, reference FROM projects WHERE id = $1`, [laterId]);
    expect(laterTerms).toMatchObject({ paymentRulesId: newRules.id, passBp: 5000, goodBp: 9000 });
    const notice = await t.http().get(`/notices/projects/${reference}`).set('Accept-Language', 'en').expect(200);
    expect(notice.text).toContain('data-testid="payment-terms"');
    const zh = await t.http().get(`/notices/projects/${reference}`).expect(200);
    expect(zh.text).toContain('支付该里程碑金额的 50%，其余 50% 暂扣');
  });
});
