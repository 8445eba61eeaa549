import { createHash } from 'node:crypto';
import { CommitteeService } from '../../src/evaluation/committee.service';
import { DRAW_ALGORITHM, drawCommittee } from '../../src/evaluation/domain/draw';
import { createEvaluator } from '../factories/evaluators';
import { actorOf, committeeOf, createEvaluatorPool, createOpenedProject, declareAll, requestCommittee } from '../factories/evaluation';
import { fieldErrorsIn } from '../factories/procurement';
import { createUser, signIn } from '../factories/users';
import { TestApp, createTestApp } from '../support/test-app';

async function audit(t: TestApp, evaluationId: string): Promise<string[]> {
  const rows = (await t.dataSource.query(`SELECT action FROM audit_events WHERE entity_type = 'evaluation' AND entity_id = $1 ORDER BY id`, [evaluationId])) as Array<{ action: string }>;
  return rows.map((r) => r.action);
}

describe('evaluation committee: draw, declarations, recusal', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('draws a committee of the method size from the pool, excluding conflicted and inactive experts, and records a reproducible draw', async () => {
    const project = await createOpenedProject(t, { bids: [{ priceMinor: 25_000_000 }, { priceMinor: 26_000_000 }, { priceMinor: 27_000_000 }] });
    const pool = await createEvaluatorPool(t, 6, { prefix: '抽取' });
    // One expert worked for a bidder until two years ago; another is out of the pool; another is in another field.
    await t.dataSource.query(`INSERT INTO evaluator_relationships (evaluator_id, organisation_id, kind, started_on, ended_on) VALUES ($1, $2, 'employment', '2019-03-01', $3)`, [
      pool[0].id,
      project.bids[1].organisation.organisationId,
      new Date(Date.now() - 2 * 365 * 86_400_000).toISOString().slice(0, 10),
    ]);
    await t.dataSource.query(`UPDATE evaluator_profiles SET is_active = false WHERE user_id = $1`, [pool[1].id]);
    const elsewhere = await createEvaluator(t, { expertise: ['C05'], displayName: '外领域专家' });

    const officer = await signIn(t, project.officer);
    const form = await officer.agent.get(`/staff/projects/${project.id}/committee`).expect(200);
    expect(form.text).toContain('评审委员会人数：5 人');
    // Only four eligible experts: a clear refusal naming how many are available.
    const refused = await officer.form(`/staff/projects/${project.id}/committee`, { representativeId: '' }).expect(422);
    expect(refused.text).toContain('符合条件的专家只有 4 名，需要 5 名');
    const extra = await createEvaluator(t, { expertise: ['C01', 'C02'], displayName: '补充专家' });

    const res = await officer.form(`/staff/projects/${project.id}/committee`, { representativeId: '' }).expect(303);
    const evaluationId = /\/staff\/evaluations\/([0-9a-f-]{36})$/.exec(res.headers.location)![1];
    const members = await committeeOf(t, evaluationId);
    expect(members).toHaveLength(5);
    const ids = members.map((m) => m.user_id).sort();
    expect(ids).toEqual([pool[2].id, pool[3].id, pool[4].id, pool[5].id, extra.id].sort());
    expect(ids).not.toContain(pool[0].id);
    expect(ids).not.toContain(elsewhere.id);
    expect(members.filter((m) => m.is_chair)).toHaveLength(1);

    const [draw] = await t.dataSource.query(`SELECT * FROM committee_draws WHERE evaluation_id = $1`, [evaluationId]);
    expect(draw.kind).toBe('initial');
    expect(draw.algorithm).toBe(DRAW_ALGORITHM);
    expect(draw.seed).toMatch(/^[0-9a-f]{64}$/);
    expect(draw.wanted).toBe(5);
    expect(drawCommittee(draw.seed, draw.pool, 5)).toEqual(draw.result);
    const excluded = draw.excluded as Array<{ userId: string; reason: string; conflicts?: Array<{ organisationId: string; kind: string; startedOn: string }> }>;
    expect(excluded).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          userId: pool[0].id,
          reason: 'conflict',
          conflicts: [expect.objectContaining({ organisationId: project.bids[1].organisation.organisationId, kind: 'employment', startedOn: '2019-03-01' })],
        }),
        expect.objectContaining({ userId: pool[1].id, reason: 'inactive' }),
      ]),
    );
    const [p] = await t.dataSource.query(`SELECT status FROM projects WHERE id = $1`, [project.id]);
    expect(p.status).toBe('evaluation');
    expect(await audit(t, evaluationId)).toEqual(['evaluation.committee_drawn']);
    // Dashboards: the officer follows it; each drawn member sees a declaration due.
    const officerDash = await officer.agent.get('/dashboard').expect(200);
    expect(officerDash.text).toContain('data-testid="evaluations-in-progress"');
    expect(officerDash.text).toContain(project.reference);
    const [{ email }] = await t.dataSource.query(`SELECT email FROM users WHERE id = $1`, [members[0].user_id]);
    const memberDash = await (await signIn(t, { email, password: 'Correct-horse-42' })).agent.get('/dashboard').expect(200);
    expect(memberDash.text).toMatch(/data-testid="evaluation-due"[\s\S]*待签署声明/);
    // Members are told; the draw is public to staff and reproducible by an auditor.
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM notifications WHERE kind = 'evaluation.member_drawn' AND user_id = ANY($1::uuid[])`, [ids]);
    expect(n).toBe(5);
    const auditor = await signIn(t, await createUser(t, { roles: ['auditor'] }));
    const page = await auditor.agent.get(`/staff/evaluations/${evaluationId}/draws`).expect(200);
    expect(page.text).toContain('data-testid="draws-all-match"');
    expect(page.text).toContain(draw.seed);
    expect(page.text).toContain('与投标人存在利害关系');
    const api = await auditor.agent.get(`/api/v1/evaluations/${evaluationId}/draws/verification`).expect(200);
    expect(api.body.allMatch).toBe(true);
    expect(api.body.draws[0]).toMatchObject({ seed: draw.seed, result: draw.result, recomputed: draw.result, matches: true });
    // The record cannot be rewritten.
    await expect(t.dataSource.query(`UPDATE committee_draws SET seed = $2 WHERE id = $1`, [draw.id, 'ab'.repeat(32)])).rejects.toThrow('append-only');
  });

  it('seats a bureau representative counted in the size when the method allows it, never an organisation member', async () => {
    const project = await createOpenedProject(t, { method: 'competitive_consultation', bids: [{ priceMinor: 20_000_000 }, { priceMinor: 21_000_000 }] });
    await createEvaluatorPool(t, 3, { prefix: '磋商' });
    const approver = await createUser(t, { roles: ['bureau_approver'], displayName: '王代表' });
    const officer = await signIn(t, project.officer);
    const refused = await officer.form(`/staff/projects/${project.id}/committee`, { representativeId: project.bids[0].organisation.user.id }).expect(400);
    expect(fieldErrorsIn(refused.text)).toContain('采购人代表须为在职的民政局经办人员或审批人员');
    const res = await officer.form(`/staff/projects/${project.id}/committee`, { representativeId: approver.id }).expect(303);
    const evaluationId = /([0-9a-f-]{36})$/.exec(res.headers.location)![1];
    const members = await committeeOf(t, evaluationId);
    expect(members).toHaveLength(3);
    expect(members.filter((m) => m.role === 'bureau_representative').map((m) => m.user_id)).toEqual([approver.id]);
    // The representative declares and sits like any member.
    const rep = await signIn(t, approver);
    const page = await rep.agent.get(`/evaluations/${evaluationId}`).expect(200);
    expect(page.text).toContain('data-testid="declaration-text"');
  });

  it('shows the declaration before any bid, refuses bids until it is signed, and refuses outsiders', async () => {
    const project = await createOpenedProject(t, { bids: [{ priceMinor: 25_000_000, nameZh: '晨曦社工服务社' }, { priceMinor: 26_000_000 }] });
    await createEvaluatorPool(t, 5, { prefix: '声明' });
    const evaluationId = await requestCommittee(t, project);
    const [member] = await committeeOf(t, evaluationId);
    const session = await signIn(t, { email: (await t.dataSource.query(`SELECT email FROM users WHERE id = $1`, [member.user_id]))[0].email, password: 'Correct-horse-42' });
    const page = await session.agent.get(`/evaluations/${evaluationId}`).expect(200);
    expect(page.text).toContain('晨曦社工服务社');
    expect(page.text).not.toContain('¥250,000');
    const bid = await session.agent.get(`/evaluations/${evaluationId}/bids/A`).expect(403);
    expect(bid.text).toContain('请先签署无利害关系声明');
    // Wrong name and no tick: field messages, nothing recorded.
    const bad = await session.form(`/evaluations/${evaluationId}/declaration`, { accepted: '0', signerName: '别人' }).expect(400);
    expect(fieldErrorsIn(bad.text)).toContain('请勾选确认声明');
    expect(fieldErrorsIn(bad.text)).toContain('请输入与账户一致的本人姓名');
    await session.form(`/evaluations/${evaluationId}/declaration`, { accepted: ['0', '1'], signerName: member.display_name }).expect(303);
    const [row] = await t.dataSource.query(`SELECT status, declaration_sha256, declaration_text, declaration_signer FROM committee_members WHERE evaluation_id = $1 AND user_id = $2`, [
      evaluationId,
      member.user_id,
    ]);
    expect(row.status).toBe('declared');
    expect(row.declaration_text).toContain('晨曦社工服务社');
    expect(row.declaration_sha256).toBe(createHash('sha256').update(row.declaration_text).digest('hex'));
    await session.agent.get(`/evaluations/${evaluationId}/bids/A`).expect(200);

    // An evaluator not on the committee sees nothing.
    const outsider = await createEvaluator(t, { displayName: '局外专家' });
    const other = await signIn(t, outsider);
    await other.agent.get(`/evaluations/${evaluationId}`).expect(403);
    await other.agent.get(`/evaluations/${evaluationId}/bids/A`).expect(403);
    await other.agent.get(`/staff/evaluations/${evaluationId}/report`).expect(403);
    await other.form(`/evaluations/${evaluationId}/bids/A/scores`, { 'points[c1]': '30', 'points[c2]': '20' }).expect(403);
    // Organisations never reach the committee's pages.
    await project.bids[0].organisation.session.agent.get(`/evaluations/${evaluationId}`).expect(403);
    await project.bids[0].organisation.session.agent.get(`/staff/evaluations/${evaluationId}/report`).expect(403);
  });

  it('recuses a member who declares a conflict and draws a replacement at once; the last declaration opens the qualification review', async () => {
    const project = await createOpenedProject(t, { bids: [{ priceMinor: 25_000_000 }, { priceMinor: 26_000_000 }] });
    await createEvaluatorPool(t, 6, { prefix: '回避' });
    const evaluationId = await requestCommittee(t, project);
    const before = await committeeOf(t, evaluationId);
    const chair = before.find((m) => m.is_chair)!;
    const [{ email }] = await t.dataSource.query(`SELECT email FROM users WHERE id = $1`, [chair.user_id]);
    const session = await signIn(t, { email, password: 'Correct-horse-42' });
    const empty = await session.form(`/evaluations/${evaluationId}/recusal`, { reason: '' }).expect(400);
    expect(fieldErrorsIn(empty.text)).toContain('请说明利害关系');
    await session.form(`/evaluations/${evaluationId}/recusal`, { reason: '本人配偶在投标人处任职' }).expect(303);
    const after = await committeeOf(t, evaluationId);
    expect(after).toHaveLength(6);
    expect(after.find((m) => m.user_id === chair.user_id)).toMatchObject({ status: 'recused', is_chair: false });
    expect(after.filter((m) => m.status !== 'recused')).toHaveLength(5);
    expect(after.filter((m) => m.is_chair)).toHaveLength(1);
    const draws = await t.dataSource.query(`SELECT kind, wanted, result, pool, seed, excluded FROM committee_draws WHERE evaluation_id = $1 ORDER BY drawn_at`, [evaluationId]);
    expect(draws.map((d: { kind: string }) => d.kind)).toEqual(['initial', 'replacement']);
    expect(draws[1].wanted).toBe(1);
    expect(drawCommittee(draws[1].seed, draws[1].pool, 1)).toEqual(draws[1].result);
    expect(
      draws[1].excluded
        .filter((e: { reason: string }) => e.reason === 'already_drawn')
        .map((e: { userId: string }) => e.userId)
        .sort(),
    ).toEqual(before.map((m) => m.user_id).sort());
    // The recused member no longer sits.
    await session.agent.get(`/evaluations/${evaluationId}`).expect(403);
    await declareAll(t, evaluationId);
    const [{ status }] = await t.dataSource.query(`SELECT status FROM evaluations WHERE id = $1`, [evaluationId]);
    expect(status).toBe('qualification');
    expect(await audit(t, evaluationId)).toEqual([
      'evaluation.committee_drawn',
      'evaluation.member_recused',
      'evaluation.replacement_drawn',
      'evaluation.chair_assigned',
      ...Array(5).fill('evaluation.member_declared'),
      'evaluation.committee_complete',
    ]);
    // Declaring twice is refused.
    const declared = after.find((m) => m.status !== 'recused')!;
    await expect(t.app.get(CommitteeService).declare(actorOf({ id: declared.user_id }, ['evaluator']), evaluationId, { accepted: true, signerName: declared.display_name })).rejects.toMatchObject({
      code: 'EVALUATION.ALREADY_DECLARED',
    });
  });

  it('refuses a second live evaluation and a project that is not opened', async () => {
    const project = await createOpenedProject(t, { bids: [{ priceMinor: 25_000_000 }, { priceMinor: 26_000_000 }] });
    await createEvaluatorPool(t, 5, { prefix: '重复' });
    await requestCommittee(t, project);
    await expect(requestCommittee(t, project)).rejects.toMatchObject({ code: 'EVALUATION.ALREADY_LIVE' });
    const closed = await createOpenedProject(t, { bids: [{ priceMinor: 25_000_000 }] });
    await t.dataSource.query(`UPDATE projects SET status = 'closed' WHERE id = $1`, [closed.id]);
    await expect(requestCommittee(t, closed)).rejects.toMatchObject({ code: 'EVALUATION.PROJECT_NOT_OPENED' });
  });
});
