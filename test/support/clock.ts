import { DataSource } from 'typeorm';

/** Moves the database clock (app_now()) forward, as if time had passed. */
export async function advanceClock(dataSource: DataSource, ms: number): Promise<void> {
  await dataSource.query(`UPDATE clock_settings SET offset_ms = offset_ms + $1`, [Math.round(ms)]);
}

export async function resetClock(dataSource: DataSource): Promise<void> {
  await dataSource.query(`UPDATE clock_settings SET offset_ms = 0`);
}

export async function dbNow(dataSource: DataSource): Promise<Date> {
  const [{ now }] = await dataSource.query(`SELECT app_now() AS now`);
  return now as Date;
}
