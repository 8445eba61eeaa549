import { randomBytes } from 'node:crypto';
import { actorOf, signInAsUser } from '../factories/awards';
import { createEvaluator } from '../factories/evaluators';
import { DocumentsService } from '../../src/documents/documents.service';
import { tinyPng } from '../factories/organisations';
import { createContractWithEvaluators, deliverMilestone, evaluatorActor, milestoneStatus, resultsOf, serviceEvaluation, sheetFor } from '../factories/service-evaluation';
import { createUser, signIn, signInAs } from '../factories/users';
import { dbNow } from '../support/clock';
import { TestApp, createTestApp } from '../support/test-app';

const flat = (sheet: { points: Record<string, string>; comments: Record<string, string> }, action: 'save' | 'submit') => {
  const out: Record<string, string> = { action };
  for (const [k, v] of Object.entries(sheet.points)) out[`points[${k}]`] = v;
  for (const [k, v] of Object.entries(sheet.comments)) out[`comments[${k}]`] = v;
  return out;
};

describe('service evaluation pages and API: officers, evaluators, organisations, auditors, admins', () => {
  let t: TestApp;
  jest.setTimeout(180_000);
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('admins version the indicator template; bad weights and past dates re-render the form with the input kept', async () => {
    const admin = (await signInAs(t, ['admin'])).session;
    const list = await admin.agent.get('/staff/indicator-templates').expect(200);
    expect(list.text).toContain('data-testid="template-C01"');
    expect(list.text).toContain('产出数量');
    const form = await admin.agent.get('/staff/indicator-templates/C02/new').expect(200);
    expect(form.text).toContain('name="indicators[0][code]"');
    expect(form.text).toContain('value="output_quantity"');

    const now = await dbNow(t.dataSource);
    const today = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    const row = (i: number, code: string, weight: string) => ({
      [`indicators[${i}][code]`]: code,
      [`indicators[${i}][nameZh]`]: `指标${i}`,
      [`indicators[${i}][nameEn]`]: `Indicator ${i}`,
      [`indicators[${i}][weight]`]: weight,
    });
    const bad = await admin
      .form('/staff/indicator-templates/C02', { effectiveFrom: today, ...row(0, 'output_quantity', '40'), ...row(1, 'service_quality', '40'), ...row(2, 'resident_satisfaction', '30') })
      .expect(400);
    expect(bad.text).toContain('权重合计须为 100（现为 110）');
    expect(bad.text).toContain('value="resident_satisfaction"');
    const past = await admin.form('/staff/indicator-templates/C02', { effectiveFrom: '2001-01-01', ...row(0, 'output_quantity', '50'), ...row(1, 'service_quality', '50') }).expect(400);
    expect(past.text).toContain('生效日期不能早于今天');
    await admin.form('/staff/indicator-templates/C02', { effectiveFrom: today, note: '简化为两项', ...row(0, 'output_quantity', '50'), ...row(1, 'service_quality', '50') }).expect(303);
    const [v2] = await t.dataSource.query(`SELECT version, indicators FROM indicator_templates WHERE category_code = 'C02' ORDER BY version DESC LIMIT 1`);
    expect(v2.version).toBe(2);
    expect(v2.indicators.map((i: { weight: number }) => i.weight)).toEqual([50, 50]);
    const again = await admin.form('/staff/indicator-templates/C02', { effectiveFrom: today, ...row(0, 'output_quantity', '50'), ...row(1, 'service_quality', '50') }).expect(400);
    expect(again.text).toContain('该类别在这一天已有生效的版本');
    // History is never rewritten.
    await expect(t.dataSource.query(`UPDATE indicator_templates SET note = 'x' WHERE category_code = 'C02'`)).rejects.toMatchObject({ code: '23001' });

    const officer = (await signInAs(t, ['bureau_officer'])).session;
    await officer.agent.get('/staff/indicator-templates').expect(200);
    await officer.agent.get('/staff/indicator-templates/C02/new').expect(403);
    await officer.form('/staff/indicator-templates/C02', { effectiveFrom: today }).expect(403);
    await admin.agent.get('/staff/indicator-templates/ZZZ/new').expect(404);
  });

  it('officers assign evaluators from the pool; conflicts and organisation accounts are refused with the reason', async () => {
    const c = await createContractWithEvaluators(t, 0);
    const free = await createEvaluator(t, { expertise: ['C01'], displayName: `无冲突专家${randomBytes(2).toString('hex')}` });
    const conflicted = await createEvaluator(t, { expertise: ['C01'], displayName: `有冲突专家${randomBytes(2).toString('hex')}` });
    const stranger = await createEvaluator(t, { expertise: ['C09'], displayName: `外行专家${randomBytes(2).toString('hex')}` });
    const now = await dbNow(t.dataSource);
    const twoYearsAgo = new Date(now.getTime() - 2 * 365 * 86_400_000).toISOString().slice(0, 10);
    await t.dataSource.query(`INSERT INTO evaluator_relationships (evaluator_id, organisation_id, kind, started_on, ended_on) VALUES ($1, $2, 'employment', DATE '2019-01-01', $3)`, [
      conflicted.id,
      c.organisationId,
      twoYearsAgo,
    ]);
    const officer = await signInAsUser(t, c.officer);
    const page = await officer.agent.get(`/staff/service-evaluations/${c.contract.id}`).expect(200);
    expect(page.text).toContain('data-testid="understaffed"');
    expect(page.text).toContain(`<option value="${free.id}"`);
    expect(page.text).not.toContain(`<option value="${conflicted.id}"`);
    expect(page.text).not.toContain(`<option value="${stranger.id}"`);
    expect(page.text).toContain('data-testid="excluded"');

    const refused = await officer.form(`/staff/service-evaluations/${c.contract.id}/evaluators`, { evaluatorId: conflicted.id }).expect(422);
    expect(refused.text).toContain('三年内与该机构有关联关系');
    const json = await officer.agent
      .post(`/staff/service-evaluations/${c.contract.id}/evaluators`)
      .set('X-CSRF-Token', officer.csrf)
      .set('Accept', 'application/json')
      .send({ evaluatorId: c.orgAdmin.id })
      .expect(422);
    expect(json.body.error.code).toBe('SERVICE_EVALUATION.EVALUATOR_NOT_ELIGIBLE');
    await officer.form(`/staff/service-evaluations/${c.contract.id}/evaluators`, { evaluatorId: stranger.id }).expect(422);
    await officer.form(`/staff/service-evaluations/${c.contract.id}/evaluators`, { evaluatorId: 'nobody' }).expect(422);
    await officer.form(`/staff/service-evaluations/${c.contract.id}/evaluators`, { evaluatorId: free.id }).expect(303);
    const twice = await officer.form(`/staff/service-evaluations/${c.contract.id}/evaluators`, { evaluatorId: free.id }).expect(422);
    expect(twice.text).toContain('该专家已被指派');
    const [n] = await t.dataSource.query(`SELECT count(*)::int AS n FROM notifications WHERE kind = 'service_evaluation.assigned' AND user_id = $1`, [free.id]);
    expect(n.n).toBe(1);

    const approver = await signInAsUser(t, c.approver);
    await approver.agent.get(`/staff/service-evaluations/${c.contract.id}`).expect(200);
    await approver.form(`/staff/service-evaluations/${c.contract.id}/evaluators`, { evaluatorId: free.id }).expect(403);
    const org = await signInAsUser(t, c.orgAdmin);
    await org.agent.get(`/staff/service-evaluations/${c.contract.id}`).expect(403);
    await officer.agent.get(`/staff/service-evaluations/${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}`).expect(404);
  });

  it('two evaluators score through the pages; the result appears for staff, and for the organisation without names', async () => {
    const c = await createContractWithEvaluators(t, 2);
    await deliverMilestone(t, c, 1);
    const [a, b] = await Promise.all(c.evaluators.map((e) => signIn(t, e)));
    const mine = await a.agent.get('/service-evaluations').expect(200);
    expect(mine.text).toContain(c.contract.reference);
    expect(mine.text).toContain(`data-testid="score-${c.contract.id}-1"`);

    const form = await a.agent.get(`/service-evaluations/${c.contract.id}/milestones/1`).expect(200);
    expect(form.text).toContain('data-testid="score-form"');
    expect(form.text).toContain('data-testid="kpis"');
    expect(form.text).toContain('评分指引');
    const [{ present }] = await t.dataSource.query(`SELECT to_regclass('milestone_deliveries') IS NOT NULL AS present`);
    if (present) {
      expect(form.text).toContain('本期完成上门探访 480 人次');
      expect(form.text).toContain('data-testid="service-records"');
    }

    // Bad input: 400, the messages by field, the typed values kept; nothing started.
    const bad = await a
      .form(`/service-evaluations/${c.contract.id}/milestones/1/scores`, {
        action: 'submit',
        'points[output_quantity]': '12.345',
        'points[service_quality]': '31',
        'points[resident_satisfaction]': '5',
        'points[management_finance]': '',
      })
      .expect(400);
    expect(bad.text).toContain('得分须为数字，最多两位小数');
    expect(bad.text).toContain('得分须在 0 至 30 之间');
    expect(bad.text).toContain('请填写得分');
    expect(bad.text).toContain('得分低于 12 分，请写明理由');
    expect(bad.text).toContain('value="12.345"');
    expect(await milestoneStatus(t, c.contract.id, 1)).toBe('delivered');

    await a.form(`/service-evaluations/${c.contract.id}/milestones/1/scores`, flat(sheetFor(88), 'save')).expect(303);
    expect(await milestoneStatus(t, c.contract.id, 1)).toBe('under_evaluation');
    const draft = await a.agent.get(`/service-evaluations/${c.contract.id}/milestones/1`).expect(200);
    expect(draft.text).toContain('value="26.40"'); // the draft is kept
    await a.form(`/service-evaluations/${c.contract.id}/milestones/1/scores`, { ...flat(sheetFor(88), 'submit'), confirm: 'yes' }).expect(303);
    const officer = await signInAsUser(t, c.officer);
    const progress = await officer.agent.get(`/staff/service-evaluations/${c.contract.id}`).expect(200);
    expect(progress.text).toContain('已提交 1/2');
    const twice = await a.agent
      .post(`/service-evaluations/${c.contract.id}/milestones/1/scores`)
      .set('X-CSRF-Token', a.csrf)
      .set('Accept', 'application/json')
      .send({ action: 'submit', ...sheetFor(90) })
      .expect(409);
    expect(twice.body.error.code).toBe('SERVICE_EVALUATION.ALREADY_SUBMITTED');

    // The second evaluator submits through the JSON API.
    const badJson = await b.agent
      .post(`/api/v1/service-evaluations/${c.contract.id}/milestones/1/scores`)
      .set('X-CSRF-Token', b.csrf)
      .send({ action: 'submit', points: { output_quantity: 'abc' } })
      .expect(400);
    expect(Object.keys(badJson.body.error.fields)).toEqual(expect.arrayContaining(['points.output_quantity', 'points.service_quality']));
    const done = await b.agent
      .post(`/api/v1/service-evaluations/${c.contract.id}/milestones/1/scores`)
      .set('X-CSRF-Token', b.csrf)
      .send({ action: 'submit', ...sheetFor(91.01) })
      .expect(200);
    expect(done.body.completed).toEqual({ scoreCenti: 8951, grade: 'good', milestoneStatus: 'passed', terminated: false }); // 89.505 → 89.51
    expect(await resultsOf(t, c.contract.id)).toEqual([{ position: 1, round: 1, score_centi: 8951, grade: 'good' }]);

    const staff = await officer.agent.get(`/staff/service-evaluations/${c.contract.id}`).expect(200);
    expect(staff.text).toContain('data-testid="result-1"');
    expect(staff.text).toContain('89.51');
    expect(staff.text).toContain('四舍五入保留两位小数');
    const detail = await officer.agent.get(`/staff/service-evaluations/${c.contract.id}/milestones/1`).expect(200);
    expect(detail.text).toContain(c.evaluators[0].displayName);
    const auditor = (await signInAs(t, ['auditor'])).session;
    await auditor.agent.get('/staff/service-evaluations').expect(200);
    await auditor.agent.get(`/staff/service-evaluations/${c.contract.id}/milestones/1`).expect(200);
    await auditor.form(`/staff/service-evaluations/${c.contract.id}/evaluators`, { evaluatorId: c.evaluators[0].id }).expect(403);

    const org = await signInAsUser(t, c.orgAdmin);
    const results = await org.agent.get('/organisation/service-evaluations').expect(200);
    expect(results.text).toContain(c.contract.reference);
    expect(results.text).toContain('89.51');
    expect(results.text).toContain('良好');
    for (const e of c.evaluators) expect(results.text).not.toContain(e.displayName);
    const api = await org.agent.get(`/api/v1/service-evaluations/${c.contract.id}`).expect(200);
    expect(api.body.milestones[0].results).toEqual([expect.objectContaining({ round: 1, scoreCenti: 8951, grade: 'good', evaluatorCount: 2 })]);
    expect(JSON.stringify(api.body)).not.toContain(c.evaluators[0].displayName);
    await org.agent.get(`/service-evaluations/${c.contract.id}/milestones/1`).expect(403);

    // Another organisation sees neither the page's contract nor the API's.
    const other = await createContractWithEvaluators(t, 0);
    const otherOrg = await signInAsUser(t, other.orgAdmin);
    const theirs = await otherOrg.agent.get('/organisation/service-evaluations').expect(200);
    expect(theirs.text).not.toContain(c.contract.reference);
    await otherOrg.agent.get(`/api/v1/service-evaluations/${c.contract.id}`).expect(404);

    // An evaluator of the pool who is not assigned to this contract sees nothing of it.
    const outsider = await createEvaluator(t, { expertise: ['C01'] });
    const o = await signIn(t, outsider);
    await o.agent.get(`/service-evaluations/${c.contract.id}/milestones/1`).expect(403);
    await o.form(`/service-evaluations/${c.contract.id}/milestones/1/scores`, flat(sheetFor(50), 'save')).expect(403);
  });

  it('records a site visit with photos, downloadable by the evaluator and staff; refuses a future date and a non-image', async () => {
    const c = await createContractWithEvaluators(t, 2);
    await deliverMilestone(t, c, 1);
    const a = await signIn(t, c.evaluators[0]);
    const now = await dbNow(t.dataSource);
    const today = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    const tomorrow = new Date(now.getTime() + 32 * 3_600_000).toISOString().slice(0, 10);
    const url = `/service-evaluations/${c.contract.id}/milestones/1/site-visits`;
    const future = await a.agent.post(url).field('_csrf', a.csrf).field('visitedOn', tomorrow).field('place', '联洋社区活动中心').field('notes', '走访 6 户老人，服务记录属实。').expect(400);
    expect(future.text).toContain('走访日期不能晚于今天');
    expect(future.text).toContain('联洋社区活动中心');
    await a.agent.post(url).field('_csrf', a.csrf).field('visitedOn', today).field('place', '联洋社区').field('notes', '走访记录').attach('photos', Buffer.from('<html>'), 'x.png').expect(400);
    await a.agent
      .post(url)
      .field('_csrf', a.csrf)
      .field('visitedOn', today)
      .field('place', '联洋社区活动中心')
      .field('notes', '走访 6 户老人，服务记录属实。')
      .attach('photos', tinyPng(), 'visit.png')
      .expect(303);
    expect(await milestoneStatus(t, c.contract.id, 1)).toBe('under_evaluation');
    const [visit] = await t.dataSource.query(`SELECT id, place FROM site_visits WHERE contract_id = $1`, [c.contract.id]);
    expect(visit.place).toBe('联洋社区活动中心');
    const [doc] = await t.dataSource.query(`SELECT id FROM documents WHERE owner_type = 'site_visit' AND owner_id = $1`, [visit.id]);
    const page = await a.agent.get(`/service-evaluations/${c.contract.id}/milestones/1`).expect(200);
    expect(page.text).toContain(`/service-evaluations/${c.contract.id}/documents/${doc.id}`);
    const file = await a.agent.get(`/service-evaluations/${c.contract.id}/documents/${doc.id}`).expect(200);
    expect(file.headers['content-type']).toMatch(/image\/png/);
    const officer = await signInAsUser(t, c.officer);
    await officer.agent.get(`/staff/service-evaluations/${c.contract.id}/documents/${doc.id}`).expect(200);
    // A document of another contract is not reachable through this one.
    const other = await createContractWithEvaluators(t, 0);
    await officer.agent.get(`/staff/service-evaluations/${other.contract.id}/documents/${doc.id}`).expect(404);
    const org = await signInAsUser(t, c.orgAdmin);
    await org.agent.get(`/service-evaluations/${c.contract.id}/documents/${doc.id}`).expect(403);
  });

  it('shows the delivery’s records and attachments to the assigned evaluators and staff, and serves the attachment only through its contract', async () => {
    const c = await createContractWithEvaluators(t, 2);
    await deliverMilestone(t, c, 1);
    const [delivery] = await t.dataSource.query(`SELECT id FROM milestone_deliveries WHERE contract_id = $1 AND milestone_position = 1`, [c.contract.id]);
    const doc = await t.dataSource.transaction(async (m) => {
      const stored = await t.app
        .get(DocumentsService)
        .store(m, { ownerType: 'milestone_delivery', ownerId: delivery.id, kind: 'photo', originalName: 'sign-in.png', buffer: tinyPng(), uploadedBy: c.orgAdmin.id });
      await m.query(`INSERT INTO delivery_attachments (delivery_id, document_id, kind, position, original_name, sha256, uploaded_at) VALUES ($1, $2, 'sign_in_sheet', 1, $3, $4, $5)`, [
        delivery.id,
        stored.id,
        stored.originalName,
        stored.sha256,
        stored.uploadedAt,
      ]);
      return stored;
    });
    const a = await signIn(t, c.evaluators[0]);
    const page = await a.agent.get(`/service-evaluations/${c.contract.id}/milestones/1`).expect(200);
    expect(page.text).toContain('data-testid="service-records"');
    expect(page.text).toContain('480');
    expect(page.text).toContain(`/service-evaluations/${c.contract.id}/documents/${doc.id}`);
    expect(page.text).toContain(doc.sha256);
    await a.agent.get(`/service-evaluations/${c.contract.id}/documents/${doc.id}`).expect(200);
    const officer = await signInAsUser(t, c.officer);
    const staff = await officer.agent.get(`/staff/service-evaluations/${c.contract.id}/milestones/1`).expect(200);
    expect(staff.text).toContain('本期完成上门探访 480 人次');
    await officer.agent.get(`/staff/service-evaluations/${c.contract.id}/documents/${doc.id}`).expect(200);
    const other = await createContractWithEvaluators(t, 1);
    const b = await signIn(t, other.evaluators[0]);
    await b.agent.get(`/service-evaluations/${other.contract.id}/documents/${doc.id}`).expect(404);
    await b.agent.get(`/service-evaluations/${c.contract.id}/documents/${doc.id}`).expect(403);
  });

  it('an evaluator recuses with a reason; officers are told and assign a replacement; the recused one can no longer score', async () => {
    const c = await createContractWithEvaluators(t, 2);
    await deliverMilestone(t, c, 1);
    const b = await signIn(t, c.evaluators[1]);
    const empty = await b.form(`/service-evaluations/${c.contract.id}/recusal`, { reason: ' ' }).expect(400);
    expect(empty.text).toContain('请说明回避原因');
    await b.form(`/service-evaluations/${c.contract.id}/recusal`, { reason: '曾在该机构兼职' }).expect(303);
    const [row] = await t.dataSource.query(`SELECT status, recusal_reason FROM service_evaluators WHERE contract_id = $1 AND evaluator_id = $2`, [c.contract.id, c.evaluators[1].id]);
    expect(row).toEqual({ status: 'recused', recusal_reason: '曾在该机构兼职' });
    const [n] = await t.dataSource.query(`SELECT count(*)::int AS n FROM notifications WHERE kind = 'service_evaluation.recused' AND user_id = $1`, [c.officer.id]);
    expect(n.n).toBe(1);
    await b.agent.get(`/service-evaluations/${c.contract.id}/milestones/1`).expect(403);
    const officer = await signInAsUser(t, c.officer);
    const page = await officer.agent.get(`/staff/service-evaluations/${c.contract.id}`).expect(200);
    expect(page.text).toContain('曾在该机构兼职');
    expect(page.text).toContain('data-testid="understaffed"');
    const again = await officer.form(`/staff/service-evaluations/${c.contract.id}/evaluators`, { evaluatorId: c.evaluators[1].id }).expect(422);
    expect(again.text).toContain('该专家已回避本合同');
    const replacement = await createEvaluator(t, { expertise: ['C01'] });
    await officer.form(`/staff/service-evaluations/${c.contract.id}/evaluators`, { evaluatorId: replacement.id }).expect(303);
    // Once a sheet is submitted in an open round, recusal is refused.
    await serviceEvaluation(t).saveScores(evaluatorActor(c.evaluators[0]), c.contract.id, 1, sheetFor(80), true);
    const a = await signIn(t, c.evaluators[0]);
    await a.form(`/service-evaluations/${c.contract.id}/recusal`, { reason: '临时有事' }).expect(409);
    expect(await resultsOf(t, c.contract.id)).toEqual([]);
    await serviceEvaluation(t).saveScores(evaluatorActor(replacement), c.contract.id, 1, sheetFor(70), true);
    expect(await resultsOf(t, c.contract.id)).toEqual([{ position: 1, round: 1, score_centi: 7500, grade: 'pass' }]);
  });

  it('puts milestones to score on the evaluator’s dashboard and understaffed contracts on the officer’s, in both languages', async () => {
    const c = await createContractWithEvaluators(t, 2);
    await deliverMilestone(t, c, 1);
    const ev = await signIn(t, c.evaluators[0]);
    const dash = await ev.agent.get('/dashboard').expect(200);
    expect(dash.text).toContain('data-testid="dash-service-evaluations"');
    expect(dash.text).toContain(`/service-evaluations/${c.contract.id}/milestones/1`);
    await serviceEvaluation(t).saveScores(evaluatorActor(c.evaluators[0]), c.contract.id, 1, sheetFor(80), true);
    expect((await ev.agent.get('/dashboard').expect(200)).text).not.toContain(`/service-evaluations/${c.contract.id}/milestones/1`);
    await ev.agent.get('/locale/en').expect(303);
    const english = await ev.agent.get(`/service-evaluations/${c.contract.id}/milestones/1`).expect(200);
    expect(english.text).toContain('Site visits');
    expect(english.text).toContain('You submitted this round');

    const bare = await createContractWithEvaluators(t, 0);
    const officer = await signInAsUser(t, bare.officer);
    const staffDash = await officer.agent.get('/dashboard').expect(200);
    expect(staffDash.text).toContain('data-testid="dash-understaffed"');
    expect(staffDash.text).toContain(`/staff/service-evaluations/${bare.contract.id}`);
  });

  it('lists contracts for staff readers and refuses evaluators and organisations on staff pages', async () => {
    const c = await createContractWithEvaluators(t, 2);
    const officer = await signInAsUser(t, c.officer);
    const list = await officer.agent.get('/staff/service-evaluations').expect(200);
    expect(list.text).toContain(c.contract.reference);
    const ev = await signIn(t, c.evaluators[0]);
    await ev.agent.get('/staff/service-evaluations').expect(403);
    const member = await createUser(t, { roles: ['org_member'], organisationId: c.organisationId });
    const m = await signIn(t, member);
    await m.agent.get('/organisation/service-evaluations').expect(200);
    await m.agent.get('/service-evaluations').expect(403);
    await serviceEvaluation(t).assignEvaluator(actorOf(c.officer), c.contract.id, (await createEvaluator(t, { expertise: ['C01'] })).id);
  });
});
