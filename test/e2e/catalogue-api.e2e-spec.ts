import { TestApp, createTestApp } from '../support/test-app';

describe('catalogue API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ API_DOCS: 'true' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists the 9 categories with item counts that add up to the catalogue', async () => {
    const res = await t.http().get('/api/v1/catalogue/categories').expect(200);
    expect(res.body.data).toHaveLength(9);
    expect(res.body.meta).toEqual({ page: 1, pageSize: 9, total: 9 });
    expect(res.body.data[0]).toMatchObject({ code: 'C01', name: { zh: '养老服务', en: 'Elderly care services' }, itemCount: 18 });
    const total = res.body.data.reduce((s: number, c: { itemCount: number }) => s + c.itemCount, 0);
    expect(total).toBeGreaterThanOrEqual(135);
    expect(total).toBeLessThanOrEqual(142);
  });

  it('pages through all items with a stable order and total', async () => {
    const first = await t.http().get('/api/v1/catalogue/items?pageSize=100').expect(200);
    const second = await t.http().get('/api/v1/catalogue/items?pageSize=100&page=2').expect(200);
    expect(first.body.meta).toEqual({ page: 1, pageSize: 100, total: 137 });
    expect(first.body.data).toHaveLength(100);
    expect(second.body.data).toHaveLength(37);
    expect(first.body.data[0].code).toBe('C01-001');
  });

  it.each([['助餐'], ['meal'], ['MEAL service']])('finds the meal-assistance item by %s', async (q) => {
    const res = await t.http().get('/api/v1/catalogue/items').query({ q }).expect(200);
    expect(res.body.data.map((i: { code: string }) => i.code)).toContain('C01-004');
  });

  it('treats LIKE wildcards in the keyword literally', async () => {
    const res = await t.http().get('/api/v1/catalogue/items').query({ q: '%' }).expect(200);
    expect(res.body.meta.total).toBe(0);
  });

  it('filters by category and unit together', async () => {
    const res = await t.http().get('/api/v1/catalogue/items').query({ category: 'C01', unit: 'hour', pageSize: 100 }).expect(200);
    expect(res.body.meta.total).toBeGreaterThan(0);
    for (const item of res.body.data) {
      expect(item.categoryCode).toBe('C01');
      expect(item.unit.code).toBe('hour');
    }
  });

  it('returns one item with prices in fen and bilingual KPIs', async () => {
    const res = await t.http().get('/api/v1/catalogue/items/C01-001').expect(200);
    expect(res.body).toMatchObject({
      code: 'C01-001',
      unit: { code: 'hour', zh: '小时', en: 'hour' },
      refPrice: { minMinor: 3500, maxMinor: 5500, currency: 'CNY' },
    });
    expect(res.body.kpis[0]).toEqual({ zh: '服务工时', en: 'service hours delivered' });
  });

  it('lists a category’s items and 404s an unknown category or item', async () => {
    const res = await t.http().get('/api/v1/catalogue/categories/C03/items?pageSize=100').expect(200);
    expect(res.body.meta.total).toBe(14);
    const missing = await t.http().get('/api/v1/catalogue/categories/C42/items').expect(404);
    expect(missing.body.error.code).toBe('CATALOGUE.CATEGORY_NOT_FOUND');
    const item = await t.http().get('/api/v1/catalogue/items/C01-999').expect(404);
    expect(item.body).toMatchObject({ error: { code: 'CATALOGUE.ITEM_NOT_FOUND' }, requestId: expect.any(String) });
  });

  it.each([
    ['pageSize=0', 'pageSize'],
    ['page=-1', 'page'],
    ['pageSize=100000', 'pageSize'],
    ['page=abc', 'page'],
    ['colour=red', 'colour'],
    ['category=elderly', 'category'],
    ['unit=%20DROP%20TABLE', 'unit'],
  ])('answers 400 JSON naming the field for %s', async (qs, field) => {
    const res = await t.http().get(`/api/v1/catalogue/items?${qs}`).expect(400).expect('Content-Type', /json/);
    expect(res.body.error.code).toBe('COMMON.VALIDATION_FAILED');
    expect(Object.keys(res.body.error.fields)).toContain(field);
    expect(res.body.error.fields[field][0]).toEqual(expect.stringContaining(field === 'category' ? 'C01' : field === 'unit' ? 'Unit' : field));
  });

  it('answers validation messages in Chinese when asked', async () => {
    const res = await t.http().get('/api/v1/catalogue/items?pageSize=0').set('Accept-Language', 'zh-CN,zh;q=0.9').expect(400);
    expect(res.body.error.fields.pageSize[0]).toBe('pageSize 不能小于 1');
  });

  it('rejects a keyword longer than 100 characters', async () => {
    const res = await t
      .http()
      .get('/api/v1/catalogue/items')
      .query({ q: 'x'.repeat(101) })
      .expect(400);
    expect(res.body.error.fields.q).toBeDefined();
  });

  it('publishes an OpenAPI document generated from the DTOs', async () => {
    const res = await t.http().get('/api/docs/openapi.json').expect(200);
    const params = res.body.paths['/api/v1/catalogue/items'].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(expect.arrayContaining(['q', 'category', 'unit', 'page', 'pageSize']));
    await t.http().get('/api/docs').expect(200).expect('Content-Type', /html/);
  });

  it('links the API description from the page footer where it is served', async () => {
    const page = await t.http().get('/catalogue').expect(200);
    expect(page.text).toContain('<a href="/api/docs">');
  });
});

describe('catalogue search semantics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('does not link the API description where it is not served (a 404 from every page footer)', async () => {
    const page = await t.http().get('/catalogue').expect(200);
    expect(page.text).not.toContain('/api/docs');
    await t.http().get('/api/docs').expect(404);
  });

  it('treats blank filters (a form left on "all") as no filter', async () => {
    const res = await t.http().get('/api/v1/catalogue/items?q=&category=&unit=').expect(200);
    expect(res.body.meta.total).toBe(137);
  });

  it('matches a category name, so 养老 finds every elderly-care item', async () => {
    const res = await t.http().get('/api/v1/catalogue/items').query({ q: '养老', pageSize: 100 }).expect(200);
    const codes: string[] = res.body.data.map((i: { code: string }) => i.code);
    expect(codes.filter((c) => c.startsWith('C01'))).toHaveLength(18);
    expect(codes).toContain('C04-015');
  });
});
