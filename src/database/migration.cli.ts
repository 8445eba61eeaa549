import 'reflect-metadata';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadAppConfig } from '../config/app.config';
import { createDataSource } from './data-source';
import { resolveDatabase } from './database-url';
import { withMigrationLock } from './migrate';

/**
 * `npm run migration:run | migration:revert | migration:show | migration:generate -- VerbNoun`
 * against DATABASE_URL, or the embedded cluster under DATA_DIR when it is unset.
 */
const SOURCE_MIGRATIONS_DIR = path.resolve(__dirname, '..', '..', '..', 'migrations');

async function main(): Promise<void> {
  const [command, name] = process.argv.slice(2);
  if (!['run', 'revert', 'show', 'generate'].includes(command ?? '')) {
    console.error('usage: migration.cli.js run | revert | show | generate <VerbNoun>');
    process.exit(2);
  }
  const database = await resolveDatabase(loadAppConfig());
  const dataSource = createDataSource(database.url, { extra: { max: 1, idleTimeoutMillis: 0 } });
  await dataSource.initialize();
  try {
    await withMigrationLock(dataSource, async () => {
      if (command === 'run') {
        const applied = await dataSource.runMigrations({ transaction: 'each' });
        console.log(applied.length ? `applied: ${applied.map((m) => m.name).join(', ')}` : 'schema up to date');
      } else if (command === 'revert') {
        await dataSource.undoLastMigration({ transaction: 'each' });
        console.log('reverted the last migration');
      } else if (command === 'show') {
        const pending = await dataSource.showMigrations();
        console.log(pending ? 'there are pending migrations' : 'no pending migrations');
      } else {
        if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) throw new Error('name the migration in PascalCase, e.g. AddFundTable');
        const sql = await dataSource.driver.createSchemaBuilder().log();
        // Migrations here carry checks, triggers and indexes the entities do not model, so the raw
        // diff would drop them. Generation drafts additive changes only; drops are written by hand.
        const destructive = (text: string) => /^\s*(DROP\b|DELETE\b|ALTER TABLE \S+ DROP\b|ALTER TABLE \S+ ALTER COLUMN \S+ DROP DEFAULT)/i.test(text);
        if (sql.upQueries.length === sql.downQueries.length) {
          const keep = sql.upQueries.map((x) => !destructive(x.query));
          const skipped = keep.filter((k) => !k).length;
          sql.upQueries = sql.upQueries.filter((_, i) => keep[i]);
          sql.downQueries = sql.downQueries.filter((_, i) => keep[i]);
          if (skipped) console.log(`left out ${skipped} destructive statement(s); write drops by hand with npm run migration:create`);
        }
        if (!sql.upQueries.length) {
          console.log('entities and schema agree: nothing to generate');
          return;
        }
        const timestamp = Date.now();
        const q = (text: string) => '`' + text.replace(/`/g, '\\`').replace(/\$\{/g, '\\${') + '`';
        const up = sql.upQueries.map((x) => `    await q.query(${q(x.query)}${x.parameters?.length ? `, ${JSON.stringify(x.parameters)}` : ''});`);
        const down = sql.downQueries.reverse().map((x) => `    await q.query(${q(x.query)}${x.parameters?.length ? `, ${JSON.stringify(x.parameters)}` : ''});`);
        const file = path.join(SOURCE_MIGRATIONS_DIR, `${timestamp}-${name}.ts`);
        fs.writeFileSync(
          file,
          `import { MigrationInterface, QueryRunner } from 'typeorm';\n\nexport class ${name}${timestamp} implements MigrationInterface {\n  name = '${name}${timestamp}';\n\n  public async up(q: QueryRunner): Promise<void> {\n${up.join('\n')}\n  }\n\n  public async down(q: QueryRunner): Promise<void> {\n${down.join('\n')}\n  }\n}\n`,
        );
        console.log(`wrote ${path.relative(process.cwd(), file)}: review it, add checks and constraints, then npm run migration:run`);
      }
    });
  } finally {
    await dataSource.destroy();
    await database.embedded?.stop();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
