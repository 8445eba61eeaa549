import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { DataSource, EntityManager } from 'typeorm';
import { SYSTEM_ACTOR } from '../../audit/actor';
import { JobQueue } from '../../common/jobs/job-queue';
import { BIDDING_CONFIG, BiddingConfig } from '../bidding.config';
import { ProjectsService } from '../../procurement/projects.service';
import { OpeningService } from './opening.service';
import { APP_LOGGER } from '../../common/logging/logger';

export const OPEN_PROJECT_QUEUE = 'bidding.open-project';
export const SCAN_DEADLINES_QUEUE = 'bidding.scan-deadlines';
/** The scan queues an exact-time opening for deadlines this close. */
export const SCAN_HORIZON_SECONDS = 120;

export interface OpenProjectJob {
  projectId: string;
  deadline: string;
}

/** One opening job per project and deadline: an extended deadline gets a new job, a repeat is dropped. */
export function openingSingletonKey(projectId: string, deadline: Date): string {
  return `${projectId}@${deadline.toISOString()}`;
}

/**
 * The automatic opening, on the shared job queue (common/jobs): an every-minute schedule (run once across instances) queues an
 * exact-time job for each deadline in the next two minutes and opens overdue projects; the first
 * bid of a project queues its job in the same transaction. JOBS_ENABLED=false turns it off.
 */
@Injectable()
export class OpeningJobs implements OnApplicationBootstrap {
  private started = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: JobQueue,
    private readonly opening: OpeningService,
    private readonly projects: ProjectsService,
    @Inject(BIDDING_CONFIG) private readonly config: BiddingConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  get isRunning(): boolean {
    return this.started && this.queue.isRunning;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.jobsEnabled) return;
    const boss = await this.queue.start();
    await boss.createQueue(OPEN_PROJECT_QUEUE, { name: OPEN_PROJECT_QUEUE, policy: 'short', retryLimit: 10, retryDelay: 15, retryBackoff: true, expireInSeconds: 600 });
    await boss.createQueue(SCAN_DEADLINES_QUEUE, { name: SCAN_DEADLINES_QUEUE, policy: 'short', retryLimit: 0, expireInSeconds: 120 });
    await boss.schedule(SCAN_DEADLINES_QUEUE, '* * * * *', {}, { tz: 'Asia/Shanghai' });
    await boss.work<OpenProjectJob>(OPEN_PROJECT_QUEUE, { pollingIntervalSeconds: 1, batchSize: 1 }, async (jobs) => {
      for (const job of jobs) await this.runOpening(job.data.projectId);
    });
    await boss.work(SCAN_DEADLINES_QUEUE, { pollingIntervalSeconds: 2, batchSize: 1 }, async () => {
      await this.scanDeadlines();
    });
    this.started = true;
  }

  /** The job's work: open the project if it is due (idempotent). */
  async runOpening(projectId: string) {
    const outcome = await this.opening.openProject(SYSTEM_ACTOR, projectId, 'job');
    if (outcome.opened) this.logger.info({ context: 'jobs', projectId, ...outcome }, 'opening job opened the bids');
    return outcome;
  }

  /**
   * Queues an exact-time opening for every published project whose deadline is within
   * SCAN_HORIZON_SECONDS (database clock), overdue ones at once. Returns how many were queued.
   */
  async scanDeadlines(): Promise<number> {
    const due = await this.projects.dueForOpening(SCAN_HORIZON_SECONDS);
    let queued = 0;
    for (const p of due) if (await this.send(p.id, p.bidDeadlineAt, p.delaySeconds)) queued++;
    return queued;
  }

  /** Queues the project's opening for its deadline inside the caller's transaction (first bid). */
  async scheduleOpening(manager: EntityManager, project: { id: string; bidDeadlineAt: Date | null }): Promise<void> {
    if (!this.isRunning || !project.bidDeadlineAt) return;
    const [{ delay }] = (await manager.query(`SELECT greatest(0, ceil(extract(epoch FROM $1::timestamptz - app_now())))::int AS delay`, [project.bidDeadlineAt])) as Array<{ delay: number }>;
    await this.send(project.id, project.bidDeadlineAt, delay, manager);
  }

  private async send(projectId: string, deadline: Date, delaySeconds: number, manager?: EntityManager): Promise<boolean> {
    if (!this.isRunning) return false;
    const data: OpenProjectJob = { projectId, deadline: deadline.toISOString() };
    // start_after is the queue's own clock (now() + delay): the delay comes from app_now(), the deadline's clock.
    const id = await this.queue.send(OPEN_PROJECT_QUEUE, data, { singletonKey: openingSingletonKey(projectId, deadline), startAfter: delaySeconds }, manager);
    return id !== null;
  }
}
