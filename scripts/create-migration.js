#!/usr/bin/env node
// npm run migration:create -- VerbNoun   → an empty migration to fill in by hand.
const fs = require('node:fs');
const path = require('node:path');
const name = process.argv[2];
if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
  console.error('usage: npm run migration:create -- VerbNoun (PascalCase)');
  process.exit(2);
}
const ts = Date.now();
const file = path.join(__dirname, '..', 'migrations', `${ts}-${name}.ts`);
fs.writeFileSync(
  file,
  `import { MigrationInterface, QueryRunner } from 'typeorm';

export class ${name}${ts} implements MigrationInterface {
  name = '${name}${ts}';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(\`\`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(\`\`);
  }
}
`,
);
console.log(`created ${path.relative(process.cwd(), file)}`);
