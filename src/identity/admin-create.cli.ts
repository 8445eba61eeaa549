import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module';
import { SYSTEM_ACTOR } from '../audit/actor';
import { createLogger } from '../common/logging/logger';
import { loadAppConfig } from '../config/app.config';
import { resolveDatabase } from '../database/database-url';
import { runMigrations } from '../database/migrate';
import { IdentityService } from './identity.service';

/**
 * npm run admin:create -- --email admin@bureau.example --name "Wang Min"
 * The password comes from ADMIN_PASSWORD, or is read from standard input (never an argument,
 * which would end up in shell history and process lists).
 */
function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Password: ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
}

async function main(): Promise<void> {
  const email = arg('email');
  const name = arg('name') ?? 'Administrator';
  if (!email) {
    console.error('usage: npm run admin:create -- --email <email> [--name <display name>]  (password from ADMIN_PASSWORD or stdin)');
    process.exit(2);
  }
  const password = process.env.ADMIN_PASSWORD ?? (await readStdin());
  const config = { ...loadAppConfig(), logLevel: 'warn', bootstrapAdmin: null };
  const database = await resolveDatabase(config);
  try {
    await runMigrations(database.url);
    const app = await NestFactory.createApplicationContext(AppModule.register({ config, databaseUrl: database.url, logger: createLogger('warn') }), { logger: false });
    try {
      const identity = app.get(IdentityService);
      const user = await app.get(DataSource).transaction((m) => identity.createUser(m, { ...SYSTEM_ACTOR, roles: ['system:admin-create'] }, { email, displayName: name, password, roles: ['admin'] }));
      console.log(`created admin ${user.email} (${user.id})`);
    } finally {
      await app.close();
    }
  } finally {
    await database.embedded?.stop();
  }
}

main().catch((error: Error & { fields?: Record<string, string[]> }) => {
  console.error(error.fields ? `${error.message}: ${JSON.stringify(error.fields)}` : error.message);
  process.exit(1);
});
