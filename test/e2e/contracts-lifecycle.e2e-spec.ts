import { Contract } from '../../src/contracts/contract.entity';
import { enterCalendarYears } from '../support/calendar';
import { ContractsService } from '../../src/contracts/contracts.service';
import { VariationsService } from '../../src/contracts/variations.service';
import { fieldErrorsIn } from '../factories/procurement';
import { dbNow } from '../support/clock';
import { TestApp, createTestApp } from '../support/test-app';
import {
  EvaluatedProject,
  TestUser,
  actorOf,
  auditActions,
  awardProject,
  createApprover,
  createEvaluatedProject,
  createOfficer,
  fileChallenge,
  fundRow,
  passChallengePeriod,
  signInAsUser,
} from '../factories/awards';

const GROUNDS = '成交人的服务方案未满足招标文件第五章关于人员持证比例的实质性要求，请复核。';

describe('contracts: generation, confirmation, publication', () => {
  let t: TestApp;
  jest.setTimeout(60_000);
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
    // Challenge, answer and complaint periods reach next year whenever the suite runs late in a year.
    await enterCalendarYears(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const winnerOf = (p: EvaluatedProject) => p.bidders.find((b) => b.rank === 1)!;

  async function generated(project?: EvaluatedProject): Promise<{ project: EvaluatedProject; contract: Contract; officer: TestUser }> {
    const p = project ?? (await createEvaluatedProject(t));
    const award = await awardProject(t, p);
    await passChallengePeriod(t, award.id);
    const officer = await createOfficer(t);
    const contract = await t.app.get(ContractsService).generateContract(actorOf(officer), award.id);
    return { project: p, contract, officer };
  }

  async function active(): Promise<{ project: EvaluatedProject; contract: Contract; officer: TestUser }> {
    const g = await generated();
    const service = t.app.get(ContractsService);
    await service.confirmContract(actorOf(winnerOf(g.project).admin, winnerOf(g.project).organisationId), g.contract.id, 'organisation');
    const contract = await service.confirmContract(actorOf(await createApprover(t)), g.contract.id, 'approver');
    return { ...g, contract };
  }

  it('refuses to sign before the challenge period has ended, with a clear message', async () => {
    const project = await createEvaluatedProject(t);
    const award = await awardProject(t, project);
    const officer = await signInAsUser(t, await createOfficer(t));
    const page = await officer.agent.get(`/staff/awards/${award.id}/contract`).expect(200);
    expect(page.text).toContain('data-testid="not-ready"');
    const res = await officer.form(`/staff/awards/${award.id}/contract`).expect(422);
    expect(res.text).toContain('质疑期届满前不能签订合同');
    const api = await officer.agent.post(`/staff/awards/${award.id}/contract`).set('X-CSRF-Token', officer.csrf).set('Accept', 'application/json').expect(422);
    expect(api.body.error.code).toBe('CONTRACTS.CHALLENGE_PERIOD_NOT_OVER');
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM contracts WHERE award_id = $1`, [award.id]);
    expect(n).toBe(0);
  });

  it('refuses to sign while a challenge awaits its answer, and signs once it is answered', async () => {
    const project = await createEvaluatedProject(t);
    const award = await awardProject(t, project);
    await fileChallenge(await signInAsUser(t, project.bidders[1].member), award.id, GROUNDS).expect(303);
    await passChallengePeriod(t, award.id);
    const officer = await signInAsUser(t, await createOfficer(t));
    const res = await officer.form(`/staff/awards/${award.id}/contract`).expect(422);
    expect(res.text).toContain('尚有 1 项质疑待答复');
    const [challenge] = await t.dataSource.query(`SELECT id FROM challenges WHERE award_id = $1`, [award.id]);
    await officer.form(`/staff/challenges/${challenge.id}/answer`, { decision: 'dismiss', answer: '经复核，成交人持证比例满足招标文件要求，质疑不成立。' }).expect(303);
    const ok = await officer.form(`/staff/awards/${award.id}/contract`).expect(303);
    expect(ok.headers.location).toMatch(/^\/staff\/contracts\/[0-9a-f-]{36}$/);
    // Once generated, the award's contract page leads to it; a second generation is a clear 409.
    const again = await officer.agent.get(`/staff/awards/${award.id}/contract`).expect(303);
    expect(again.headers.location).toBe(ok.headers.location);
    const twice = await officer.form(`/staff/awards/${award.id}/contract`).expect(409);
    expect(twice.text).toContain('该成交结果已生成合同');
  });

  it('generates the contract from the project and the winning bid: amounts allocated to the fen, default indicators, the text with its hash', async () => {
    const project = await createEvaluatedProject(t);
    const second = project.bidders.find((b) => b.rank === 2)!;
    // The second-ranked price (¥175,000.50) over 33.33/33.33/33.34 % does not divide evenly.
    const award = await awardProject(t, project, { bidId: second.bidId, reason: '排名第一的投标人书面放弃成交资格，依次由第二名成交。' });
    await passChallengePeriod(t, award.id);
    const officer = await signInAsUser(t, await createOfficer(t));
    const res = await officer.form(`/staff/awards/${award.id}/contract`).expect(303);
    const id = res.headers.location.split('/').pop()!;
    const [c] = await t.dataSource.query(`SELECT * FROM contracts WHERE id = $1`, [id]);
    expect(c).toMatchObject({ status: 'awaiting_confirmation', amount_minor: '17500050', organisation_id: second.organisationId, fund_id: project.fundId });
    expect(c.reference).toMatch(/^HT-\d{4}-\d{4,}$/);
    expect(c.parties.provider).toMatchObject({ name: second.nameZh, legalRepresentative: '张伟' });
    expect(c.items).toHaveLength(2);
    expect(c.items[0]).toMatchObject({ quantity: 1200 });
    const milestones = await t.dataSource.query(`SELECT position, share_bp, amount_minor, indicators, due_date FROM contract_milestones WHERE contract_id = $1 ORDER BY position`, [id]);
    expect(milestones.map((m: { amount_minor: string }) => Number(m.amount_minor))).toEqual([5_832_767, 5_832_766, 5_834_517]);
    expect(milestones.reduce((sum: number, m: { amount_minor: string }) => sum + Number(m.amount_minor), 0)).toBe(17_500_050);
    expect(milestones[0].indicators.map((i: { code: string; weight: number }) => `${i.code}:${i.weight}`)).toEqual([
      'output_quantity:30',
      'service_quality:30',
      'resident_satisfaction:20',
      'management_finance:20',
    ]);
    expect(c.terms).toContain('人民币壹拾柒万伍仟元伍角');
    expect(c.terms).toContain(second.nameZh);
    expect(c.terms).toContain('阶段1：完成服务启动与需求评估。');
    expect(c.terms).toContain('产出数量 30 分');
    expect(c.settlement_method).toContain('按里程碑分期结算');
    expect(c.terms_sha256).toMatch(/^[0-9a-f]{64}$/);
    // Both sides are asked to confirm.
    const told = await t.dataSource.query(`SELECT DISTINCT title_key FROM notifications WHERE kind = 'contract.to_confirm' AND link LIKE '%' || $1`, [id]);
    expect(told.map((r: { title_key: string }) => r.title_key).sort()).toEqual(['contracts.notifications.toConfirmApprover', 'contracts.notifications.toConfirmOrganisation']);
    expect(await auditActions(t, 'contract', id)).toEqual(['contract.generated']);
    // Not public before both sides have confirmed.
    await t.http().get(`/notices/contracts/${c.reference}`).expect(404);
    // The database keeps milestone amounts summing to the contract amount.
    await expect(t.dataSource.query(`UPDATE contract_milestones SET amount_minor = amount_minor + 1 WHERE contract_id = $1 AND position = 1`, [id])).rejects.toThrow(/sum to/);
  });

  it('the organisation administrator and an approver confirm: the contract takes effect, the fund commits the amount and releases the rest, and it is published', async () => {
    const { project, contract } = await generated();
    const winner = winnerOf(project);
    const before = await fundRow(t, project.fundId);
    expect(before).toMatchObject({ reserved: 20_000_000, committed: 0 });

    const member = await signInAsUser(t, winner.member);
    const memberPage = await member.agent.get(`/organisation/contracts/${contract.id}`).expect(200);
    expect(memberPage.text).toContain('合同须由本机构管理员确认');
    await member.form(`/organisation/contracts/${contract.id}/confirm`).expect(403);
    const stranger = await signInAsUser(t, project.bidders[1].admin);
    await stranger.agent.get(`/organisation/contracts/${contract.id}`).expect(404);
    await stranger.form(`/organisation/contracts/${contract.id}/confirm`).expect(404);

    const admin = await signInAsUser(t, winner.admin);
    const dash = await admin.agent.get('/dashboard').expect(200);
    expect(dash.text).toContain('data-testid="dash-org-contracts"');
    await admin.form(`/organisation/contracts/${contract.id}/confirm`, { confirm: 'yes' }).expect(303);
    const twice = await admin.form(`/organisation/contracts/${contract.id}/confirm`, { confirm: 'yes' }).expect(409);
    expect(twice.text).toContain('您这一方已经确认过该合同');
    expect(await fundRow(t, project.fundId)).toEqual(before);

    // The bureau side: not an evaluator of the project, and an approver.
    const rep = await signInAsUser(t, project.representative);
    const refused = await rep.form(`/staff/contracts/${contract.id}/confirm`).expect(403);
    expect(refused.text).toContain('须由其他审批人确认合同');
    const officer = await signInAsUser(t, await createOfficer(t));
    await officer.form(`/staff/contracts/${contract.id}/confirm`).expect(403);
    const approver = await signInAsUser(t, await createApprover(t));
    const approverDash = await approver.agent.get('/dashboard').expect(200);
    expect(approverDash.text).toContain(contract.reference);
    await approver.form(`/staff/contracts/${contract.id}/confirm`, { confirm: 'yes' }).expect(303);

    const [c] = await t.dataSource.query(`SELECT * FROM contracts WHERE id = $1`, [contract.id]);
    expect(c.status).toBe('active');
    expect(c.published_at).toEqual(c.activated_at);
    expect(c.publish_due_explanation).toMatchObject({ kind: 'contract_publication', workingDays: 2 });
    expect(c.publish_due_at.getTime()).toBeGreaterThan(c.activated_at.getTime());
    expect(await fundRow(t, project.fundId)).toEqual({ reserved: 0, committed: 18_000_000, total: 100_000_000 });
    const [commit] = await t.dataSource.query(`SELECT summary FROM audit_events WHERE action = 'fund.committed' AND entity_id = $1`, [project.fundId]);
    expect(commit.summary.details).toEqual({ projectId: project.id, reservedMinor: 20_000_000, contractAmountMinor: 18_000_000, releasedMinor: 2_000_000 });
    expect(await auditActions(t, 'contract', contract.id)).toEqual(['contract.generated', 'contract.confirmed_by_organisation', 'contract.confirmed_by_approver', 'contract.activated']);

    const notice = await t.http().get(`/notices/contracts/${contract.reference}`).expect(200);
    expect(notice.text).toContain(contract.terms.slice(0, 12));
    expect(notice.text).toContain('data-testid="org-confirmed"');
    expect(notice.text).not.toContain(winner.admin.displayName);
    const text = await t.http().get(`/notices/contracts/${contract.reference}/text`).expect(200);
    expect(text.text).toBe(contract.terms);
    const json = await t.http().get(`/api/v1/notices/contracts/${contract.reference}`).expect(200);
    expect(json.body).toMatchObject({ reference: contract.reference, amountMinor: 18_000_000, status: 'active' });
    expect(json.body.milestones.map((m: { amountMinor: number }) => m.amountMinor)).toEqual([5_999_400, 5_999_400, 6_001_200]);
    const index = await t.http().get('/notices/contracts').expect(200);
    expect(index.text).toContain(contract.reference);
  });

  it('two confirmations at the same moment activate the contract once and commit the fund once', async () => {
    for (let round = 0; round < 2; round++) {
      const { project, contract } = await generated();
      const [org, approver] = [await signInAsUser(t, winnerOf(project).admin), await signInAsUser(t, await createApprover(t))];
      const results = await Promise.all([org.form(`/organisation/contracts/${contract.id}/confirm`, { confirm: 'yes' }), approver.form(`/staff/contracts/${contract.id}/confirm`, { confirm: 'yes' })]);
      expect(results.map((r) => r.status)).toEqual([303, 303]);
      expect(await fundRow(t, project.fundId)).toEqual({ reserved: 0, committed: 18_000_000, total: 100_000_000 });
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'contract.activated' AND entity_id = $1`, [contract.id]);
      expect(n).toBe(1);
    }
  });

  describe('variations', () => {
    it('an increase within 10 % approved by another approver re-allocates the unpaid milestones exactly and moves committed money', async () => {
      const { project, contract } = await active();
      // The first milestone is paid (passed): it keeps its amount.
      await t.dataSource.query(`UPDATE contract_milestones SET status = 'passed' WHERE contract_id = $1 AND position = 1`, [contract.id]);
      const proposer = await createOfficer(t, '陈经办');
      const officer = await signInAsUser(t, proposer);
      const form = await officer.agent.get(`/staff/contracts/${contract.id}/variations/new`).expect(200);
      expect(form.text).toContain('¥198,000');
      expect(form.text).toContain('第四十九条');

      const over = await officer.form(`/staff/contracts/${contract.id}/variations`, { kind: 'amount', description: '增加 30 户服务对象', amount: '198000.01' }).expect(422);
      expect(fieldErrorsIn(over.text)).toContain('《政府采购法》第四十九条');
      expect(over.text).toContain('198000.01');
      const api = await officer.agent
        .post(`/staff/contracts/${contract.id}/variations`)
        .set('X-CSRF-Token', officer.csrf)
        .set('Accept', 'application/json')
        .send({ kind: 'amount', description: '增加 30 户服务对象', amount: '198000.01' })
        .expect(422);
      expect(api.body.error.code).toBe('CONTRACTS.AMOUNT_BEYOND_TEN_PERCENT');
      expect(api.body.error.message).toContain('第四十九条');

      await officer.form(`/staff/contracts/${contract.id}/variations`, { kind: 'amount', description: '服务对象增加 30 户，相应增加服务量。', amount: '198,000' }).expect(303);
      const pending = await officer.form(`/staff/contracts/${contract.id}/variations`, { kind: 'amount', description: '再次变更金额测试', amount: '170000' }).expect(409);
      expect(pending.text).toContain('已有一项待审批的变更');
      const [variation] = await t.dataSource.query(`SELECT id, status, amount_delta_minor FROM contract_variations WHERE contract_id = $1`, [contract.id]);
      expect(variation).toMatchObject({ status: 'proposed', amount_delta_minor: '1800000' });

      // The proposer may hold the approver role too: still refused on their own proposal.
      await t.dataSource.query(`UPDATE users SET roles = ARRAY['bureau_officer', 'bureau_approver'] WHERE id = $1`, [proposer.id]);
      const self = await signInAsUser(t, { ...proposer, roles: ['bureau_officer', 'bureau_approver'] });
      const own = await self.form(`/staff/contracts/${contract.id}/variations/${variation.id}/decision`, { decision: 'approve', reason: '同意变更，资金充足。' }).expect(403);
      expect(own.text).toContain('本变更由您提出，须由其他审批人审批');
      await expect(
        t.dataSource.query(`UPDATE contract_variations SET status = 'approved', decided_by = proposed_by, decided_at = now(), decision_reason = 'x1' WHERE id = $1`, [variation.id]),
      ).rejects.toThrow(/four_eyes/);

      const approver = await signInAsUser(t, await createApprover(t));
      const noReason = await approver.form(`/staff/contracts/${contract.id}/variations/${variation.id}/decision`, { decision: 'approve', reason: '' }).expect(400);
      expect(fieldErrorsIn(noReason.text)).toContain('请填写 5–2000 个字');
      await approver.form(`/staff/contracts/${contract.id}/variations/${variation.id}/decision`, { decision: 'approve', reason: '服务对象增加属实，资金充足，同意。' }).expect(303);

      const [c] = await t.dataSource.query(`SELECT amount_minor FROM contracts WHERE id = $1`, [contract.id]);
      expect(Number(c.amount_minor)).toBe(19_800_000);
      const milestones = await t.dataSource.query(`SELECT position, amount_minor FROM contract_milestones WHERE contract_id = $1 ORDER BY position`, [contract.id]);
      // Paid milestone 1 keeps ¥59,994; ¥138,006 left is split 3333:3334 over milestones 2 and 3.
      expect(milestones.map((m: { amount_minor: string }) => Number(m.amount_minor))).toEqual([5_999_400, 6_899_265, 6_901_335]);
      expect(await fundRow(t, project.fundId)).toEqual({ reserved: 0, committed: 19_800_000, total: 100_000_000 });
      expect(await auditActions(t, 'contract_variation', variation.id)).toEqual(['contract_variation.proposed', 'contract_variation.approved']);
      expect(await auditActions(t, 'contract', contract.id)).toContain('contract.amount_varied');

      // A further increase would pass 10 % of the ORIGINAL amount: refused.
      const more = await officer.form(`/staff/contracts/${contract.id}/variations`, { kind: 'amount', description: '再增加服务量', amount: '198000.01' }).expect(422);
      expect(fieldErrorsIn(more.text)).toContain('第四十九条');
      // Coming back down is a variation too; the approver rejects it with a reason; history is kept.
      await officer
        .form(`/staff/contracts/${contract.id}/variations`, { kind: 'amount', description: '服务对象减少 10 户。', amount: '185000', reductionReason: '10 户服务对象迁出辖区，相应减少服务量' })
        .expect(303);
      const [second] = await t.dataSource.query(`SELECT id FROM contract_variations WHERE contract_id = $1 AND status = 'proposed'`, [contract.id]);
      await approver.form(`/staff/contracts/${contract.id}/variations/${second.id}/decision`, { decision: 'reject', reason: '减少户数尚未经社区核实，暂不同意。' }).expect(303);
      const history = await t.dataSource.query(`SELECT sequence, status, decision_reason FROM contract_variations WHERE contract_id = $1 ORDER BY sequence`, [contract.id]);
      expect(history.map((h: { sequence: number; status: string }) => `${h.sequence}:${h.status}`)).toEqual(['1:approved', '2:rejected']);
      expect(await fundRow(t, project.fundId)).toMatchObject({ committed: 19_800_000 });
      const decidedTwice = await approver.form(`/staff/contracts/${contract.id}/variations/${second.id}/decision`, { decision: 'approve', reason: '再次审批测试。' }).expect(409);
      expect(decidedTwice.text).toContain('该变更已经审批');
      // The public board shows approved variations only, without who proposed or decided.
      const notice = await t.http().get(`/notices/contracts/${contract.reference}`).expect(200);
      expect(notice.text).toContain('第 1 号变更');
      expect(notice.text).not.toContain('第 2 号变更');
      expect(notice.text).not.toContain('陈经办');
      expect(notice.text).toContain('¥198,000');
    });

    it('a reduction of a third is not capped by art. 49 but needs its reason; approved, the fund commitment follows it and the reason is published', async () => {
      const { project, contract } = await active();
      const officer = await signInAsUser(t, await createOfficer(t));
      const approver = await signInAsUser(t, await createApprover(t));
      const noReason = await officer.agent
        .post(`/staff/contracts/${contract.id}/variations`)
        .set('X-CSRF-Token', officer.csrf)
        .set('Accept', 'application/json')
        .send({ kind: 'amount', description: '服务对象减少三分之一', amount: '120000' })
        .expect(400);
      expect(Object.keys(noReason.body.error.fields)).toEqual(['reductionReason']);
      const form = await officer.form(`/staff/contracts/${contract.id}/variations`, { kind: 'amount', description: '服务对象减少三分之一', amount: '120000', reductionReason: '减少' }).expect(400);
      expect(fieldErrorsIn(form.text)).toContain('减少合同金额须写明理由');
      expect(form.text).toContain('120000');
      await officer
        .form(`/staff/contracts/${contract.id}/variations`, { kind: 'amount', description: '服务对象减少三分之一', amount: '120000', reductionReason: '两个小区划出本街道，服务对象减少三分之一' })
        .expect(303);
      const [variation] = await t.dataSource.query(`SELECT id, amount_delta_minor FROM contract_variations WHERE contract_id = $1`, [contract.id]);
      expect(variation.amount_delta_minor).toBe('-6000000');
      await approver.form(`/staff/contracts/${contract.id}/variations/${variation.id}/decision`, { decision: 'approve', reason: '经街道核实，同意减少。' }).expect(303);
      const [c] = await t.dataSource.query(`SELECT amount_minor FROM contracts WHERE id = $1`, [contract.id]);
      expect(Number(c.amount_minor)).toBe(12_000_000);
      // The commitment follows the variation: ¥60,000 goes back to the fund's available money.
      expect(await fundRow(t, project.fundId)).toEqual({ reserved: 0, committed: 12_000_000, total: 100_000_000 });
      // The ledger journals the change alone, in one entry: committed −¥60,000, available +¥60,000.
      const [entry] = await t.dataSource.query(`SELECT id FROM journal_entries WHERE event = 'fund.committed' AND ref_type = 'project' AND ref_id = $1 ORDER BY id DESC LIMIT 1`, [project.id]);
      const lines = await t.dataSource.query(`SELECT account, amount_minor::text AS amount FROM journal_lines WHERE entry_id = $1 ORDER BY line`, [entry.id]);
      expect(lines).toEqual([
        { account: 'committed', amount: '-6000000' },
        { account: 'available', amount: '6000000' },
      ]);
      const notice = await t.http().get(`/notices/contracts/${contract.reference}`).expect(200);
      expect(notice.text).toContain('两个小区划出本街道，服务对象减少三分之一');
      // The database refuses an approved reduction without its reason.
      await expect(t.dataSource.query(`UPDATE contract_variations SET changes = jsonb_set(changes, '{amount,reductionReason}', '""') WHERE id = $1`, [variation.id])).rejects.toThrow(
        /reduction_reason/,
      );
      // A reduction gives no allowance back: increases may still add 10 % of the ORIGINAL ¥180,000, so ¥138,000 is the most.
      await officer.form(`/staff/contracts/${contract.id}/variations`, { kind: 'amount', description: '恢复部分服务量', amount: '138000.01' }).expect(422);
      await officer.form(`/staff/contracts/${contract.id}/variations`, { kind: 'amount', description: '恢复部分服务量', amount: '138000' }).expect(303);
    });

    it('an increase the fund cannot cover is refused by its CHECK, and nothing changes', async () => {
      const project = await createEvaluatedProject(t, { fundTotalMinor: 20_500_000 });
      const { contract } = await (async () => {
        const award = await awardProject(t, project);
        await passChallengePeriod(t, award.id);
        const service = t.app.get(ContractsService);
        const c = await service.generateContract(actorOf(await createOfficer(t)), award.id);
        await service.confirmContract(actorOf(winnerOf(project).admin, winnerOf(project).organisationId), c.id, 'organisation');
        return { contract: await service.confirmContract(actorOf(await createApprover(t)), c.id, 'approver') };
      })();
      // ¥205,000 fund, ¥180,000 committed: another project now reserves ¥20,000 of the ¥25,000 left, so +¥18,000 no longer fits.
      await t.dataSource.query(`UPDATE funds SET reserved_minor = reserved_minor + 2000000 WHERE id = $1`, [project.fundId]);
      const variations = t.app.get(VariationsService);
      const v = await variations.proposeVariation(actorOf(await createOfficer(t)), contract.id, { kind: 'amount', description: '增加服务量测试', amount: '198000' });
      await expect(variations.decideVariation(actorOf(await createApprover(t)), contract.id, v.id, { decision: 'approve', reason: '同意增加服务量。' })).rejects.toMatchObject({
        code: 'PROCUREMENT.FUND_INSUFFICIENT',
      });
      const [c] = await t.dataSource.query(`SELECT amount_minor FROM contracts WHERE id = $1`, [contract.id]);
      expect(Number(c.amount_minor)).toBe(18_000_000);
      const [row] = await t.dataSource.query(`SELECT status FROM contract_variations WHERE id = $1`, [v.id]);
      expect(row.status).toBe('proposed');
      expect(await fundRow(t, project.fundId)).toMatchObject({ committed: 18_000_000, reserved: 2_000_000 });
    });

    it('changes dates and scope, and refuses dates outside the period or moving a paid milestone', async () => {
      const { contract } = await active();
      await t.dataSource.query(`UPDATE contract_milestones SET status = 'passed' WHERE contract_id = $1 AND position = 1`, [contract.id]);
      const officer = await signInAsUser(t, await createOfficer(t));
      const bad = await officer
        .form(`/staff/contracts/${contract.id}/variations`, {
          kind: 'dates',
          description: '延长服务期限两个月。',
          serviceStart: '2027-01-01',
          serviceEnd: '2028-02-29',
          'milestones[0][position]': '1',
          'milestones[0][dueDate]': '2027-04-30',
          'milestones[1][position]': '3',
          'milestones[1][dueDate]': '2028-03-31',
        })
        .expect(400);
      expect(bad.text).toContain('该里程碑已评价合格，不能变更');
      expect(bad.text).toContain('交付期限须在服务期限 2027-01-01 至 2028-02-29 之内');
      await officer
        .form(`/staff/contracts/${contract.id}/variations`, {
          kind: 'dates',
          description: '延长服务期限两个月。',
          serviceStart: '2027-01-01',
          serviceEnd: '2028-02-29',
          'milestones[0][position]': '3',
          'milestones[0][dueDate]': '2028-02-29',
        })
        .expect(303);
      const approver = await signInAsUser(t, await createApprover(t));
      const [v] = await t.dataSource.query(`SELECT id FROM contract_variations WHERE contract_id = $1 AND status = 'proposed'`, [contract.id]);
      await approver.form(`/staff/contracts/${contract.id}/variations/${v.id}/decision`, { decision: 'approve', reason: '同意延长。' }).expect(303);
      const [c] = await t.dataSource.query(`SELECT to_char(service_end, 'YYYY-MM-DD') AS service_end FROM contracts WHERE id = $1`, [contract.id]);
      expect(c.service_end).toBe('2028-02-29');
      const [m3] = await t.dataSource.query(`SELECT to_char(due_date, 'YYYY-MM-DD') AS due FROM contract_milestones WHERE contract_id = $1 AND position = 3`, [contract.id]);
      expect(m3.due).toBe('2028-02-29');

      await officer.form(`/staff/contracts/${contract.id}/variations`, { kind: 'scope', description: '增加助餐服务量。', 'items[0][position]': '1', 'items[0][quantity]': '1500' }).expect(303);
      const [s] = await t.dataSource.query(`SELECT id FROM contract_variations WHERE contract_id = $1 AND status = 'proposed'`, [contract.id]);
      await approver.form(`/staff/contracts/${contract.id}/variations/${s.id}/decision`, { decision: 'approve', reason: '同意增加服务量。' }).expect(303);
      const [items] = await t.dataSource.query(`SELECT items FROM contracts WHERE id = $1`, [contract.id]);
      expect(items.items[0].quantity).toBe(1500);
      const page = await officer.agent.get(`/staff/contracts/${contract.id}`).expect(200);
      expect(page.text).toContain('里程碑 3 交付期限 2027-12-31 变更为 2028-02-29');
      expect(page.text).toContain('服务项目 1 数量 1200 变更为 1500');
    });

    it('refuses variations of a contract not yet in force, and by anyone but an officer', async () => {
      const { contract } = await generated();
      const officer = await signInAsUser(t, await createOfficer(t));
      const res = await officer.form(`/staff/contracts/${contract.id}/variations`, { kind: 'amount', description: '变更金额测试。', amount: '170000' }).expect(409);
      expect(res.text).toContain('只有履行中的合同可以变更');
      const approver = await signInAsUser(t, await createApprover(t));
      await approver.form(`/staff/contracts/${contract.id}/variations`, { kind: 'amount', description: '变更金额测试。', amount: '170000' }).expect(403);
      expect((await dbNow(t.dataSource)).getTime()).toBeGreaterThan(0);
    });
  });
});
