import * as ts from 'typescript';

// Finds every table a TypeScript source touches, for the ownership test (`ownership.spec.ts`):
// the SQL in its string and template literals (INSERT INTO, UPDATE, DELETE FROM, TRUNCATE,
// MERGE INTO are writes; FROM and JOIN are reads) and the TypeORM targets (an entity class passed
// to getRepository, InjectRepository, createQueryBuilder, from/into/update/delete, save, insert …).
// Only names in `knownTables` count, so aliases, CTEs and functions in FROM are ignored.

export type AccessKind = 'write' | 'read';

export interface TableAccess {
  line: number;
  table: string;
  kind: AccessKind;
  /** For an SQL UPDATE: the columns it sets. */
  columns?: string[];
}

const SQL_HINT = /\b(select|insert\s+into|update|delete\s+from|truncate|merge\s+into|with)\b/i;
const IDENT = String.raw`"?([a-z_][a-z0-9_]*)\b"?(?:\."?([a-z_][a-z0-9_]*)\b"?)?`;
const WRITE_PATTERNS = [
  new RegExp(String.raw`\binsert\s+into\s+${IDENT}`, 'gi'),
  // Not the row lock (FOR UPDATE [OF t]) nor the upsert branch (ON CONFLICT … DO UPDATE SET).
  new RegExp(String.raw`(?<!\bfor\s+)(?<!\bdo\s+)(?<!\bfor\s+no\s+key\s+)\bupdate\s+(?:only\s+)?${IDENT}`, 'gi'),
  new RegExp(String.raw`\bdelete\s+from\s+(?:only\s+)?${IDENT}`, 'gi'),
  new RegExp(String.raw`\btruncate\s+(?:table\s+)?(?:only\s+)?${IDENT}`, 'gi'),
  new RegExp(String.raw`\bmerge\s+into\s+${IDENT}`, 'gi'),
];
const READ_PATTERNS = [new RegExp(String.raw`(?<!\bdelete\s+)\b(?:from|join)\s+(?:only\s+|lateral\s+)?${IDENT}`, 'gi')];

// Method called with an entity class as its first argument → what it does to that entity's table.
const WRITE_METHODS = new Set(['save', 'insert', 'update', 'delete', 'remove', 'upsert', 'increment', 'decrement', 'softDelete', 'softRemove', 'restore', 'into', 'clear', 'preload']);
const READ_METHODS = new Set([
  'find',
  'findBy',
  'findOne',
  'findOneBy',
  'findOneOrFail',
  'findOneByOrFail',
  'findAndCount',
  'findAndCountBy',
  'count',
  'countBy',
  'exists',
  'existsBy',
  'sum',
  'average',
  'minimum',
  'maximum',
  'from',
  'innerJoin',
  'leftJoin',
  'innerJoinAndSelect',
  'leftJoinAndSelect',
  'createQueryBuilder',
  'hasId',
  'getId',
  'create',
  'merge',
]);
// Methods that hand out a repository: what is done with it depends on the chained call.
const REPOSITORY_METHODS = new Set(['getRepository', 'InjectRepository', 'withRepository', 'getTreeRepository']);

