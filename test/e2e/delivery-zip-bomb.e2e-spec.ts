import { countDeliveries, postDelivery } from '../factories/delivery';
import { signInAsUser } from '../factories/awards';
import { createActiveContract } from '../factories/payments';
import { zipBomb } from '../factories/zip-bomb';
import { TestApp, createTestApp } from '../support/test-app';

describe('delivery: a service log that is a ZIP bomb', () => {
  let t: TestApp;
  jest.setTimeout(180_000);
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses a 600 KB workbook that declares 4 KB and inflates to 600 MB, as unreadable, storing nothing', async () => {
    const c = await createActiveContract(t);
    const org = await signInAsUser(t, c.orgAdmin);
    const bomb = zipBomb({ inflatedMiB: 600 });
    expect(bomb.length).toBeLessThan(700 * 1024);
    const before = process.memoryUsage().rss;
    const res = await postDelivery(org, c.contract.id, 1, { serviceLog: { bytes: bomb, name: '服务台账.xlsx' } }).expect(400);
    expect(res.text).toContain('无法读取该 XLSX 文件，文件可能已损坏');
    // Counting stops at the 100 MiB limit and keeps no output: nowhere near 600 MB held in memory.
    expect(process.memoryUsage().rss - before).toBeLessThan(300 * 1024 * 1024);
    expect(await countDeliveries(t, c.contract.id)).toMatchObject({ deliveries: 0, records: 0, documents: 0 });
  });
});
