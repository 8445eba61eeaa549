import { DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig } from '../config/app.config';
import { FormContextRegistry } from './http/form-context.registry';
import { Clock, SystemClock } from './clock/clock';
import { DashboardRegistry } from './views/dashboard.registry';
import { JobQueue } from './jobs/job-queue';
import { APP_LOGGER } from './logging/logger';

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Cross-cutting services every module may inject: config, logger, clock, form contexts, the job queue. */
@Global()
@Module({})
export class CommonModule {
  static register(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: CommonModule,
      providers: [{ provide: APP_CONFIG, useValue: config }, { provide: APP_LOGGER, useValue: logger }, { provide: Clock, useClass: SystemClock }, FormContextRegistry, DashboardRegistry, JobQueue],
      exports: [APP_CONFIG, APP_LOGGER, Clock, FormContextRegistry, DashboardRegistry, JobQueue],
    };
  }
}
