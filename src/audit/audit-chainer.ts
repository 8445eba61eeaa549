import { Inject, Injectable, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { ConfigError } from '../config/app.config';
import { AuditService } from './audit.service';
import { APP_LOGGER } from '../common/logging/logger';

/** AUDIT_CHAIN_INTERVAL_MS: how often each instance links new audit events (default 250; 0 = never, the default when NODE_ENV=test). */
export function loadAuditChainInterval(env: NodeJS.ProcessEnv = process.env, nodeEnv = env.NODE_ENV ?? 'development'): number {
  const raw = env.AUDIT_CHAIN_INTERVAL_MS?.trim();
  if (!raw) return nodeEnv === 'test' ? 0 : 250;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(value === 0 || (value >= 10 && value <= 60_000))) {
    throw new ConfigError(`AUDIT_CHAIN_INTERVAL_MS must be 0 or a whole number from 10 to 60000, got "${raw}"`);
  }
  return value;
}

/**
 * Links committed audit events into the hash chain a few times a second, in every instance;
 * the advisory lock inside chainPending() lets only one of them work at a time, and a busy
 * instance simply skips its turn. Started at boot (linking whatever a stopped instance left) and
 * stopped, after one last round, at shutdown.
 */
@Injectable()
export class AuditChainer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private readonly intervalMs = loadAuditChainInterval();

  constructor(
    private readonly audit: AuditService,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.intervalMs === 0) return;
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
    this.tick();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    if (this.intervalMs !== 0) await this.round();
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.round().finally(() => (this.running = undefined));
  }

  private async round(): Promise<void> {
    try {
      const linked = await this.audit.chainPending({ wait: false });
      if (linked > 0) this.logger.debug({ context: 'audit', linked }, 'audit events chained');
    } catch (error) {
      this.logger.error({ err: error, context: 'audit' }, 'chaining audit events failed; will retry');
    }
  }
}
