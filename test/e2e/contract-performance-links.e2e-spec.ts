import { ContractsService } from '../../src/contracts/contracts.service';
import { actorOf, awardProject, createEvaluatedProject, createOfficer, passChallengePeriod, signInAsUser } from '../factories/awards';
import { createActiveContract } from '../factories/payments';
import { TestApp, createTestApp } from '../support/test-app';

/** The links of a page's "delivery, evaluation and payment" box, in order (fragments kept). */
function performanceLinks(html: string): string[] {
  const box = /<nav class="card contract-links"[\s\S]*?<\/nav>/.exec(html);
  if (!box) return [];
  return [...box[0].matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
}

describe('contract pages link to the contract’s deliveries, service evaluation, surveys and payments', () => {
  let t: TestApp;
  jest.setTimeout(90_000);
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('shows an active contract’s links to the organisation and to each staff role, and every link opens for that reader', async () => {
    const c = await createActiveContract(t);
    const id = c.contract.id;

    const org = await signInAsUser(t, c.orgAdmin);
    const orgLinks = performanceLinks((await org.agent.get(`/organisation/contracts/${id}`).expect(200)).text);
    expect(orgLinks).toEqual([`/organisation/contracts/${id}/milestones`, `/organisation/service-evaluations#contract-${id}`, '/organisation/surveys', '/organisation/payments']);
    for (const href of orgLinks) await org.agent.get(href.split('#')[0]).expect(200);
    // The evaluation results page has the anchor the link jumps to.
    expect((await org.agent.get('/organisation/service-evaluations').expect(200)).text).toContain(`id="contract-${id}"`);

    const staffLinks = [`/staff/contracts/${id}/deliveries`, `/staff/service-evaluations/${id}`, '/staff/surveys', `/staff/contracts/${id}/payments`, `/staff/contracts/${id}/releases`];
    for (const user of [c.officer, c.approver]) {
      const staff = await signInAsUser(t, user);
      expect(performanceLinks((await staff.agent.get(`/staff/contracts/${id}`).expect(200)).text)).toEqual(staffLinks);
      for (const href of staffLinks) await staff.agent.get(href).expect(200);
    }
  });

  it('shows no such links while the contract still awaits confirmation', async () => {
    const project = await createEvaluatedProject(t);
    const award = await awardProject(t, project);
    await passChallengePeriod(t, award.id);
    const officer = await createOfficer(t);
    const generated = await t.app.get(ContractsService).generateContract(actorOf(officer), award.id);
    const winner = project.bidders.find((b) => b.bidId === award.bidId)!;

    const staffPage = (await (await signInAsUser(t, officer)).agent.get(`/staff/contracts/${generated.id}`).expect(200)).text;
    expect(staffPage).toContain('data-testid="contract-status"');
    expect(performanceLinks(staffPage)).toEqual([]);
    const orgPage = (await (await signInAsUser(t, winner.admin)).agent.get(`/organisation/contracts/${generated.id}`).expect(200)).text;
    expect(orgPage).toContain('data-testid="org-confirm"');
    expect(performanceLinks(orgPage)).toEqual([]);
  });
});
