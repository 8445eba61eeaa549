import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { DataSource, EntityManager } from 'typeorm';
import { APP_LOGGER } from '../logging/logger';

/**
 * The one pg-boss client of an instance (schema `pgboss` from the migrations, never migrated by
 * pg-boss), shared by every module that has background work. A module whose jobs are enabled
 * calls `start()` from its own bootstrap (the first call starts the client, later ones wait for
 * it), then creates its queues, schedules and workers on `boss`. pg-boss delivers at least once:
 * handlers must be conditional updates. Stopped once, gracefully, at shutdown.
 */
@Injectable()
export class JobQueue implements BeforeApplicationShutdown {
  private starting: Promise<PgBoss> | null = null;
  private started: PgBoss | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  get isRunning(): boolean {
    return this.started !== null;
  }

  /** The running client; only after `start()` resolved. */
  get boss(): PgBoss {
    if (!this.started) throw new Error('the job queue is not started');
    return this.started;
  }

  private stopping = false;

  start(): Promise<PgBoss> {
    this.starting ??= (async () => {
      // The app's own database: the URL the TypeORM DataSource was configured with.
      const url = (this.dataSource.options as { url?: string }).url;
      const boss = new PgBoss({ connectionString: url, schema: 'pgboss', migrate: false, max: 4, application_name: 'marketplace-jobs' });
      // Once shutdown has begun, a connection cut under a worker that was still finishing is expected
      // (the stop waits at most its timeout before the database goes): a warning, not an error.
      boss.on('error', (error) =>
        this.stopping ? this.logger.warn({ err: error, context: 'jobs' }, 'job queue error while stopping') : this.logger.error({ err: error, context: 'jobs' }, 'job queue error'),
      );
      await boss.start();
      this.started = boss;
      this.logger.info({ context: 'jobs' }, 'job queue started');
      return boss;
    })();
    return this.starting;
  }

  /**
   * Queues a job; with `manager`, inside the caller's transaction (it commits or rolls back with
   * the change that asked for it). Returns the job id, or null when the queue is off or a job with
   * the same singleton key is already waiting.
   */
  async send(queue: string, data: object, options: PgBoss.SendOptions = {}, manager?: EntityManager): Promise<string | null> {
    if (!this.started) return null;
    const db = manager ? { db: { executeSql: async (text: string, values: unknown[]) => ({ rows: (await manager.query(text, values)) as unknown[] }) } } : {};
    return this.started.send(queue, data, { ...options, ...db });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    const boss = this.started;
    this.started = null;
    this.starting = null;
    await boss?.stop({ graceful: true, timeout: 10_000, wait: true });
  }
}
