import { Injectable } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

interface Row {
  hits: number;
  window_ms: string;
  blocked_ms: string | null;
  blocked_until: Date | null;
}

/**
 * @nestjs/throttler counts per process by default; this store keeps the counters in PostgreSQL
 * (one upsert per hit, the database clock) so every app instance shares them.
 */
@Injectable()
export class PgThrottlerStorage implements ThrottlerStorage {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string) {
    const rows = (await this.dataSource.query(
      `INSERT INTO throttle_counters AS t (key, hits, window_ends_at)
       VALUES ($1, 1, clock_timestamp() + $2 * interval '1 millisecond')
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN t.window_ends_at <= clock_timestamp() THEN 1 ELSE t.hits + 1 END,
         window_ends_at = CASE WHEN t.window_ends_at <= clock_timestamp()
                               THEN clock_timestamp() + $2 * interval '1 millisecond' ELSE t.window_ends_at END,
         blocked_until = CASE WHEN t.blocked_until > clock_timestamp() THEN t.blocked_until ELSE NULL END
       RETURNING hits,
                 ceil(extract(epoch FROM (window_ends_at - clock_timestamp())) * 1000)::bigint AS window_ms,
                 ceil(extract(epoch FROM (blocked_until - clock_timestamp())) * 1000)::bigint AS blocked_ms,
                 blocked_until`,
      [`${throttlerName}:${key}`, ttl],
    )) as Row[];
    const { hits } = rows[0];
    let blockedMs = rows[0].blocked_ms ? Number(rows[0].blocked_ms) : 0;
    let blockedUntil = rows[0].blocked_until;
    if (hits > limit && blockedMs <= 0) {
      blockedMs = blockDuration;
      const [row] = (await this.dataSource.query(`UPDATE throttle_counters SET blocked_until = clock_timestamp() + $2 * interval '1 millisecond' WHERE key = $1 RETURNING blocked_until`, [
        `${throttlerName}:${key}`,
        blockDuration,
      ])) as Array<{ blocked_until: Date }>;
      blockedUntil = row?.blocked_until ?? null;
    }
    const timeToExpire = Math.max(0, Math.ceil(Number(rows[0].window_ms) / 1000));
    return {
      totalHits: hits,
      timeToExpire,
      isBlocked: blockedMs > 0,
      timeToBlockExpire: Math.max(0, Math.ceil(blockedMs / 1000)),
      /** When the block ends (database clock), for "try again at …" messages. */
      blockedUntil: blockedMs > 0 ? blockedUntil : null,
    };
  }

  /**
   * Takes back one hit counted in the current window: for limits that count failures only, the
   * attempt is counted up front (atomic, so concurrent attempts cannot slip past the limit) and
   * refunded once it succeeds. Never below zero, never lifts a block already in force.
   */
  async refund(key: string, throttlerName: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE throttle_counters SET hits = greatest(hits - 1, 0)
        WHERE key = $1 AND window_ends_at > clock_timestamp() AND (blocked_until IS NULL OR blocked_until <= clock_timestamp())`,
      [`${throttlerName}:${key}`],
    );
  }
}
