import { ResultsService } from '../../src/evaluation/results.service';
import { ScoringService } from '../../src/evaluation/scoring.service';
import { QualificationService } from '../../src/evaluation/qualification.service';
import { actorOf, committeeOf, createEvaluatorPool, createOpenedProject, declareAll, lettersOf, qualifyAll, requestCommittee, score } from '../factories/evaluation';
import { fieldErrorsIn } from '../factories/procurement';
import { Session, TEST_PASSWORD, createUser, signIn } from '../factories/users';
import { advanceClock } from '../support/clock';
import { TestApp, createTestApp } from '../support/test-app';

async function actions(t: TestApp, evaluationId: string, action?: string): Promise<string[]> {
  const rows = (await t.dataSource.query(`SELECT action FROM audit_events WHERE entity_type = 'evaluation' AND entity_id = $1 ORDER BY id`, [evaluationId])) as Array<{
    action: string;
  }>;
  return rows.map((r) => r.action).filter((a) => !action || a === action);
}

async function status(t: TestApp, evaluationId: string): Promise<string> {
  const [row] = await t.dataSource.query(`SELECT status FROM evaluations WHERE id = $1`, [evaluationId]);
  return row.status;
}

async function memberSessions(t: TestApp, evaluationId: string): Promise<Array<{ userId: string; name: string; isChair: boolean; session: Session }>> {
  const members = (await committeeOf(t, evaluationId)).filter((m) => m.status !== 'recused');
  const out = [];
  for (const m of members) {
    const [{ email }] = await t.dataSource.query(`SELECT email FROM users WHERE id = $1`, [m.user_id]);
    out.push({ userId: m.user_id, name: m.display_name, isChair: m.is_chair, session: await signIn(t, { email, password: TEST_PASSWORD }) });
  }
  return out;
}

