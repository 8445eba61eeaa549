import { signInAs } from '../factories/users';
import { TestApp, createTestApp } from '../support/test-app';

describe('operations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('reports health with the database checked', async () => {
    const res = await t.http().get('/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', database: { status: 'up' } });
  });

  it('gives each response a request id and keeps a well-formed incoming one', async () => {
    const fresh = await t.http().get('/health');
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await t.http().get('/health').set('X-Request-Id', 'trace-abc-12345');
    expect(kept.headers['x-request-id']).toBe('trace-abc-12345');
    const replaced = await t.http().get('/health').set('X-Request-Id', '<script>');
    expect(replaced.headers['x-request-id']).not.toBe('<script>');
  });

  it('sends helmet security headers and compresses large responses', async () => {
    const res = await t.http().get('/api/v1/catalogue/items?pageSize=100').set('Accept-Encoding', 'gzip');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['content-encoding']).toBe('gzip');
  });

  it('answers malformed JSON with 400, not 500', async () => {
    const res = await t.http().post('/api/v1/catalogue/items').set('Content-Type', 'application/json').send('{"a":');
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it('offers registration and sign-in on the home page only to a visitor who is not signed in', async () => {
    const visitor = await t.http().get('/').set('Accept', 'text/html').expect(200);
    expect(visitor.text).toContain('href="/register"');
    expect(visitor.text).toContain('href="/login"');
    const { session } = await signInAs(t, ['bureau_officer']);
    const staff = await session.agent.get('/').set('Accept', 'text/html').expect(200);
    expect(staff.text).not.toContain('href="/register"');
    expect(staff.text).not.toContain('href="/login"');
    expect(staff.text).toContain('href="/registry"');
  });

  it('answers /favicon.ico with the icon the layout links, never a 404', async () => {
    const ico = await t.http().get('/favicon.ico').buffer(true).expect(200);
    expect(ico.headers['content-type']).toBe('image/x-icon');
    expect((ico.body as Buffer).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
    const svg = await t.http().get('/assets/favicon.svg').expect(200);
    expect(svg.headers['content-type']).toContain('image/svg+xml');
    const home = await t.http().get('/').expect(200);
    expect(home.text).toContain('<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">');
    expect(home.text).toContain('<link rel="icon" href="/favicon.ico"');
  });

  it('shows a styled 404 page with the request id', async () => {
    const res = await t.http().get('/no/such/page').set('Accept', 'text/html').expect(404);
    expect(res.text).toContain('<html lang="zh-CN">');
    expect(res.text).toContain('页面不存在');
    expect(res.text).toContain(res.headers['x-request-id']);
  });
});

describe('request logging', () => {
  it('redacts one-time tokens from logged URLs', async () => {
    const { redactUrl } = await import('../../src/common/http/request-context.middleware');
    expect(redactUrl('/password-reset/abcDEF123_-x?next=/')).toBe('/password-reset/[redacted]?next=/');
    expect(redactUrl('/organisation/documents?_csrf=deadbeef&x=1')).toBe('/organisation/documents?_csrf=[redacted]&x=1');
  });
});
