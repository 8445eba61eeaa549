import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { SYSTEM_ACTOR } from '../../src/audit/actor';
import { IdentityService } from '../../src/identity/identity.service';
import { User } from '../../src/identity/user.entity';
import { TestApp } from '../support/test-app';

export const TEST_PASSWORD = 'Correct-horse-42';

export async function createUser(
  t: TestApp,
  overrides: { roles?: string[]; email?: string; password?: string; displayName?: string; organisationId?: string | null } = {},
): Promise<User & { password: string }> {
  const password = overrides.password ?? TEST_PASSWORD;
  const email = overrides.email ?? `user-${randomBytes(4).toString('hex')}@test.example`;
  const user = await t.dataSource.transaction((m) =>
    t.app.get(IdentityService).createUser(m, SYSTEM_ACTOR, {
      email,
      displayName: overrides.displayName ?? email.split('@')[0],
      password,
      roles: overrides.roles ?? ['bureau_officer'],
      organisationId: overrides.organisationId ?? null,
    }),
  );
  return Object.assign(user, { password });
}

export interface Session {
  agent: ReturnType<typeof request.agent>;
  csrf: string;
  /** POST a urlencoded form with the CSRF token, as a browser would. */
  form: (url: string, fields?: Record<string, unknown>) => request.Test;
}

export async function anonymousSession(t: TestApp): Promise<Session> {
  const agent = request.agent(t.app.getHttpServer());
  const res = await agent.get('/api/v1/session').expect(200);
  const csrf = res.body.csrfToken as string;
  return {
    agent,
    csrf,
    form: (url, fields = {}) =>
      agent
        .post(url)
        .type('form')
        .send({ ...fields, _csrf: csrf }),
  };
}

/** Signs in through the real API (CSRF token, session cookie); returns an agent that keeps the cookie. */
export async function signIn(t: TestApp, user: { email: string; password: string }): Promise<Session> {
  const anon = await anonymousSession(t);
  const res = await anon.agent.post('/api/v1/session').set('X-CSRF-Token', anon.csrf).send({ email: user.email, password: user.password });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${JSON.stringify(res.body)}`);
  const csrf = res.body.csrfToken as string;
  return {
    agent: anon.agent,
    csrf,
    form: (url, fields = {}) =>
      anon.agent
        .post(url)
        .type('form')
        .send({ ...fields, _csrf: csrf }),
  };
}

export async function signInAs(t: TestApp, roles: string[], overrides: Parameters<typeof createUser>[1] = {}) {
  const user = await createUser(t, { ...overrides, roles });
  return { user, session: await signIn(t, user) };
}
