import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { PinoNestLogger, createLogger } from './common/logging/logger';
import { Client } from 'pg';
import { AppConfig, ConfigError, loadAppConfig } from './config/app.config';
import { resolveDatabase } from './database/database-url';
import { runMigrations } from './database/migrate';
import { SYSTEM_ACTOR } from './audit/actor';
import { IdentityService } from './identity/identity.service';
import { seedDemo } from './demo/demo-seed';

async function bootstrap(): Promise<void> {
  const config = loadAppConfig();
  if (process.argv.includes('--demo')) config.demo = true;
  const logger = createLogger(config.logLevel);
  const started = Date.now();
  // The embedded server runs in its own process group: Ctrl-C reaches the app only, which closes
  // its connections (requests, jobs, pools) first and stops the server last.
  const database = await resolveDatabase(config, (message) => logger.debug({ context: 'postgres' }, message), { ownProcessGroup: true });
  logger.info({ embedded: Boolean(database.embedded), dataDir: database.embedded ? config.dataDir : undefined }, 'database ready');

  let app: NestExpressApplication | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    // npm forwards the terminal's SIGINT too: the second one must not cut the first one short.
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    let code = 0;
    try {
      await app?.close();
    } catch (error) {
      code = 1;
      logger.error({ err: error }, 'shutdown failed');
    } finally {
      await database.embedded?.stop();
      logger.info('stopped');
      process.exit(code);
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(signal));

  try {
    if (config.migrationsRun) {
      const applied = await runMigrations(database.url);
      logger.info({ applied }, applied.length ? 'migrations applied' : 'schema up to date');
    }
    await refuseShiftedClockInProduction(config, database.url);
    app = await NestFactory.create<NestExpressApplication>(AppModule.register({ config, databaseUrl: database.url, logger }), {
      logger: new PinoNestLogger(logger),
      bodyParser: false,
    });
    configureApp(app, config, logger);
    if (config.bootstrapAdmin) {
      const created = await app.get(IdentityService).ensureBootstrapAdmin({ ...SYSTEM_ACTOR, roles: ['system:bootstrap'] }, config.bootstrapAdmin.email, config.bootstrapAdmin.password);
      logger.info({ email: config.bootstrapAdmin.email }, created ? 'bootstrap admin created' : 'an admin already exists; ADMIN_EMAIL ignored');
    }
    if (config.demo) await seedDemo(app, (message) => logger.info({ context: 'demo' }, message));
    await app.listen(config.port, config.host);
    logger.info({ url: config.publicUrl, ms: Date.now() - started }, `marketplace listening on ${config.publicUrl}`);
  } catch (error) {
    logger.error({ err: error }, 'start-up failed');
    await database.embedded?.stop();
    process.exit(1);
  }
}

/** Only tests move the database clock; a production database with an offset is refused. */
async function refuseShiftedClockInProduction(config: AppConfig, url: string): Promise<void> {
  if (config.env !== 'production') return;
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ offset_ms: string }>(`SELECT offset_ms FROM clock_settings WHERE id = 1`);
    if (rows.length && Number(rows[0].offset_ms) !== 0) {
      throw new Error(`clock_settings.offset_ms is ${rows[0].offset_ms}: the database clock is shifted; refusing to start in production`);
    }
  } finally {
    await client.end();
  }
}

bootstrap().catch((error: unknown) => {
  // A setting that cannot work (a variable, DATA_DIR): one line saying which and what to do.
  if (error instanceof ConfigError) process.stderr.write(`Cannot start: ${error.message}\n`);
  else process.stderr.write(`Cannot start: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