describe('evaluation: qualification, scoring, flags, report and sign-off', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('runs a competitive consultation from qualification to the signed-off report, each role through its pages', async () => {
    // Ceiling ¥300,000. Bid prices: ¥250,000, ¥280,000, ¥310,000 (above the ceiling), ¥150,000 (abnormally low).
    const project = await createOpenedProject(t, {
      method: 'competitive_consultation',
      bids: [
        { priceMinor: 25_000_000, nameZh: '阳光社工服务中心' },
        { priceMinor: 28_000_000, nameZh: '和平社区服务社' },
        { priceMinor: 31_000_000, nameZh: '超限价服务社' },
        { priceMinor: 15_000_000, nameZh: '低价服务社' },
      ],
    });
    const [sunshine, peace, over, cheap] = project.bids;
    const letters = lettersOf(project);
    await createEvaluatorPool(t, 3, { prefix: '评委' });
    const officer = await signIn(t, project.officer);
    const res = await officer.form(`/staff/projects/${project.id}/committee`, { representativeId: '' }).expect(303);
    const evaluationId = /([0-9a-f-]{36})$/.exec(res.headers.location)![1];
    const members = await memberSessions(t, evaluationId);
    const chair = members.find((m) => m.isChair)!;
    for (const m of members) await m.session.form(`/evaluations/${evaluationId}/declaration`, { accepted: '1', signerName: m.name }).expect(303);
    expect(await status(t, evaluationId)).toBe('qualification');

    // Qualification: the platform proposes "above the ceiling"; it cannot be marked valid.
    const staffPage = await officer.agent.get(`/staff/evaluations/${evaluationId}`).expect(200);
    expect(staffPage.text).toContain('系统建议：报价超过最高限价');
    expect(staffPage.text).toContain('超限价服务社');
    const refused = await officer.form(`/staff/evaluations/${evaluationId}/qualification/${over.bidId}`, { decision: 'valid', reasonCode: '', reason: '' }).expect(400);
    expect(fieldErrorsIn(refused.text)).toContain('报价超过最高限价的投标不能认定为有效');
    const noReason = await officer.form(`/staff/evaluations/${evaluationId}/qualification/${over.bidId}`, { decision: 'invalid', reasonCode: '', reason: '' }).expect(400);
    expect(fieldErrorsIn(noReason.text)).toContain('请选择无效原因');
    await officer
      .form(`/staff/evaluations/${evaluationId}/qualification/${over.bidId}`, { decision: 'invalid', reasonCode: 'price_above_ceiling', reason: '报价 31 万元超过最高限价 30 万元' })
      .expect(303);
    // A committee member may record decisions too (anonymised page); the chair closes the review.
    const memberQual = await members[0].session.agent.get(`/evaluations/${evaluationId}`).expect(200);
    expect(memberQual.text).not.toContain('阳光社工服务中心');
    for (const bid of [sunshine, peace, cheap]) await members[0].session.form(`/evaluations/${evaluationId}/qualification/${bid.bidId}`, { decision: 'valid', reasonCode: '', reason: '' }).expect(303);
    // The bidder sees nothing before the review closes.
    const early = await over.organisation.session.agent.get(`/bids/${over.bidId}/evaluation`).expect(200);
    expect(early.text).toContain('data-testid="under-review"');
    const notChair = members.find((m) => !m.isChair)!;
    await notChair.session.form(`/evaluations/${evaluationId}/close-qualification`).expect(403);
    // An abnormally low price is coming: the committee must set the time for its explanation.
    const noLimit = await chair.session.form(`/evaluations/${evaluationId}/close-qualification`, { explanationHours: '' }).expect(400);
    expect(fieldErrorsIn(noLimit.text)).toContain('说明时限');
    await chair.session.form(`/evaluations/${evaluationId}/close-qualification`, { explanationHours: '24' }).expect(303);
    expect(await status(t, evaluationId)).toBe('scoring');

    // The invalid bidder is told why: notification and its bid page.
    const [note] = await t.dataSource.query(`SELECT link FROM notifications WHERE kind = 'evaluation.bid_invalid' AND user_id = $1`, [over.organisation.user.id]);
    expect(note.link).toBe(`/bids/${over.bidId}/evaluation`);
    const overPage = await over.organisation.session.agent.get(`/bids/${over.bidId}/evaluation`).expect(200);
    expect(overPage.text).toContain('data-valid="false"');
    expect(overPage.text).toContain('报价超过最高限价');
    expect(overPage.text).toContain('报价 31 万元超过最高限价 30 万元');
    // ¥150,000 is below 80 % of the valid mean (¥226,666.67 → ¥181,333.33): an inquiry.
    const cheapPage = await cheap.organisation.session.agent.get(`/bids/${cheap.bidId}/evaluation`).expect(200);
    expect(cheapPage.text).toContain('data-testid="explanation-form"');
    expect(cheapPage.text).toContain('¥226,666.67');
    const short = await cheap.organisation.session.form(`/bids/${cheap.bidId}/evaluation/explanation`, { explanation: '便宜' }).expect(400);
    expect(fieldErrorsIn(short.text)).toContain('书面说明须为 10–5000 字');
    await cheap.organisation.session
      .form(`/bids/${cheap.bidId}/evaluation/explanation`, { explanation: '本机构已有社区睦邻点场地与 12 名长期志愿者，人员成本由区慈善基金配套承担，报价覆盖全部直接服务成本。' })
      .expect(303);
    // Another organisation cannot explain for it.
    await peace.organisation.session.form(`/bids/${cheap.bidId}/evaluation/explanation`, { explanation: '这不是我们的投标，但想试试看能否提交。' }).expect(404);

    // Scoring: out-of-range and missing comments refused by field; nobody sees the others' points yet.
    const letterOf = (bidId: string) => letters.get(bidId)!;
    const a = letterOf(sunshine.bidId);
    const bad = await members[0].session.form(`/evaluations/${evaluationId}/bids/${a}/scores`, { 'points[c1]': '41', 'points[c2]': '10', 'comments[c2]': '' }).expect(400);
    const errors = fieldErrorsIn(bad.text);
    expect(errors).toContain('分数必须在 0 到 40 之间');
    expect(errors).toContain('低于 18.00 分或高于 28.50 分须填写评语说明理由');
    expect(bad.text).toContain('value="41"');
    const apiBad = await members[0].session.agent
      .post(`/evaluations/${evaluationId}/bids/${a}/scores`)
      .set('Accept', 'application/json')
      .set('X-CSRF-Token', members[0].session.csrf)
      .send({ points: { c1: '-1', c2: '12.345' } })
      .expect(400);
    expect(Object.keys(apiBad.body.error.fields).sort()).toEqual(['points.c1', 'points.c2']);
    await members[0].session.agent.get(`/evaluations/${evaluationId}/bids/${letterOf(over.bidId)}`).expect(200);
    await members[0].session.form(`/evaluations/${evaluationId}/bids/${letterOf(over.bidId)}/scores`, { 'points[c1]': '30', 'points[c2]': '20' }).expect(409);

    // Sheets (c1 of 40, c2 of 30). Member 3 scores B far above the others (20-point flag).
    const sheets: Array<Record<string, [string, string]>> = [
      { [sunshine.bidId]: ['30', '20'], [peace.bidId]: ['32', '22'], [cheap.bidId]: ['25', '20'] },
      { [sunshine.bidId]: ['31', '21'], [peace.bidId]: ['30', '21'], [cheap.bidId]: ['26', '19'] },
      { [sunshine.bidId]: ['30.5', '20.5'], [peace.bidId]: ['39', '29'], [cheap.bidId]: ['24', '20'] },
    ];
    for (const [i, m] of members.entries()) {
      for (const [bidId, [c1, c2]] of Object.entries(sheets[i])) {
        const comments = Number(c1) > 38 || Number(c2) > 28.5 ? { 'comments[c1]': '方案细致，风险预案完整', 'comments[c2]': '团队资质突出' } : {};
        await m.session.form(`/evaluations/${evaluationId}/bids/${letterOf(bidId)}/scores`, { 'points[c1]': c1, 'points[c2]': c2, ...comments }).expect(303);
      }
    }
    const mid = await members[1].session.agent.get(`/evaluations/${evaluationId}/bids/${a}`).expect(200);
    expect(mid.text).not.toContain('data-testid="all-scores"');
    expect(mid.text).not.toContain('阳光社工服务中心');
    // Submitting with nothing missing; before everyone, no scores are shared.
    await members[0].session.form(`/evaluations/${evaluationId}/submission`, { confirm: 'yes' }).expect(303);
    await members[0].session.form(`/evaluations/${evaluationId}/bids/${a}/scores`, { 'points[c1]': '1', 'points[c2]': '1' }).expect(409);
    await members[1].session.form(`/evaluations/${evaluationId}/submission`, { confirm: 'yes' }).expect(303);
    const report0 = await officer.agent.get(`/staff/evaluations/${evaluationId}/report`).expect(200);
    expect(report0.text).toContain('data-testid="scores-hidden"');
    await members[2].session.form(`/evaluations/${evaluationId}/submission`, { confirm: 'yes' }).expect(303);
    expect(await status(t, evaluationId)).toBe('review');

    // Member 3's total for B: 68 against (54 + 51) / 2 = 52.5 → +15.5: no flag. Member 1's? none.
    const flags = await t.dataSource.query(`SELECT user_id, bid_id, deviation_centi FROM score_flags WHERE evaluation_id = $1`, [evaluationId]);
    expect(flags).toEqual([]);
    // Now every member sees every sheet.
    const shared = await members[1].session.agent.get(`/evaluations/${evaluationId}/bids/${letterOf(peace.bidId)}`).expect(200);
    expect(shared.text).toContain('data-testid="all-scores"');
    expect(shared.text).toContain('39.00');

    // The low-price inquiry blocks sign-off until the chair decides.
    const blocked = await chair.session.form(`/evaluations/${evaluationId}/sign-off`).expect(422);
    expect(blocked.text).toContain('评审报告尚不能签字');
    await notChair.session.form(`/evaluations/${evaluationId}/low-price/${cheap.bidId}`, { decision: 'accept', note: '' }).expect(403);
    await chair.session.form(`/evaluations/${evaluationId}/low-price/${cheap.bidId}`, { decision: 'accept', note: '有场地与志愿者支撑，报价合理' }).expect(303);

    // Organisations never see the report or others' scores before it is public.
    await peace.organisation.session.agent.get(`/staff/evaluations/${evaluationId}/report`).expect(403);
    const peacePage = await peace.organisation.session.agent.get(`/bids/${peace.bidId}/evaluation`).expect(200);
    expect(peacePage.text).not.toContain('阳光社工服务中心');
    expect(peacePage.text).not.toContain('39.00');

    // Sign-off by each member; the last one completes the evaluation once.
    for (const m of members) await m.session.form(`/evaluations/${evaluationId}/sign-off`).expect(303);
    await members[0].session.form(`/evaluations/${evaluationId}/sign-off`).expect(409);
    expect(await status(t, evaluationId)).toBe('signed_off');
    expect(await actions(t, evaluationId, 'evaluation.signed_off')).toHaveLength(1);
    expect(await actions(t, evaluationId, 'evaluation.member_signed_off')).toHaveLength(3);
    const results = await t.app.get(ResultsService).getResults(evaluationId);
    // Lowest valid price ¥150,000 (cheap): price weight 30.
    // sunshine: 30 × 15/25 = 18; technical (50 + 52 + 51) / 3 = 51 → 69.
    // peace: 30 × 15/28 = 225/14; technical (54 + 51 + 68) / 3 = 173/3 → 225/14 + 173/3 = 3097/42 ≈ 73.74.
    // cheap: 30; technical (45 + 45 + 44) / 3 = 134/3 → 224/3 ≈ 74.67.
    expect(results.map((r) => [r.bidId, r.totalScore, r.rank, r.tieNote])).toEqual([
      [cheap.bidId, '224/3', 1, null],
      [peace.bidId, '3097/42', 2, null],
      [sunshine.bidId, '69/1', 3, null],
    ]);
    expect(results.map((r) => r.priceScore)).toEqual(['30/1', '225/14', '18/1']);
    const [approverNote] = await t.dataSource.query(`SELECT count(*)::int AS n FROM notifications WHERE kind = 'evaluation.award_due'`);
    expect(approverNote.n).toBeGreaterThanOrEqual(1);
    const [project_] = await t.dataSource.query(`SELECT status FROM projects WHERE id = $1`, [project.id]);
    expect(project_.status).toBe('evaluation');
    const ids = await t.app.get(ResultsService).committeeMemberIds(evaluationId);
    expect(ids.sort()).toEqual(members.map((m) => m.userId).sort());

    // The report: staff see names, members only letters; both see the ranking and the rounding rule.
    const staffReport = await officer.agent.get(`/staff/evaluations/${evaluationId}/report`).expect(200);
    expect(staffReport.text).toContain('低价服务社');
    expect(staffReport.text).toContain('74.67');
    expect(staffReport.text).toContain('224/3');
    expect(staffReport.text).toContain('四舍五入');
    const memberReport = await members[1].session.agent.get(`/staff/evaluations/${evaluationId}/report`).expect(200);
    expect(memberReport.text).toContain('74.67');
    expect(memberReport.text).not.toContain('低价服务社');
    const auditor = await signIn(t, await createUser(t, { roles: ['auditor'] }));
    const pdf = await auditor.agent
      .get(`/staff/evaluations/${evaluationId}/report.pdf`)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('flags a score more than 20 points from the others: the evaluator revises, or the chair confirms with a note', async () => {
    const project = await createOpenedProject(t, { method: 'competitive_consultation', bids: [{ priceMinor: 25_000_000 }, { priceMinor: 26_000_000 }] });
    await createEvaluatorPool(t, 3, { prefix: '偏离' });
    const evaluationId = await requestCommittee(t, project);
    await declareAll(t, evaluationId);
    await qualifyAll(t, project, evaluationId);
    const members = await memberSessions(t, evaluationId);
    const chair = members.find((m) => m.isChair)!;
    const [x, y] = members.filter((m) => !m.isChair);
    const [first, second] = [...lettersOf(project).values()].sort();
    // Totals for A: chair 50, x 50, y 15 → y 35 below; for B: x 70 against 43, 43 → x 27 above.
    const plan: Array<[typeof chair, string, string, string, Record<string, string>]> = [
      [chair, first, '30', '20', {}],
      [x, first, '30', '20', {}],
      [y, first, '10', '5', { c1: '方案缺少关键环节', c2: '人员不足' }],
      [chair, second, '25', '18', {}],
      [x, second, '40', '30', { c1: '极为完整', c2: '团队很强' }],
      [y, second, '25', '18', {}],
    ];
    for (const [m, letter, c1, c2, comments] of plan) await score(t, evaluationId, m.userId, letter, { c1, c2 }, comments);
    for (const m of members) await t.app.get(ScoringService).submitSheets(actorOf({ id: m.userId }, ['evaluator']), evaluationId);
    const flags = await t.dataSource.query(`SELECT user_id, bid_id, deviation_centi, resolution FROM score_flags WHERE evaluation_id = $1 ORDER BY deviation_centi`, [evaluationId]);
    const bidOf = (letter: string) => [...lettersOf(project).entries()].find(([, l]) => l === letter)![0];
    expect(flags).toEqual([
      { user_id: y.userId, bid_id: bidOf(first), deviation_centi: -3500, resolution: null },
      { user_id: x.userId, bid_id: bidOf(second), deviation_centi: 2700, resolution: null },
    ]);
    // y revises their sheet for A: within 20 points now, the flag is resolved as revised.
    const page = await y.session.agent.get(`/evaluations/${evaluationId}/bids/${first}`).expect(200);
    expect(page.text).toContain('data-testid="revision-intro"');
    await y.session.form(`/evaluations/${evaluationId}/bids/${first}/scores`, { 'points[c1]': '28', 'points[c2]': '18' }).expect(303);
    // x may not revise a bid without a flag, nor confirm their own; the chair confirms x's flag with a note.
    await x.session.form(`/evaluations/${evaluationId}/bids/${first}/scores`, { 'points[c1]': '28', 'points[c2]': '18' }).expect(409);
    await x.session.form(`/evaluations/${evaluationId}/flags/${second}/${x.userId}/confirmation`, { note: '我坚持' }).expect(403);
    const noNote = await chair.session.form(`/evaluations/${evaluationId}/flags/${second}/${x.userId}/confirmation`, { note: '' }).expect(400);
    expect(fieldErrorsIn(noNote.text)).toContain('确认原评分时须填写说明');
    await chair.session.form(`/evaluations/${evaluationId}/flags/${second}/${x.userId}/confirmation`, { note: '经合议，该评委对团队资质的判断有依据' }).expect(303);
    const after = await t.dataSource.query(`SELECT user_id, resolution, note FROM score_flags WHERE evaluation_id = $1 ORDER BY deviation_centi`, [evaluationId]);
    expect(after).toEqual([
      { user_id: y.userId, resolution: 'revised', note: null },
      { user_id: x.userId, resolution: 'confirmed', note: '经合议，该评委对团队资质的判断有依据' },
    ]);
    const [{ revision }] = await t.dataSource.query(`SELECT revision FROM score_submissions WHERE evaluation_id = $1 AND user_id = $2`, [evaluationId, y.userId]);
    expect(revision).toBe(1);
    expect(await actions(t, evaluationId, 'evaluation.scores_revised')).toHaveLength(1);
    expect(await actions(t, evaluationId, 'evaluation.flag_confirmed')).toHaveLength(1);
    const report = await chair.session.agent.get(`/staff/evaluations/${evaluationId}/report`).expect(200);
    expect(report.text).toContain('评委已修改');
    expect(report.text).toContain('组长确认维持');
    expect(report.text).toContain('data-testid="sign-off"');
  });

  it('moves to review exactly once when the last two evaluators submit at the same moment', async () => {
    const project = await createOpenedProject(t, { bids: [{ priceMinor: 25_000_000 }, { priceMinor: 26_000_000 }, { priceMinor: 27_000_000 }] });
    await createEvaluatorPool(t, 5, { prefix: '并发' });
    const evaluationId = await requestCommittee(t, project);
    await declareAll(t, evaluationId);
    await qualifyAll(t, project, evaluationId);
    const members = await committeeOf(t, evaluationId);
    for (const m of members) for (const letter of ['A', 'B', 'C']) await score(t, evaluationId, m.user_id, letter, { c1: '30', c2: '22' });
    const scoring = t.app.get(ScoringService);
    for (const m of members.slice(0, 3)) await scoring.submitSheets(actorOf({ id: m.user_id }, ['evaluator']), evaluationId);
    const outcomes = await Promise.all(members.slice(3).map((m) => scoring.submitSheets(actorOf({ id: m.user_id }, ['evaluator']), evaluationId)));
    expect(outcomes.map((o) => o.closed).sort()).toEqual([false, true]);
    expect(await status(t, evaluationId)).toBe('review');
    expect(await actions(t, evaluationId, 'evaluation.scoring_closed')).toHaveLength(1);
    expect(await actions(t, evaluationId, 'evaluation.scores_submitted')).toHaveLength(5);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM score_submissions WHERE evaluation_id = $1`, [evaluationId]);
    expect(n).toBe(5);
  });

  it('fails the project (流标) when too few valid bids remain after the review', async () => {
    const project = await createOpenedProject(t, { bids: [{ priceMinor: 25_000_000 }, { priceMinor: 26_000_000 }, { decrypted: false }] });
    await createEvaluatorPool(t, 5, { prefix: '流标' });
    const evaluationId = await requestCommittee(t, project);
    await declareAll(t, evaluationId);
    const officer = actorOf(project.officer, ['bureau_officer']);
    const q = t.app.get(QualificationService);
    await expect(q.decide(officer, evaluationId, project.bids[2].bidId, { decision: 'valid' })).rejects.toMatchObject({ code: 'EVALUATION.INVALID_INPUT' });
    const outcome = await qualifyAll(t, project, evaluationId, { [project.bids[1].bidId]: 'missing_document', [project.bids[2].bidId]: 'undecryptable' });
    expect(outcome.failed).toBe(true);
    expect(await status(t, evaluationId)).toBe('failed');
    const [p] = await t.dataSource.query(`SELECT status, failed_reason FROM projects WHERE id = $1`, [project.id]);
    expect(p.status).toBe('failed');
    expect(p.failed_reason).toContain('有效投标 1 家');
    const [ev] = await t.dataSource.query(`SELECT action FROM audit_events WHERE entity_type = 'project' AND entity_id = $1 AND action = 'project.failed'`, [project.id]);
    expect(ev).toBeDefined();
  });

  it('makes a bid invalid when the committee rejects its low-price explanation', async () => {
    const project = await createOpenedProject(t, { method: 'competitive_consultation', bids: [{ priceMinor: 25_000_000 }, { priceMinor: 26_000_000 }, { priceMinor: 10_000_000 }] });
    await createEvaluatorPool(t, 3, { prefix: '低价' });
    const evaluationId = await requestCommittee(t, project);
    await declareAll(t, evaluationId);
    await qualifyAll(t, project, evaluationId);
    const cheap = project.bids[2];
    const [inquiry] = await t.dataSource.query(`SELECT threshold_note FROM low_price_inquiries WHERE evaluation_id = $1 AND bid_id = $2`, [evaluationId, cheap.bidId]);
    expect(JSON.parse(inquiry.threshold_note)).toEqual({ priceMinor: 10_000_000, meanMinor: '61000000/3', thresholdMinor: '48800000/3', thresholdPercent: 80, validBids: 3 });
    const officer = await signIn(t, project.officer);
    const noNote = await officer.form(`/staff/evaluations/${evaluationId}/low-price/${cheap.bidId}`, { decision: 'reject', note: '' }).expect(400);
    expect(fieldErrorsIn(noNote.text)).toContain('不接受说明时须写明理由');
    await officer.form(`/staff/evaluations/${evaluationId}/low-price/${cheap.bidId}`, { decision: 'reject', note: '投标人未在规定时间内作出说明' }).expect(303);
    const [q] = await t.dataSource.query(`SELECT is_valid, reason_code, reason FROM qualification_reviews WHERE evaluation_id = $1 AND bid_id = $2`, [evaluationId, cheap.bidId]);
    expect(q).toEqual({ is_valid: false, reason_code: 'abnormally_low_price', reason: '投标人未在规定时间内作出说明' });
    const page = await cheap.organisation.session.agent.get(`/bids/${cheap.bidId}/evaluation`).expect(200);
    expect(page.text).toContain('报价明显低于其他有效报价且未能合理说明');
    // Two valid bids remain: enough for a competitive consultation purchasing services.
    expect(await status(t, evaluationId)).toBe('scoring');
    const members = await committeeOf(t, evaluationId);
    await expect(score(t, evaluationId, members[0].user_id, lettersOf(project).get(cheap.bidId)!, { c1: '30', c2: '20' })).rejects.toMatchObject({ code: 'EVALUATION.BID_NOT_SCORABLE' });
  });

  it("lapses a low-price inquiry left unanswered past the committee's time: the bidder is told the limit, cannot explain after it, and the sign-off proceeds with the bid invalid (财政部令第87号 第六十条)", async () => {
    const project = await createOpenedProject(t, {
      method: 'request_for_quotation',
      bids: [{ priceMinor: 20_000_000 }, { priceMinor: 21_000_000 }, { priceMinor: 22_000_000 }, { priceMinor: 5_000_000 }],
    });
    const cheap = project.bids[3];
    await createEvaluatorPool(t, 3, { prefix: '逾期' });
    const evaluationId = await requestCommittee(t, project);
    await declareAll(t, evaluationId);
    const qualification = t.app.get(QualificationService);
    for (const bid of project.bids) await qualification.decide(actorOf(project.officer, ['bureau_officer']), evaluationId, bid.bidId, { decision: 'valid' });
    const officer = await signIn(t, project.officer);
    const refused = await officer.form(`/staff/evaluations/${evaluationId}/close-qualification`, { explanationHours: '73' }).expect(400);
    expect(fieldErrorsIn(refused.text)).toContain('1–72');
    await officer.form(`/staff/evaluations/${evaluationId}/close-qualification`, { explanationHours: '2' }).expect(303);
    // Mean ¥170,000, 80 % = ¥136,000 (the method rule's figure): only the ¥50,000 bid is asked, due 2 hours after closing.
    const inquiries = await t.dataSource.query(`SELECT bid_id, requested_at, explanation_due_at, threshold_note FROM low_price_inquiries WHERE evaluation_id = $1`, [evaluationId]);
    expect(inquiries.map((i: { bid_id: string }) => i.bid_id)).toEqual([cheap.bidId]);
    expect(inquiries[0].explanation_due_at.getTime() - inquiries[0].requested_at.getTime()).toBe(2 * 3_600_000);
    expect(JSON.parse(inquiries[0].threshold_note)).toMatchObject({ thresholdMinor: '13600000/1', thresholdPercent: 80 });
    // Told in the inbox and by email; the bid page shows the limit.
    const [told] = await t.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM mail_outbox o WHERE o.notification_id = n.id) AS mailed FROM notifications n WHERE n.kind = 'evaluation.low_price_inquiry' AND n.user_id = $1`,
      [cheap.organisation.user.id],
    );
    expect(told).toEqual({ mailed: true });
    const page = await cheap.organisation.session.agent.get(`/bids/${cheap.bidId}/evaluation`).expect(200);
    expect(page.text).toContain('data-testid="inquiry-due"');
    // Before the time passes the inquiry holds the sign-off up.
    const members = await committeeOf(t, evaluationId);
    const results = t.app.get(ResultsService);
    await expect(results.signOff(actorOf({ id: members[0].user_id }, ['evaluator']), evaluationId)).rejects.toMatchObject({ code: 'EVALUATION.NOT_READY_TO_SIGN' });
    await advanceClock(t.dataSource, 2 * 3_600_000);
    try {
      const late = await cheap.organisation.session.form(`/bids/${cheap.bidId}/evaluation/explanation`, { explanation: '场地由街道无偿提供，志愿者分担人工，报价可以履约。' }).expect(422);
      expect(late.text).toContain('说明时限已于');
      for (const m of members) await results.signOff(actorOf({ id: m.user_id }, ['evaluator']), evaluationId);
      expect(await status(t, evaluationId)).toBe('signed_off');
      const [lapsed] = await t.dataSource.query(`SELECT accepted, lapsed, explanation FROM low_price_inquiries WHERE evaluation_id = $1`, [evaluationId]);
      expect(lapsed).toEqual({ accepted: false, lapsed: true, explanation: null });
      const [q] = await t.dataSource.query(`SELECT is_valid, reason_code, reason FROM qualification_reviews WHERE evaluation_id = $1 AND bid_id = $2`, [evaluationId, cheap.bidId]);
      expect(q).toMatchObject({ is_valid: false, reason_code: 'abnormally_low_price' });
      expect(q.reason).toContain('第六十条');
      expect(await actions(t, evaluationId, 'evaluation.low_price_lapsed')).toHaveLength(1);
      const ranked = await results.getResults(evaluationId);
      expect(ranked.map((r) => r.priceMinor)).toEqual([20_000_000, 21_000_000, 22_000_000]);
      const after = await cheap.organisation.session.agent.get(`/bids/${cheap.bidId}/evaluation`).expect(200);
      expect(after.text).toContain('未在规定时间内说明');
      // The database keeps a lapse honest: never before the due time, never with an explanation.
      await expect(t.dataSource.query(`UPDATE low_price_inquiries SET decided_at = requested_at WHERE evaluation_id = $1`, [evaluationId])).rejects.toThrow(/low_price_inquiries_lapsed/);
    } finally {
      await advanceClock(t.dataSource, -2 * 3_600_000);
    }
  });

  it('ranks a request for quotation by the lowest valid price without technical scoring, equal prices sharing a rank', async () => {
    const project = await createOpenedProject(t, {
      method: 'request_for_quotation',
      bids: [{ priceMinor: 20_000_000 }, { priceMinor: 18_000_000 }, { priceMinor: 18_000_000 }],
    });
    await createEvaluatorPool(t, 3, { prefix: '询价' });
    const evaluationId = await requestCommittee(t, project);
    await declareAll(t, evaluationId);
    await qualifyAll(t, project, evaluationId);
    expect(await status(t, evaluationId)).toBe('review');
    for (const m of await committeeOf(t, evaluationId)) await t.app.get(ResultsService).signOff(actorOf({ id: m.user_id }, ['evaluator']), evaluationId);
    const results = await t.app.get(ResultsService).getResults(evaluationId);
    expect(results.map((r) => [r.priceMinor, r.rank, r.tieNote, r.technicalScore, r.totalScore])).toEqual([
      [18_000_000, 1, 'equal_rank', '0/1', '100/1'],
      [18_000_000, 1, 'equal_rank', '0/1', '100/1'],
      [20_000_000, 3, null, '0/1', '90/1'],
    ]);
  });
});
