import request from 'supertest';
import { SurveysService } from '../../src/surveys/surveys.service';
import { TestApp } from '../support/test-app';
import { actorOf } from './awards';
import { PayableContract } from './payments';

/**
 * Survey fixtures: open a milestone's survey as the contracted organisation, and answer it as a
 * resident would (a fresh browser = a fresh device cookie and session, the CSRF token read from
 * the page).
 */
/**
 * Opens a survey. By default as the bureau's officer, counting answers without a phone number (only
 * the bureau may); with `unverifiedAnswers: 'exclude'`, as the contracted organisation.
 */
export async function openSurvey(t: TestApp, c: PayableContract, position = 1, options: { closesOn?: string; minResponses?: string; unverifiedAnswers?: string } = {}) {
  const input = { unverifiedAnswers: 'count', ...options };
  const opener = input.unverifiedAnswers === 'count' ? actorOf(c.officer) : actorOf(c.orgAdmin, c.organisationId);
  return t.app.get(SurveysService).openSurvey(opener, c.contract.id, position, input);
}

export interface Resident {
  agent: ReturnType<typeof request.agent>;
  /** GET the survey page; remembers its CSRF token. */
  visit: (token: string) => Promise<request.Response>;
  /** POST an answer with the last token seen (visits first when there is none). */
  answer: (token: string, fields: Record<string, string>) => Promise<request.Response>;
}

export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF field on the page');
  return m[1];
}

export function resident(t: TestApp): Resident {
  const agent = request.agent(t.app.getHttpServer());
  let csrf: string | null = null;
  const visit = async (token: string) => {
    const res = await agent.get(`/survey/${token}`);
    if (res.text.includes('name="_csrf"')) csrf = csrfFrom(res.text);
    return res;
  };
  return {
    agent,
    visit,
    async answer(token, fields) {
      if (!csrf) await visit(token);
      return agent
        .post(`/survey/${token}`)
        .type('form')
        .redirects(0)
        .send({ ...fields, _csrf: csrf ?? '' });
    },
  };
}
