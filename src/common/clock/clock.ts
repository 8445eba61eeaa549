import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/**
 * Deadlines are decided by the database clock: `app_now()` (migration CreateDatabaseClock) is
 * clock_timestamp() plus an offset that only tests move (test/support/clock.ts). `now(manager)`
 * reads it inside the caller's transaction.
 */
export abstract class Clock {
  abstract now(manager: EntityManager): Promise<Date>;
}

@Injectable()
export class SystemClock extends Clock {
  async now(manager: EntityManager): Promise<Date> {
    const [{ now }] = (await manager.query(`SELECT app_now() AS now`)) as { now: Date }[];
    return now;
  }
}