export function tableAccesses(fileName: string, source: string, knownTables: ReadonlySet<string>, entityTables: ReadonlyMap<string, string>): TableAccess[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const found: TableAccess[] = [];
  const lineOf = (pos: number) => file.getLineAndCharacterOfPosition(pos).line + 1;

  const scanSql = (text: string, start: number) => {
    if (!SQL_HINT.test(text)) return;
    const record = (patterns: RegExp[], kind: AccessKind) => {
      for (const pattern of patterns) {
        for (const m of text.matchAll(pattern)) {
          const table = qualified(m[1], m[2]);
          if (!knownTables.has(table)) continue;
          const offset = text.slice(0, m.index).split('\n').length - 1;
          const access: TableAccess = { line: lineOf(start) + offset, table, kind };
          if (/^update/i.test(m[0])) access.columns = setColumns(text.slice(m.index + m[0].length));
          found.push(access);
        }
      }
    };
    record(WRITE_PATTERNS, 'write');
    record(READ_PATTERNS, 'read');
  };

  const visit = (node: ts.Node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      scanSql(node.text, node.getStart(file));
    } else if (ts.isTemplateExpression(node)) {
      // Interpolations become a placeholder, so `FROM ${table}` is not a table but the text around stays SQL.
      const text = [node.head.text, ...node.templateSpans.map((s) => ' $x ' + s.literal.text)].join('');
      scanSql(text, node.getStart(file));
    } else if (ts.isCallExpression(node)) {
      const method = ts.isPropertyAccessExpression(node.expression) ? node.expression.name.text : ts.isIdentifier(node.expression) ? node.expression.text : undefined;
      const first = node.arguments[0];
      // An entity class, or a table named as a string (`.from('projects', 'p')`, `getRepository('bids')`).
      const table = !method || !first ? undefined : ts.isIdentifier(first) ? entityTables.get(first.text) : ts.isStringLiteralLike(first) && knownTables.has(first.text) ? first.text : undefined;
      if (method && table) {
        let kind: AccessKind | undefined;
        if (WRITE_METHODS.has(method)) kind = 'write';
        else if (READ_METHODS.has(method)) kind = 'read';
        else if (REPOSITORY_METHODS.has(method)) kind = repositoryUse(node, file);
        if (kind) found.push({ line: lineOf(node.getStart(file)), table, kind });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

// `getRepository(X).find(...)` reads; `getRepository(X).update(...)` writes; an injected
// repository (`@InjectRepository(X) private readonly repo`) reads when every `this.repo.m(...)`
// in the file is a read; any other use of a repository counts as a write.
function repositoryUse(call: ts.CallExpression, file: ts.SourceFile): AccessKind {
  const parent = call.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.expression === call) {
    const next = parent.name.text;
    if (WRITE_METHODS.has(next)) return 'write';
    if (READ_METHODS.has(next)) return 'read';
  }
  if (ts.isDecorator(parent) && ts.isParameter(parent.parent) && ts.isIdentifier(parent.parent.name)) {
    const field = parent.parent.name.text;
    const uses: string[] = [];
    const visit = (node: ts.Node) => {
      if (ts.isPropertyAccessExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === field && node.expression.expression.kind === ts.SyntaxKind.ThisKeyword)
        uses.push(node.name.text);
      ts.forEachChild(node, visit);
    };
    visit(file);
    if (uses.every((m) => READ_METHODS.has(m))) return 'read';
  }
  return 'write';
}

// `SET a = …, (b, c) = …, d = f(x, y) WHERE …` → [a, b, c, d]
function setColumns(rest: string): string[] {
  const head = /^\s+(?:as\s+)?(?:[a-z_][a-z0-9_]*\s+)?set\s+/i.exec(rest);
  if (!head) return [];
  const body = rest.slice(head[0].length);
  const columns: string[] = [];
  let depth = 0;
  let piece = '';
  const flush = () => {
    const target = piece.split('=')[0];
    for (const name of target.replace(/[()"]/g, ' ').split(',')) {
      const column = name.trim().split('.').pop();
      if (column) columns.push(column.toLowerCase());
    }
    piece = '';
  };
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (depth === 0 && /^\b(where|returning|from)\b/i.test(body.slice(i)) && /\W/.test(body[i - 1] ?? ' ')) break;
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) flush();
    else piece += ch;
  }
  flush();
  return columns;
}

// `@Entity('table')` / `@Entity({ name: 'table' })` above `class X` → X ↦ table.
export function entityTablesIn(fileName: string, source: string): Map<string, string> {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const result = new Map<string, string>();
  const visit = (node: ts.Node) => {
    if (ts.isClassDeclaration(node) && node.name) {
      for (const decorator of ts.getDecorators(node) ?? []) {
        const call = decorator.expression;
        if (!ts.isCallExpression(call) || !ts.isIdentifier(call.expression) || call.expression.text !== 'Entity') continue;
        const arg = call.arguments[0];
        if (arg && ts.isStringLiteral(arg)) result.set(node.name.text, arg.text);
        else if (arg && ts.isObjectLiteralExpression(arg)) {
          for (const p of arg.properties) {
            if (ts.isPropertyAssignment(p) && p.name.getText(file) === 'name' && ts.isStringLiteral(p.initializer)) result.set(node.name.text, p.initializer.text);
          }
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return result;
}

// Tables (and views) a migration creates, from the SQL in its string literals. Names outside
// `public` keep their schema (`pgboss.job`); a name built at run time (`pgboss.%I`) is none.
export function tablesCreatedBy(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const names: string[] = [];
  const pattern = new RegExp(String.raw`\bcreate\s+(?:unlogged\s+)?(?:table|(?:or\s+replace\s+)?(?:materialized\s+)?view)\s+(?:if\s+not\s+exists\s+)?${IDENT}(?![.%])`, 'gi');
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      for (const m of node.text.matchAll(pattern)) names.push(qualified(m[1], m[2]));
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return names;
}

function qualified(first: string, second: string | undefined): string {
  if (second === undefined || first.toLowerCase() === 'public') return (second ?? first).toLowerCase();
  return `${first}.${second}`.toLowerCase();
}
