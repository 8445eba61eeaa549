import { createActiveContract } from '../factories/payments';
import { TestApp, createTestApp } from '../support/test-app';

describe('delivery schema: what the database itself guarantees', () => {
  let t: TestApp;
  jest.setTimeout(90_000);
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('keeps one delivery per milestone and round, checks the late flag against the deadline, and never changes a delivery', async () => {
    const c = await createActiveContract(t);
    const insert = (round: number, late: boolean, deadline: string) =>
      t.dataSource.query(
        `INSERT INTO milestone_deliveries (contract_id, milestone_position, round, narrative, submitted_by, late, organisation_id, deadline_at, records_source)
         VALUES ($1, 1, $2, '本期服务按计划完成，详见服务记录。', $3, $4, $5, $6, 'form') RETURNING id`,
        [c.contract.id, round, c.orgAdmin.id, late, c.organisationId, deadline],
      );
    await expect(insert(1, true, '2999-01-01T00:00:00Z')).rejects.toMatchObject({ constraint: 'milestone_deliveries_late' });
    const [{ id }] = await insert(1, false, '2999-01-01T00:00:00Z');
    await expect(insert(1, false, '2999-01-01T00:00:00Z')).rejects.toMatchObject({ code: '23505' });
    await expect(insert(3, false, '2999-01-01T00:00:00Z')).rejects.toMatchObject({ code: '23514' });
    const [late] = await insert(2, true, '2000-01-01T00:00:00Z');
    expect(late.id).toBeDefined();
    await expect(t.dataSource.query(`UPDATE milestone_deliveries SET narrative = 'changed afterwards!' WHERE id = $1`, [id])).rejects.toMatchObject({ code: '23001' });
    await expect(t.dataSource.query(`DELETE FROM milestone_deliveries WHERE id = $1`, [id])).rejects.toMatchObject({ code: '23001' });
    const item = c.contract.items[0].itemCode;
    await expect(
      t.dataSource.query(`INSERT INTO delivery_service_records (delivery_id, line, item_code, sessions, person_visits, households, hours_centi) VALUES ($1, 1, $2, -1, 0, 0, 0)`, [id, item]),
    ).rejects.toMatchObject({ code: '23514' });
    await t.dataSource.query(`INSERT INTO delivery_service_records (delivery_id, line, item_code, sessions, person_visits, households, hours_centi) VALUES ($1, 1, $2, 2, 30, 0, 150)`, [id, item]);
  });
});
