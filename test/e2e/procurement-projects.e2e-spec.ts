import { SYSTEM_ACTOR } from '../../src/audit/actor';
import { localDateTimeOf } from '../../src/procurement/domain/local-time';
import { minValidBids } from '../../src/procurement/domain/method-rules';
import { ProjectsService } from '../../src/procurement/projects.service';
import { createApprovedOrganisation } from '../factories/organisations';
import { createDraft, createFund, fieldErrorsIn, flattenForm, fundRow, insertSubmittedBid, projectForm, projectRow, publishProject } from '../factories/procurement';
import { Session, signIn, signInAs } from '../factories/users';
import { onWorkingDay } from '../support/calendar';
import { advanceClock, dbNow } from '../support/clock';
import { TestApp, createTestApp } from '../support/test-app';

const DAY = 86_400_000;

describe('procurement projects', () => {
  let t: TestApp;
  let officer: Session;
  beforeAll(async () => {
    t = await createTestApp();
    officer = (await signInAs(t, ['bureau_officer'])).session;
  });
  afterAll(async () => {
    await t.close();
  });

  async function publishedProject(overrides: Record<string, unknown> = {}) {
    const fund = await createFund(t);
    const id = await createDraft(officer, await projectForm(t, fund.id, overrides));
    await publishProject(officer, id).expect(303);
    return { id, fund, row: await projectRow(t, id) };
  }

  describe('draft and publication', () => {
    it('creates a draft from the form and publishes it: reference, reservation, deadline explanation, audit', async () => {
      const fund = await createFund(t, { total: '1000000' });
      const form = await officer.agent.get('/staff/projects/new').expect(200);
      expect(form.text).toContain('name="items[4][code]"');
      expect(form.text).toContain('name="criteria[5][weight]"');
      expect(form.text).toContain('name="milestones[5][share]"');
      const id = await createDraft(officer, await projectForm(t, fund.id));
      const draft = await officer.agent.get(`/staff/projects/${id}`).expect(200);
      expect(draft.text).toContain('2027 年度社区居家养老助餐服务项目');
      expect(draft.text).toContain('data-testid="deadline-preview"');
      expect((await projectRow(t, id)).reference).toBe(`DRAFT-${id}`);

      const res = await publishProject(officer, id).expect(303);
      expect(res.headers.location).toBe(`/staff/projects/${id}`);
      const row = await projectRow(t, id);
      expect(row.status).toBe('published');
      expect(row.reference).toMatch(/^WH-\d{4}-\d{4}$/);
      expect(row.reserved_minor).toBe('30000000');
      expect(row.published_at).toBeInstanceOf(Date);
      expect(row.deadline_explanation.publication).toMatchObject({ minPeriod: 20, unit: 'calendar_days', basis: 'publication' });
      expect((await fundRow(t, fund.id)).reserved_minor).toBe('30000000');
      const [rule] = await t.dataSource.query(`SELECT method FROM procurement_method_rules WHERE id = $1`, [row.method_rule_id]);
      expect(rule.method).toBe('open_tender');
      const page = await officer.agent.get(`/staff/projects/${id}`).expect(200);
      expect(page.text).toMatch(/自 \d{4}-\d{2}-\d{2} \d{2}:\d{2}（发布）起 20 个日历日：不早于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
      const events = await t.dataSource.query(`SELECT action FROM audit_events WHERE entity_id IN ($1, $2) ORDER BY id`, [id, fund.id]);
      expect(events.map((e: { action: string }) => e.action)).toEqual(['fund.created', 'project.created', 'fund.reserved', 'project.published']);
    });

    it('refuses to publish once the deadline has become too early, explaining the minimum', async () => {
      const fund = await createFund(t);
      const now = await dbNow(t.dataSource);
      const id = await createDraft(officer, await projectForm(t, fund.id, { bidDeadline: localDateTimeOf(new Date(now.getTime() + 20 * DAY + 3600_000)) }));
      await advanceClock(t.dataSource, 2 * 3600_000);
      try {
        const res = await publishProject(officer, id).expect(422);
        expect(res.text).toContain('投标截止时间过早');
        expect(res.text).toMatch(/起 20 个日历日：不早于/);
        expect((await projectRow(t, id)).status).toBe('draft');
        expect((await fundRow(t, fund.id)).reserved_minor).toBe('0');
      } finally {
        await advanceClock(t.dataSource, -2 * 3600_000);
      }
    });

    it('refuses a deadline shorter than the minimum when saving, keeping everything typed', async () => {
      const fund = await createFund(t);
      const now = await dbNow(t.dataSource);
      const res = await officer.form('/staff/projects', flattenForm(await projectForm(t, fund.id, { bidDeadline: localDateTimeOf(new Date(now.getTime() + 10 * DAY)) }))).expect(400);
      expect(fieldErrorsIn(res.text)).toContain('投标截止时间过早');
      expect(res.text).toContain('value="2027 年度社区居家养老助餐服务项目"');
      expect(res.text).toContain('value="人员配置"');
      expect(res.text).toMatch(/<option value="C01-001" selected>/);
    });

    it('refuses criteria whose weights do not sum to 100, next to the criteria', async () => {
      const fund = await createFund(t);
      const form = await projectForm(t, fund.id);
      (form.criteria as Array<Record<string, string>>)[1].weight = '20';
      const res = await officer.form('/staff/projects', flattenForm(form)).expect(400);
      expect(fieldErrorsIn(res.text)).toContain('价格分值与各技术评审因素分值之和须为 100，目前为 90');
    });

    it('refuses a price weight outside the method range', async () => {
      const fund = await createFund(t);
      const form = await projectForm(t, fund.id, { priceWeight: '50' });
      (form.criteria as Array<Record<string, string>>)[0].weight = '20';
      const res = await officer.form('/staff/projects', flattenForm(form)).expect(400);
      expect(fieldErrorsIn(res.text)).toContain('该采购方式的价格分值应在 10–30 之间');
    });

    it('refuses to score a qualification condition, saying why on that row', async () => {
      const fund = await createFund(t);
      const form = await projectForm(t, fund.id);
      (form.criteria as Array<Record<string, string>>)[1] = { name: '注册资本', description: '注册资本越高得分越高', weight: '30' };
      const res = await officer.form('/staff/projects', flattenForm(form)).expect(400);
      expect(res.text).toMatch(/id="f-criteria-1-name-error">“注册资本”属于资格或规模条件/);
    });

    it('requires price weight 100 and no technical criteria for a request for quotation', async () => {
      const fund = await createFund(t);
      const now = await dbNow(t.dataSource);
      const form = await projectForm(t, fund.id, {
        method: 'request_for_quotation',
        priceWeight: '100',
        criteria: [],
        bidDeadline: localDateTimeOf(await onWorkingDay(t, new Date(now.getTime() + 12 * DAY))),
      });
      const id = await createDraft(officer, form);
      await publishProject(officer, id).expect(303);
      const bad = await officer.form('/staff/projects', flattenForm({ ...form, priceWeight: '100', criteria: [{ name: '服务方案', description: '', weight: '10' }] })).expect(400);
      expect(fieldErrorsIn(bad.text)).toContain('不设技术评审因素');
    });

    it('edits a draft, and never a published project', async () => {
      const fund = await createFund(t);
      const form = await projectForm(t, fund.id);
      const id = await createDraft(officer, form);
      await officer.form(`/staff/projects/${id}`, flattenForm({ ...form, title: '2027 年度社区助餐服务（修订）' })).expect(303);
      expect((await projectRow(t, id)).title).toBe('2027 年度社区助餐服务（修订）');
      await publishProject(officer, id).expect(303);
      const res = await officer.form(`/staff/projects/${id}`, flattenForm(form)).expect(409);
      expect(res.text).toContain('不能执行此操作');
      await publishProject(officer, id).expect(409);
    });
  });

  describe('who may do what', () => {
    let draftId: string;
    let publishedId: string;
    beforeAll(async () => {
      const fund = await createFund(t);
      draftId = await createDraft(officer, await projectForm(t, fund.id));
      publishedId = (await publishedProject()).id;
    });

    it.each(['bureau_approver', 'auditor'])('lets %s read the staff pages but change nothing', async (role) => {
      const { session } = await signInAs(t, [role]);
      await session.agent.get('/staff/projects').expect(200);
      await session.agent.get(`/staff/projects/${draftId}`).expect(200);
      await session.agent.get('/staff/funds').expect(200);
      await session.agent.get('/staff/projects/new').expect(403);
      await session.form(`/staff/projects/${draftId}/publish`).expect(403);
      await session.form(`/staff/projects/${publishedId}/cancel`, { reason: '不应允许的终止' }).expect(403);
      await session.form(`/staff/projects/${publishedId}/amendments`, { kind: 'clarification', title: '说明', body: '说明内容' }).expect(403);
      expect((await projectRow(t, draftId)).status).toBe('draft');
    });

    it('refuses evaluators and organisation members on staff pages', async () => {
      const { session: evaluator } = await signInAs(t, ['evaluator']);
      await evaluator.agent.get('/staff/projects').expect(403);
      await evaluator.form(`/staff/projects/${draftId}/publish`).expect(403);
      const org = await createApprovedOrganisation(t);
      const member = await signIn(t, { email: org.admin.email, password: org.admin.password });
      await member.agent.get('/staff/projects').expect(403);
      const refused = await member.form(`/staff/projects/${draftId}/publish`).expect(403);
      // The refusal re-renders the form without the project in it.
      expect(refused.text).not.toContain('2027 年度社区居家养老助餐服务项目');
      await member.agent.get(`/projects/${draftId}`).expect(404);
    });

    it('sends anonymous visitors to sign in, and refuses their posts', async () => {
      const page = await t.http().get('/staff/projects').set('Accept', 'text/html').expect(303);
      expect(page.headers.location).toBe('/login?next=%2Fstaff%2Fprojects');
      await t.http().get('/projects').set('Accept', 'text/html').expect(303);
      const post = await t.http().post(`/staff/projects/${draftId}/publish`).type('form').send({});
      expect([401, 403]).toContain(post.status);
      expect(post.text).not.toContain('2027 年度社区居家养老助餐服务项目');
      expect((await projectRow(t, draftId)).status).toBe('draft');
    });
  });

  describe('amendments and clarifications', () => {
    it('extends the deadline when an amendment to the documents leaves less than 15 days and no reason says it cannot affect the bids, and flags submitted bids', async () => {
      const { id, row } = await publishedProject();
      const org = await createApprovedOrganisation(t);
      const bidId = await insertSubmittedBid(t, id, org.organisation.id);
      // 15 days before a deadline 25 days out: wait 12 days, 13 remain.
      await advanceClock(t.dataSource, 12 * DAY);
      try {
        const res = await officer.form(
          `/staff/projects/${id}/amendments`,
          flattenForm({
            kind: 'amendment',
            title: '关于服务方案要求的更正',
            body: '服务方案须增加营养师配置说明。',
            description: row.description,
            bidDeadline: localDateTimeOf(row.bid_deadline_at),
          }),
        );
        expect(res.status).toBe(303);
        const now = await dbNow(t.dataSource);
        const after = await projectRow(t, id);
        // 15 days on, or the next working day when that is a rest day (民法典 第二百零三条).
        const expected = await onWorkingDay(t, new Date(now.getTime() + 15 * DAY));
        expect(Math.abs(after.bid_deadline_at.getTime() - expected.getTime())).toBeLessThan(60_000);
        expect(after.deadline_explanation.amendments[0]).toMatchObject({ sequence: 1, extended: true });
        const [bid] = await t.dataSource.query(`SELECT needs_review FROM bids WHERE id = $1`, [bidId]);
        expect(bid.needs_review).toBe(true);
        const [amendment] = await t.dataSource.query(`SELECT sequence, kind, changes_submission, previous_deadline_at, new_deadline_at, changes FROM project_amendments WHERE project_id = $1`, [id]);
        expect(amendment).toMatchObject({ sequence: 1, kind: 'amendment', changes_submission: true });
        expect(amendment.changes.bidDeadline.extended).toBe(true);
        const notified = await t.dataSource.query(`SELECT n.kind FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.organisation_id = $1`, [org.organisation.id]);
        expect(notified.map((n: { kind: string }) => n.kind)).toContain('bid.needs_review');
        const publicPage = await t.http().get(`/notices/projects/${after.reference}`).expect(200);
        expect(publicPage.text).toContain('自动顺延');
      } finally {
        await advanceClock(t.dataSource, -12 * DAY);
      }
    });

    it('keeps the deadline when the officer records why a changed requirement cannot affect the bids, and publishes that reason', async () => {
      const { id, row } = await publishedProject();
      const org = await createApprovedOrganisation(t);
      const bidId = await insertSubmittedBid(t, id, org.organisation.id);
      await advanceClock(t.dataSource, 12 * DAY);
      try {
        const changed = `${row.description}（联系人电话更正为 028-85550000）`;
        const short = await officer
          .form(`/staff/projects/${id}/amendments`, {
            kind: 'amendment',
            title: '联系方式更正',
            body: '更正采购人联系电话。',
            description: changed,
            noEffectReason: '不影响',
          })
          .expect(400);
        expect(fieldErrorsIn(short.text)).toMatch(/10/);
        expect(short.text).toContain('028-85550000');
        await officer
          .form(`/staff/projects/${id}/amendments`, {
            kind: 'amendment',
            title: '联系方式更正',
            body: '更正采购人联系电话。',
            description: changed,
            noEffectReason: '仅更正采购人联系电话，不涉及服务内容、评审因素与报价',
          })
          .expect(303);
        const after = await projectRow(t, id);
        expect(after.bid_deadline_at.getTime()).toBe(row.bid_deadline_at.getTime());
        const [amendment] = await t.dataSource.query(`SELECT changes_submission, no_effect_reason FROM project_amendments WHERE project_id = $1`, [id]);
        expect(amendment).toEqual({ changes_submission: false, no_effect_reason: '仅更正采购人联系电话，不涉及服务内容、评审因素与报价' });
        const [bid] = await t.dataSource.query(`SELECT needs_review FROM bids WHERE id = $1`, [bidId]);
        expect(bid.needs_review).toBe(false);
        const publicPage = await t.http().get(`/notices/projects/${after.reference}`).expect(200);
        expect(publicPage.text).toContain('仅更正采购人联系电话，不涉及服务内容、评审因素与报价');
        expect(publicPage.text).toContain('不影响投标文件编制的理由');
        // The same change without a reason extends (15 days from now, on a working day).
        await officer.form(`/staff/projects/${id}/amendments`, { kind: 'amendment', title: '服务要求更正', body: '增加送餐上门要求。', description: `${changed}，含送餐上门` }).expect(303);
        const extended = await projectRow(t, id);
        const expected = await onWorkingDay(t, new Date((await dbNow(t.dataSource)).getTime() + 15 * DAY));
        expect(Math.abs(extended.bid_deadline_at.getTime() - expected.getTime())).toBeLessThan(60_000);
      } finally {
        await advanceClock(t.dataSource, -12 * DAY);
      }
    });

    it('never extends for a clarification', async () => {
      const { id, row } = await publishedProject();
      const org = await createApprovedOrganisation(t);
      const bidId = await insertSubmittedBid(t, id, org.organisation.id);
      await advanceClock(t.dataSource, 20 * DAY);
      try {
        await officer.form(`/staff/projects/${id}/amendments`, { kind: 'clarification', title: '关于送餐范围的澄清', body: '送餐范围以两社区现有登记老人为准。' }).expect(303);
        const after = await projectRow(t, id);
        expect(after.bid_deadline_at.getTime()).toBe(row.bid_deadline_at.getTime());
        const [bid] = await t.dataSource.query(`SELECT needs_review FROM bids WHERE id = $1`, [bidId]);
        expect(bid.needs_review).toBe(false);
      } finally {
        await advanceClock(t.dataSource, -20 * DAY);
      }
    });

    it('records the before and after of changed criteria text, and refuses a qualification term', async () => {
      const { id } = await publishedProject();
      const bad = await officer
        .form(
          `/staff/projects/${id}/amendments`,
          flattenForm({
            kind: 'amendment',
            title: '评审因素更正',
            body: '调整评分说明',
            criteria: [{ name: '服务方案', description: '按营业收入评分' }],
          }),
        )
        .expect(400);
      expect(fieldErrorsIn(bad.text)).toContain('营业收入');
      await officer
        .form(
          `/staff/projects/${id}/amendments`,
          flattenForm({
            kind: 'amendment',
            title: '评审因素更正',
            body: '调整评分说明',
            criteria: [{ name: '服务方案', description: '需求分析、服务流程、质量控制与应急预案' }],
          }),
        )
        .expect(303);
      const [criterion] = await t.dataSource.query(`SELECT description FROM project_criteria WHERE project_id = $1 AND position = 1`, [id]);
      expect(criterion.description).toBe('需求分析、服务流程、质量控制与应急预案');
      const [amendment] = await t.dataSource.query(`SELECT changes, changes_submission FROM project_amendments WHERE project_id = $1`, [id]);
      expect(amendment.changes_submission).toBe(true);
      expect(amendment.changes.criteria[0].description).toEqual({ before: '需求分析、服务流程与质量控制', after: '需求分析、服务流程、质量控制与应急预案' });
    });

    it('refuses a new deadline shorter than the minimum from publication', async () => {
      const { id, row } = await publishedProject();
      const res = await officer
        .form(`/staff/projects/${id}/amendments`, {
          kind: 'amendment',
          title: '截止时间更正',
          body: '提前截止',
          bidDeadline: localDateTimeOf(new Date(row.published_at.getTime() + 15 * DAY)),
        })
        .expect(400);
      expect(fieldErrorsIn(res.text)).toContain('投标截止时间过早');
    });
  });

  describe('questions and answers', () => {
    it('takes a question before the question deadline, publishes the answer without the asker, and refuses questions after it', async () => {
      const { id, row } = await publishedProject();
      const org = await createApprovedOrganisation(t);
      const member = await signIn(t, { email: org.admin.email, password: org.admin.password });
      const list = await member.agent.get('/projects').expect(200);
      expect(list.text).toContain(row.title);
      const page = await member.agent.get(`/projects/${id}`).expect(200);
      expect(page.text).toContain('贵机构可以参与本项目');
      await member.form(`/projects/${id}/questions`, { question: '送餐是否包括节假日？' }).expect(303);
      const [question] = await t.dataSource.query(`SELECT id, organisation_id FROM project_questions WHERE project_id = $1`, [id]);
      expect(question.organisation_id).toBe(org.organisation.id);

      const staffPage = await officer.agent.get(`/staff/projects/${id}`).expect(200);
      expect(staffPage.text).toContain(org.organisation.nameZh);
      await officer.form(`/staff/projects/${id}/questions/${question.id}/answer`, { answer: '包括法定节假日，费用已含在报价中。' }).expect(303);
      await officer.form(`/staff/projects/${id}/questions/${question.id}/answer`, { answer: '再次答复' }).expect(409);

      const publicPage = await t.http().get(`/notices/projects/${row.reference}`).expect(200);
      expect(publicPage.text).toContain('送餐是否包括节假日？');
      expect(publicPage.text).toContain('包括法定节假日，费用已含在报价中。');
      expect(publicPage.text).not.toContain(org.organisation.nameZh);
      const orgPage = await member.agent.get(`/projects/${id}`).expect(200);
      expect(orgPage.text).toContain('包括法定节假日');

      await advanceClock(t.dataSource, 11 * DAY);
      try {
        const late = await member.form(`/projects/${id}/questions`, { question: '截止后还能提问吗？' }).expect(422);
        expect(late.text).toContain('提问已于');
      } finally {
        await advanceClock(t.dataSource, -11 * DAY);
      }
    });

    it('refuses questions from an organisation that is not eligible', async () => {
      const { id } = await publishedProject();
      const org = await createApprovedOrganisation(t, { serviceCategories: ['C05'] } as never);
      const member = await signIn(t, { email: org.admin.email, password: org.admin.password });
      const page = await member.agent.get(`/projects/${id}`).expect(200);
      expect(page.text).toContain('未登记本项目所属的服务类别');
      await member.form(`/projects/${id}/questions`, { question: '我们可以参加吗？' }).expect(403);
    });
  });

  describe('cancellation and failure', () => {
    it('cancels with a public reason and releases the reservation', async () => {
      const { id, fund, row } = await publishedProject();
      const org = await createApprovedOrganisation(t);
      await insertSubmittedBid(t, id, org.organisation.id);
      expect((await fundRow(t, fund.id)).reserved_minor).toBe('30000000');
      await officer.form(`/staff/projects/${id}/cancel`, { reason: '' }).expect(400);
      await officer.form(`/staff/projects/${id}/cancel`, { reason: '服务需求调整，项目终止。' }).expect(303);
      const after = await projectRow(t, id);
      expect(after).toMatchObject({ status: 'cancelled', cancel_reason: '服务需求调整，项目终止。' });
      expect(after.reservation_released_at).toBeInstanceOf(Date);
      expect((await fundRow(t, fund.id)).reserved_minor).toBe('0');
      await officer.form(`/staff/projects/${id}/cancel`, { reason: '再次终止项目' }).expect(409);
      expect((await fundRow(t, fund.id)).reserved_minor).toBe('0');
      const publicPage = await t.http().get(`/notices/projects/${row.reference}`).expect(200);
      expect(publicPage.text).toContain('终止公告');
      expect(publicPage.text).toContain('服务需求调整，项目终止。');
      const notified = await t.dataSource.query(`SELECT n.kind FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.organisation_id = $1`, [org.organisation.id]);
      expect(notified.map((n: { kind: string }) => n.kind)).toContain('project.cancelled');
    });

    it('markFailed (流标) releases the reservation in the caller’s transaction, once', async () => {
      const { id, fund } = await publishedProject();
      const projects = t.app.get(ProjectsService);
      await t.dataSource.transaction((m) => projects.markFailed(m, SYSTEM_ACTOR, id, '有效投标不足三家'));
      expect(await projectRow(t, id)).toMatchObject({ status: 'failed', failed_reason: '有效投标不足三家' });
      expect((await fundRow(t, fund.id)).reserved_minor).toBe('0');
      await expect(t.dataSource.transaction((m) => projects.markFailed(m, SYSTEM_ACTOR, id, '再次流标'))).rejects.toMatchObject({ code: 'PROCUREMENT.INVALID_TRANSITION' });
      expect((await fundRow(t, fund.id)).reserved_minor).toBe('0');
      const events = await t.dataSource.query(`SELECT action FROM audit_events WHERE entity_id = $1 ORDER BY id`, [fund.id]);
      expect(events.map((e: { action: string }) => e.action)).toEqual(['fund.created', 'fund.reserved', 'fund.released']);
    });
  });

  describe('pages', () => {
    it('show the officer drafts, near deadlines and unanswered questions on the dashboard', async () => {
      const fund = await createFund(t);
      await createDraft(officer, await projectForm(t, fund.id, { title: '仪表盘上的草稿项目' }));
      const res = await officer.agent.get('/dashboard').expect(200);
      expect(res.text).toContain('仪表盘上的草稿项目');
      const { session: approver } = await signInAs(t, ['bureau_approver']);
      expect((await approver.agent.get('/dashboard').expect(200)).text).not.toContain('仪表盘上的草稿项目');
    });

    it('render every staff, organisation and public page in English without an untranslated key', async () => {
      const { id, row } = await publishedProject();
      const org = await createApprovedOrganisation(t);
      const member = await signIn(t, { email: org.admin.email, password: org.admin.password });
      const { session: admin } = await signInAs(t, ['admin']);
      const pages: Array<[Session | null, string]> = [
        [officer, '/staff/projects'],
        [officer, '/staff/projects/new'],
        [officer, `/staff/projects/${id}`],
        [officer, `/staff/projects/${id}/amend`],
        [officer, `/staff/projects/${id}/cancel`],
        [officer, '/staff/funds'],
        [officer, `/staff/funds/${row.fund_id}`],
        [officer, '/staff/funds/new'],
        [admin, '/staff/procurement-rules'],
        [admin, '/staff/procurement-rules/new'],
        [admin, '/staff/calendar?year=2026'],
        [member, '/projects'],
        [member, `/projects/${id}`],
        [null, '/notices'],
        [null, `/notices/projects/${row.reference}`],
      ];
      for (const [session, url] of pages) {
        for (const lang of ['en', 'zh-CN']) {
          const res = await (session ? session.agent.get(url) : t.http().get(url)).set('Cookie', `lang=${lang}`).expect(200);
          expect([url, lang, res.text.match(/(?:procurement|notices)\.[a-z]+\.[A-Za-z.]+/g)]).toEqual([url, lang, null]);
        }
      }
    });
  });

  describe('for the bidding module', () => {
    it('loads the project under a lock with its rule, and counts the valid bids it needs', async () => {
      const { id } = await publishedProject();
      const projects = t.app.get(ProjectsService);
      const project = await t.dataSource.transaction((m) => projects.getProjectForBidding(m, id, { lock: 'share' }));
      expect(project).toMatchObject({ status: 'published', method: 'open_tender', categoryCodes: ['C01'], eligibilityMinSocialWorkers: 2, invitedOrganisationIds: [] });
      expect(projects.minValidBids(project)).toBe(3);
      expect(minValidBids({ rule: { minValidBids: 3, minValidBidsServices: 2 } })).toBe(2);
      const org = await createApprovedOrganisation(t);
      expect(projects.eligibilityProblems({ ...org.organisation, serviceCategories: org.organisation.serviceCategories }, project)).toEqual([]);
      expect(projects.eligibilityProblems({ ...org.organisation, socialWorkerCount: 1 }, project)).toEqual(['procurement.eligibility.tooFewSocialWorkers']);
    });
  });
});
