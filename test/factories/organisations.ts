import { randomBytes, randomInt } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import request from 'supertest';
import { Actor } from '../../src/audit/actor';
import { computeCheckCharacter } from '../../src/common/validation/credit-code';
import { OrganisationStatus } from '../../src/organisations/domain/vetting';
import { Organisation } from '../../src/organisations/organisation.entity';
import { OrganisationsService, RegistrationInput } from '../../src/organisations/organisations.service';
import { VettingService } from '../../src/organisations/vetting.service';
import { TestApp } from '../support/test-app';
import { Session, TEST_PASSWORD, anonymousSession, createUser } from './users';

/** A valid unified social credit code of a civil-affairs social organisation (5…), unique enough for one test run. */
export function validCreditCode(type: '1' | '2' | '3' = '2', division = '310115'): string {
  const first17 = `5${type}${division}MJ${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
  return first17 + computeCheckCharacter(first17);
}

/** The same code with a wrong check character, and the one it should be. */
export function withWrongCheckCharacter(code: string): { code: string; expected: string } {
  const expected = code[17];
  const wrong = expected === '0' ? '1' : '0';
  return { code: code.slice(0, 17) + wrong, expected };
}

let counter = 0;

/** A complete, valid registration form as a browser posts it (strings; categories as a list). */
export function registrationForm(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  const tag = randomBytes(3).toString('hex');
  return {
    nameZh: `阳光社区服务中心${counter}号`,
    creditCode: validCreditCode(),
    registrationTrack: 'registered',
    registeringAuthority: '浦东新区民政局',
    legalRepresentative: '王建国',
    contactPerson: '李晓梅',
    contactPhone: '138 0013 8000',
    subDistrict: '花木街道',
    community: '联洋社区',
    streetAddress: '芳甸路 100 弄 5 号 201 室',
    foundedOn: '2018-06-01',
    registeredCapitalYuan: '50000',
    organisationType: 'social_service_agency',
    serviceCategories: ['C01', 'C03'],
    staffCount: '12',
    socialWorkerCount: '4',
    evaluationGrade: '3A',
    displayName: '李晓梅',
    email: `org-${tag}@test.example`,
    password: TEST_PASSWORD,
    confirmPassword: TEST_PASSWORD,
    ...overrides,
  };
}

/** The fresh CSRF token of an agent's current session (sign-in regenerates the session). */
export async function refreshCsrf(agent: ReturnType<typeof request.agent>): Promise<Session> {
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

export interface RegisteredOrganisation {
  session: Session;
  organisationId: string;
  userId: string;
  email: string;
  password: string;
  form: Record<string, unknown>;
}

/** Registers through the public form, as a visitor would, and keeps the signed-in session. */
export async function registerOrganisation(t: TestApp, overrides: Record<string, unknown> = {}): Promise<RegisteredOrganisation> {
  const anon = await anonymousSession(t);
  const form = registrationForm(overrides);
  const res = await anon.form('/register', form);
  if (res.status !== 303) throw new Error(`registration failed: ${res.status} ${res.text.slice(0, 2000)}`);
  const session = await refreshCsrf(anon.agent);
  const me = await session.agent.get('/api/v1/session').expect(200);
  return { session, organisationId: me.body.user.organisationId, userId: me.body.user.id, email: String(form.email), password: TEST_PASSWORD, form };
}

/** Uploads a file to the signed-in member's organisation (multipart; the CSRF token as a body field). */
export function uploadDocument(session: Session, kind: string, bytes: Buffer, fileName: string): request.Test {
  return session.agent.post(`/organisation/documents`).field('_csrf', session.csrf).field('kind', kind).attach('file', bytes, fileName);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid 8×8 grey PNG, built byte by byte. */
export function tinyPng(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(8, 0);
  ihdr.writeUInt32BE(8, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  const rows = Buffer.concat(Array.from({ length: 8 }, (_, y) => Buffer.from([0, ...Array.from({ length: 8 }, (_, x) => (x + y) * 16)])));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(rows)), pngChunk('IEND', Buffer.alloc(0))]);
}

export const HTML_AS_PDF = Buffer.from('<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>');

const ANONYMOUS: Actor = { userId: null, roles: ['anonymous'], organisationId: null, requestId: null, ip: null };

export interface CreatedOrganisation {
  organisation: Organisation;
  admin: { id: string; email: string; password: string };
  officer: { id: string } | null;
}

/**
 * An organisation brought to `status` through the real services (registration, certificate,
 * submission, an officer's decisions), so its audit trail is what the app would have written.
 */
export async function createOrganisation(t: TestApp, options: { status?: OrganisationStatus; overrides?: Partial<RegistrationInput> } = {}): Promise<CreatedOrganisation> {
  const organisations = t.app.get(OrganisationsService);
  const vetting = t.app.get(VettingService);
  const form = registrationForm();
  const input = {
    ...form,
    staffCount: Number(form.staffCount),
    socialWorkerCount: Number(form.socialWorkerCount),
    ...options.overrides,
  } as unknown as RegistrationInput;
  const { organisation, user } = await organisations.register(ANONYMOUS, input);
  const member: Actor = { userId: user.id, roles: user.roles, organisationId: organisation.id, requestId: null, ip: null };
  const status = options.status ?? 'draft';
  let officer: { id: string } | null = null;
  if (status !== 'draft') {
    if (organisation.registrationTrack === 'registered') {
      await organisations.uploadOwnDocument(member, { kind: 'registration_certificate', originalName: '登记证书.png', buffer: tinyPng() });
    }
    await organisations.submitOwn(member);
    officer = await createUser(t, { roles: ['bureau_officer'] });
    const actor: Actor = { userId: officer.id, roles: ['bureau_officer'], organisationId: null, requestId: null, ip: null };
    const steps: Record<string, Array<[Parameters<VettingService['decide']>[2]['decision'], OrganisationStatus]>> = {
      submitted: [],
      approved: [['approve', 'submitted']],
      needs_changes: [['request_changes', 'submitted']],
      rejected: [['reject', 'submitted']],
      suspended: [
        ['approve', 'submitted'],
        ['suspend', 'approved'],
      ],
    };
    for (const [decision, expectedStatus] of steps[status]) {
      await vetting.decide(actor, organisation.id, { decision, expectedStatus, reason: `测试理由：${decision}` });
    }
  }
  const fresh = await t.dataSource.getRepository(Organisation).findOneByOrFail({ id: organisation.id });
  return { organisation: fresh, admin: { id: user.id, email: user.email, password: TEST_PASSWORD }, officer };
}

export function createApprovedOrganisation(t: TestApp, overrides: Partial<RegistrationInput> = {}): Promise<CreatedOrganisation> {
  return createOrganisation(t, { status: 'approved', overrides });
}

/** Audit actions recorded for one organisation, oldest first. */
export async function organisationEvents(t: TestApp, organisationId: string): Promise<string[]> {
  const rows = (await t.dataSource.query(`SELECT action FROM audit_events WHERE entity_type = 'organisation' AND entity_id = $1 ORDER BY id`, [organisationId])) as { action: string }[];
  return rows.map((r) => r.action);
}
