import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/**
 * Deadlines are decided by the database clock. `Clock.now(manager)` reads it inside the caller's
 * transaction; tests shift it with `offsetMs` (test/support/clock.ts) to make time pass.
 */
export abstract class Clock {
  abstract now(manager: EntityManager): Promise<Date>;
}

@Injectable()
export class SystemClock extends Clock {
  /** Milliseconds added to the database time; only tests change it. */
  offsetMs = 0;

  async now(manager: EntityManager): Promise<Date> {
    const [{ now }] = (await manager.query(`SELECT (clock_timestamp() + ($1::bigint * interval '1 millisecond')) AS now`, [this.offsetMs])) as { now: Date }[];
    return now;
  }
}
