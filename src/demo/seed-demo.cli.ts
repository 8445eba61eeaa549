import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { createLogger } from '../common/logging/logger';
import { loadAppConfig } from '../config/app.config';
import { resolveDatabase } from '../database/database-url';
import { runMigrations } from '../database/migrate';
import { seedDemo } from './demo-seed';

/** npm run seed:demo — creates the demo district in DATABASE_URL or the embedded cluster (once). */
async function main(): Promise<void> {
  process.env.JOBS_ENABLED = 'false'; // seeding needs no background jobs
  const config = { ...loadAppConfig(), logLevel: 'warn', bootstrapAdmin: null, demo: false };
  const database = await resolveDatabase(config);
  try {
    await runMigrations(database.url);
    const app = await NestFactory.createApplicationContext(AppModule.register({ config, databaseUrl: database.url, logger: createLogger('warn') }), { logger: false });
    try {
      await seedDemo(app, (m) => console.log(m));
    } finally {
      await app.close();
    }
  } finally {
    await database.embedded?.stop();
  }
}

main().catch((error: Error & { fields?: unknown }) => {
  console.error(error.fields ? `${error.message}: ${JSON.stringify(error.fields)}` : (error.stack ?? error.message));
  process.exit(1);
});
