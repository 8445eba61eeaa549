import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';

/** Injection token of the app's pino logger (provided by CommonModule). */
export const APP_LOGGER = Symbol('APP_LOGGER');

/** Structured JSON logs (one object per line) for the app and Nest's own messages. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'marketplace' }, timestamp: pino.stdTimeFunctions.isoTime });
}

/**
 * Nest's start-up chatter (a line per module and per route, ~250 lines) is for debugging the
 * wiring, not for a person starting the app: logged at debug (LOG_LEVEL=debug shows it).
 */
const BOOTSTRAP_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    if (context && BOOTSTRAP_CONTEXTS.has(context)) this.logger.debug({ context }, String(message));
    else this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}
