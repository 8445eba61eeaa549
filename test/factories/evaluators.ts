import { randomBytes, randomInt } from 'node:crypto';
import { computeCheckCharacter } from '../../src/common/validation/credit-code';
import { TestApp } from '../support/test-app';
import { createUser } from './users';

/** A valid unified social credit code (civil affairs, Chengdu Wuhou 510107), unique enough for one run. */
export function creditCodeForTest(): string {
  const first17 = `52510107MJ${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
  return first17 + computeCheckCharacter(first17);
}

export interface TestOrganisation {
  id: string;
  nameZh: string;
  creditCode: string;
}

/** An organisation row written directly (the registry's own pages are not under test here). */
export async function createOrganisationRow(t: TestApp, overrides: { nameZh?: string; status?: string } = {}): Promise<TestOrganisation> {
  const nameZh = overrides.nameZh ?? `武侯区邻里互助服务中心${randomBytes(2).toString('hex')}`;
  const creditCode = creditCodeForTest();
  const [{ id }] = await t.dataSource.query(
    `INSERT INTO organisations (name_zh, credit_code, registration_track, registering_authority, legal_representative,
                                contact_person, contact_phone, sub_district, community, street_address, founded_on,
                                registered_capital_minor, organisation_type, service_categories, staff_count,
                                social_worker_count, status)
     VALUES ($1, $2, 'registered', '成都市武侯区民政局', '张建华', '刘芳', '028-8555 0100', '玉林街道', '玉林北路社区',
             '玉林北路 12 号', '2016-05-20', 3000000, 'social_service_agency', '{C01}', 8, 3, $3)
     RETURNING id`,
    [nameZh, creditCode, overrides.status ?? 'approved'],
  );
  return { id, nameZh, creditCode };
}

/** A user with the `evaluator` role and a known password, and their profile in the pool. */
export async function createEvaluator(t: TestApp, overrides: { expertise?: string[]; employer?: string; displayName?: string; isActive?: boolean } = {}) {
  const user = await createUser(t, { roles: ['evaluator'], displayName: overrides.displayName });
  await t.dataSource.query(`INSERT INTO evaluator_profiles (user_id, expertise, employer, is_active) VALUES ($1, $2, $3, $4)`, [
    user.id,
    overrides.expertise ?? ['C01'],
    overrides.employer ?? '四川大学公共管理学院',
    overrides.isActive ?? true,
  ]);
  return user;
}
